"""The content version: a token that changes whenever content changes, so cached pages refresh.

Rendered fragments and each process's copy of the content are keyed on it. It is stored in the
database (ContentRevision), so every process sees a change; each process reads it at most once a
second, and the process that made a change sees it at once.
"""

import threading
import time
import uuid

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# Fragments of an old version are never read again; this only bounds how long they linger.
FRAGMENT_SECONDS = 24 * 60 * 60
# Whole pages are kept per visitor, so for a shorter time.
PAGE_SECONDS = 10 * 60
# How long a process trusts the token it last read before reading it again.
RECHECK_SECONDS = 1.0

_lock = threading.Lock()
_known: tuple[str, float] | None = None


def _remember(token: str) -> str:
    global _known
    with _lock:
        _known = (token, time.monotonic())
    return token


def content_version() -> str:
    known = _known
    if known and time.monotonic() - known[1] < RECHECK_SECONDS:
        return known[0]
    revision = apps.get_model("careers", "ContentRevision")
    token = revision.objects.values_list("token", flat=True).first()
    return _remember(token or "initial")


def bump_content_version() -> None:
    token = uuid.uuid4().hex
    apps.get_model("careers", "ContentRevision").objects.update_or_create(
        pk=1, defaults={"token": token}
    )
    _remember(token)


def content_changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        bump_content_version()
        # Until the change commits, other requests of this process already see the new token
        # but still read the old content, and may cache it under that token: once the change
        # is committed, a fresh token leaves whatever they cached unused.
        transaction.on_commit(bump_content_version)


def connect_content_signals() -> None:
    """Watch every model of the content, and the tables linking items to their sources."""
    for model in apps.get_app_config("careers").get_models():
        if model.__name__ == "ContentRevision":
            continue
        post_save.connect(content_changed, sender=model)
        post_delete.connect(content_changed, sender=model)
        for many in model._meta.local_many_to_many:
            m2m_changed.connect(content_changed, sender=many.remote_field.through)
