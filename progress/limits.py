"""Limits on what one client can do: how often (settings.RATE_LIMITS, counted by django-ratelimit in
the default cache) and how much its notes hold (settings.NOTES_TOTAL_LIMITS)."""

import ipaddress
import logging
import math
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from careers.models import ChecklistItem

from .models import Owner, Progress

log = logging.getLogger(__name__)

WHAT_IS_LIMITED = {
    "progress": "Too many changes to progress in a short time: this one was not saved.",
    "import": "Too many imports in a short time: nothing was imported.",
    "signup": "Too many sign-ups from your address in a short time: no account was created.",
    "password_reset": "Too many password resets asked for in a short time: no mail was sent.",
    "sign_in": "Too many sign-ins from your address in a short time: you are not signed in.",
    "password": "Too many tries of your password in a short time: nothing was changed.",
}


def address(request: HttpRequest) -> str:
    """The address django-axes counts failed sign-ins under, so that both agree; IPv6 by its /64,
    which one home or phone gets whole. Requests whose address cannot be told share one count."""
    found = get_client_ip_address(request) or "unknown"
    if ":" in found:
        return str(ipaddress.ip_network(f"{found}/64", strict=False).network_address)
    return found


def visitor(request: HttpRequest) -> str | None:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    key = request.session.session_key
    return f"session:{key}" if key else None


def new_visitor(request: HttpRequest) -> str | None:
    """The address of a visitor without account or session, whose first save starts a session."""
    return None if visitor(request) else address(request)


def email(request: HttpRequest) -> str | None:
    return request.POST.get("email", "").strip().lower() or None


KEYS: dict[str, Callable[[HttpRequest], str | None]] = {
    "visitor": visitor,
    "address": address,
    "new_visitor": new_visitor,
    "email": email,
}


def seconds_to_wait(request: HttpRequest, kind: str) -> int | None:
    """Counts the request against each of the kind's rates; how long until every exceeded one
    allows it again, or None when none is exceeded."""
    waits = []
    for key, rate in settings.RATE_LIMITS[kind].items():
        value = KEYS[key](request)
        if value is None:
            continue
        try:
            usage = get_usage(
                request,
                group=f"{kind}:{key}",
                key=lambda _group, _request, value=value: value,
                rate=rate,
                method="POST",
                increment=True,
            )
        except Exception as error:
            # A limit never takes the site down: whatever the cache raises, the request goes on.
            log.warning("Rate limit %s per %s not counted, the cache failed: %r", kind, key, error)
            continue
        if usage and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits, default=None)


def limited(kind: str):
    """Refuses, with a 429 and nothing done, a POST beyond one of settings.RATE_LIMITS[kind]."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                wait = seconds_to_wait(request, kind)
                if wait is not None:
                    return too_many_requests(request, WHAT_IS_LIMITED[kind], wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def how_long(seconds: int) -> str:
    for unit, length in (("hour", 3600), ("minute", 60)):
        if seconds > length:
            count = math.ceil(seconds / length)
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} second{'s' if seconds > 1 else ''}"


def too_many_requests(request: HttpRequest, message: str, wait: int) -> HttpResponse:
    """The 429 page; to a control that asked through HTMX, the message alone, added inside it."""
    context = {"message": message, "wait": how_long(wait)}
    if request.htmx and not request.htmx.boosted:
        response = render(
            request, "includes/_rate_limited.html", context, status=HTTPStatus.TOO_MANY_REQUESTS
        )
        response["HX-Reswap"] = "beforeend"
        response["HX-Reselect"] = ".rate-limited"
    else:
        response = render(request, "429.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = str(wait)
    return response


def notes_refusal(owner: Owner, notes: dict[ChecklistItem, str]) -> str | None:
    """Why the owner may not give these items these notes, or None if they may: all their notes
    together would hold more than their kind of owner may keep, and more than they hold now (so a
    visitor above the limit, with notes joined at sign-in, can still shorten or re-import them).

    Call it with the owner Owner.locked gives, in the transaction that saves the notes: the
    owner's other requests wait until that commits, so two sent at once cannot both pass on the
    same total."""
    limit = settings.NOTES_TOTAL_LIMITS["account" if owner.is_account else "session"]
    records = Progress.objects.of(owner)
    after = records.exclude(item__in=list(notes)).notes_length() + sum(map(len, notes.values()))
    if after <= limit or after <= records.notes_length():
        return None
    if owner.is_account:
        return (
            f"Your notes can hold {limit:,} characters in all; with this they would hold "
            f"{after:,}. Nothing was saved."
        )
    return (
        f"Without an account, notes can hold {limit:,} characters in all; with this they would "
        f"hold {after:,}. Nothing was saved. Shorten a note, or sign up to keep up to "
        f"{settings.NOTES_TOTAL_LIMITS['account']:,}."
    )
