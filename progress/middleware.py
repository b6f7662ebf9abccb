"""What the progress app adds to each request.

`request.owner` says whose progress the request reads and writes (see progress.models.Owner).

The session that holds an anonymous visitor's progress is kept alive while they use it. Django
saves a session, and so renews its expiry and cookie, only when its data changes, and marking an
item again changes nothing in it: left alone, the session would end SESSION_COOKIE_AGE after the
first change, taking the progress with it. So every change renews it, and so does a visit, at
most once a day, so that reading pages does not mean writing the session each time.
"""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import RENEWED, SESSION_OWNER, Owner

VISIT_RENEWS_AFTER = timedelta(days=1)
# What Django's session keys are made of; the database column holds at most 40 characters.
SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


def renewed_at(session: SessionBase) -> datetime | None:
    value = session.get(RENEWED)
    return datetime.fromisoformat(value) if value else None


def renew(session: SessionBase) -> None:
    # A change to the session's data makes SessionMiddleware save it with a new expiry and
    # send its cookie again with a new Max-Age.
    session[RENEWED] = timezone.now().isoformat()


class KeepVisitorProgressMiddleware:
    """Renews the session of a visitor with progress and no account on each change of it (any
    POST that succeeds) and on a visit a day after the last renewal (until when the progress is
    then kept: Owner.kept_until)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a visitor with a session cookie can have progress; others' sessions stay unread.
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not SESSION_KEY.fullmatch(key):
            # A key the site never gave out (with a NUL byte, say, which PostgreSQL refuses
            # even to look up) is no session, as an expired one is; its cookie is deleted.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
            key = None
        session = request.session
        if key is not None and SESSION_OWNER in session:
            renewed = renewed_at(session)
            if renewed is None or timezone.now() - renewed >= VISIT_RENEWS_AFTER:
                renew(session)
        response = self.get_response(request)
        # The session holds progress only while the visitor has no account: signing in moves it.
        if (
            request.method == "POST"
            and response.status_code < 400
            and SESSION_OWNER in request.session
        ):
            renew(request.session)
        return response


class OwnerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.owner = SimpleLazyObject(lambda: Owner.of(request))
        return self.get_response(request)
