"""The public pages: home, a career's overview, the stages of its road, FAQs, market, sources and
search.

Each view reads what its page shows (careers.roadmap) and returns it unrendered; `cached_page`
serves it from the page cache when it can (careers.pages). Titles, descriptions and the current
page's mark in the navigation belong to the templates. What a page shows of the visitor's progress
comes from the progress app's template tags.
"""

from __future__ import annotations

from http import HTTPStatus

from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from .models import Career, Source
from .pages import cached_page
from .roadmap import Roadmap
from .search import MAX_QUERY_LENGTH, citing_items, read_query, words_of
from .search import search as run_search


def _career_page(
    request: HttpRequest, template: str, roadmap: Roadmap, status: int = HTTPStatus.OK, **context
) -> TemplateResponse:
    context = {"roadmap": roadmap, "career": roadmap.career, **context}
    return TemplateResponse(request, template, context, status=status)


@require_safe
@cached_page
def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "careers/home.html", {"careers": Career.objects.all()})


@require_safe
@cached_page
def overview(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("steps", "checklist", "duties", "timelines"))
    return _career_page(request, "careers/overview.html", roadmap)


@require_safe
@cached_page
def road_stage(request: HttpRequest, career_slug: str, stage_slug: str) -> TemplateResponse:
    """A stage of the road: one of the steps, or the learning stage (the skills page)."""
    roadmap = Roadmap.read(career_slug, ("steps", "checklist"))
    stage = next((s for s in roadmap.stages if s.slug == stage_slug), None)
    # Each stage has one address: the learning stage's is careers:skills, not a step's.
    if stage is None or stage.url != request.path:
        raise Http404("No step with that name.")
    previous, following = roadmap.neighbours(stage.slug)
    template = "careers/step.html" if stage.step else "careers/skills.html"
    return _career_page(request, template, roadmap, stage=stage, previous=previous, next=following)


@require_safe
@cached_page
def faqs(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("faqs",))
    query, problem = read_query(request, "That filter")
    # Signs alone ("?") are no word of search's, but the filter looks for them as typed.
    words = [] if problem else words_of(query) or query.lower().split()
    return _career_page(
        request,
        "careers/faqs.html",
        roadmap,
        status=HTTPStatus.BAD_REQUEST if problem else HTTPStatus.OK,
        query=query,
        error=problem,
        questions=[question for question in roadmap.questions if question.matches(words)],
        reconstructed=any(question.reconstructed for question in roadmap.questions),
    )


@require_safe
@cached_page
def market(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("facts", "benefits", "tools", "trends"))
    return _career_page(request, "careers/market.html", roadmap)


@require_safe
@cached_page
def sources(request: HttpRequest) -> TemplateResponse:
    listed = Source.objects.prefetch_related(Prefetch("references", to_attr="reference_list"))
    citing = citing_items()
    entries = [(source, citing.get(source.pk, [])) for source in listed]
    return TemplateResponse(request, "careers/sources.html", {"entries": entries})


@require_safe
@cached_page
def search(request: HttpRequest) -> TemplateResponse:
    query, problem = read_query(request, "That search")
    context = {
        "query": query,
        "max_length": MAX_QUERY_LENGTH,
        "error": problem,
        "results": run_search(query) if query and not problem else None,
    }
    status = HTTPStatus.BAD_REQUEST if problem else HTTPStatus.OK
    return TemplateResponse(request, "careers/search.html", context, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    try:
        html = loader.render_to_string("404.html", request=request)
    except DatabaseError:
        # The visitor's account links need the database; the page itself does not.
        html = loader.render_to_string("404.html")
    return HttpResponse(html, status=HTTPStatus.NOT_FOUND)
