"""What the pages show a learner: where to continue, status marks and controls, the dashboard's
lead and forecast, the message after signing in, whole-word highlights, the remembered currency."""

import re
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers.models import Career, ChecklistItem, Duty, Source, Step, StepSection, Timeline
from careers.search import highlight, search, whole_words
from progress.forecast import Forecast
from progress.models import Goal, Progress, ShareLink
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


# Coming back


def test_a_returning_visitor_sees_where_to_continue_on_the_home_page(client, career):
    mark(client, "dig", "done")

    html = client.get("/").content.decode()

    assert "Continue: Gardener, next up: Sow the seeds" in text(html)
    assert "33% done, 1 of 3 items." in text(html)
    assert 'href="/gardener/steps/basics/#item-sow"' in html


def test_a_first_time_visitor_is_not_asked_to_continue(client, career):
    assert "Continue:" not in client.get("/").content.decode()
    assert "Continue:" not in client.get(career.get_absolute_url()).content.decode()


def test_a_visitor_who_set_everything_back_to_not_started_is_not_asked_to_continue(client, career):
    mark(client, "dig", "done")
    mark(client, "dig", "not-started")

    assert "Continue:" not in client.get("/").content.decode()


def test_the_overview_opens_with_continue_and_the_overall_progress_for_a_returning_visitor(
    client, career
):
    mark(client, "dig", "done")

    html = client.get(career.get_absolute_url()).content.decode()

    assert "Continue: Gardener, next up: Sow the seeds" in text(html)
    continue_at = html.index('class="continue"')
    assert continue_at < html.index('id="overall-progress"') < html.index('class="toc"')
    assert html.count('id="overall-progress"') == 1


def test_the_overview_keeps_one_overall_progress_block_for_a_first_time_visitor(client, career):
    html = client.get(career.get_absolute_url()).content.decode()

    assert html.count('id="overall-progress"') == 1


def test_once_everything_is_done_or_skipped_continue_says_so(client, career):
    for slug, status in (("dig", "done"), ("sow", "done"), ("pruning", "skipped")):
        mark(client, slug, status)

    assert "Continue: Gardener: every item is done or skipped." in text(
        client.get("/").content.decode()
    )


def test_with_every_item_skipped_the_pages_say_so_not_0_of_0(client, career):
    for slug in ("dig", "sow", "pruning"):
        mark(client, slug, "skipped")

    for address in (career.get_absolute_url(), "/", reverse("progress:dashboard")):
        words = text(client.get(address).content.decode())
        assert "3 of 3 items skipped, none left to do." in words
        assert "of 0" not in words
    assert "Every item is skipped: nothing is left to count." in words  # the dashboard's chart
    assert "Nothing to draw yet" not in words


def test_one_item_left_to_count_is_one_item_not_items(client, career):
    for slug in ("dig", "sow"):
        mark(client, slug, "skipped")

    overview = text(client.get(career.get_absolute_url()).content.decode())
    home = text(client.get("/").content.decode())
    dashboard = text(client.get(reverse("progress:dashboard")).content.decode())

    assert "0% done, 0 of 1 item (2 skipped)." in overview
    assert "0% done, 0 of 1 item (2 skipped)." in home
    assert "0% done, 0 of 1 item (2 skipped). Skipped items are left out" in dashboard
    assert "The skills and requirements to learn, 1 item." in overview


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
    assert 'id="step-counter-basics">1 of 1 done, 1 skipped' in html


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

    message = "The 2 items you marked in this browser are now kept in your account."
    assert message in response.content.decode()
    assert Progress.objects.filter(user=user).count() == 2


def test_signing_up_says_how_many_items_came_along(client, career):
    mark(client, "dig", "done")

    response = client.post(
        reverse("accounts:signup"),
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )

    message = "The 1 item you marked in this browser is now kept in your account."
    assert message in response.content.decode()
    assert Progress.objects.get().user == User.objects.get(username="grace")


def test_signing_in_without_marked_items_says_nothing_about_them(client, user, career):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert "you marked in this browser" not in response.content.decode()


# The dashboard


def age_progress(user: User, days: int) -> None:
    """Date the user's changes `days` ago, as if made then."""
    Progress.objects.filter(user=user).update(updated_at=timezone.now() - timedelta(days=days))


def test_the_dashboard_leads_with_progress_next_up_and_when_the_pace_would_finish(
    user_client, user, career
):
    mark(user_client, "dig", "done")
    mark(user_client, "sow", "done")
    age_progress(user, 14)
    today = timezone.localdate()
    Goal.objects.create(user=user, career=career, target_date=today + timedelta(weeks=4))

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    # 2 items in 14 days: the 1 left takes 7 more days.
    since, finish = today - timedelta(days=14), today + timedelta(days=7)
    words = text(html)
    assert "67% done, 2 of 3 items." in words
    assert "Next up: Pruning" in words
    assert (
        f"At your pace so far (2 items done in 14 days, since {since:%-d %B %Y}) you would "
        f"finish around {finish:%-d %B %Y}: on time for your target date." in words
    )
    lead = html[: html.index("Recent changes")]
    for part in ("67%", "Next up", "At your pace so far", ">Share<", "Reset…"):
        assert part in lead


def test_the_forecast_says_how_many_weeks_past_the_target_date_the_pace_would_finish(
    user_client, user, career
):
    mark(user_client, "dig", "done")
    mark(user_client, "sow", "done")
    age_progress(user, 28)
    Goal.objects.create(
        user=user, career=career, target_date=timezone.localdate() + timedelta(days=7)
    )

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    assert "about 1 week after your target date" in text(html)


def test_the_forecast_says_plainly_when_there_is_not_enough_to_tell(user_client, user, career):
    mark(user_client, "dig", "done")
    Goal.objects.create(
        user=user, career=career, target_date=timezone.localdate() + timedelta(weeks=4)
    )

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    assert "Not enough to tell when you would finish at your own pace yet" in text(html)
    assert "(so far: 1 done in 0 days)" in text(html)


def test_the_dashboard_gives_the_sources_estimates_in_short_with_a_link_to_each(
    user_client, career
):
    mark(user_client, "dig", "done")

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    timeline = Timeline.objects.get()
    assert f'<a href="{timeline.get_absolute_url()}"><strong>6–12 months</strong></a>' in html
    assert f"({Source.objects.get().short_name})" in html
    assert "It varies." not in html


@pytest.mark.parametrize(
    ("done", "days", "enough"), [(1, 30, False), (2, 6, False), (2, 7, True), (5, 100, True)]
)
def test_a_forecast_needs_two_items_done_over_a_week(done, days, enough):
    today = date(2026, 3, 1)

    assert Forecast(done, 4, today - timedelta(days=days), today).enough is enough


def test_a_forecast_finishes_at_the_pace_kept_and_rounds_up_to_a_whole_day():
    today = date(2026, 3, 1)
    forecast = Forecast(3, 4, today - timedelta(days=10), today, target=date(2026, 3, 10))

    # 3 items in 10 days, 4 left: 13.3 days, so the 14th day.
    assert forecast.finish == date(2026, 3, 15)
    assert forecast.late is True
    assert forecast.weeks_off_target == 1
    assert Forecast(3, 0, today - timedelta(days=10), today).finish is None


# Sharing


def test_the_share_page_offers_its_address_in_a_field_to_copy(user_client, user):
    link = ShareLink.objects.create(user=user)

    html = user_client.get(reverse("progress:share")).content.decode()

    address = f"http://testserver{link.get_absolute_url()}"
    assert f'<input id="share-url" type="text" readonly value="{address}"' in html
    assert '<button type="button" data-copy="share-url" hidden>Copy link</button>' in html


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


def salaries(client: Client, headers: dict[str, str] | None = None, **params):
    response = client.get(reverse("careers:salaries", args=["gardener"]), params, headers=headers)
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


def test_back_with_javascript_shows_the_earlier_currency_and_keeps_the_last_one_chosen(
    client, career
):
    salaries(client, currency="USD")
    salaries(client, currency="EUR")
    # htmx asks for the earlier address again when the visitor goes Back to it.
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

    restored, html = salaries(client, headers=restore, currency="USD")

    assert restored.status_code == HTTPStatus.OK
    assert '<option value="USD" selected>' in html
    assert "currency" not in restored.cookies
    assert '<option value="EUR" selected>' in salaries(client)[1]


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
