"""What the pages show of the visitor's progress: the overlay of their statuses on a roadmap,
each item's status control, the marks that show a status, the counts, and the careers a visitor
has started."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from careers.models import Career
from careers.roadmap import Roadmap
from careers.templatetags.messages_at import message_at

from ..forms import status_form_id
from ..models import Progress, Status
from ..overlay import CareerProgress, Overlay

register = template.Library()


@register.simple_tag(takes_context=True)
def progress_on(context, roadmap: Roadmap) -> Overlay:
    """The visitor's statuses on the roadmap: {% progress_on roadmap as progress %}."""
    owner = context["request"].owner
    return Overlay.of(roadmap, *owner.marks(roadmap.career))


@register.simple_tag(takes_context=True)
def careers_in_progress(context) -> list[Overlay]:
    """The visitor's overlay on every career in which they have marked an item with a status
    other than not started: {% careers_in_progress as started %}."""
    owner = context["request"].owner
    marked = Progress.objects.of(owner).exclude(status=Status.NOT_STARTED)
    careers = Career.objects.filter(pk__in=marked.values("item__career"))
    overlays = [
        Overlay.of(Roadmap.read(career.slug, ("steps", "checklist")), *owner.marks(career))
        for career in careers
    ]
    return [overlay for overlay in overlays if overlay.summary.started]


@register.filter
def status_of(progress: Overlay, item) -> Status:
    return progress.statuses[item.pk]


@register.filter
def has_note(progress: Overlay, item) -> bool:
    return item.pk in progress.noted


@register.filter
def note_of(progress: CareerProgress, item) -> str:
    return progress.notes.get(item.pk, "")


@register.simple_tag
def status_mark(status: str, label_hidden: bool = False) -> SafeString:
    """A status as its mark: icon, colour and label (see .status-mark in site.css); with
    `label_hidden` the label is left to screen readers, where the icon stands in a small space."""
    status = Status(status)
    label = format_html('<span class="visually-hidden">{}</span>', status.label)
    return format_html(
        '<span class="status-mark status-{}">{}</span>',
        status.value,
        label if label_hidden else status.label,
    )


@register.inclusion_tag("progress/_item_status.html", takes_context=True)
def item_status(context, item, status: Status, next_page: str = "", **options) -> dict:
    """One item's status control, a radio group that posts without JavaScript too, and a link
    to the item's note. Options: `has_note`, whether there is a note, where the page knows it;
    `note_link=False` leaves the link out; `oob`; `prefix` starts its ids, for a second control
    of the same item on one page (the map's panel); `live_region=False` leaves out the region
    after the control that says what was saved, for an answer that keeps the page's own (a
    control sent out of band never has one).

    After a status saved without JavaScript the page it comes back to says so beside the control
    ("Saved: Done"): a message placed at it (see careers/templatetags/messages_at.py). Answers to
    htmx leave messages alone: they come after no such save, and no page shows them."""
    request = context["request"]
    form_id = status_form_id(item, options.get("prefix", ""))
    messages = context.get("messages")
    saved = message_at(messages, form_id) if messages and not request.htmx else None
    return {
        "form_id": form_id,
        "saved": saved,
        "item": item,
        "status": status,
        "choices": Status.choices,
        "next": next_page or request.get_full_path(),
        # Pages are stored apart for visitors with and without progress (careers.pages).
        "new_visitor": not request.owner,
        **options,
    }


@register.inclusion_tag("progress/_step_counter.html")
def step_counter(progress: Overlay, stage, oob: bool = False, prefix: str = "") -> dict:
    """How many of a stage's items are done; `stage` is a Stage or a step. `prefix` starts its
    id, for a second counter of the same stage on one page (the map's)."""
    summary = progress.by_stage[stage.slug]
    return {"slug": stage.slug, "summary": summary, "oob": oob, "prefix": prefix}
