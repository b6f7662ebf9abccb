"""What the pages show of the visitor's progress: the overlay of their statuses on a roadmap,
each item's status control, the marks that show a status, and the counts."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from careers.roadmap import Roadmap

from ..models import Status
from ..overlay import Overlay

register = template.Library()


@register.simple_tag(takes_context=True)
def progress_on(context, roadmap: Roadmap) -> Overlay:
    """The visitor's statuses on the roadmap: {% progress_on roadmap as progress %}."""
    owner = context["request"].owner
    return Overlay.of(roadmap, owner.statuses(roadmap.career))


@register.filter
def status_of(progress: Overlay, item) -> Status:
    return progress.status_of(item)


@register.simple_tag
def status_mark(status: str) -> SafeString:
    """A status as its mark: icon, colour and label (see .status-mark in site.css)."""
    status = Status(status)
    return format_html('<span class="status-mark status-{}">{}</span>', status.value, status.label)


@register.inclusion_tag("progress/_item_status.html", takes_context=True)
def item_status(
    context,
    item,
    status: Status,
    oob: bool = False,
    next_page: str = "",
    has_note: bool | None = None,
    note_link: bool = True,
) -> dict:
    """One item's status control, a radio group that posts without JavaScript too, and a link
    to the item's note; `has_note` says whether there is one, where the page knows it."""
    return {
        "item": item,
        "status": status,
        "choices": Status.choices,
        "oob": oob,
        "next": next_page or context["request"].get_full_path(),
        "has_note": has_note,
        "note_link": note_link,
    }


@register.inclusion_tag("progress/_step_counter.html")
def step_counter(progress: Overlay, step, oob: bool = False) -> dict:
    return {"step": step, "summary": progress.by_step[step.pk], "oob": oob}
