import re
from http import HTTPStatus

import pytest

from tests.factories import CareerFactory, StepFactory

pytestmark = pytest.mark.django_db


def locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def paths(client) -> list[str]:
    return [url.removeprefix("http://testserver") for url in locations(client)]


def test_the_sitemap_lists_every_public_page_of_every_career(client, career):
    other = CareerFactory()
    other_step = StepFactory(career=other)
    expected = {"/", "/sources/", "/search/"}
    for slug in (career.slug, other.slug):
        expected |= {f"/{slug}/{page}" for page in ("", "skills/", "salaries/", "faqs/", "market/")}
    expected |= {f"/{career.slug}/steps/{step.slug}/" for step in career.step_set.all()}
    expected.add(f"/{other.slug}/steps/{other_step.slug}/")

    listed = paths(client)

    assert len(expected) == 3 + 2 * 5 + 3
    assert set(listed) == expected
    assert len(listed) == len(expected)


def test_every_page_in_the_sitemap_answers(client, career):
    for url in locations(client):
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_a_new_step_appears_in_the_sitemap(client, career):
    before = paths(client)
    step = StepFactory(career=career)

    address = f"/{career.slug}/steps/{step.slug}/"
    assert address not in before
    assert address in paths(client)


def test_an_empty_site_has_only_its_own_pages(client, db):
    assert sorted(paths(client)) == ["/", "/search/", "/sources/"]
