"""The shared cache on Redis, which the site can do without for a while.

Everything the site keeps there can also be had from the database or made anew: sessions are
stored in the database too (cached_db), and a version the cache cannot give makes careers.pages
render the page instead of storing it. So while Redis cannot be reached, each call answers as a
miss (a read finds nothing, a write stores nothing) instead of raising, and the site goes on,
slower, on the database alone.

django-redis's own IGNORE_EXCEPTIONS does the same for most calls (not `touch`), but it tries
Redis again on every call, so a Redis that hangs costs every call its timeout; it logs every
failure or none, and it cannot tell when Redis is back. Here a process that saw a failure leaves
Redis alone for RETRY_SECONDS and logs one warning per outage. pybreaker would count the
failures, but it holds one lock around every call, which would make a process's threads wait for
each other on every use of the cache.

A write the process skips (a logout deleting a session, a visitor's new progress version) would
leave Redis with stale data that other processes, which may still reach it or reach it again
first, would trust. So a skipped write starts a new generation of the site's keys, kept in the
database (CacheGeneration), and each thread of every process reads the generation from there at
most once every GENERATION_SECONDS and puts it in its keys: within that time, none that can read
the database reads what Redis held before (one that cannot goes on with the last it read).
When Redis answers again, the process that saw it go removes the keys of every generation (the
current one's too, which only costs misses).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from urllib.parse import urlsplit

from django.db import DatabaseError, transaction
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a process leaves Redis alone after a failure before trying it again.
RETRY_SECONDS = 5
# How long a process goes on using the generation of the keys it last read from the database.
GENERATION_SECONDS = 1
# What starts the site's keys in Redis, before the generation.
KEY_PREFIX = "roadmap"
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
        # Django gives each thread its own cache object: each follows the generation itself, and
        # uses nothing in Redis before it has read one.
        self._generation: str | None = None
        self._generation_until = 0.0

    def _call(self, operation, fallback, args, kwargs, writes: bool = False):
        if (self._outage.since is None or self._back()) and self._follow_generation():
            try:
                return operation(*args, **kwargs)
            except UNREACHABLE as error:
                self._failed(error)
        if writes:
            self._skipped_write()
        return fallback

    def _follow_generation(self) -> bool:
        """Whether the generation of the keys is known; it is read again at most once every
        GENERATION_SECONDS, a failed read too (a database that hangs costs one call its timeout),
        and while the database does not answer, the one last read goes on."""
        from .models import CacheGeneration

        now = time.monotonic()
        if now >= self._generation_until:
            self._generation_until = now + GENERATION_SECONDS
            # Inside a transaction, in a savepoint of its own: a failed read leaves the caller's
            # transaction usable. Outside one it needs none (and on SQLite, a transaction would
            # take the database's write lock for it).
            within = transaction.get_connection().in_atomic_block
            try:
                with transaction.atomic() if within else contextlib.nullcontext():
                    self._generation = CacheGeneration.current()
            except DatabaseError:
                pass
            else:
                self.key_prefix = f"{KEY_PREFIX}.{self._generation}"
        return self._generation is not None

    def _skipped_write(self) -> None:
        # Once what the write belongs to is committed, and outside any transaction, so that the
        # generation's row is locked no longer than its own update takes.
        # With the database out too, nothing is committed: there is no change to keep from others.
        with contextlib.suppress(DatabaseError):
            transaction.on_commit(self._new_generation)

    def _new_generation(self) -> None:
        from .models import CacheGeneration

        try:
            CacheGeneration.start_new()
        except DatabaseError:
            return  # it went out since the commit: as above
        self._generation_until = 0.0

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
        """Whether Redis can be used again: once it answers, after the site's keys there are
        removed. Threads that come while one tries wait for it."""
        outage = self._outage
        if outage.waiting:
            return False
        with outage.lock:
            if outage.since is None:
                return True  # another thread saw it come back
            if outage.waiting:
                return False  # another thread tried, and it is still out
            try:
                # Straight to Redis: this must not pass through _call again.
                removed = self._remove_every_generation()
            except UNREACHABLE:
                outage.retry_at = time.monotonic() + RETRY_SECONDS
                return False
            lasted = time.monotonic() - outage.since
            outage.since = None
        logger.warning(
            "The shared cache (Redis at %s) answers again after %.0f seconds. This process "
            "removed the site's keys there (%d): those of earlier generations are used no more.",
            _where(self._server),
            lasted,
            removed,
        )
        return True

    def _remove_every_generation(self) -> int:
        client = self.client.get_client(write=True)
        with client.pipeline(transaction=False) as pipe:
            for key in client.scan_iter(match=f"{KEY_PREFIX}.*", count=1000):
                pipe.delete(key)
            return sum(pipe.execute())

    # Django's cache API; while Redis is out each answers as it would for a missing key, and
    # incr/decr answer None, which tells a caller such as django-ratelimit the count is unknown.

    def get(self, key, default=None, version=None, client=None):
        return self._call(super().get, default, (key, default, version, client), {})

    def get_many(self, *args, **kwargs):
        return self._call(super().get_many, {}, args, kwargs)

    def has_key(self, *args, **kwargs):
        return self._call(super().has_key, False, args, kwargs)

    def set(self, *args, **kwargs):
        return self._call(super().set, False, args, kwargs, writes=True)

    def add(self, *args, **kwargs):
        return self._call(super().add, False, args, kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._call(super().set_many, list(data), (data, *args), kwargs, writes=True)

    def touch(self, *args, **kwargs):
        return self._call(super().touch, False, args, kwargs)

    def delete(self, *args, **kwargs):
        return self._call(super().delete, False, args, kwargs, writes=True)

    def delete_many(self, *args, **kwargs):
        return self._call(super().delete_many, None, args, kwargs, writes=True)

    def incr(self, *args, **kwargs):
        return self._call(super().incr, None, args, kwargs)

    def decr(self, *args, **kwargs):
        return self._call(super().decr, None, args, kwargs)

    def clear(self):
        return self._call(super().clear, None, (), {}, writes=True)
