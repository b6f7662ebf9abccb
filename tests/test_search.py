"""Search over all content, on whichever database runs the tests (PostgreSQL full-text search or
the portable fallback)."""

import re
from http import HTTPStatus

import pytest

from careers.models import Career, ChecklistItem, Duty, Faq
from careers.search import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def duties(loaded):
    career = Career.objects.get()
    filler = "Keep the servers running smoothly and the data safe for every customer. " * 4
    return [
        Duty.objects.create(
            career=career,
            slug="mention",
            position=90,
            title="Look after the platform",
            body=filler + "Sometimes this means running Kubernetes.",
        ),
        Duty.objects.create(
            career=career,
            slug="headline",
            position=91,
            title="Run Kubernetes clusters",
            body="Deploy and scale the services.",
        ),
        Duty.objects.create(
            career=career,
            slug="markup",
            position=92,
            title="Write <b>bold</b> Kubernetes notes & docs",
            body="Notes with <script>alert(1)</script> inside.",
        ),
    ]


def urls(results) -> list[str]:
    return [hit.url for group in results.groups for hit in group.hits]


def test_a_match_in_the_title_ranks_above_one_in_the_text(duties):
    hits = {hit.url: hit for group in search("kubernetes").groups for hit in group.hits}
    title_match = hits["/backend-developer/#duty-headline"]
    text_match = hits["/backend-developer/#duty-mention"]
    assert title_match.rank > text_match.rank
    order = urls(search("kubernetes"))
    assert order.index("/backend-developer/#duty-headline") < order.index(
        "/backend-developer/#duty-mention"
    )


def test_results_are_grouped_by_kind_each_linking_to_its_page_and_anchor(loaded):
    results = search("database")
    kinds = [group.kind.key for group in results.groups]
    assert len(kinds) == len(set(kinds))
    assert {"tool", "checklist"} <= set(kinds)
    for group in results.groups:
        assert all(hit.kind == group.kind.key for hit in group.hits)
    assert "/backend-developer/market/#tool-mysql" in urls(results)
    assert "/backend-developer/skills/#item-database-management" in urls(results)


def test_items_inside_steps_link_to_their_step_page(loaded):
    assert "/backend-developer/steps/find-a-job/#item-compare-industries" in urls(
        search("industries employers")
    )
    assert "/backend-developer/steps/find-a-job/#top-companies" in urls(search("Upwork"))


def test_faqs_sources_and_timelines_are_found(loaded):
    assert "/backend-developer/faqs/#is-a-degree-required-upgrad" in urls(search("bootcamps"))
    assert "/sources/#source-upgrad-2025" in urls(search("Vadapalli"))
    assert "/backend-developer/#timeline-upgrad-estimate" in urls(search("proficient"))


def test_every_word_must_match(duties):
    found = urls(search("kubernetes clusters"))
    assert "/backend-developer/#duty-headline" in found
    assert "/backend-developer/#duty-mention" not in found


def test_matched_words_are_marked_in_titles_and_snippets(duties):
    hits = {hit.url: hit for group in search("kubernetes").groups for hit in group.hits}
    assert "<mark>Kubernetes</mark>" in hits["/backend-developer/#duty-headline"].title
    assert "<mark>Kubernetes</mark>" in hits["/backend-developer/#duty-mention"].snippet


def test_html_in_the_content_is_escaped_around_the_marks(duties):
    hits = {hit.url: hit for group in search("kubernetes notes").groups for hit in group.hits}
    hit = hits["/backend-developer/#duty-markup"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in hit.title and "&amp;" in hit.title
    assert "<b>" not in hit.title
    assert "<script>" not in hit.snippet


def test_retired_items_are_not_found(loaded):
    item = ChecklistItem.objects.get(slug="compare-industries")
    item.retired = True
    item.save()
    assert not any("compare-industries" in url for url in urls(search("industries employers")))


def test_html_in_the_query_is_escaped_on_the_page(client, loaded):
    response = client.get("/search/", {"q": '<script>alert("x")</script> kubernetes'})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_the_search_page_shows_grouped_marked_results(client, loaded):
    html = client.get("/search/", {"q": "interview"}).content.decode()
    assert '<section class="result-group"' in html
    assert "<mark>" in html
    assert 'href="/backend-developer/steps/ace-the-interview/"' in html


def test_an_empty_query_asks_for_words(client, loaded):
    for query in ("", "   ", "!!!"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == HTTPStatus.OK
    assert "Type one or more words" in client.get("/search/").content.decode()
    assert "Nothing matches" in client.get("/search/", {"q": "!!!"}).content.decode()


def test_an_over_long_query_is_refused_with_a_message(client, loaded):
    response = client.get("/search/", {"q": "word " * 30})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "please use at most 100" in response.content.decode()


def test_a_search_is_one_query(loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        search("backend developer skills")


def test_tools_are_found_and_shown_by_their_category_label(client, loaded):
    html = client.get("/search/", {"q": "containerization"}).content.decode()
    assert "Docker" in html
    assert "<mark>Containerization</mark>" in html


def badges_by_link(html: str) -> dict[str, bool]:
    """Each listed link's address, and whether its entry carries the reconstructed badge."""
    return {
        url: "question reconstructed</span>" in entry
        for url, entry in re.findall(r'<li><a href="([^"]+)">(.*?)</li>', html, re.S)
    }


def test_results_mark_the_questions_we_reconstructed(client, loaded):
    html = client.get("/search/", {"q": "degree"}).content.decode()
    badges = badges_by_link(html)
    assert badges["/backend-developer/faqs/#is-a-degree-required-upgrad"] is True
    assert (
        badges["/backend-developer/faqs/#can-i-start-as-a-backend-developer-knowledgehut"] is False
    )
    reconstructed = set(
        Faq.objects.filter(question_reconstructed=True).values_list("slug", flat=True)
    )
    for hit in (hit for group in search("degree").groups for hit in group.hits):
        slug = hit.url.rpartition("#")[2]
        assert hit.reconstructed == (hit.kind == "faq" and slug in reconstructed)


def test_the_sources_page_marks_the_reconstructed_questions_citing_each_source(client, loaded):
    html = client.get("/sources/").content.decode()
    badges = badges_by_link(html)
    for faq in Faq.objects.all():
        assert badges[f"/backend-developer/faqs/#{faq.slug}"] == faq.question_reconstructed
    assert html.count('<span class="badge">question reconstructed</span>') == 11
    assert not badges["/backend-developer/steps/find-a-job/#item-compare-industries"]
