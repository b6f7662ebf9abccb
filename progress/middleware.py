"""`request.owner`: whose progress the request reads and writes (see progress.models.Owner)."""

from django.utils.functional import SimpleLazyObject

from .models import Owner


class OwnerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.owner = SimpleLazyObject(lambda: Owner.of(request))
        return self.get_response(request)
