"""What the pages show of the visitor's progress: the overlay of their statuses on a roadmap,
each item's status control, and the counts."""

from django import template

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


@register.inclusion_tag("progress/_item_status.html", takes_context=True)
def item_status(context, item, status: Status, oob: bool = False, next_page: str = "") -> dict:
    """One item's status control, a button for each status; it posts without JavaScript too."""
    return {
        "item": item,
        "status": status,
        "choices": Status.choices,
        "oob": oob,
        "next": next_page or context["request"].get_full_path(),
    }


@register.inclusion_tag("progress/_step_counter.html")
def step_counter(progress: Overlay, stage, oob: bool = False) -> dict:
    """How many of a stage's items are done; `stage` is a Stage or a step."""
    return {"slug": stage.slug, "summary": progress.by_stage[stage.slug], "oob": oob}
