"""Search as a learner meets it: whole words are found and marked, never a word inside another."""

import re

import pytest

from careers.models import Career, Duty
from careers.search import highlight, search, whole_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def career(db) -> Career:
    return Career.objects.create(
        slug="gardener",
        title="Gardener",
        tagline="Grow and care for plants.",
        introduction="Gardeners look after gardens.",
    )


# Search


@pytest.fixture
def duties(career) -> list[Duty]:
    return [
        Duty.objects.create(
            career=career, slug=slug, position=position, title=title, body="Look after it well."
        )
        for position, slug, title in (
            (1, "log", "Read the server log"),
            (2, "logs", "Rotate the logs"),
            (3, "catalog", "Update the plant catalog"),
        )
    ]


def test_search_finds_and_marks_whole_words_and_their_plurals_only(duties):
    hits = {hit.url: hit for group in search("log").groups for hit in group.hits}

    assert set(hits) == {"/gardener/#duty-log", "/gardener/#duty-logs"}
    assert "<mark>log</mark>" in hits["/gardener/#duty-log"].title
    assert "<mark>logs</mark>" in hits["/gardener/#duty-logs"].title


def test_no_mark_starts_or_ends_inside_a_word(duties):
    for query in ("log", "it", "plant catalog"):
        for group in search(query).groups:
            for hit in group.hits:
                marked = f"{hit.title} {hit.snippet}"
                assert not re.search(r"\w<mark>|</mark>\w", marked), (query, marked)


def test_highlighting_skips_a_word_inside_another():
    marked = highlight("Plan the capacity, then do it.", whole_words(["it"]))

    assert marked == "Plan the capacity, then do <mark>it</mark>."
