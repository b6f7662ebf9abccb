"""Search over all content, on whichever database runs the tests (PostgreSQL full-text search or
the portable fallback)."""

import re
from http import HTTPStatus

import pytest

from careers.models import Career, Tool
from careers.search import search
from tests.factories import (
    ActionFactory,
    DutyFactory,
    FaqFactory,
    SkillFactory,
    SourceFactory,
    StepFactory,
    StepSectionFactory,
    TimelineFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def duties(career):
    filler = "Keep the servers running smoothly and the data safe for every customer. " * 4
    return [
        DutyFactory(
            career=career,
            slug="mention",
            title="Look after the platform",
            body=filler + "Sometimes this means running Kubernetes.",
        ),
        DutyFactory(
            career=career,
            slug="headline",
            title="Run Kubernetes clusters",
            body="Deploy and scale the services.",
        ),
        DutyFactory(
            career=career,
            slug="markup",
            title="Write <b>bold</b> Kubernetes notes & docs",
            body="Notes with <script>alert(1)</script> inside.",
        ),
    ]


def duty_url(career: Career, slug: str) -> str:
    return f"/{career.slug}/#duty-{slug}"


def urls(results) -> list[str]:
    return [hit.url for group in results.groups for hit in group.hits]


def test_a_match_in_the_title_ranks_above_one_in_the_text(career, duties):
    hits = {hit.url: hit for group in search("kubernetes").groups for hit in group.hits}
    title_match = hits[duty_url(career, "headline")]
    text_match = hits[duty_url(career, "mention")]
    assert title_match.rank > text_match.rank
    order = urls(search("kubernetes"))
    assert order.index(duty_url(career, "headline")) < order.index(duty_url(career, "mention"))


def test_results_are_grouped_by_kind_each_linking_to_its_page_and_anchor(career):
    tool = ToolFactory(career=career, name="MySQL", category=Tool.Category.DATABASE)
    skill = SkillFactory(career=career, title="Database management")
    results = search("database")
    kinds = [group.kind.key for group in results.groups]
    assert len(kinds) == len(set(kinds))
    assert {"tool", "checklist"} <= set(kinds)
    for group in results.groups:
        assert all(hit.kind == group.kind.key for hit in group.hits)
    assert f"/{career.slug}/market/#tool-{tool.slug}" in urls(results)
    assert f"/{career.slug}/skills/#item-{skill.slug}" in urls(results)


def test_items_inside_steps_link_to_their_step_page(career):
    step = StepFactory(career=career)
    section = StepSectionFactory(step=step, heading="Freelance platforms such as Upwork")
    action = ActionFactory(section=section, title="Compare the industries of the employers")
    assert f"/{career.slug}/steps/{step.slug}/#item-{action.slug}" in urls(
        search("industries employers")
    )
    assert f"/{career.slug}/steps/{step.slug}/#{section.slug}" in urls(search("Upwork"))


def test_faqs_sources_and_timelines_are_found(career):
    faq = FaqFactory(career=career, answer="Many people learn at coding bootcamps.")
    source = SourceFactory(author="Pavan Vadapalli")
    timeline = TimelineFactory(career=career, note="Until you are proficient.")
    assert f"/{career.slug}/faqs/#{faq.slug}" in urls(search("bootcamps"))
    assert f"/sources/#source-{source.slug}" in urls(search("Vadapalli"))
    assert f"/{career.slug}/#timeline-{timeline.slug}" in urls(search("proficient"))


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("salary", "Compare salaries by country"),
        ("salaries", "Ask about the salary"),
        ("classes", "Write a class"),
        ("class", "Group the classes"),
        ("status", "Report the statuses"),
        ("statuses", "Check the status"),
        ("databases", "Design a database"),
        ("courses", "Pick a course"),
        ("movies", "Watch a movie"),
        ("apis", "Document the API"),
        ("boxes", "Pack the box"),
    ],
)
def test_a_word_finds_its_singular_and_its_plural(career, query, title):
    duty = DutyFactory(career=career, title=title, body="Nothing else here.")

    assert urls(search(query)) == [duty_url(career, duty.slug)]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("back-end", ["Build the back-end", "Run the backend"]),
        ("backend", ["Run the backend"]),
        ("api's", ["Document the API"]),
    ],
)
def test_a_word_finds_the_spellings_it_is_often_written_in(career, query, titles):
    duties = {
        title: DutyFactory(career=career, title=title, body="Nothing else here.")
        for title in ("Build the back-end", "Run the backend", "Document the API")
    }

    expected = {duty_url(career, duties[title].slug) for title in titles}
    assert set(urls(search(query))) == expected


def test_a_plural_is_not_taken_for_a_shorter_word(career):
    DutyFactory(career=career, title="Tell us more", body="Nothing else here.")

    assert urls(search("uses")) == []


@pytest.mark.parametrize("query", ["-kubernetes", '"kubernetes"', "kubernetes.", "kubernetes-"])
def test_signs_and_operators_are_read_as_plain_words(career, duties, query):
    """No database reads "-kubernetes" as everything without Kubernetes."""
    assert set(urls(search(query))) == set(urls(search("kubernetes")))
    assert urls(search(query))


def test_every_word_must_match(career, duties):
    found = urls(search("kubernetes clusters"))
    assert duty_url(career, "headline") in found
    assert duty_url(career, "mention") not in found


def test_matched_words_are_marked_in_titles_and_snippets(career, duties):
    hits = {hit.url: hit for group in search("kubernetes").groups for hit in group.hits}
    assert "<mark>Kubernetes</mark>" in hits[duty_url(career, "headline")].title
    assert "<mark>Kubernetes</mark>" in hits[duty_url(career, "mention")].snippet


def test_html_in_the_content_is_escaped_around_the_marks(career, duties):
    hits = {hit.url: hit for group in search("kubernetes notes").groups for hit in group.hits}
    hit = hits[duty_url(career, "markup")]
    assert "&lt;b&gt;bold&lt;/b&gt;" in hit.title and "&amp;" in hit.title
    assert "<b>" not in hit.title
    assert "<script>" not in hit.snippet


def test_retired_items_are_not_found(career):
    section = StepSectionFactory(step__career=career)
    retired = ActionFactory(section=section, title="Compare industries and employers")
    kept = ActionFactory(section=section, title="List the industries of your employers")
    retired.retired = True
    retired.save()
    found = urls(search("industries employers"))
    assert not any(f"#item-{retired.slug}" in url for url in found)
    assert any(f"#item-{kept.slug}" in url for url in found)


def test_html_in_the_query_is_escaped_on_the_page(client, career, duties):
    response = client.get("/search/", {"q": '<script>alert("x")</script> kubernetes'})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_the_search_page_shows_grouped_marked_results(client, career):
    step = StepFactory(career=career, title="Ace the interview")
    html = client.get("/search/", {"q": "interview"}).content.decode()
    assert '<section class="result-group"' in html
    assert "Ace the <mark>interview</mark>" in html
    assert f'href="/{career.slug}/steps/{step.slug}/"' in html


def test_an_empty_query_asks_for_words(client, career):
    for query in ("", "   ", "!!!"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == HTTPStatus.OK
    assert "Type one or more words" in client.get("/search/").content.decode()
    assert "Nothing matches" in client.get("/search/", {"q": "!!!"}).content.decode()


def test_an_over_long_query_is_refused_with_a_message(client, career):
    response = client.get("/search/", {"q": "word " * 30})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "please use at most 100" in response.content.decode()


def test_a_search_is_one_query(career, duties, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = search("kubernetes platform")
    assert results.count == 1


def test_tools_are_found_and_shown_by_their_category_label(client, career):
    ToolFactory(career=career, name="Docker", category=Tool.Category.CONTAINERS)
    html = client.get("/search/", {"q": "containerization"}).content.decode()
    assert "Docker" in html
    assert "<mark>Containerization</mark>" in html


def badges_by_link(html: str) -> dict[str, bool]:
    """Each listed link's address, and whether its entry carries the reconstructed badge."""
    return {
        url: "question reconstructed</span>" in entry
        for url, entry in re.findall(r'<li><a href="([^"]+)">(.*?)</li>', html, re.S)
    }


@pytest.fixture
def faqs(career):
    """Two questions about a degree, the first one reconstructed, and one about something else."""
    return [
        FaqFactory(career=career, question="Is a degree required?", question_reconstructed=True),
        FaqFactory(career=career, question="Can I start without a degree?"),
        FaqFactory(career=career, question="Where do I find work?", question_reconstructed=True),
    ]


def test_the_faq_filter_for_a_hyphen_alone_finds_only_questions_with_one(client, career, faqs):
    FaqFactory(career=career, question="Is back-end work remote?")

    html = client.get(f"/{career.slug}/faqs/", {"q": "-"}).content.decode()

    assert "1 of 4 questions match" in html


def test_results_mark_the_questions_we_reconstructed(client, career, faqs):
    reconstructed, written, _ = faqs
    SkillFactory(career=career, title="A degree in computer science")
    html = client.get("/search/", {"q": "degree"}).content.decode()
    badges = badges_by_link(html)
    assert badges[f"/{career.slug}/faqs/#{reconstructed.slug}"] is True
    assert badges[f"/{career.slug}/faqs/#{written.slug}"] is False
    hits = [hit for group in search("degree").groups for hit in group.hits]
    assert len(hits) == 3
    for hit in hits:
        assert hit.reconstructed == hit.url.endswith(f"#{reconstructed.slug}")


def test_the_sources_page_marks_the_reconstructed_questions_citing_each_source(
    client, career, faqs
):
    html = client.get("/sources/").content.decode()
    badges = badges_by_link(html)
    for faq in faqs:
        assert badges[f"/{career.slug}/faqs/#{faq.slug}"] == faq.question_reconstructed
    assert html.count('<span class="badge">question reconstructed</span>') == 2
    action = career.checklist_items.filter(kind="action").first()
    step = action.section.step
    assert badges[f"/{career.slug}/steps/{step.slug}/#item-{action.slug}"] is False
