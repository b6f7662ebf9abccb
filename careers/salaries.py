"""The salary comparison page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Career


@require_GET
def salaries(request: HttpRequest, career_slug: str) -> HttpResponse:
    career = get_object_or_404(Career, slug=career_slug)
    return render(request, "careers/salaries.html", {"career": career})
