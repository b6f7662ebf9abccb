"""A visitor without an account keeps their progress for a year after their last change or visit."""

import io
import json
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from careers.models import ChecklistItem
from progress.middleware import RENEWED
from progress.models import SESSION_OWNER, Goal, Progress, StatusChange

pytestmark = pytest.mark.django_db

A_YEAR = timedelta(days=365)
COOKIE = settings.SESSION_COOKIE_NAME


@pytest.fixture
def item(career) -> ChecklistItem:
    return career.checklist_items.filter(kind=ChecklistItem.Kind.SKILL).first()


def mark(client, item: ChecklistItem, status: str = "learning"):
    return client.post(reverse("progress:status", args=[item.pk]), {"status": status})


def stored_expiry(client):
    return Session.objects.get(session_key=client.cookies[COOKIE].value).expire_date


def renewed_long_ago(client, age: timedelta) -> None:
    """As if the visitor's session was last renewed ``age`` ago, and expires a year after that."""
    session = client.session
    session[RENEWED] = (timezone.now() - age).isoformat()
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - age + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def kept_until(moment) -> str:
    """The last day, as the pages write it, of a session renewed at ``moment``."""
    day = timezone.localdate(moment + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    return f'<time datetime="{day:%Y-%m-%d}">{date_format(day, "j F Y")}</time>'


def test_a_first_change_keeps_the_progress_in_this_browser_for_a_year(client, item):
    response = mark(client, item)

    assert response.status_code == HTTPStatus.FOUND
    max_age = int(response.cookies[COOKIE]["max-age"])
    assert A_YEAR.total_seconds() <= max_age <= (A_YEAR + timedelta(days=1)).total_seconds()
    assert stored_expiry(client) - timezone.now() >= A_YEAR - timedelta(minutes=1)


def change_status(client, item):
    return mark(client, item, "done")


def change_note(client, item):
    return client.post(reverse("progress:note", args=[item.pk]), {"note": "Python first"})


def change_target_date(client, item):
    target = (timezone.localdate() + timedelta(days=90)).isoformat()
    return client.post(reverse("progress:goal", args=[item.career.slug]), {"target_date": target})


def import_progress(client, item):
    rows = [{"career": item.career.slug, "item": item.slug, "status": "done", "note": ""}]
    data = json.dumps({"format": "roadmap-progress", "version": 1, "progress": rows}).encode()
    upload = SimpleUploadedFile("progress.json", data, "application/json")
    return client.post(reverse("progress:import"), {"file": upload})


@pytest.mark.parametrize(
    "change", [change_status, change_note, change_target_date, import_progress], ids=str
)
def test_every_later_change_renews_the_session_for_a_year(client, item, change):
    mark(client, item)
    renewed_long_ago(client, timedelta(hours=2))

    response = change(client, item)

    assert response.status_code == HTTPStatus.FOUND
    assert int(response.cookies[COOKIE]["max-age"]) == settings.SESSION_COOKIE_AGE
    assert stored_expiry(client) - timezone.now() >= A_YEAR - timedelta(minutes=1)


def test_a_refused_change_does_not_renew_the_session(client, item):
    mark(client, item)
    renewed_long_ago(client, timedelta(hours=2))

    response = client.post(reverse("progress:status", args=[item.pk]), {"status": "finished"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert COOKIE not in response.cookies


def test_a_visit_renews_the_session_at_most_once_a_day(client, item):
    mark(client, item)
    dashboard = reverse("progress:dashboard")

    renewed_long_ago(client, timedelta(hours=23))
    expiry = stored_expiry(client)
    assert COOKIE not in client.get(dashboard).cookies
    assert stored_expiry(client) == expiry

    renewed_long_ago(client, timedelta(hours=25))
    response = client.get(dashboard)
    assert int(response.cookies[COOKIE]["max-age"]) == settings.SESSION_COOKIE_AGE
    assert stored_expiry(client) - timezone.now() >= A_YEAR - timedelta(minutes=1)

    expiry = stored_expiry(client)
    for _ in range(3):
        assert COOKIE not in client.get(dashboard).cookies
    assert stored_expiry(client) == expiry


@pytest.mark.parametrize("page", ["progress:dashboard", "progress:career"])
def test_the_progress_pages_say_until_when_the_progress_is_kept_and_how_to_keep_it(
    client, item, page
):
    before = timezone.now()
    mark(client, item)
    after = timezone.now()
    args = [item.career.slug] if page == "progress:career" else []

    html = client.get(reverse(page, args=args)).content.decode()

    assert any(
        "your progress is kept for this browser only, until "
        f"{kept_until(moment)}: a year after your last visit" in html
        for moment in (before, after)
    )
    assert "Clearing this browser's cookies deletes it." in html
    assert f'<a href="{reverse("accounts:signup")}">sign up</a>' in html
    assert f'<a href="{reverse("progress:export_json")}" download>export it</a>' in html


def test_a_visitor_who_marked_nothing_is_told_how_long_progress_would_be_kept(client, career):
    html = client.get(reverse("progress:dashboard")).content.decode()
    assert "kept for this browser only, for a year after your last visit." in html


def test_signed_in_visitors_are_not_told_about_the_browser(client, item):
    client.force_login(User.objects.create_user("ada"))
    mark(client, item)
    for html in (
        client.get(reverse("progress:dashboard")).content.decode(),
        client.get(reverse("progress:career", args=[item.career.slug])).content.decode(),
    ):
        assert "kept for this browser only" not in html


def anonymous_visitor(item: ChecklistItem, expires) -> str:
    """A session with progress and a target date, expiring at ``expires``; its key."""
    from importlib import import_module

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.create()
    session[SESSION_OWNER] = session.session_key
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=expires)
    Progress.objects.create(session_key=session.session_key, item=item, status="done")
    StatusChange.objects.create(
        session_key=session.session_key, item=item, before="not-started", after="done"
    )
    Goal.objects.create(
        session_key=session.session_key,
        career=item.career,
        target_date=timezone.localdate() + timedelta(days=30),
    )
    return session.session_key


def test_cleanup_keeps_a_session_renewed_yesterday_and_removes_an_expired_one(item):
    now = timezone.now()
    renewed_yesterday = anonymous_visitor(
        item, now - timedelta(days=1) + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    expired = anonymous_visitor(item, now - timedelta(minutes=1))

    out = io.StringIO()
    call_command("clear_visitor_progress", stdout=out)

    said = "Deleted 1 progress records, 1 target dates and 1 changes of status."
    assert said in out.getvalue()
    assert list(Session.objects.values_list("session_key", flat=True)) == [renewed_yesterday]
    for model in (Progress, Goal, StatusChange):
        assert list(model.objects.values_list("session_key", flat=True)) == [renewed_yesterday]
    assert expired != renewed_yesterday


@pytest.mark.parametrize(
    "cookie",
    ['"abcdefgh\\000ijklmnop"', "a" * 5000, "not-a-session-key!"],
    ids=["nul-byte", "very-long", "other-characters"],
)
@pytest.mark.parametrize("url", ["/robots.txt", "/", "/dashboard/"])
def test_a_session_cookie_the_site_never_gave_out_counts_as_no_session(client, career, cookie, url):
    response = client.get(url, HTTP_COOKIE=f"{COOKIE}={cookie}")

    assert response.status_code == HTTPStatus.OK
    assert response.cookies[COOKIE].value == ""
