import re
from http import HTTPStatus

import pytest

from careers.models import Career, Step

pytestmark = pytest.mark.django_db


def locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_the_sitemap_lists_every_public_page(client, loaded):
    paths = [url.removeprefix("http://testserver") for url in locations(client)]
    expected = {"/", "/sources/", "/search/"}
    for career in Career.objects.all():
        expected |= {
            f"/{career.slug}/{page}" for page in ("", "skills/", "salaries/", "faqs/", "market/")
        }
    expected |= {f"/backend-developer/steps/{step.slug}/" for step in Step.objects.all()}
    assert set(paths) == expected
    assert len(paths) == len(expected)


def test_every_page_in_the_sitemap_answers(client, loaded):
    for url in locations(client):
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_a_new_step_appears_in_the_sitemap(client, loaded):
    career = Career.objects.get()
    Step.objects.create(
        career=career, slug="keep-learning", position=9, title="Keep learning", summary="…"
    )
    assert "http://testserver/backend-developer/steps/keep-learning/" in locations(client)


def test_an_empty_site_has_only_its_own_pages(client, db):
    paths = [url.removeprefix("http://testserver") for url in locations(client)]
    assert sorted(paths) == ["/", "/search/", "/sources/"]
