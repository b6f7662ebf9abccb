"""What the pages show a learner: status marks and controls, the message after signing in,
whole-word highlights, the remembered currency and the chart before the caveats."""

import re
from datetime import date
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from careers.models import Career, ChecklistItem, Duty, Source, Step, StepSection, Timeline
from careers.search import highlight, search, whole_words
from progress.models import Progress
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def career(db) -> Career:
    """A small career: one step with two actions, one skill and one time estimate."""
    source = Source.objects.create(
        slug="guide",
        title="A guide to gardening",
        publisher="Green Press",
        author="A. Gardener",
        published=date(2024, 1, 1),
        file_name="guide.md",
    )
    career = Career.objects.create(
        slug="gardener",
        title="Gardener",
        tagline="Grow and care for plants.",
        introduction="Gardeners look after gardens.",
    )
    step = Step.objects.create(
        career=career, slug="basics", position=1, title="Learn the basics", summary="Soil first."
    )
    section = StepSection.objects.create(step=step, slug="soil", position=1, heading="Soil")
    for position, slug, title in ((1, "dig", "Dig a bed"), (2, "sow", "Sow the seeds")):
        ChecklistItem.objects.create(
            career=career, section=section, kind="action", slug=slug, position=position, title=title
        )
    ChecklistItem.objects.create(
        career=career, kind="skill", slug="pruning", position=1, title="Pruning"
    )
    timeline = Timeline.objects.create(
        career=career, slug="estimate", position=1, min_months=6, max_months=12, note="It varies."
    )
    timeline.sources.add(source)
    return career


def item(slug: str) -> ChecklistItem:
    return ChecklistItem.objects.get(slug=slug)


def mark(client: Client, slug: str, status: str) -> None:
    response = client.post(reverse("progress:status", args=[item(slug).pk]), {"status": status})
    assert response.status_code == HTTPStatus.FOUND


def text(html: str) -> str:
    """The page's words without its tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def user_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Status marks and the status control


def test_a_status_mark_carries_its_status_as_class_and_label():
    html = Template('{% load progress %}{% status_mark "skipped" %}').render(Context())

    assert html == '<span class="status-mark status-skipped">Skipped</span>'


def test_a_step_counter_takes_the_mark_of_its_steps_status(client, career):
    step_counter = re.compile(r'<span class="step-counter status-mark status-([a-z-]+)"')
    overview = career.get_absolute_url()

    assert step_counter.search(client.get(overview).content.decode()).group(1) == "not-started"
    mark(client, "dig", "done")
    assert step_counter.search(client.get(overview).content.decode()).group(1) == "learning"
    mark(client, "sow", "skipped")
    html = client.get(overview).content.decode()
    assert step_counter.search(html).group(1) == "done"
    assert 'id="step-counter-basics">1 of 2 done' in html


def test_each_item_has_one_radio_group_for_its_status_with_a_save_button(client, career):
    mark(client, "pruning", "learning")

    html = client.get(reverse("careers:skills", args=[career.slug])).content.decode()

    control = html[html.index('<form class="item-status" id="status-pruning"') :]
    control = control[: control.index("</form>")]
    assert '<legend class="visually-hidden">Status of Pruning</legend>' in control
    assert control.count('type="radio"') == 4
    assert control.count('name="status"') == 4
    assert control.count(" checked") == 1
    assert 'value="learning" checked>' in control
    assert 'hx-trigger="change, submit"' in control
    assert '<button class="status-save">Save' in control
    assert "aria-pressed" not in html


def test_notes_are_marked_where_they_are_known(user_client, career):
    user_client.post(reverse("progress:note", args=[item("dig").pk]), {"note": "Loosen first"})

    mine = user_client.get(reverse("progress:career", args=[career.slug])).content.decode()
    public = user_client.get(career.get_absolute_url()).content.decode()

    assert 'class="note-link has-note"' in mine and "Your note" in mine
    assert "Add a note" in mine
    assert "has-note" not in public


def test_an_items_own_page_has_no_link_to_itself(user_client, career):
    html = user_client.get(reverse("progress:item", args=[item("dig").pk])).content.decode()

    assert 'class="note-link' not in html
    assert 'name="status" value="not-started" checked>' in html


# Signing in with progress


def test_signing_in_says_how_many_items_moved_into_the_account(client, user, career):
    mark(client, "dig", "done")
    mark(client, "pruning", "learning")

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )

    message = "The 2 items you marked before signing in are now kept in your account."
    assert message in response.content.decode()
    assert Progress.objects.filter(user=user).count() == 2


def test_signing_up_says_how_many_items_came_along(client, career):
    mark(client, "dig", "done")

    response = client.post(
        reverse("accounts:signup"),
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )

    message = "The 1 item you marked before signing in is now kept in your account."
    assert message in response.content.decode()
    assert Progress.objects.get().user == User.objects.get(username="grace")


def test_signing_in_without_marked_items_says_nothing_about_them(client, user, career):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert "you marked before signing in" not in response.content.decode()


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


# Salaries


def salaries(client: Client, **params):
    response = client.get(reverse("careers:salaries", args=["gardener"]), params)
    return response, response.content.decode()


def test_the_chosen_currency_is_remembered_for_the_visitor(client, career):
    chosen, _ = salaries(client, currency="EUR")

    response, html = salaries(client)

    assert chosen.cookies["currency"].value == "EUR"
    assert "Cookie" in response["Vary"]

    assert response.status_code == HTTPStatus.OK
    assert '<option value="EUR" selected>' in html
    assert '<option value="INR" selected>' in salaries(Client())[1]


def test_a_currency_in_the_address_wins_over_the_remembered_one_and_is_remembered(client, career):
    salaries(client, currency="EUR")

    assert '<option value="USD" selected>' in salaries(client, currency="usd")[1]
    assert '<option value="USD" selected>' in salaries(client)[1]


def test_an_unknown_currency_falls_back_to_the_remembered_one(client, career):
    salaries(client, currency="GBP")

    response, html = salaries(client, currency="XYZ")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "so this shows Pound sterling (GBP) instead" in html
    assert '<option value="GBP" selected>' in html


def test_the_chart_comes_before_the_caveats_and_points_to_them(client, career):
    html = salaries(client)[1]

    assert html.index('id="chart-heading"') < html.index('href="#caveats"')
    assert html.index('href="#caveats"') < html.index('id="caveats-heading"')


# A WSGI server hands a header over as latin-1 text: a UTF-8 "€" arrives as "â\x82¬".
@pytest.mark.parametrize(
    "value", ["XYZ", "eur", "EUR\x00", "â\x82¬" * 1000, "E" * 5000, "<script>alert(1)</script>"]
)
def test_a_remembered_currency_that_is_not_a_choice_is_ignored(client, career, value):
    client.cookies["currency"] = value

    response, html = salaries(client)

    assert response.status_code == HTTPStatus.OK
    assert '<option value="INR" selected>' in html
    assert "<script>alert" not in html
