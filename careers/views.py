"""The public pages: home, a career's overview, steps, skills, FAQs, market, sources and search.

Content changes rarely and every visitor sees the same, so each process reads a career's content
once per content version (``Roadmap``) and pages cache their rendered fragments under the same
version. A request then reads only the visitor's progress.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable
from http import HTTPStatus

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from progress.models import Progress, Summary

from . import models as content
from .models import Career, ChecklistItem, Source, SourceReference
from .search import MAX_QUERY_LENGTH, citing_items
from .search import search as run_search
from .signals import FRAGMENT_SECONDS, PAGE_SECONDS, content_version

# An HTMX request that targets one of these element ids gets only that fragment of the page.
FRAGMENTS = {"main": "main", "search-results": "results", "faq-list": "faq-list"}


def shared(build):
    """A property computed once per object, also when several threads ask for it at once."""
    name = build.__name__

    def get(self):
        try:
            return self._parts[name]
        except KeyError:
            with self._lock:
                if name not in self._parts:
                    self._parts[name] = build(self)
                return self._parts[name]

    return property(get, doc=build.__doc__)


class Roadmap:
    """One career's content as the pages show it, read lazily, each part in one or two queries."""

    def __init__(self, career: Career, memo: ContentMemo) -> None:
        self.career = career
        self.memo = memo
        self._parts: dict[str, object] = {}
        self._lock = threading.RLock()

    @shared
    def cited(self) -> dict[tuple[str, int], list[Source]]:
        sources = self.memo.sources
        return {
            key: sorted((sources[pk] for pk in ids), key=lambda s: (s.published, s.slug))
            for key, ids in self.career.citations().items()
        }

    def _cite(self, objects: list) -> list:
        for obj in objects:
            obj.cited = self.cited.get((obj._meta.model_name, obj.pk), [])
        return objects

    def _items_of(self, model: type) -> list:
        objects = list(model.objects.filter(career=self.career))
        for obj in objects:
            obj.career = self.career
        return self._cite(objects)

    @shared
    def career_cited(self) -> list[Source]:
        return self.cited.get(("career", self.career.pk), [])

    @shared
    def steps(self) -> list[content.Step]:
        """The steps in order, each with its sections, each section with its current items."""
        steps = self._items_of(content.Step)
        by_pk = {step.pk: step for step in steps}
        sections = self._cite(list(content.StepSection.objects.filter(step__in=steps)))
        for step in steps:
            step.section_list = []
        for section in sections:
            section.step = by_pk[section.step_id]
            section.item_list = []
            section.step.section_list.append(section)
        sections_by_pk = {section.pk: section for section in sections}
        for item in self.checklist:
            if item.section_id:
                item.section = sections_by_pk[item.section_id]
                item.section.item_list.append(item)
        for step in steps:
            step.item_ids = [i.pk for s in step.section_list for i in s.item_list]
        return steps

    @shared
    def checklist(self) -> list[ChecklistItem]:
        """Every current checklist item of the career."""
        items = list(ChecklistItem.objects.current().filter(career=self.career))
        for item in items:
            item.career = self.career
        return self._cite(items)

    @shared
    def rendered_checklist(self) -> list[ChecklistItem]:
        """The checklist with each item's HTML, which is the same for every visitor."""
        self.steps  # noqa: B018 -- an action's address needs its section and step
        for item in self.checklist:
            item.html = mark_safe(render_to_string("includes/_checklist_item.html", {"item": item}))
        return self.checklist

    @shared
    def skills(self) -> list[ChecklistItem]:
        return [i for i in self.rendered_checklist if i.kind == ChecklistItem.Kind.SKILL]

    @shared
    def requirements(self) -> list[ChecklistItem]:
        return [i for i in self.rendered_checklist if i.kind == ChecklistItem.Kind.REQUIREMENT]

    @shared
    def item_ids(self) -> list[int]:
        return [item.pk for item in self.checklist]

    @shared
    def duties(self) -> list[content.Duty]:
        return self._items_of(content.Duty)

    @shared
    def benefits(self) -> list[content.Benefit]:
        return self._items_of(content.Benefit)

    @shared
    def trends(self) -> list[content.Trend]:
        return self._items_of(content.Trend)

    @shared
    def tools(self) -> list[tuple[str, list[content.Tool]]]:
        grouped: dict[str, list[content.Tool]] = defaultdict(list)
        for tool in self._items_of(content.Tool):
            grouped[tool.get_category_display()].append(tool)
        return list(grouped.items())

    @shared
    def facts(self) -> list[content.MarketFact]:
        return self._items_of(content.MarketFact)

    @shared
    def timelines(self) -> list[content.Timeline]:
        return self._items_of(content.Timeline)

    @shared
    def faqs(self) -> list[content.Faq]:
        return self._items_of(content.Faq)


class ContentMemo:
    """The content of one version, shared read-only by the requests of this process."""

    def __init__(self, version: str, careers: dict[str, Career]) -> None:
        self.version = version
        self.careers = careers
        self.roadmaps: dict[str, Roadmap] = {}
        self._parts: dict[str, object] = {}
        self._lock = threading.RLock()

    @shared
    def sources(self) -> dict[int, Source]:
        return {source.pk: source for source in Source.objects.all()}

    @shared
    def references(self) -> dict[int, list[SourceReference]]:
        grouped: dict[int, list[SourceReference]] = defaultdict(list)
        for reference in SourceReference.objects.all():
            grouped[reference.source_id].append(reference)
        return grouped

    @shared
    def citing(self) -> dict:
        """The items citing each source, grouped by kind."""
        return citing_items()

    def roadmap(self, slug: str) -> Roadmap:
        try:
            career = self.careers[slug]
        except KeyError:
            raise Http404("No career with that name.") from None
        with self._lock:
            if slug not in self.roadmaps:
                self.roadmaps[slug] = Roadmap(career, self)
            return self.roadmaps[slug]


_memo: ContentMemo | None = None


def current_content() -> ContentMemo:
    global _memo
    version = content_version()
    memo = _memo
    if memo is None or memo.version != version:
        memo = ContentMemo(version, {career.slug: career for career in Career.objects.all()})
        _memo = memo
    return memo


def _with_status(items: list[ChecklistItem], statuses: dict[int, str]) -> list[ChecklistItem]:
    # Copies: the shared items must not carry one visitor's status into another's request.
    marked = []
    for item in items:
        item = copy.copy(item)
        item.status = statuses.get(item.pk, "not-started")
        marked.append(item)
    return marked


def _with_counts(steps: list[content.Step], statuses: dict[int, str]) -> list[content.Step]:
    counted = []
    for step in steps:
        step = copy.copy(step)
        step.item_count = len(step.item_ids)
        step.done_count = sum(1 for pk in step.item_ids if statuses.get(pk) == "done")
        counted.append(step)
    return counted


def _page_key(
    request: HttpRequest, template: str, version: str, statuses: dict[int, str]
) -> str | None:
    """What a rendered page depends on beyond the content: None when it must not be reused.

    A page differs between visitors only by their progress, their session or account (the
    account links) and their CSRF token (in the page's forms); pending messages are shown once.
    """
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not csrf_secret or get_messages(request):
        return None
    parts = (
        template,
        request.get_full_path(),
        request.session.session_key or "",
        csrf_secret,
        repr(sorted(statuses.items())),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"careers:page:{version}:{digest}"


def _render(
    request: HttpRequest,
    template: str,
    memo: ContentMemo,
    context: Callable[[], dict],
    statuses: dict[int, str] | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    """The page, or for an HTMX request only the fragment it targets.

    A visitor who comes back to a page they have seen, with the same progress, gets it from the
    cache: the request then costs the session and progress lookups and nothing else.
    """
    htmx = request.htmx
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        template += "#" + FRAGMENTS.get(htmx.target or "", "main")
    key = _page_key(request, template, memo.version, statuses or {})
    if status != HTTPStatus.OK:
        key = None
    pages = caches["template_fragments"]
    if key and (html := pages.get(key)) is not None:
        return _per_visitor(HttpResponse(html))
    values = context()
    values["version"] = memo.version
    values["fragment_seconds"] = FRAGMENT_SECONDS
    response = render(request, template, values, status=status)
    if key:
        pages.set(key, response.content.decode(), PAGE_SECONDS)
    return _per_visitor(response)


def _per_visitor(response: HttpResponse) -> HttpResponse:
    # Pages carry the visitor's progress, account links and CSRF token: no shared cache may
    # keep them, nor hand one visitor's copy to another.
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, private=True)
    return response


def _roadmap(career_slug: str) -> Roadmap:
    return current_content().roadmap(career_slug)


def _statuses(request: HttpRequest, roadmap: Roadmap) -> dict[int, str]:
    return Progress.objects.statuses(request, roadmap.career)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def home(request: HttpRequest) -> HttpResponse:
    memo = current_content()

    def context() -> dict:
        careers = list(memo.careers.values())
        return {"careers": careers, "page": "home", "title": "Career roadmaps"}

    return _render(request, "careers/home.html", memo, context)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def overview(request: HttpRequest, career_slug: str) -> HttpResponse:
    roadmap = _roadmap(career_slug)
    statuses = _statuses(request, roadmap)

    def context() -> dict:
        return {
            "roadmap": roadmap,
            "career": roadmap.career,
            "page": "overview",
            "title": f"How to become a {roadmap.career.title}",
            "description": roadmap.career.tagline,
            "steps": _with_counts(roadmap.steps, statuses),
            "skills": _with_status(roadmap.skills, statuses),
            "requirements": _with_status(roadmap.requirements, statuses),
            "summary": Summary.of(roadmap.item_ids, statuses),
        }

    return _render(request, "careers/overview.html", roadmap.memo, context, statuses)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def step(request: HttpRequest, career_slug: str, step_slug: str) -> HttpResponse:
    roadmap = _roadmap(career_slug)
    roadmap.rendered_checklist  # noqa: B018 -- the step's items are shown with their HTML
    steps = roadmap.steps
    position = next((n for n, step in enumerate(steps) if step.slug == step_slug), None)
    if position is None:
        raise Http404("No step with that name.")
    statuses = _statuses(request, roadmap)

    def context() -> dict:
        current = _with_counts([steps[position]], statuses)[0]
        sections = []
        for section in current.section_list:
            section = copy.copy(section)
            section.checklist = _with_status(section.item_list, statuses)
            sections.append(section)
        return {
            "roadmap": roadmap,
            "career": roadmap.career,
            "page": "steps",
            "title": f"Step {position + 1}: {current.title} · {roadmap.career.title}",
            "description": current.summary,
            "step": current,
            "number": position + 1,
            "sections": sections,
            "previous": steps[position - 1] if position else None,
            "next": steps[position + 1] if position + 1 < len(steps) else None,
            "summary": Summary.of(roadmap.item_ids, statuses),
        }

    return _render(request, "careers/step.html", roadmap.memo, context, statuses)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def skills(request: HttpRequest, career_slug: str) -> HttpResponse:
    roadmap = _roadmap(career_slug)
    statuses = _statuses(request, roadmap)

    def context() -> dict:
        title = roadmap.career.title
        return {
            "roadmap": roadmap,
            "career": roadmap.career,
            "page": "skills",
            "title": f"Skills and requirements · {title}",
            "description": f"The skills and requirements to become a {title}, as a checklist.",
            "skills": _with_status(roadmap.skills, statuses),
            "requirements": _with_status(roadmap.requirements, statuses),
            "summary": Summary.of(roadmap.item_ids, statuses),
        }

    return _render(request, "careers/skills.html", roadmap.memo, context, statuses)


def _query_problem(query: str, what: str) -> str:
    """Why the words typed into a search or filter box cannot be used, or "" when they can."""
    if len(query) > MAX_QUERY_LENGTH:
        return f"{what} is {len(query)} characters long; please use at most {MAX_QUERY_LENGTH}."
    if "\x00" in query:
        return f"{what} contains a null character, which cannot be searched for."
    return ""


def _faq_matches(faq: content.Faq, words: list[str]) -> bool:
    text = f"{faq.question} {faq.answer}".lower()
    return all(word in text for word in words)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def faqs(request: HttpRequest, career_slug: str) -> HttpResponse:
    roadmap = _roadmap(career_slug)
    query = request.GET.get("q", "").strip()
    problem = _query_problem(query, "That filter")

    def context() -> dict:
        faqs = roadmap.faqs
        if query and not problem:
            words = query.lower().split()
            faqs = [faq for faq in faqs if _faq_matches(faq, words)]
        title = roadmap.career.title
        return {
            "roadmap": roadmap,
            "career": roadmap.career,
            "page": "faqs",
            "title": f"Questions and answers · {title}",
            "description": f"Common questions about becoming a {title}, with each source's answer.",
            "query": query,
            "faqs": faqs,
            "filtered": bool(query) and not problem,
            "error": problem,
            "reconstructed": any(faq.question_reconstructed for faq in roadmap.faqs),
        }

    status = HTTPStatus.BAD_REQUEST if problem else HTTPStatus.OK
    return _render(request, "careers/faqs.html", roadmap.memo, context, status=status)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def market(request: HttpRequest, career_slug: str) -> HttpResponse:
    roadmap = _roadmap(career_slug)

    def context() -> dict:
        title = roadmap.career.title
        return {
            "roadmap": roadmap,
            "career": roadmap.career,
            "page": "market",
            "title": f"Job market and benefits · {title}",
            "description": f"Market figures, benefits, tools and trends for a {title}.",
        }

    return _render(request, "careers/market.html", roadmap.memo, context)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def sources(request: HttpRequest) -> HttpResponse:
    memo = current_content()

    def context() -> dict:
        return {
            "title": "Sources",
            "description": "The documents every fact on this site comes from, and what cites them.",
            "page": "sources",
            "entries": [
                (source, memo.references.get(source.pk, []), memo.citing.get(source.pk, []))
                for source in memo.sources.values()
            ],
        }

    return _render(request, "careers/sources.html", memo, context)


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    problem = _query_problem(query, "That search")

    def context() -> dict:
        values: dict = {
            "title": f"Search: {query}" if query else "Search",
            "description": "Search the steps, skills, FAQs, facts and sources.",
            "page": "search",
            "query": query,
            "max_length": MAX_QUERY_LENGTH,
        }
        if problem:
            values["error"] = problem
        elif query:
            values["results"] = run_search(query)
        return values

    status = HTTPStatus.BAD_REQUEST if problem else HTTPStatus.OK
    return _render(request, "careers/search.html", current_content(), context, status=status)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    context = {
        "title": "Page not found",
        "description": "There is no page at this address.",
        "careers": list(current_content().careers.values()),
    }
    return render(request, "404.html", context, status=HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context and no database: whatever failed may be one of them.
    html: SafeString = loader.get_template("500.html").render()
    return HttpResponse(html, status=HTTPStatus.INTERNAL_SERVER_ERROR)
