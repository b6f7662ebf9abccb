"""Where a page shows a message: at its top, or right after the form whose save it confirms.

A view that saves a form and redirects back to it gives its message the form's id as extra_tags
(`messages.success(request, "Saved: Done", extra_tags="status-git")`), so that the page shows it
where the redirect lands and the visitor acted, not at a top they are scrolled away from; every
other message goes at the top (includes/_messages.html). A page with a message waiting is
rendered for its visitor alone, never stored (careers.pages).
"""

from django import template
from django.contrib.messages.storage.base import Message

register = template.Library()


@register.filter
def at_top(messages) -> list[Message]:
    return [message for message in messages or () if not message.extra_tags]


@register.filter
def message_at(messages, form_id: str) -> Message | None:
    """The latest message that confirms a save of the form with this id, if any."""
    placed = [message for message in messages or () if message.extra_tags == form_id]
    return placed[-1] if placed else None
