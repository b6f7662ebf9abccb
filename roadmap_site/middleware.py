"""The request log with its request ids, the page a visitor gets while the database is out, the
answers to a request that cannot be read or uses a method the address does not take, and the
Content-Security-Policy header."""

import logging
import re
import sys
import time
import uuid
from http import HTTPStatus
from urllib.parse import parse_qsl

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat

from .logs import REQUEST_ID

logger = logging.getLogger("roadmap_site.requests")
database_logger = logging.getLogger("roadmap_site.database")

# What a proxy's request id may look like: printable ASCII without spaces, at most 200 of it.
PROXY_REQUEST_ID = re.compile(r"[!-~]{1,200}")
# Seconds a visitor (or a crawler) is asked to wait before trying again while the database is out.
RETRY_AFTER_SECONDS = 30
# While the database is out every request fails the same way: its cause is logged this often.
DATABASE_WARNING_SECONDS = 60


class RequestLogMiddleware:
    """Gives each request an id, sent back in X-Request-ID and put on every log record made while
    answering it, and logs one line per request: method, path, status and duration.

    A proxy of our own (TRUSTED_PROXY_COUNT > 0) may hand over its id in X-Request-ID so that its
    logs and ours match; without one, anybody could choose the id their request is logged under.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = request.request_id = self.proxy_request_id(request) or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            REQUEST_ID.reset(token)

    @staticmethod
    def proxy_request_id(request) -> str | None:
        if settings.TRUSTED_PROXY_COUNT <= 0:
            return None
        offered = request.headers.get("X-Request-ID", "")
        return offered if PROXY_REQUEST_ID.fullmatch(offered) else None


_last_database_warning: float | None = None


def database_unreachable(error: Exception) -> None:
    """Log why the database failed, at most once a minute per process."""
    global _last_database_warning
    now = time.monotonic()
    if _last_database_warning is None or now - _last_database_warning >= DATABASE_WARNING_SECONDS:
        _last_database_warning = now
        database_logger.warning(
            "The database could not answer: %s. Pages that need it answer 503 until it does.",
            str(error).strip().rstrip("."),
        )


def service_unavailable() -> HttpResponse:
    # Rendered without the request: its context (the visitor's account) needs the database.
    response = HttpResponse(
        loader.render_to_string("503.html"), status=HTTPStatus.SERVICE_UNAVAILABLE
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class HeadMiddleware:
    """Answers HEAD with what GET would send but its body. Django leaves dropping the body to the
    server; gunicorn drops it too, but logs a warning for every such answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            # Its Content-Length, where it has one, stays: the length GET's body would have.
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response


class MethodNotAllowedPageMiddleware:
    """Puts the site's page into a 405, which Django answers empty (require_POST, a class-based
    view's unknown method): someone who opens the address of a form, /accounts/logout/ say,
    learns what it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED and not response.content:
            response.content = loader.render_to_string("405.html")
            response["Content-Type"] = "text/html; charset=utf-8"
            # CommonMiddleware, below, gave the empty answer its length.
            response["Content-Length"] = str(len(response.content))
        return response


class ExplainedRefusal(SuspiciousOperation):
    """A request refused for a reason the 400 page gives (bad_request): its message, which
    completes "…, so nothing was changed". Django logs it as django.security.<its class>."""


class UndecodableForm(ExplainedRefusal):
    """A form whose text is not UTF-8, the only encoding a form's fields may come in."""


class FormTextMiddleware:
    """Refuses a form whose text is not UTF-8 (400, see bad_request). Django reads each byte it
    cannot decode as the replacement character, and a view would save that: a note sent in
    Latin-1 lost its accented letters without a word. Browsers send a page's forms in the page's
    UTF-8, so only a request made some other way meets this. A file sent with a form is read by
    its own view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            try:
                parse_qsl(request.body.decode(), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise UndecodableForm(
                    "The text of this form was not sent as UTF-8, so some of its letters could "
                    "not be read"
                ) from None
        return self.get_response(request)


def bad_request(request, exception) -> HttpResponse:
    """The site's 400 page, rendered without reading the request. Django's own reads the form
    again for its CSRF check: a body Django cannot decode (a form declared in a charset other
    than UTF-8) then fails once more and the visitor got a 500 instead.

    A body larger than the site reads (DATA_UPLOAD_MAX_MEMORY_SIZE) gets a 413 that says so:
    sending it again as it is would fail again."""
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        html = loader.render_to_string("413.html", {"limit": limit})
        return HttpResponse(html, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    reason = str(exception) if isinstance(exception, ExplainedRefusal) else ""
    html = loader.render_to_string("400.html", {"reason": reason})
    return HttpResponse(html, status=HTTPStatus.BAD_REQUEST)


# What a database that cannot answer raises. OperationalError is also what PostgreSQL's deadlocks
# and cancelled statements and SQLite's "database is locked" raise: trying again fits those too.
UNAVAILABLE = (OperationalError, InterfaceError)


@receiver(got_request_exception)
def note_database_failure(sender, request=None, **kwargs) -> None:
    """Marks a request whose answer became Django's 500 page because the database failed outside
    a view (in a middleware, saving the session), for DatabaseUnavailableMiddleware to see."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, UNAVAILABLE):
        request.database_error = error


class DatabaseUnavailableMiddleware:
    """A page that needs the database while it cannot be reached answers the site's 503 page,
    which needs no database; once it can be reached again, Django connects anew on the next
    request (a failed connection is closed when its request ends).

    A view's failure is caught as it happens; one in another middleware has already become
    Django's 500 page (and been logged) by the time it gets here, and is answered the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, "database_error", None)
        if response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR and error is not None:
            database_unreachable(error)
            return service_unavailable()
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        database_unreachable(exception)
        return service_unavailable()


DEBUG_PAGES = (HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header, with the policy built once per process instead of for every response.

    The policy is the settings' alone: no view changes it and no template takes a nonce. Building
    it again for each response cost about a tenth of the time of a page served from the cache.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.policy = build_policy()

    def process_request(self, request):
        return None

    def process_response(self, request, response):
        # As django-csp does: Django's debug pages for these run inline scripts.
        if settings.DEBUG and response.status_code in DEBUG_PAGES:
            return response
        response.headers.setdefault(HEADER, self.policy)
        return response
