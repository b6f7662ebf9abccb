"""The content version: a token that changes whenever content changes, so cached pages refresh.

Rendered fragments and the per-process copy of the content are keyed on it. It lives in the cache,
so with REDIS_URL every process sees a change at once; with the in-process cache each process keeps
its own token and the one that made the change refreshes at once.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "careers:content-version"
# Fragments of an old version are never read again; this only bounds how long they linger.
FRAGMENT_SECONDS = 24 * 60 * 60
# Whole pages are kept per visitor, so for a shorter time.
PAGE_SECONDS = 10 * 60


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or "unversioned"
    return version


def bump_content_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def content_changed(sender, **kwargs) -> None:
    if sender._meta.app_label != "careers":
        return
    bump_content_version()
    # A request served before the commit may have cached what it read under the new token.
    transaction.on_commit(bump_content_version)
