"""/healthz for the container's HEALTHCHECK and load balancers.

It answers before host validation and the HTTPS redirect, so a probe on 127.0.0.1 over plain HTTP
gets an answer, and it is left out of the request log. It reports the database and the shared
cache separately:

- both reachable: 200, "ok";
- the cache out: 200, "degraded": the site works on the database alone (roadmap_site.cache),
  slower, so a load balancer should keep sending visitors;
- the database out: 503, "unhealthy": pages that need it cannot be served.
"""

import uuid

from django.core.cache import cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse

from .middleware import database_unreachable


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        database_unreachable(error)
        return False
    return True


def cache_reachable() -> bool:
    """Whether the shared cache keeps what it is given. The Redis cache answers a miss instead of
    failing while Redis is out; the file cache fails with OSError (a full or read-only disk)."""
    probe = uuid.uuid4().hex
    key = f"healthz:{probe}"  # its own key, so that probes at the same time do not mix
    try:
        # add, not set, and no delete unless it was kept: while Redis is out, a probe's writes
        # must not count as writes skipped (roadmap_site.cache), each starting a new generation.
        cache.add(key, probe, timeout=60)
        kept = cache.get(key) == probe
        if kept:
            cache.delete(key)
    except OSError:
        return False
    return kept


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        database = database_reachable()
        cache_ok = cache_reachable()
        status = "ok" if database and cache_ok else "degraded" if database else "unhealthy"
        response = JsonResponse(
            {
                "status": status,
                "database": "ok" if database else "unreachable",
                "cache": "ok" if cache_ok else "unreachable",
            },
            status=200 if database else 503,
        )
        response["Cache-Control"] = "no-store"
        return response
