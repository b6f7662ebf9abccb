"""Each change of a visitor's status is kept in their history, with the change and only then;
an item's changes within one week are kept as one."""

import json
from datetime import datetime, time, timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from careers.models import ChecklistItem
from progress.chart import weekly_done
from progress.models import SESSION_OWNER, Progress, ShareLink, StatusChange
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(career) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.current().order_by("pk")[:3])


# What the chart counts: every item (none of these tests skips or retires one).
EVERY_ITEM = range(1, 10**9)


def mark(client: Client, item: ChecklistItem, status: str, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("progress:status", args=[item.pk]), {"status": status}, **headers)


def history(**owner) -> list[tuple[str, str, str]]:
    return [
        (c.item.slug, c.before, c.after)
        for c in StatusChange.objects.filter(**owner).select_related("item")
    ]


def a_week_ago(item: ChecklistItem) -> None:
    """Dates the item's changes back a week, into the week before this one."""
    StatusChange.objects.filter(item=item).update(changed_at=F("changed_at") - timedelta(days=7))


def test_each_status_change_is_written_with_it_and_only_then(client, items):
    first, second, _ = items
    mark(client, first, "learning")
    a_week_ago(first)
    mark(client, first, "learning", htmx=True)  # no change
    mark(client, first, "done", htmx=True)
    client.post(reverse("progress:note", args=[second.pk]), {"note": "later"})

    key = client.session.session_key
    assert history(session_key=key) == [
        (first.slug, "not-started", "learning"),
        (first.slug, "learning", "done"),
    ]
    assert Progress.objects.get(item=second).status == "not-started"


def test_changes_of_an_item_within_a_week_are_kept_as_one(client, items):
    first, second, third = items
    # Arrow keys step through each status on the way to the one wanted.
    for status in ("learning", "done", "skipped"):
        mark(client, first, status, htmx=True)
    # Done, then undone.
    mark(client, second, "done")
    mark(client, second, "not-started")
    # Learning last week, done and then learning again this week.
    mark(client, third, "learning")
    a_week_ago(third)
    mark(client, third, "done")
    mark(client, third, "learning")

    key = client.session.session_key
    assert history(session_key=key) == [
        (third.slug, "not-started", "learning"),
        (first.slug, "not-started", "skipped"),
    ]
    # Dated at the last change, made after the first item's record was saved for it.
    assert (
        Progress.objects.get(item=first).updated_at
        <= StatusChange.objects.get(item=first).changed_at
    )
    # No week of the chart counts the done that was passed over or undone.
    changes = StatusChange.objects.values_list("changed_at", "item_id", "after")
    assert [week.done for week in weekly_done(changes, timezone.localdate(), EVERY_ITEM)] == [0, 0]


def test_an_items_changes_in_one_week_of_the_sites_time_zone_are_kept_as_one(
    settings, client, items
):
    # UTC+14: its weeks begin on Sunday in UTC, so its Monday is in the week before in UTC.
    settings.TIME_ZONE = "Pacific/Kiritimati"
    first = items[0]
    mark(client, first, "learning")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time(0, 0), tzinfo=timezone.get_current_timezone())
    StatusChange.objects.update(changed_at=start)

    mark(client, first, "done")

    assert history(session_key=client.session.session_key) == [(first.slug, "not-started", "done")]


def test_a_refused_status_writes_no_history(client, items):
    response = mark(client, items[0], "finished")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert StatusChange.objects.count() == 0


def test_an_import_writes_the_changes_it_makes(client, items):
    first, second, _ = items
    mark(client, first, "done")
    data = {
        "format": "roadmap-progress",
        "version": 1,
        "progress": [
            {"career": first.career.slug, "item": first.slug, "status": "done", "note": ""},
            {"career": second.career.slug, "item": second.slug, "status": "skipped", "note": ""},
        ],
    }
    upload = json.dumps(data).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("p.json", upload, content_type="application/json")
    assert client.post(reverse("progress:import"), {"file": file}).status_code == HTTPStatus.FOUND

    assert history(session_key=client.session.session_key) == [
        (first.slug, "not-started", "done"),
        (second.slug, "not-started", "skipped"),
    ]


def test_resetting_a_career_notes_each_status_going_back(client, items):
    first, second, _ = items
    mark(client, first, "done")
    mark(client, second, "learning")
    client.post(reverse("progress:reset", args=[first.career.slug]))

    changes = history(session_key=client.session.session_key)
    assert changes[2:] == [
        (first.slug, "done", "not-started"),
        (second.slug, "learning", "not-started"),
    ] or changes[2:] == [
        (second.slug, "learning", "not-started"),
        (first.slug, "done", "not-started"),
    ]
    assert Progress.objects.count() == 0


def test_signing_in_moves_the_history_into_the_account_without_duplicates(client, user, items):
    first, second, _ = items
    account = Client()
    account.force_login(user)
    mark(account, first, "learning")
    mark(client, first, "done")
    mark(client, second, "learning")
    session_key = client.session[SESSION_OWNER]

    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    assert StatusChange.objects.filter(session_key=session_key).count() == 0
    assert sorted(history(user=user)) == sorted(
        [
            (first.slug, "not-started", "learning"),
            (first.slug, "not-started", "done"),
            (second.slug, "not-started", "learning"),
        ]
    )


def test_after_signing_in_the_history_ends_at_the_status_the_merge_kept(client, user, items):
    first = items[0]
    account = Client()
    account.force_login(user)
    mark(account, first, "done")
    # Later, in a browser not signed in, the visitor goes back on the same item.
    mark(client, first, "learning")
    mark(client, first, "skipped")

    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    assert Progress.objects.get(user=user, item=first).status == "done"
    assert history(user=user)[-1] == (first.slug, "skipped", "done")
    changes = StatusChange.objects.filter(user=user).values_list("changed_at", "item_id", "after")
    assert weekly_done(changes, timezone.localdate(), EVERY_ITEM)[-1].done == 1


def test_undoing_a_change_merged_at_sign_in_ends_the_history_where_the_status_is(
    client, user, items
):
    first = items[0]
    account = Client()
    account.force_login(user)
    mark(account, first, "done")
    a_week_ago(first)
    a_week_ago(first)
    # This week, in a browser not signed in, the same item is marked done too.
    mark(client, first, "done")
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    mark(client, first, "not-started")

    assert Progress.objects.get(user=user, item=first).status == "not-started"
    assert history(user=user)[-1] == (first.slug, "done", "not-started")
    changes = StatusChange.objects.filter(user=user).values_list("changed_at", "item_id", "after")
    assert weekly_done(changes, timezone.localdate(), EVERY_ITEM)[-1].done == 0


def test_deleting_the_account_deletes_its_history(user, items):
    client = Client()
    client.force_login(user)
    mark(client, items[0], "done")
    client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert not User.objects.filter(pk=user.pk).exists()
    assert StatusChange.objects.count() == 0


def test_the_share_page_shows_no_history(user, items):
    client = Client()
    client.force_login(user)
    mark(client, items[0], "done")
    link = ShareLink.objects.create(user=user)

    response = Client().get(link.get_absolute_url())
    html = response.content.decode()
    changed_at = StatusChange.objects.get().changed_at
    assert response.status_code == HTTPStatus.OK and "Done" in html
    assert "history" not in response.context or not response.context["history"]
    for shown in (changed_at.isoformat()[:16], f"{changed_at:%H:%M}", "→"):
        assert shown not in html


def test_the_json_export_carries_the_history(client, items):
    mark(client, items[0], "learning")
    a_week_ago(items[0])
    mark(client, items[0], "done")

    data = json.loads(client.get(reverse("progress:export_json")).content)

    assert [(h["item"], h["from"], h["to"]) for h in data["history"]] == [
        (items[0].slug, "not-started", "learning"),
        (items[0].slug, "learning", "done"),
    ]
    assert all(h["career"] == items[0].career.slug and h["changed"] for h in data["history"])


def test_the_dashboard_charts_items_done_by_week_with_a_table_of_the_same_figures(client, items):
    mark(client, items[0], "done")
    mark(client, items[1], "done")

    html = client.get(reverse("progress:dashboard")).content.decode()

    chart = html.split('class="progress-over-time"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in chart and 'class="done-mark"' in chart
    assert "<caption" in chart and "Items done by the end of each week" in chart
    assert "<td>2</td>" in chart


def test_the_dashboard_explains_the_chart_before_there_is_any_history(client, items):
    client.post(reverse("progress:note", args=[items[0].pk]), {"note": "first thoughts"})

    html = client.get(reverse("progress:dashboard")).content.decode()

    assert "Nothing to draw yet" in html and "done-mark" not in html
