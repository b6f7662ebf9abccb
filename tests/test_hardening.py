"""Crafted input and private pages: share addresses, import text, CSV cells, what may be cached."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import resolve, reverse

from careers.models import Career, ChecklistItem
from progress.models import ShareLink, new_share_token

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"


@pytest.fixture
def career() -> Career:
    return Career.objects.create(slug="tester", title="Tester", tagline="t", introduction="i")


def make_item(career: Career, position: int, slug: str, title: str = "An item") -> ChecklistItem:
    return ChecklistItem.objects.create(
        career=career, kind="skill", slug=slug, position=position, title=title
    )


@pytest.fixture
def item(career) -> ChecklistItem:
    return make_item(career, 1, "testing", "Testing")


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("ada", "ada@example.org", PASSWORD)


@pytest.fixture
def user_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Share addresses


@pytest.mark.parametrize(
    "path",
    [
        "/share/%00/",
        "/share/abc%00def/",
        "/share/%ED%A0%80/",  # the UTF-8 bytes of a lone surrogate
        "/share/%E2%80%AEabc/",  # a right-to-left override
        "/share/'%20OR%201=1%20--/",
        "/share/%25/",
        "/share/a.b/",
        "/share/" + "a" * 65 + "/",
    ],
)
def test_a_share_address_outside_the_tokens_alphabet_is_not_found(client, user, path):
    ShareLink.objects.create(user=user)

    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_every_share_token_has_an_address_that_finds_its_page(client, user):
    for _ in range(200):
        token = new_share_token()
        assert resolve(reverse("progress:shared", args=[token])).func.__name__ == "shared"
    link = ShareLink.objects.create(user=user)

    assert client.get(link.get_absolute_url()).status_code == HTTPStatus.OK
