"""The project's own content, loaded as the site serves it: every public page answers, and the
pages show the steps and the documents the content files hold. Other tests build their own
content with the factories; these are the ones that need the real thing."""

import re
from http import HTTPStatus

import pytest
from django.utils.html import escape

from careers.content import career_files, read_yaml

pytestmark = pytest.mark.django_db


def public_pages(client) -> list[str]:
    """Every page the sitemap lists, and the search page with words to look for."""
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = re.findall(r"<loc>http://testserver([^<]+)</loc>", sitemap)
    return [*urls, "/search/?q=developer"]


def test_every_public_page_of_the_real_content_answers_with_one_heading_a_title_and_a_description(
    client, loaded, content_dir
):
    pages = public_pages(client)
    careers = [read_yaml(path, path.name) for path in career_files(content_dir)]
    steps = sum(len(career["steps"]) for career in careers)
    assert len(pages) == 3 + 5 * len(careers) + steps + 1

    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == HTTPStatus.OK, url
        assert html.count("<h1") == 1, url
        assert re.search(r"<title>[^<]+ · Roadmap</title>|<title>Roadmap</title>", html), url
        assert re.search(r'<meta name="description" content="[^"]{20,}">', html), url


def test_the_real_overview_lists_the_steps_of_the_content_files_in_their_order(
    client, loaded, content_dir
):
    for path in career_files(content_dir):
        career = read_yaml(path, path.name)
        html = client.get(f"/{career['slug']}/").content.decode()
        start = html.index('<ol class="steps">')
        steps = html[start : html.index("</ol>", start)]
        shown = re.findall(r'<li class="step" id="step-([^"]+)">', steps)
        assert shown == [step["slug"] for step in career["steps"]]
        positions = [steps.index(escape(step["title"])) for step in career["steps"]]
        assert positions == sorted(positions)


def test_the_real_sources_page_lists_both_documents(client, loaded, content_dir):
    documents = read_yaml(content_dir / "sources.yaml", "sources.yaml")["sources"]
    html = client.get("/sources/").content.decode()

    assert len(documents) == 2
    assert re.findall(r'<article class="source" id="source-([^"]+)"', html) == [
        document["slug"] for document in documents
    ]
    for document in documents:
        assert escape(document["title"]) in html
