"""/healthz for the container's HEALTHCHECK and load balancers.

It answers before host validation and the HTTPS redirect, so a probe on 127.0.0.1 over plain HTTP
gets an answer; it says whether the database can be reached.
"""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return HttpResponse("database unreachable", status=503, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")
