"""The visitor's CSRF token: for one form, given from outside it ({% form_token "form-id" %}), and
for htmx's requests ({% page_token %}, last in base.html).

Stored pages move the forms' inputs to their end, so that all the rest of a page is the same for
every visitor (careers.pages). Anywhere else the input can stand inside its form.
"""

from django import template
from django.utils.html import format_html

from ..pages import PAGE_TOKEN_INPUT, TOKEN_INPUT

register = template.Library()


def _token(context) -> str:
    token = context.get("csrf_token")
    # As {% csrf_token %}: nothing where the page has no token.
    return "" if not token or token == "NOTPROVIDED" else str(token)


@register.simple_tag(takes_context=True)
def form_token(context, form: str) -> str:
    token = _token(context)
    return format_html(TOKEN_INPUT, token=token, form=form) if token else ""


@register.simple_tag(takes_context=True)
def page_token(context) -> str:
    token = _token(context)
    return format_html(PAGE_TOKEN_INPUT, token=token) if token else ""
