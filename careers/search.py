"""Search over all the content, and the list of items that cite each source.

Every kind of item is described once (``KINDS``): where its title and text are, and how to build the
address of the page and anchor it is shown at. On PostgreSQL the search uses full-text search with
ranking and highlighting by the database; elsewhere the database finds each word as a substring
and Python keeps, ranks and highlights the items where every word stands as a whole word (in its
singular or plural), as full-text search does. Either way it is a single query over all kinds.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import BooleanField, Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import models as content

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
MAX_RESULTS = 60
SNIPPET_CHARS = 220
# Markers the database puts around matched words; escaped text never contains them.
START, STOP = "\u27e6", "\u27e7"


def query_problem(query: str, what: str) -> str:
    """Why the words typed into a search or filter box cannot be used, or "" when they can."""
    if len(query) > MAX_QUERY_LENGTH:
        return f"{what} is {len(query)} characters long; please use at most {MAX_QUERY_LENGTH}."
    if "\x00" in query:
        return f"{what} contains a null character, which cannot be searched for."
    return ""


def read_query(request, what: str) -> tuple[str, str]:
    """The words typed into a search or filter box (q) as the page shows them back, and why they
    cannot be used, or "" when they can."""
    query = request.GET.get("q", "").strip()
    # A NUL is no character a page can hold: the box shows the replacement character instead.
    return query.replace("\x00", "\ufffd"), query_problem(query, what)


def _label(field: str, choices: list[tuple[str, str]]) -> models.Expression:
    """A choice field's human label ("Containerization"), not its stored value."""
    return Case(*(When(**{field: value}, then=Value(label)) for value, label in choices))


def _text(*parts: str | models.Expression) -> models.Expression:
    """Fields joined by spaces, as one text expression."""
    expressions = [F(p) if isinstance(p, str) else p for p in parts]
    if len(expressions) == 1:
        return Cast(expressions[0], CharField())
    joined: list[models.Expression] = []
    for expression in expressions:
        if joined:
            joined.append(Value(" "))
        joined.append(expression)
    return Concat(*joined, output_field=CharField())


def _none() -> Value:
    return Value(None, output_field=CharField())


@dataclass(frozen=True)
class Row:
    kind: str
    pk: int
    career: str | None
    step: str | None
    slug: str
    title: str
    body: str
    reconstructed: bool


def _career_page(model: type[content.CareerItem]) -> Callable[[Row], str]:
    def url(row: Row) -> str:
        return model.address(row.career, row.slug)

    return url


def _step_url(row: Row) -> str:
    return reverse("careers:step", args=[row.career, row.slug])


def _section_url(row: Row) -> str:
    return reverse("careers:step", args=[row.career, row.step]) + f"#{row.slug}"


def _checklist_url(row: Row) -> str:
    if row.step:
        return reverse("careers:step", args=[row.career, row.step]) + f"#item-{row.slug}"
    return reverse("careers:skills", args=[row.career]) + f"#item-{row.slug}"


def _source_url(row: Row) -> str:
    return reverse("careers:sources") + f"#source-{row.slug}"


@dataclass(frozen=True)
class Kind:
    """How one model's items are searched, titled and linked to."""

    key: str
    plural: str
    model: type[models.Model]
    title: models.Expression
    body: models.Expression
    url: Callable[[Row], str]
    career: str | None = "career__slug"
    step: str | None = None
    shown: Q = field(default_factory=Q)
    # A boolean field saying the title was written by us, not taken from the document.
    reconstructed: str | None = None

    def rows(self) -> models.QuerySet:
        """The kind's shown items as rows of the same columns, ready to be combined."""
        return (
            self.model._default_manager.filter(self.shown)
            .annotate(
                r_kind=Value(self.key, output_field=CharField()),
                r_career=F(self.career) if self.career else _none(),
                r_step=F(self.step) if self.step else _none(),
                r_title=self.title,
                r_body=self.body,
                r_reconstructed=F(self.reconstructed)
                if self.reconstructed
                else Value(False, output_field=BooleanField()),
            )
            .order_by()
        )


def _months() -> models.Expression:
    return Concat(
        Cast("min_months", CharField()),
        Value("–"),
        Cast("max_months", CharField()),
        Value(" months"),
        output_field=CharField(),
    )


KINDS: tuple[Kind, ...] = (
    Kind(
        "career",
        "Careers",
        content.Career,
        _text("title"),
        _text("tagline", "introduction", "who_can_become", "steps_note"),
        lambda row: reverse("careers:overview", args=[row.slug]),
        career="slug",
    ),
    Kind("step", "Steps", content.Step, _text("title"), _text("summary"), _step_url),
    Kind(
        "section",
        "Step sections",
        content.StepSection,
        _text("heading"),
        _text("body"),
        _section_url,
        career="step__career__slug",
        step="step__slug",
    ),
    Kind(
        "checklist",
        "Skills, requirements and actions",
        content.ChecklistItem,
        _text("title"),
        _text("body"),
        _checklist_url,
        step="section__step__slug",
        shown=Q(retired=False),
    ),
    Kind(
        "duty",
        "Duties",
        content.Duty,
        _text("title"),
        _text("body"),
        _career_page(content.Duty),
    ),
    Kind(
        "faq",
        "FAQs",
        content.Faq,
        _text("question"),
        _text("answer"),
        _career_page(content.Faq),
        reconstructed="question_reconstructed",
    ),
    Kind(
        "fact",
        "Market facts",
        content.MarketFact,
        _text("figure", "measures"),
        _text("attributed_to"),
        _career_page(content.MarketFact),
    ),
    Kind(
        "benefit",
        "Benefits",
        content.Benefit,
        _text("title"),
        _text("body"),
        _career_page(content.Benefit),
    ),
    Kind(
        "trend",
        "Trends",
        content.Trend,
        _text("title"),
        _text("body"),
        _career_page(content.Trend),
    ),
    Kind(
        "tool",
        "Tools",
        content.Tool,
        _text("name"),
        _text(_label("category", content.Tool.Category.choices)),
        _career_page(content.Tool),
    ),
    Kind(
        "timeline",
        "Timelines",
        content.Timeline,
        _months(),
        _text("note"),
        _career_page(content.Timeline),
    ),
    Kind(
        "salary",
        "Salary tables",
        content.SalaryTable,
        _text("title"),
        _text("attributed_to", "caveat"),
        _career_page(content.SalaryTable),
    ),
    Kind(
        "source",
        "Sources",
        content.Source,
        _text("title"),
        _text("publisher", "author", "notes"),
        _source_url,
        career=None,
    ),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
COLUMNS = ("r_kind", "pk", "r_career", "r_step", "slug", "r_title", "r_body", "r_reconstructed")


@dataclass
class Hit:
    kind: str
    title: SafeString
    snippet: SafeString
    url: str
    rank: float
    reconstructed: bool


@dataclass
class Group:
    kind: Kind
    hits: list[Hit]


@dataclass
class Results:
    query: str
    words: list[str]
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def words_of(query: str) -> list[str]:
    """The query's words, keeping the signs inside them ("node.js", "c++", "c#") but not the
    stop or hyphen after one ("python.")."""
    words = (word.rstrip(".'-") for word in re.findall(r"\w[\w.+#'-]*", query.lower()))
    return list(words)[:MAX_WORDS]


def search(query: str) -> Results:
    """Items matching every word of the query, best first, grouped by kind."""
    words = words_of(query)
    if not words:
        return Results(query, words, [])
    portable = connection.vendor != "postgresql"
    hits = _search_portable(words) if portable else _search_postgres(words)
    groups: dict[str, Group] = {}
    for hit in sorted(hits, key=lambda hit: -hit.rank)[:MAX_RESULTS]:
        groups.setdefault(hit.kind, Group(KIND_BY_KEY[hit.kind], [])).hits.append(hit)
    return Results(query, words, list(groups.values()))


def _combined(parts: list[models.QuerySet]) -> models.QuerySet:
    return parts[0].union(*parts[1:], all=True)


def _search_postgres(words: list[str]) -> list[Hit]:
    # The words alone, as the portable search reads them: no operators ("-python" is not
    # "everything without python"), so both databases find the same items. Each word is found
    # in any of its spellings; the database's own stemming finds singulars and plurals.
    search_query = reduce(
        operator.and_,
        (
            reduce(
                operator.or_,
                (SearchQuery(s, search_type="plain", config="english") for s in spellings(word)),
            )
            for word in words
        ),
    )
    parts = []
    for kind in KINDS:
        vector = SearchVector("r_title", weight="A", config="english") + SearchVector(
            "r_body", weight="B", config="english"
        )
        parts.append(
            kind.rows()
            .annotate(r_vector=vector)
            .filter(r_vector=search_query)
            .annotate(
                r_rank=SearchRank(F("r_vector"), search_query),
                r_title_marked=SearchHeadline(
                    "r_title",
                    search_query,
                    config="english",
                    start_sel=START,
                    stop_sel=STOP,
                    highlight_all=True,
                ),
                r_body_marked=SearchHeadline(
                    "r_body",
                    search_query,
                    config="english",
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=35,
                    min_words=15,
                ),
            )
            .values_list(*COLUMNS, "r_rank", "r_title_marked", "r_body_marked")
        )
    hits = []
    for *columns, rank, title, body in _combined(parts).order_by("-r_rank")[:MAX_RESULTS]:
        row = Row(*columns)
        hits.append(
            Hit(
                row.kind,
                _marked(title),
                _marked(body),
                KIND_BY_KEY[row.kind].url(row),
                rank,
                row.reconstructed,
            )
        )
    return hits


def _marked(text: str) -> SafeString:
    """Escape text from the database, then turn its markers into <mark> elements."""
    escaped = escape(text or "")
    if escaped.count(START) != escaped.count(STOP):
        return mark_safe(escaped.replace(START, "").replace(STOP, ""))
    return mark_safe(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def _search_portable(words: list[str]) -> list[Hit]:
    parts = []
    for kind in KINDS:
        matches = Q()
        for word in words:
            either = Q()
            for form in word_forms(word):
                either |= Q(r_title__icontains=form) | Q(r_body__icontains=form)
            matches &= either
        parts.append(kind.rows().filter(matches).values_list(*COLUMNS))
    pattern = whole_words(words)
    each_word = [whole_words([word]) for word in words]
    hits = []
    for columns in _combined(parts):
        row = Row(*columns)
        if not all(word.search(row.title) or word.search(row.body or "") for word in each_word):
            continue
        title_matches = len(pattern.findall(row.title))
        body_matches = len(pattern.findall(row.body or ""))
        # A word in the title counts for more than one in the text, as the A/B weights do.
        rank = (3 * title_matches + body_matches) / (1 + len(row.body or "") / 500)
        hits.append(
            Hit(
                row.kind,
                highlight(row.title, pattern),
                highlight(excerpt(row.body or "", pattern), pattern),
                KIND_BY_KEY[row.kind].url(row),
                rank,
                row.reconstructed,
            )
        )
    return hits


def spellings(word: str) -> list[str]:
    """The word as typed and as it is often written instead: run together where it has hyphens
    ("back-end" gives backend) and without a possessive's 's ("api's" gives api)."""
    found = [word]
    if word.endswith("'s") and len(word) > 2:
        found.append(word[:-2])
    # "-" alone runs together into nothing, which is in every text.
    return found + [s.replace("-", "") for s in found if "-" in s and s.replace("-", "")]


def word_forms(word: str) -> list[str]:
    """Each spelling of the word and what its singular may be, with the "ies" plural of any form
    that ends in a consonant and y: "salaries" gives salaries, salarie and salary (and salary
    gives salaries), "databases" gives database, "classes" gives class, "movies" gives movie. A
    guess that is no word (databas, statu) finds nothing more than its word does."""
    forms = set(spellings(word))
    for spelling in spellings(word):
        if len(spelling) > 3 and spelling.endswith("s") and not spelling.endswith("ss"):
            forms.add(spelling[:-1])
            if spelling.endswith("ies"):
                forms.add(spelling[:-3] + "y")
            elif len(spelling) > 4 and re.search(r"(?:[sxz]|ch|sh)es$", spelling):
                forms.add(spelling[:-2])
    plurals = {form[:-1] + "ies" for form in forms if re.search(r"[^aeiou]y$", form)}
    return sorted(forms | plurals)


def whole_words(words: list[str]) -> re.Pattern:
    """Any of the words where it stands as a whole word, in its singular or plural: "it" finds
    "it" but not the "it" in "capacity", "skill" finds "skills", "salary" finds "salaries"."""
    forms = (form for word in words for form in word_forms(word))
    alternatives = "|".join(re.escape(form) for form in forms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)", re.IGNORECASE)


def excerpt(text: str, pattern: re.Pattern) -> str:
    """About SNIPPET_CHARS characters of text around its first match."""
    if len(text) <= SNIPPET_CHARS:
        return text
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - SNIPPET_CHARS // 3)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    if start + SNIPPET_CHARS >= len(text):
        return "…" + text[start:]
    end = text.rfind(" ", start, start + SNIPPET_CHARS)
    end = end if end > start else start + SNIPPET_CHARS
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, pattern: re.Pattern) -> SafeString:
    """Text with each match wrapped in <mark>; every piece of the text is escaped."""
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


@dataclass
class Citation:
    kind: Kind
    title: str
    url: str
    reconstructed: bool


def citing_items() -> dict[int, list[tuple[Kind, list[Citation]]]]:
    """For each source id, the items citing it grouped by kind, in one query."""
    parts = [
        kind.rows().annotate(r_source=F("sources__id")).values_list(*COLUMNS, "r_source")
        for kind in KINDS
        if kind.model is not content.Source
    ]
    by_source: dict[int, dict[str, list[Citation]]] = {}
    for *columns, source_id in _combined(parts).order_by("r_kind", "r_career", "r_title"):
        if source_id is None:
            continue
        row = Row(*columns)
        kind = KIND_BY_KEY[row.kind]
        by_source.setdefault(source_id, {}).setdefault(kind.key, []).append(
            Citation(kind, row.title, kind.url(row), row.reconstructed)
        )
    order = {kind.key: position for position, kind in enumerate(KINDS)}
    return {
        source_id: [(KIND_BY_KEY[key], kinds[key]) for key in sorted(kinds, key=order.__getitem__)]
        for source_id, kinds in by_source.items()
    }
