"""The shared cache on Redis, which the site can do without for a while.

Everything the site keeps there can also be had from the database or made anew: sessions are
stored in the database too (cached_db), and a version the cache cannot give makes careers.pages
render the page instead of storing it. So while Redis cannot be reached, each call answers as a
miss (a read finds nothing, a write stores nothing) instead of raising, and the site goes on,
slower, on the database alone.

django-redis's own IGNORE_EXCEPTIONS does the same for most calls (not `touch`), but it tries
Redis again on every call, so a Redis that hangs costs every call its timeout; it logs every
failure or none, and it cannot tell when Redis is back. Here a process that saw a failure leaves
Redis alone for RETRY_SECONDS, logs one warning per outage, and when Redis answers again empties
the site's keys there before using it: a write it skipped (a visitor's new progress version, a
logout deleting a session) would otherwise leave Redis with stale data that pages and sessions
would trust again. pybreaker would count the failures, but it holds one lock around every call,
which would make a process's threads wait for each other on every use of the cache.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a process leaves Redis alone after a failure before trying it again.
RETRY_SECONDS = 5
# Failures django-redis lets through when IGNORE_EXCEPTIONS is off: the client's errors, and
# the socket's own (a timeout, a reset connection).
UNREACHABLE = (RedisError, OSError)


def redis_cache(url: str) -> dict:
    """The settings of a shared cache on the Redis server at `url`."""
    return {
        "BACKEND": "roadmap_site.cache.SharedRedisCache",
        "LOCATION": url,
        # Redis answers within a millisecond when it is well: a call that waits longer than this
        # finds it out, and a Redis that hangs holds no request up for long.
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


class Outage:
    """One process's view of one Redis server: since when it failed and when to try it again.

    Django gives each thread its own cache object; they share this one through `for_server`.
    """

    _by_server: dict[str, Outage] = {}
    _by_server_lock = threading.Lock()

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None
        self.retry_at = 0.0

    @classmethod
    def for_server(cls, server: str) -> Outage:
        with cls._by_server_lock:
            return cls._by_server.setdefault(server, cls())

    @property
    def waiting(self) -> bool:
        return self.since is not None and time.monotonic() < self.retry_at


def _where(server: str) -> str:
    """The server's address without the password a URL may carry."""
    parts = urlsplit(server)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}" if parts.hostname else parts.path


class SharedRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        # Failures must reach _call, which decides what they mean.
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        super().__init__(server, {**params, "OPTIONS": options})
        self._outage = Outage.for_server(server)

    def _call(self, operation, fallback, *args, **kwargs):
        if self._outage.since is not None and not self._back():
            return fallback
        try:
            return operation(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(error)
            return fallback

    def _failed(self, error: Exception) -> None:
        outage = self._outage
        with outage.lock:
            now = time.monotonic()
            outage.retry_at = now + RETRY_SECONDS
            if outage.since is None:
                outage.since = now
                logger.warning(
                    "The shared cache (Redis at %s) cannot be reached: %s. Sessions and page "
                    "versions come from the database alone until it answers again; this process "
                    "tries it every %g seconds.",
                    _where(self._server),
                    str(error).rstrip("."),
                    RETRY_SECONDS,
                )

    def _back(self) -> bool:
        """Whether Redis can be used again: once it answers, and before anything is read from
        it, the site's keys there are removed. Threads that come while one tries wait for it, so
        that none skips a write after the keys are removed."""
        outage = self._outage
        if outage.waiting:
            return False
        with outage.lock:
            if outage.since is None:
                return True  # another thread saw it come back
            if outage.waiting:
                return False  # another thread tried, and it is still out
            try:
                # Straight to django-redis: this must not pass through _call again.
                removed = RedisCache.delete_pattern(self, "*", itersize=1000)
            except UNREACHABLE:
                outage.retry_at = time.monotonic() + RETRY_SECONDS
                return False
            lasted = time.monotonic() - outage.since
            outage.since = None
        logger.warning(
            "The shared cache (Redis at %s) answers again after %.0f seconds. This process "
            "removed the site's keys there (%d) before using it, since a write it skipped "
            "while Redis was out could have left one stale.",
            _where(self._server),
            lasted,
            removed,
        )
        return True

    # Django's cache API; while Redis is out each answers as it would for a missing key, and
    # incr/decr answer None, which tells a caller such as django-ratelimit the count is unknown.

    def get(self, key, default=None, version=None, client=None):
        return self._call(super().get, default, key, default, version, client)

    def get_many(self, *args, **kwargs):
        return self._call(super().get_many, {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call(super().has_key, False, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call(super().set, False, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call(super().add, False, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._call(super().set_many, list(data), data, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call(super().touch, False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call(super().delete, False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call(super().delete_many, None, *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call(super().incr, None, *args, **kwargs)

    def decr(self, *args, **kwargs):
        return self._call(super().decr, None, *args, **kwargs)

    def clear(self):
        return self._call(super().clear, None)
