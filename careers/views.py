"""The public pages: home, a career's overview, steps, skills, FAQs, market, sources and search.

Each view reads what its page shows (careers.roadmap) and returns it unrendered; `cached_page`
serves it from the page cache when it can (careers.pages). What a page shows of the visitor's
progress comes from the progress app's template tags.
"""

from __future__ import annotations

from http import HTTPStatus

from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .models import Career, Source
from .pages import cached_page
from .roadmap import LEARNING, Roadmap
from .search import MAX_QUERY_LENGTH, citing_items
from .search import search as run_search


def _career_page(
    request: HttpRequest, template: str, roadmap: Roadmap, **context
) -> TemplateResponse:
    context = {"roadmap": roadmap, "career": roadmap.career, **context}
    return TemplateResponse(request, template, context)


@require_GET
@cached_page
def home(request: HttpRequest) -> TemplateResponse:
    context = {"careers": Career.objects.all(), "page": "home", "title": "Career roadmaps"}
    return TemplateResponse(request, "careers/home.html", context)


@require_GET
@cached_page
def overview(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("steps", "checklist", "duties", "timelines"))
    return _career_page(
        request,
        "careers/overview.html",
        roadmap,
        page="overview",
        title=f"How to become a {roadmap.career.title}",
        description=roadmap.career.tagline,
    )


@require_GET
@cached_page
def step(request: HttpRequest, career_slug: str, step_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("steps", "checklist"))
    stage = next((s for s in roadmap.stages if s.step and s.slug == step_slug), None)
    if stage is None:
        raise Http404("No step with that name.")
    previous, following = roadmap.neighbours(stage.slug)
    return _career_page(
        request,
        "careers/step.html",
        roadmap,
        page="steps",
        title=f"Step {stage.number}: {stage.title} · {roadmap.career.title}",
        description=stage.step.summary,
        stage=stage,
        step=stage.step,
        previous=previous,
        next=following,
    )


@require_GET
@cached_page
def skills(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("steps", "checklist"))
    title = roadmap.career.title
    previous, following = roadmap.neighbours(LEARNING)
    return _career_page(
        request,
        "careers/skills.html",
        roadmap,
        page="skills",
        title=f"Learn the skills · {title}",
        description=f"The skills and requirements to become a {title}, as a checklist.",
        stage=roadmap.stages[[s.slug for s in roadmap.stages].index(LEARNING)],
        previous=previous,
        next=following,
    )


def _query_problem(query: str, what: str) -> str:
    """Why the words typed into a search or filter box cannot be used, or "" when they can."""
    if len(query) > MAX_QUERY_LENGTH:
        return f"{what} is {len(query)} characters long; please use at most {MAX_QUERY_LENGTH}."
    if "\x00" in query:
        return f"{what} contains a null character, which cannot be searched for."
    return ""


@require_GET
@cached_page
def faqs(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("faqs",))
    query = request.GET.get("q", "").strip()
    problem = _query_problem(query, "That filter")
    words = query.lower().split() if not problem else []
    title = roadmap.career.title
    response = _career_page(
        request,
        "careers/faqs.html",
        roadmap,
        page="faqs",
        title=f"Questions and answers · {title}",
        description=f"Common questions about becoming a {title}, with each source's answer.",
        query=query,
        questions=[question for question in roadmap.questions if question.matches(words)],
        filtered=bool(words),
        error=problem,
        reconstructed=any(question.reconstructed for question in roadmap.questions),
    )
    if problem:
        response.status_code = HTTPStatus.BAD_REQUEST
    return response


@require_GET
@cached_page
def market(request: HttpRequest, career_slug: str) -> TemplateResponse:
    roadmap = Roadmap.read(career_slug, ("facts", "benefits", "tools", "trends"))
    title = roadmap.career.title
    return _career_page(
        request,
        "careers/market.html",
        roadmap,
        page="market",
        title=f"Job market and benefits · {title}",
        description=f"Market figures, benefits, tools and trends for a {title}.",
    )


@require_GET
@cached_page
def sources(request: HttpRequest) -> TemplateResponse:
    listed = Source.objects.prefetch_related(Prefetch("references", to_attr="reference_list"))
    citing = citing_items()
    context = {
        "title": "Sources",
        "description": "The documents every fact on this site comes from, and what cites them.",
        "page": "sources",
        "entries": [(source, citing.get(source.pk, [])) for source in listed],
    }
    return TemplateResponse(request, "careers/sources.html", context)


@require_GET
@cached_page
def search(request: HttpRequest) -> TemplateResponse:
    query = request.GET.get("q", "").strip()
    problem = _query_problem(query, "That search")
    context = {
        "title": f"Search: {query}" if query else "Search",
        "description": "Search the steps, skills, FAQs, facts and sources.",
        "page": "search",
        "query": query,
        "max_length": MAX_QUERY_LENGTH,
        "error": problem,
        "results": run_search(query) if query and not problem else None,
    }
    status = HTTPStatus.BAD_REQUEST if problem else HTTPStatus.OK
    return TemplateResponse(request, "careers/search.html", context, status=status)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    context = {"title": "Page not found", "description": "There is no page at this address."}
    try:
        html = loader.render_to_string("404.html", context, request)
    except DatabaseError:
        # The visitor's account links need the database; the page itself does not.
        html = loader.render_to_string("404.html", context)
    return HttpResponse(html, status=HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context and no database: whatever failed may be one of them.
    html = loader.get_template("500.html").render()
    return HttpResponse(html, status=HTTPStatus.INTERNAL_SERVER_ERROR)
