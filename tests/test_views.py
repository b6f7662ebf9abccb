import re
from http import HTTPStatus

import pytest
from django.template import loader
from django.test import RequestFactory
from django.utils.html import escape

from careers.models import Career, ChecklistItem, Faq, Source, Step
from careers.pages import CONTENT_VERSION_KEY, new_version
from careers.views import server_error
from progress.models import SESSION_OWNER, Progress

pytestmark = pytest.mark.django_db

CAREER = "/backend-developer/"
PAGES = [
    "/",
    CAREER,
    CAREER + "steps/determine-your-timeline/",
    CAREER + "steps/find-a-job/",
    CAREER + "steps/ace-the-interview/",
    CAREER + "skills/",
    CAREER + "faqs/",
    CAREER + "market/",
    "/sources/",
    "/search/",
    "/search/?q=database",
]


def text(response) -> str:
    return response.content.decode()


def pressed(html: str, slug: str) -> str:
    """The status an item's control shows as chosen."""
    return re.search(rf'id="status-{slug}-([a-z-]+)"[^>]*checked>', html).group(1)


def visitor_with_progress(client, slugs_and_statuses: dict[str, str]) -> None:
    session = client.session
    session.save()
    session[SESSION_OWNER] = session.session_key
    session.save()
    for slug, status in slugs_and_statuses.items():
        item = ChecklistItem.objects.get(slug=slug)
        Progress.objects.create(session_key=session.session_key, item=item, status=status)


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_has_a_title_a_description_and_one_level_one_heading(client, loaded, url):
    response = client.get(url)
    html = text(response)
    assert response.status_code == HTTPStatus.OK
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ · Roadmap</title>|<title>Roadmap</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize("url", PAGES)
def test_every_page_stays_within_ten_queries_for_a_visitor_with_progress(
    client, loaded, url, django_assert_max_num_queries
):
    visitor_with_progress(client, {"programming-language": "done", "build-portfolio": "learning"})
    new_version(CONTENT_VERSION_KEY)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == HTTPStatus.OK


def test_home_lists_the_careers_with_a_way_in(client, loaded):
    html = text(client.get("/"))
    assert 'href="/backend-developer/"' in html
    assert escape(Career.objects.get().tagline) in html
    assert 'action="/search/"' in html


def test_overview_lists_the_steps_in_their_order_in_an_ordered_list(client, loaded):
    html = text(client.get(CAREER))
    steps = list(Step.objects.order_by("position"))
    positions = [html.index(escape(step.title)) for step in steps]
    assert positions == sorted(positions)
    assert '<ol class="steps">' in html
    for step in steps:
        assert f'href="/backend-developer/steps/{step.slug}/"' in html


def test_overview_says_what_the_sources_lost_about_the_steps(client, loaded):
    html = text(client.get(CAREER))
    note = Career.objects.get().steps_note
    assert "promises five steps" in note
    assert escape(note) in html


def test_overview_shows_duties_requirements_skills_and_both_timelines_each_cited(client, loaded):
    html = text(client.get(CAREER))
    for anchor in ("timeline-knowledgehut-estimate", "timeline-upgrad-estimate"):
        start = html.index(f'id="{anchor}"')
        assert "/sources/#source-" in html[start : html.index("</li>", start)]
    assert "6–12 months" in html and "6 months to 2 years" in html
    assert 'id="duty-design-and-build-websites"' in html
    assert 'id="item-programming-language"' in html and 'id="item-api-development"' in html
    assert 'href="/sources/#source-knowledgehut-2023">KnowledgeHut 2023</a>' in html
    assert 'href="/sources/#source-upgrad-2025">upGrad 2025</a>' in html


def test_overview_counts_each_steps_items_and_the_visitors_progress(client, loaded):
    done = {"research-target-companies": "done", "compare-industries": "done"}
    visitor_with_progress(client, done)
    html = text(client.get(CAREER))
    assert 'id="step-counter-find-a-job">2 of 5 done' in html
    total = ChecklistItem.objects.current().count()
    assert re.search(rf"done, 2 of {total} items", html)
    assert pressed(html, "programming-language") == "not-started"


def test_a_visitor_sees_their_own_progress_and_its_changes_not_anothers(
    client, loaded, django_assert_num_queries
):
    from django.test import Client

    visitor_with_progress(client, {"programming-language": "done"})
    client.get(CAREER)
    with django_assert_num_queries(0):
        assert pressed(text(client.get(CAREER)), "programming-language") == "done"
    Progress.objects.filter(item__slug="programming-language").update(status="learning")
    assert pressed(text(client.get(CAREER)), "programming-language") == "learning"

    other = Client()
    other.get("/")
    assert pressed(text(other.get(CAREER)), "programming-language") == "not-started"


def test_a_content_change_shows_at_once_on_cached_pages(client, loaded):
    client.get("/")
    assert "Determine your ideal timeline" in text(client.get(CAREER))
    step = Step.objects.get(slug="determine-your-timeline")
    step.title = "Work out how long you need"
    step.save()
    html = text(client.get(CAREER))
    assert "Work out how long you need" in html
    assert "Determine your ideal timeline" not in html


def test_step_page_shows_every_section_its_items_and_the_neighbouring_steps(client, loaded):
    html = text(client.get(CAREER + "steps/find-a-job/"))
    for section in ("where-and-how", "top-companies", "job-outlook", "best-locations"):
        assert f'id="{section}"' in html
    assert 'id="top-industries"' in html
    assert 'id="item-research-local-job-market"' in html
    assert 'rel="prev" href="/backend-developer/steps/build-portfolio-resume/"' in html
    assert 'rel="next" href="/backend-developer/steps/ace-the-interview/"' in html
    assert "step 3 of 4" in html


def test_interview_step_shows_the_six_tips_and_leads_back_to_the_roadmap(client, loaded):
    html = text(client.get(CAREER + "steps/ace-the-interview/"))
    assert html.count('<span class="kind">Tip: </span>') == 6
    assert 'rel="next"' not in html
    assert "Back to the roadmap" in html


def test_retired_items_are_not_shown(client, loaded):
    item = ChecklistItem.objects.get(slug="debugging-tools")
    item.retired = True
    item.save()
    assert 'id="item-debugging-tools"' not in text(client.get(CAREER + "skills/"))
    assert 'id="item-debugging-tools"' not in text(client.get(CAREER))


def test_skills_page_says_the_text_under_each_skill_heading_was_lost(client, loaded):
    html = text(client.get(CAREER + "skills/"))
    skills = ChecklistItem.objects.filter(kind="skill")
    assert html.count("the text under its heading was lost") == skills.count() == 7
    assert 'id="item-programming-language"' in html


def test_faqs_are_deep_linkable_details_with_reconstructed_questions_marked(client, loaded):
    html = text(client.get(CAREER + "faqs/"))
    assert html.count('<details class="faq"') == Faq.objects.count()
    for faq in Faq.objects.all():
        start = html.index(f'<details class="faq" id="{faq.slug}">')
        entry = html[start : html.index("</details>", start)]
        assert ("question reconstructed</span>" in entry) == faq.question_reconstructed
    assert 'id="faq-filter"' in html and 'method="get"' in html


def test_faq_filter_works_without_javascript(client, loaded):
    html = text(client.get(CAREER + "faqs/", {"q": "Degree  BOOTCAMP"}))
    shown = re.findall(r'<details class="faq" id="([^"]+)"', html)
    assert shown == [
        "is-a-degree-required-upgrad",
        "can-i-start-as-a-backend-developer-knowledgehut",
    ]
    assert "2 of 15 questions match" in html


def test_an_over_long_faq_filter_is_refused_with_a_message(client, loaded):
    response = client.get(CAREER + "faqs/", {"q": "x" * 101})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "please use at most 100" in text(response)


def test_market_page_shows_facts_benefits_tools_by_category_and_trends(client, loaded):
    html = text(client.get(CAREER + "market/"))
    start = html.index('id="fact-bls-web-developer-growth"')
    fact = html[start : html.index("</li>", start)]
    assert "8%" in fact and "2019–2029" in fact and "Bureau of Labor Statistics" in fact
    assert 'id="benefit-job-security"' in html and 'id="trend-microservices"' in html
    databases = html.index("<h3>Database</h3>")
    assert databases < html.index('id="tool-postgresql"') < html.index("<h3>", databases + 1)


def test_sources_page_describes_each_document_and_what_cites_it(client, loaded):
    html = text(client.get("/sources/"))
    for source in Source.objects.all():
        assert f'id="source-{source.slug}"' in html
        assert escape(source.author) in html and source.file_name in html
        assert f"<dt>{source.date_label}</dt>" in html
    assert "https://www.statista.com/statistics/1367003/in-demand-it-roles/" in html
    assert "The article cites no reference list." in html
    assert 'href="/backend-developer/faqs/#is-a-degree-required-upgrad"' in html
    assert 'href="/backend-developer/steps/find-a-job/#item-compare-industries"' in html
    assert 'href="/backend-developer/skills/#item-api-development"' in html


@pytest.mark.parametrize("url", [CAREER, CAREER + "skills/", CAREER + "faqs/", "/sources/"])
def test_pages_load_into_main_through_one_boosted_container(client, loaded, url):
    html = text(client.get(url))
    assert not re.search(r"<a [^>]*hx-get", html)
    assert 'hx-target="#main" hx-select="#main > *"' in html
    assert '<div class="page" hx-boost="true">' in html


def test_an_htmx_request_gets_the_same_page_as_any_other(client, loaded):
    plain = client.get(CAREER)
    boosted = client.get(CAREER, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert plain.status_code == boosted.status_code == HTTPStatus.OK
    assert re.sub(r'value="[^"]{64}"|"X-CSRFToken": "[^"]{64}"', "", text(plain)) == re.sub(
        r'value="[^"]{64}"|"X-CSRFToken": "[^"]{64}"', "", text(boosted)
    )


def test_search_as_you_type_selects_the_results_from_the_page(client, loaded):
    html = text(client.get("/search/", {"q": "interview"}, headers={"HX-Request": "true"}))
    assert 'hx-target="#search-results" hx-select="#search-results"' in html
    results = html.split('id="search-results"', 1)[1]
    assert "<mark>" in results and "result" in results


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-career/",
        CAREER + "steps/no-such-step/",
        "/no-such-career/faqs/",
        CAREER + "no-such-page/",
    ],
)
def test_unknown_addresses_get_the_styled_not_found_page(client, loaded, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in text(response)
    assert 'action="/search/"' in text(response)


def test_pages_refuse_other_methods(client, loaded):
    assert client.post(CAREER).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_error_page_needs_neither_a_request_context_nor_the_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
        response = server_error(RequestFactory().get("/"))
    assert "Something went wrong" in html
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text(response)
    assert "Sitemap: http://testserver/sitemap.xml" in text(response)


def test_loading_changed_content_files_shows_at_once(client, loaded, content_copy):
    from careers.content import load_content

    client.get("/")
    assert "Ace the interview" in text(client.get(CAREER))
    path = content_copy / "careers" / "backend-developer.yaml"
    path.write_text(
        path.read_text().replace("title: Ace the interview", "title: Pass the interview")
    )
    load_content(content_copy)
    html = text(client.get(CAREER))
    assert "Pass the interview" in html and "Ace the interview" not in html


@pytest.mark.parametrize("url", [CAREER + "faqs/", "/search/"])
def test_a_null_character_in_the_words_is_refused_with_a_message(client, loaded, url):
    response = client.get(url, {"q": "data\x00base"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "null character" in text(response)


def test_pages_with_a_visitors_progress_are_private_and_vary_on_the_cookie(client, loaded):
    visitor_with_progress(client, {"programming-language": "done"})
    for response in (client.get(CAREER), client.get(CAREER)):  # rendered, then from the cache
        assert "private" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


@pytest.mark.django_db(transaction=True)
def test_a_committed_content_change_gets_a_fresh_version_once_committed(content_dir):
    from django.db import transaction

    from careers.content import load_content
    from careers.pages import read_version

    load_content(content_dir)
    with transaction.atomic():
        step = Step.objects.get(slug="determine-your-timeline")
        step.title = "Work out how long you need"
        step.save()
        seen_before_commit = read_version(CONTENT_VERSION_KEY)
    assert read_version(CONTENT_VERSION_KEY) != seen_before_commit
