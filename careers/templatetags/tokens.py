"""The CSRF token of a form, given from outside it: {% form_token "form-id" %}.

Stored pages move these inputs to their end, so that all the rest of a page is the same for every
visitor (careers.pages). Anywhere else the input can stand inside its form.
"""

from django import template
from django.utils.html import format_html

from ..pages import TOKEN_INPUT

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context, form: str) -> str:
    token = context.get("csrf_token")
    # As {% csrf_token %}: nothing where the page has no token.
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html(TOKEN_INPUT, token=token, form=form)
