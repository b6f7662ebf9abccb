"""How the site logs: one line per request and every warning and error, each carrying the id of
the request it belongs to; JSON lines (python-json-logger) or plain text, as LOG_FORMAT says.

Nothing here reads Django's settings, so gunicorn's master process, which logs before any
request, can use the same configuration (roadmap_site/gunicorn.py).
"""

import contextvars
import logging

from django.core.exceptions import ImproperlyConfigured

FORMATS = ("json", "plain")
# The id of the request this thread is answering (see roadmap_site.middleware).
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs an error response after the middleware has answered, with the request.
        request = getattr(record, "request", None)
        record.request_id = REQUEST_ID.get() or getattr(request, "request_id", None)
        return True


class ClientFaultFilter(logging.Filter):
    """Django's security loggers report what a client sent (a Host the site does not serve, too
    many fields, too large a body, a form not in UTF-8) as an ERROR with its traceback, so
    anybody could fill the log with errors. Each is a warning about one request, without the
    traceback of Django's own code; the request's line says the same answer (400)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
            # As a warning it is kept only where the configured level keeps warnings.
            return logging.getLogger().isEnabledFor(logging.WARNING)
        return True


def log_format(chosen: str, debug: bool) -> str:
    """LOG_FORMAT's value, or by default plain text for development and JSON in production."""
    chosen = chosen.strip().lower() or ("plain" if debug else "json")
    if chosen not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {chosen!r}.")
    return chosen


def logging_config(log_format: str, level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "client_faults": {"()": ClientFaultFilter},
        },
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            },
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": log_format,
                "filters": ["request_id", "client_faults"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Everything goes through the one handler above: Django's own console handler (with
            # DEBUG) would print its records a second time, and the development server's lines
            # say what the request lines already do, short of its warnings.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True, "level": "WARNING"},
            # gunicorn turns propagation off for its loggers; its access lines would repeat ours.
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": True, "level": "WARNING"},
            # django-axes reports every sign-in at INFO; lockouts come at WARNING.
            "axes": {"level": "WARNING"},
        },
    }
