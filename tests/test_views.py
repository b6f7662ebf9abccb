import re
from html import unescape
from http import HTTPStatus

import pytest
import yaml
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils.html import escape

from careers.content import dump_content, load_content
from careers.models import Career, ChecklistItem, Step, Tool
from careers.pages import CONTENT_VERSION_KEY, new_version
from careers.roadmap import LEARNING
from progress.middleware import renew
from progress.models import SESSION_OWNER, Progress
from tests.factories import (
    BenefitFactory,
    CareerFactory,
    DutyFactory,
    FaqFactory,
    MarketFactFactory,
    SkillFactory,
    StepFactory,
    TimelineFactory,
    TipFactory,
    ToolFactory,
    TrendFactory,
)

pytestmark = pytest.mark.django_db

# Every public page, with the career's and its steps' slugs filled in by `address`.
PAGES = [
    "/",
    "/{career}/",
    "/{career}/steps/{first_step}/",
    "/{career}/steps/{last_step}/",
    "/{career}/skills/",
    "/{career}/faqs/",
    "/{career}/market/",
    "/sources/",
    "/search/",
    "/search/?q=heading",
]


def address(page: str, career: Career) -> str:
    steps = list(career.step_set.order_by("position"))
    return page.format(career=career.slug, first_step=steps[0].slug, last_step=steps[-1].slug)


def text(response) -> str:
    return response.content.decode()


def pressed(html: str, item: ChecklistItem) -> str:
    """The status an item's control shows as chosen."""
    found = re.search(rf'id="status-{item.slug}-([a-z-]+)"[^>]*checked>', html)
    return found.group(1)


def visitor_with_progress(client, statuses: dict[ChecklistItem, str]) -> None:
    session = client.session
    session.save()
    session[SESSION_OWNER] = session.session_key
    renew(session)  # as their last change did today
    session.save()
    for item, status in statuses.items():
        Progress.objects.create(session_key=session.session_key, item=item, status=status)


def step_items(step: Step) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(section__step=step).order_by("section__position", "position")
    )


def skills(career: Career) -> list[ChecklistItem]:
    return list(career.checklist_items.filter(kind="skill").order_by("position"))


@pytest.fixture
def site(career) -> Career:
    """The small career with one of everything its pages show besides steps and checklists."""
    DutyFactory(career=career)
    TimelineFactory(career=career)
    FaqFactory(career=career)
    FaqFactory(career=career, question_reconstructed=True)
    MarketFactFactory(career=career)
    BenefitFactory(career=career)
    ToolFactory(career=career)
    TrendFactory(career=career)
    return career


@pytest.mark.parametrize("page", PAGES)
def test_every_public_page_has_a_title_a_description_and_one_level_one_heading(client, site, page):
    response = client.get(address(page, site))
    html = text(response)
    assert response.status_code == HTTPStatus.OK
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ · Roadmap</title>|<title>Roadmap</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize(
    ("page", "title", "description", "current"),
    [
        ("/", "Career roadmaps", "{site}", None),
        ("/{career}/", "How to become a {career}", "{tagline}", "Roadmap"),
        ("/{career}/steps/{first_step}/", "Step 1: {step} · {career}", "{summary}", None),
        (
            "/{career}/skills/",
            "Learn the skills · {career}",
            "The skills and requirements to become a {career}, as a checklist.",
            "Skills",
        ),
        (
            "/{career}/faqs/",
            "Questions and answers · {career}",
            "Common questions about becoming a {career}, with each source's answer.",
            "FAQs",
        ),
        (
            "/{career}/market/",
            "Job market and benefits · {career}",
            "Market figures, benefits, tools and trends for a {career}.",
            "Market",
        ),
        (
            "/sources/",
            "Sources",
            "The documents every fact on this site comes from, and what cites them.",
            "Sources",
        ),
        ("/search/", "Search", "Search the steps, skills, FAQs, facts and sources.", "Search"),
        (
            "/search/?q=a+b",
            "Search: a b",
            "Search the steps, skills, FAQs, facts and sources.",
            "Search",
        ),
    ],
)
def test_each_page_has_its_own_title_and_description_and_marks_itself_in_the_navigation(
    client, site, page, title, description, current
):
    step = site.step_set.order_by("position").first()
    html = text(client.get(address(page, site)))
    words = {
        "career": site.title,
        "tagline": site.tagline,
        "step": step.title,
        "summary": step.summary,
        "site": "Step-by-step career roadmaps with skills checklists, salaries and FAQs, "
        "every fact cited to its source.",
    }
    shown = unescape(re.search(r"<title>([^<]+)</title>", html).group(1))
    assert shown == f"{title.format(**words)} · Roadmap"
    shown = unescape(re.search(r'<meta name="description" content="([^"]+)">', html).group(1))
    assert shown == description.format(**words)
    marked = re.findall(r'aria-current="page">([^<]+)</a>', html)
    assert marked == ([current] if current else [])


def test_the_salaries_page_marks_itself_in_the_career_navigation(client, career):
    html = text(client.get(f"/{career.slug}/salaries/"))
    assert re.findall(r'aria-current="page">([^<]+)</a>', html) == ["Salaries"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_stays_within_ten_queries_for_a_visitor_with_progress(
    client, site, page, django_assert_max_num_queries
):
    first, *_, last = site.checklist_items.order_by("position")
    visitor_with_progress(client, {first: "done", last: "learning"})
    new_version(CONTENT_VERSION_KEY)
    url = address(page, site)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == HTTPStatus.OK
    # Stored, and served again without a query; a page asked for with a query string (a search)
    # is not stored, and makes its queries again.
    with django_assert_max_num_queries(10 if "?" in url else 0):
        assert client.get(url).status_code == HTTPStatus.OK


def test_home_lists_the_careers_in_their_order_with_a_way_in(client, career):
    first = CareerFactory(position=0)
    html = text(client.get("/"))
    assert html.index(f'href="/{first.slug}/"') < html.index(f'href="/{career.slug}/"')
    assert escape(first.tagline) in html and escape(career.tagline) in html
    assert 'action="/search/"' in html


def test_overview_lists_the_steps_in_their_order_in_an_ordered_list(client, career):
    before_all = StepFactory(career=career, position=0)
    steps = list(career.step_set.order_by("position"))
    assert steps[0] == before_all
    html = text(client.get(f"/{career.slug}/"))
    positions = [html.index(escape(step.title)) for step in steps]
    assert positions == sorted(positions)
    assert '<ol class="steps">' in html
    for number, step in enumerate(steps, 1):
        assert f'href="/{career.slug}/steps/{step.slug}/"><span class="step-number">' in html
        assert f"Step {number}:</span> {escape(step.title)}" in html


def test_overview_says_what_the_sources_lost_about_the_steps(client, career):
    assert '<p class="note">' not in text(client.get(f"/{career.slug}/"))
    career.steps_note = "The document promises five steps but sets out four."
    career.save()
    html = text(client.get(f"/{career.slug}/"))
    assert '<p class="note">The document promises five steps but sets out four.</p>' in html


def test_overview_shows_duties_requirements_skills_and_both_timelines_each_cited(
    client, career, sources
):
    older, newer = sources
    duty = DutyFactory(career=career)
    short = TimelineFactory(career=career, min_months=6, max_months=12, sources=[older])
    long = TimelineFactory(career=career, min_months=6, max_months=24, sources=[newer])
    html = text(client.get(f"/{career.slug}/"))
    for timeline, source in ((short, older), (long, newer)):
        start = html.index(f'id="timeline-{timeline.slug}"')
        entry = html[start : html.index("</li>", start)]
        assert f'href="/sources/#source-{source.slug}">{source.short_name}</a>' in entry
    assert "6–12 months" in html and "6 months to 2 years" in html
    assert f'id="duty-{duty.slug}"' in html
    for item in career.checklist_items.filter(section=None):
        assert f'id="item-{item.slug}"' in html
    for source in (older, newer):
        assert f'href="/sources/#source-{source.slug}">{source.short_name}</a>' in html


def test_overview_counts_each_steps_items_and_the_visitors_progress(client, career):
    first_step = career.step_set.order_by("position").first()
    done = step_items(first_step)[:2]
    visitor_with_progress(client, dict.fromkeys(done, "done"))
    html = text(client.get(f"/{career.slug}/"))
    total_in_step = len(step_items(first_step))
    assert f'id="step-counter-{first_step.slug}">2 of {total_in_step} done' in html
    total = ChecklistItem.objects.current().count()
    assert re.search(rf"done, 2 of {total} items", html)
    assert pressed(html, skills(career)[0]) == "not-started"


@pytest.mark.parametrize("stage", ["step", "skills"])
def test_a_stage_counts_its_own_items_apart_from_the_whole_road(client, career, stage):
    step = career.step_set.order_by("position").first()
    # The learning stage holds the career's skills and requirements.
    items = (
        step_items(step) if stage == "step" else list(career.checklist_items.filter(section=None))
    )
    visitor_with_progress(client, {items[0]: "done"})
    url = step.get_absolute_url() if stage == "step" else f"/{career.slug}/skills/"
    html = text(client.get(url))
    slug = step.slug if stage == "step" else "learning-stage"
    total = ChecklistItem.objects.current().count()
    assert len(items) < total
    assert f'id="step-counter-{slug}">1 of {len(items)} done' in html
    assert re.search(rf"Your progress on the whole road</span>: .*done, 1 of {total} items", html)


@pytest.mark.parametrize(
    ("statuses", "said"),
    [
        (["done", "skipped", "skipped"], "1 of 1 done, 2 skipped"),
        (["done", "not-started", "skipped"], "1 of 2 done, 1 skipped"),
        (["skipped", "skipped", "skipped"], "3 of 3 skipped"),
    ],
)
def test_a_stages_count_leaves_skipped_items_out_as_the_overall_bar_does(
    client, career, statuses, said
):
    step = career.step_set.order_by("position").first()
    visitor_with_progress(client, dict(zip(step_items(step), statuses, strict=True)))

    html = text(client.get(step.get_absolute_url()))

    assert f'id="step-counter-{step.slug}">{said}</span>' in html


def test_a_visitor_sees_their_own_progress_and_its_changes_not_anothers(
    client, career, django_assert_num_queries
):
    skill = skills(career)[0]
    page = f"/{career.slug}/"
    visitor_with_progress(client, {skill: "done"})
    client.get(page)
    with django_assert_num_queries(0):
        assert pressed(text(client.get(page)), skill) == "done"
    client.post(f"/progress/items/{skill.pk}/status/", {"status": "learning"})
    assert pressed(text(client.get(page)), skill) == "learning"

    other = Client()
    other.get("/")
    assert pressed(text(other.get(page)), skill) == "not-started"


def test_a_content_change_shows_at_once_on_cached_pages(client, career):
    step = career.step_set.first()
    client.get("/")
    assert escape(step.title) in text(client.get(f"/{career.slug}/"))
    old_title = step.title
    step.title = "Work out how long you need"
    step.save()
    html = text(client.get(f"/{career.slug}/"))
    assert "Work out how long you need" in html
    assert escape(old_title) not in html


def test_step_page_shows_every_section_its_items_and_the_neighbouring_stages(client, career):
    StepFactory(career=career)
    first, step, following = career.step_set.order_by("position")
    html = text(client.get(f"/{career.slug}/steps/{step.slug}/"))
    for section in step.sections.all():
        assert f'id="{section.slug}"' in html
    for item in step_items(step):
        assert f'id="item-{item.slug}"' in html
    for item in step_items(first):
        assert f'id="item-{item.slug}"' not in html
    # The learning stage comes between step 1 and step 2.
    assert f'rel="prev" href="/{career.slug}/skills/"' in html
    assert f'rel="next" href="/{career.slug}/steps/{following.slug}/"' in html
    assert "step 2 of 3" in html


def test_the_road_runs_step_one_the_learning_stage_then_the_other_steps(client, career):
    first, second = career.step_set.order_by("position")
    overview = text(client.get(f"/{career.slug}/"))
    road = overview.split('id="road"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<h3 class="step-title"><a href="([^"]+)"', road)
    assert links == [
        f"/{career.slug}/steps/{first.slug}/",
        f"/{career.slug}/skills/",
        f"/{career.slug}/steps/{second.slug}/",
    ]
    first_page = text(client.get(f"/{career.slug}/steps/{first.slug}/"))
    assert f'rel="next" href="/{career.slug}/skills/"' in first_page
    learning = text(client.get(f"/{career.slug}/skills/"))
    assert f'rel="prev" href="/{career.slug}/steps/{first.slug}/"' in learning
    assert f'rel="next" href="/{career.slug}/steps/{second.slug}/"' in learning


def test_the_learning_stage_says_once_that_it_joins_the_two_documents(client, career):
    career.learning_note = "This stage joins the two documents; one heading lost its text."
    career.save()
    SkillFactory(career=career, body="")
    for page in (f"/{career.slug}/", f"/{career.slug}/skills/"):
        html = text(client.get(page))
        assert html.count("joins the two documents") == 1
        assert "lost from our copy" not in html


def test_the_last_step_marks_its_tips_and_leads_back_to_the_roadmap(client, career):
    last = career.step_set.order_by("position").last()
    TipFactory(section=last.sections.get())
    tips = [item for item in step_items(last) if item.kind == "tip"]
    assert len(tips) == 2 < len(step_items(last))
    html = text(client.get(f"/{career.slug}/steps/{last.slug}/"))
    assert html.count('<span class="kind">Tip: </span>') == len(tips)
    for tip in tips:
        assert f'<span class="kind">Tip: </span>{escape(tip.title)}' in html
    assert 'rel="next"' not in html
    assert (
        f'href="/{career.slug}/"><span class="pager-label">End of the road</span> Back to' in html
    )


def test_retired_items_are_not_shown(client, career):
    retired, kept = skills(career)
    retired.retired = True
    retired.save()
    for page in (f"/{career.slug}/skills/", f"/{career.slug}/"):
        html = text(client.get(page))
        assert f'id="item-{retired.slug}"' not in html
        assert f'id="item-{kept.slug}"' in html


def test_an_item_merged_from_two_keeps_the_old_anchor_and_shows_once(client, career):
    merged = SkillFactory(career=career, merged_from="old-requirement")
    html = text(client.get(f"/{career.slug}/skills/"))
    assert html.count(f'id="item-{merged.slug}"') == 1
    assert '<span id="item-old-requirement"></span>' in html
    for item in career.checklist_items.filter(section=None):
        assert f'id="item-{item.slug}"' in html


def shown_questions(html: str) -> list[str]:
    """The anchors of the questions a FAQ page shows, in order."""
    return re.findall(
        r'<details class="faq">\s*<summary>.*?</summary>\s*<span [^>]*id="([^"]+)"', html
    )


def test_faqs_are_deep_linkable_details_with_reconstructed_questions_marked(client, site):
    html = text(client.get(f"/{site.slug}/faqs/"))
    faqs = list(site.faq_set.all())
    assert html.count('<details class="faq"') == len(faqs) == 2
    for faq in faqs:
        start = html.index(f'id="{faq.slug}"')
        start = html.rindex('<details class="faq">', 0, start)
        entry = html[start : html.index("</details>", start)]
        assert ("question reconstructed</span>" in entry) == faq.question_reconstructed
        assert f'<a class="permalink" href="#{faq.slug}">' in entry
    assert 'id="faq-filter"' in html and 'method="get"' in html


def test_a_questions_address_and_its_old_ones_name_marks_in_the_part_that_opens(client, career):
    """Browsers open a closed <details> to show what an address names in its hidden part (not
    the <details> itself, nor its summary), without scripts too."""
    asked_twice = [
        FaqFactory(career=career, question="How long does it take?", slug=slug)
        for slug in ("how-long-first", "how-long-second")
    ]
    asked_once = FaqFactory(career=career, question="Is a degree required?")
    html = text(client.get(f"/{career.slug}/faqs/"))
    entries = re.findall(r'<details class="faq">(.*?)</details>', html, re.S)
    assert len(entries) == 2
    for entry, faqs in zip(entries, [asked_twice, [asked_once]], strict=True):
        summary, hidden_part = entry.split("</summary>")
        for faq in faqs:
            assert f'<span class="question-anchor" id="{faq.slug}"></span>' in hidden_part
            assert f'id="{faq.slug}"' not in summary
        assert f'<a class="permalink" href="#{faqs[0].slug}">' in hidden_part
    assert html.count(f'id="{asked_twice[1].slug}"') == 1


def test_faq_filter_works_without_javascript(client, career):
    both_in_question = FaqFactory(career=career, question="Degree or bootcamp?")
    both_across = FaqFactory(career=career, question="Do I need a degree?", answer="A Bootcamp.")
    FaqFactory(career=career, question="Is a degree required?", answer="No.")
    FaqFactory(career=career, question="Which bootcamp?", answer="Any.")
    html = text(client.get(f"/{career.slug}/faqs/", {"q": "Degree  BOOTCAMP"}))
    shown = shown_questions(html)
    assert shown == [both_in_question.slug, both_across.slug]
    assert "2 of 4 questions match" in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("salary", {"plural", "both"}),
        ("degrees", {"singular", "both"}),
        ("degree salaries", {"both"}),
        # A word being typed finds the words it begins.
        ("sala", {"plural", "both"}),
        # Signs alone are looked for as typed.
        ("?", {"plural", "singular", "both"}),
        ("!!!", set()),
    ],
)
def test_the_faq_filter_finds_a_word_in_its_singular_or_plural_as_search_does(
    client, career, query, shown
):
    faqs = {
        "plural": FaqFactory(career=career, question="What do they earn?", answer="Salaries vary."),
        "singular": FaqFactory(career=career, question="Do I need a degree?", answer="No."),
        "both": FaqFactory(career=career, question="Degree or salary first?", answer="Either."),
    }
    html = text(client.get(f"/{career.slug}/faqs/", {"q": query}))
    found = shown_questions(html)
    assert sorted(found) == sorted(faqs[name].slug for name in shown)


def test_an_over_long_faq_filter_is_refused_with_a_message(client, career):
    response = client.get(f"/{career.slug}/faqs/", {"q": "x" * 101})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "please use at most 100" in text(response)


def test_market_page_shows_facts_benefits_tools_by_category_and_trends(client, career):
    fact = MarketFactFactory(
        career=career,
        figure="8%",
        year_start=2019,
        year_end=2029,
        attributed_to="the Bureau of Labor Statistics",
    )
    benefit, trend = BenefitFactory(career=career), TrendFactory(career=career)
    database = ToolFactory(career=career, category=Tool.Category.DATABASE)
    language = ToolFactory(career=career, category=Tool.Category.LANGUAGE)
    html = text(client.get(f"/{career.slug}/market/"))
    start = html.index(f'id="fact-{fact.slug}"')
    entry = html[start : html.index("</li>", start)]
    assert "8%" in entry and "2019–2029" in entry and "Bureau of Labor Statistics" in entry
    assert f'id="benefit-{benefit.slug}"' in html and f'id="trend-{trend.slug}"' in html
    groups = re.findall(r'<div class="tool-group">\s*<h3>([^<]+)</h3>(.*?)</div>', html, re.S)
    listed = {heading: re.findall(r'id="tool-([^"]+)"', tools) for heading, tools in groups}
    assert listed == {"Database": [database.slug], "Programming language": [language.slug]}


def test_sources_page_describes_each_document_and_what_cites_it(client, career, sources):
    older, newer = sources
    newer.date_label, newer.notes = "Updated", "The copy lost its list of steps."
    newer.save()
    newer.references.create(position=1, url="https://example.org/statistics/roles/")
    faq = FaqFactory(career=career, sources=[newer])
    action = step_items(career.step_set.order_by("position").first())[0]
    skill = skills(career)[0]
    html = text(client.get("/sources/"))
    start = html.index(f'id="source-{newer.slug}"')
    entries = {older: html[html.index(f'id="source-{older.slug}"') : start], newer: html[start:]}
    for source, entry in entries.items():
        assert escape(source.author) in entry and source.file_name in entry
        assert f"<dt>{source.date_label}</dt>" in entry
    assert "The document cites no addresses." in entries[older]
    assert "https://example.org/statistics/roles/" in entries[newer]
    assert "The copy lost its list of steps." in entries[newer]
    step = action.section.step
    assert f'href="/{career.slug}/steps/{step.slug}/#item-{action.slug}"' in entries[older]
    assert f'href="/{career.slug}/steps/{step.slug}/#item-{action.slug}"' not in entries[newer]
    assert f'href="/{career.slug}/faqs/#{faq.slug}"' in entries[newer]
    assert f'href="/{career.slug}/faqs/#{faq.slug}"' not in entries[older]
    for entry in entries.values():
        assert f'href="/{career.slug}/skills/#item-{skill.slug}"' in entry


@pytest.mark.parametrize(
    "page", ["/{career}/", "/{career}/skills/", "/{career}/faqs/", "/sources/"]
)
def test_pages_load_into_main_through_one_boosted_container(client, career, page):
    html = text(client.get(address(page, career)))
    assert not re.search(r"<a [^>]*hx-get", html)
    assert 'hx-target="#main" hx-select="#main > *"' in html
    assert '<div class="page" hx-boost="true"' in html


def test_an_htmx_request_gets_the_same_page_as_any_other(client, career):
    page = f"/{career.slug}/"
    plain = client.get(page)
    boosted = client.get(page, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert plain.status_code == boosted.status_code == HTTPStatus.OK
    assert re.sub(r'value="[^"]{64}"', "", text(plain)) == re.sub(
        r'value="[^"]{64}"', "", text(boosted)
    )


def test_development_serves_the_same_scripts_as_production(client, career, settings):
    """django-htmx's debug script, which {% htmx_script %} adds with DEBUG, would put a refused
    form's 400 in place of the whole page instead of its message in place."""
    scripts = {}
    for debug in (False, True):
        settings.DEBUG = debug
        caches["pages"].clear()
        scripts[debug] = re.findall(r"<script [^>]*>", text(client.get(f"/{career.slug}/")))
    assert scripts[True] == scripts[False]
    assert [re.search(r'src="[^"]*/(\w[\w.-]*\.js)"', s)[1] for s in scripts[True]] == [
        "htmx-2.min.js",
        "site.js",
    ]


def test_search_as_you_type_selects_the_results_from_the_page(client, career):
    SkillFactory(career=career, title="Prepare for the interview")
    html = text(client.get("/search/", {"q": "interview"}, headers={"HX-Request": "true"}))
    assert 'hx-target="#search-results" hx-select="#search-results"' in html
    assert 'hx-select-oob="#search-status:innerHTML"' in html
    results = html.split('id="search-results"', 1)[1]
    assert "Prepare for the <mark>interview</mark>" in results
    assert '<p id="search-status" role="status">1 result for “interview”.</p>' in html


@pytest.mark.parametrize(
    "page",
    [
        "/no-such-career/",
        "/{career}/steps/no-such-step/",
        # The learning stage has an address of its own (the skills page), not a step's.
        f"/{{career}}/steps/{LEARNING}/",
        "/no-such-career/faqs/",
        "/{career}/no-such-page/",
    ],
)
def test_unknown_addresses_get_the_styled_not_found_page(client, career, page):
    response = client.get(address(page, career))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in text(response)
    assert 'action="/search/"' in text(response)


@pytest.mark.parametrize(
    "page",
    [
        *PAGES,
        "/{career}/salaries/",
        "/dashboard/",
        "/progress/import/",
        "/accounts/login/",
        "/accounts/signup/",
    ],
)
def test_every_page_answers_head_as_it_answers_get(client, site, page):
    url = address(page, site)
    got = client.get(url)

    head = client.head(url)

    assert head.status_code == got.status_code == HTTPStatus.OK
    assert head["Content-Type"] == got["Content-Type"]


def sent_by_the_site(request) -> tuple[dict[str, str], bytes]:
    """The headers and body the WSGI application itself hands the server (Django's test client
    drops a HEAD answer's body on its own, as runserver does)."""
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update((name.lower(), value) for name, value in headers)
        started["status"] = status

    # As Django's test client does: the request must not close the test's database connection.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        answer = WSGIHandler()(request.environ, start_response)
        body = b"".join(answer)
        answer.close()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return started, body


def test_head_answers_carry_no_body_but_the_length_get_would_send(career):
    # A body would make gunicorn log a warning for every HEAD request (monitors send many).
    url = f"/{career.slug}/"
    # Compressed: its length is the compressed body's, given before the body goes.
    got_headers, got_body = sent_by_the_site(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))

    headers, body = sent_by_the_site(RequestFactory().head(url, HTTP_ACCEPT_ENCODING="gzip"))

    assert got_headers["status"] == headers["status"] == "200 OK"
    assert got_body and body == b""
    assert got_headers["content-length"] == str(len(got_body))
    assert headers["content-encoding"] == got_headers["content-encoding"] == "gzip"
    # The same page, but for the gzip header's name of random length (0 to 99 bytes).
    assert abs(int(headers["content-length"]) - len(got_body)) < 100


def test_pages_refuse_other_methods(client, career):
    assert client.post(f"/{career.slug}/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_error_page_needs_neither_a_request_context_nor_the_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
        handler = get_resolver().resolve_error_handler(500)
        response = handler(RequestFactory().get("/"))
    assert "Something went wrong" in html
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text(response)
    assert "Sitemap: http://testserver/sitemap.xml" in text(response)


def test_loading_changed_content_files_shows_at_once(client, career, tmp_path):
    step = career.step_set.order_by("position").last()
    dump_content(tmp_path)
    client.get("/")
    assert escape(step.title) in text(client.get(f"/{career.slug}/"))
    path = tmp_path / "careers" / f"{career.slug}.yaml"
    data = yaml.safe_load(path.read_text())
    data["steps"][-1]["title"] = "Pass the interview"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    load_content(tmp_path)
    html = text(client.get(f"/{career.slug}/"))
    assert "Pass the interview" in html and escape(step.title) not in html


@pytest.mark.parametrize("page", ["/{career}/faqs/", "/search/"])
def test_a_null_character_in_the_words_is_refused_with_a_message(client, career, page):
    response = client.get(address(page, career), {"q": "data\x00base"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "null character" in text(response)
    # Shown back in the box, with the character HTML puts in a NUL's place.
    assert "\x00" not in text(response)
    assert 'value="data\ufffdbase"' in text(response)


def test_pages_with_a_visitors_progress_are_private_and_vary_on_the_cookie(client, career):
    visitor_with_progress(client, {skills(career)[0]: "done"})
    page = f"/{career.slug}/"
    for response in (client.get(page), client.get(page)):  # rendered, then from the cache
        assert "private" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


@pytest.mark.django_db(transaction=True)
def test_a_committed_content_change_gets_a_fresh_version_once_committed():
    from django.db import transaction

    from careers.pages import read_version

    step = StepFactory()
    with transaction.atomic():
        step.title = "Work out how long you need"
        step.save()
        seen_before_commit = read_version(CONTENT_VERSION_KEY)
    assert read_version(CONTENT_VERSION_KEY) != seen_before_commit
