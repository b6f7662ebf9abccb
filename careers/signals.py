"""The content version: a token that changes whenever content changes, so cached pages refresh.

Rendered fragments and each process's copy of the content are keyed on it. It is stored in the
database (ContentRevision), so every process sees a change; each process reads it at most once a
second, and the process that made a change sees it at once.
"""

import threading
import time
import uuid

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import ContentRevision

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
    token = ContentRevision.objects.values_list("token", flat=True).first()
    return _remember(token or "initial")


def bump_content_version() -> None:
    token = uuid.uuid4().hex
    ContentRevision.objects.update_or_create(pk=1, defaults={"token": token})
    _remember(token)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def content_changed(sender, **kwargs) -> None:
    if sender._meta.app_label == "careers" and sender is not ContentRevision:
        bump_content_version()
