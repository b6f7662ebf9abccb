from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Career, Source, Step


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "careers/home.html", {"careers": Career.objects.all()})


@require_GET
def overview(request: HttpRequest, career_slug: str) -> HttpResponse:
    career = get_object_or_404(Career, slug=career_slug)
    return render(request, "careers/overview.html", {"career": career})


@require_GET
def step(request: HttpRequest, career_slug: str, step_slug: str) -> HttpResponse:
    step = get_object_or_404(Step, career__slug=career_slug, slug=step_slug)
    return render(request, "careers/step.html", {"career": step.career, "step": step})


def _career_page(template: str):
    @require_GET
    def view(request: HttpRequest, career_slug: str) -> HttpResponse:
        career = get_object_or_404(Career, slug=career_slug)
        return render(request, template, {"career": career})

    return view


skills = _career_page("careers/skills.html")
faqs = _career_page("careers/faqs.html")
market = _career_page("careers/market.html")


@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "careers/sources.html", {"sources": Source.objects.all()})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "careers/search.html", {"query": request.GET.get("q", "")})
