"""Limits on what one client can do: how often it may save, import, sign up, sign in and ask for
password-reset mail (429 with Retry-After, nothing done), and how much its notes may hold."""

import json
import re
import runpy
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import roadmap_site.settings as production_settings
from careers.models import Career, ChecklistItem
from progress.limits import how_long
from progress.models import Goal, Progress

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Windows of a day, so that no test runs across the end of one and sees its count start again.
UNREACHED = "1000/d"
HTMX = {"HTTP_HX_REQUEST": "true"}
ELSEWHERE = "198.51.100.9"


@pytest.fixture(autouse=True)
def limit(settings):
    """Turns the limits on, every rate out of reach and counted from nothing; limit(kind,
    key=rate, …) then sets the rates a test reaches."""
    caches["default"].clear()
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {
        kind: dict.fromkeys(rates, UNREACHED) for kind, rates in settings.RATE_LIMITS.items()
    }

    def set_rates(kind: str, **rates: str) -> None:
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            kind: {**settings.RATE_LIMITS[kind], **rates},
        }

    return set_rates


@pytest.fixture
def career(db) -> Career:
    return Career.objects.create(slug="tester", title="Tester", tagline="t", introduction="i")


@pytest.fixture
def items(career) -> list[ChecklistItem]:
    return [
        ChecklistItem.objects.create(
            career=career, kind="skill", slug=f"skill-{n}", position=n, title=f"Skill {n}"
        )
        for n in range(1, 4)
    ]


@pytest.fixture
def item(items) -> ChecklistItem:
    return items[0]


def mark(client: Client, item: ChecklistItem, status: str = "done", **headers):
    return client.post(reverse("progress:status", args=[item.pk]), {"status": status}, **headers)


def write_note(client: Client, item: ChecklistItem, note: str = "a note", **headers):
    return client.post(reverse("progress:note", args=[item.pk]), {"note": note}, **headers)


def set_goal(client: Client, item: ChecklistItem, **headers):
    url = reverse("progress:goal", args=[item.career.slug])
    return client.post(url, {"target_date": "2099-01-01"}, **headers)


PROGRESS_WRITES = [mark, write_note, set_goal]


def import_file(client: Client, notes: dict[ChecklistItem, str], **headers):
    rows = [
        {"career": item.career.slug, "item": item.slug, "status": "done", "note": note}
        for item, note in notes.items()
    ]
    body = json.dumps({"format": "roadmap-progress", "version": 1, "progress": rows})
    upload = SimpleUploadedFile("progress.json", body.encode(), "application/json")
    return client.post(reverse("progress:import"), {"file": upload}, **headers)


def sign_up(client: Client, username: str, **headers):
    fields = {"username": username, "email": "", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("accounts:signup"), fields, **headers)


def sign_in(client: Client, username: str, password: str = "wrong", **headers):
    fields = {"username": username, "password": password}
    return client.post(reverse("accounts:login"), fields, **headers)


def ask_for_reset(client: Client, email: str, **headers):
    return client.post(reverse("accounts:password_reset"), {"email": email}, **headers)


def with_session(item: ChecklistItem) -> Client:
    """A visitor whose first change started their session."""
    client = Client()
    assert mark(client, item, "learning").status_code == HTTPStatus.FOUND
    return client


def stored() -> tuple:
    """Everything a request could have saved: progress, goals, sessions, accounts, mail."""
    records = [list(model.objects.order_by("pk").values()) for model in (Progress, Goal)]
    return records, Session.objects.count(), User.objects.count(), len(mail.outbox)


def assert_refused(response, what: str) -> None:
    """A 429 page saying what did not happen and when to try again, in words and in Retry-After."""
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 24 * 60 * 60
    text = response.content.decode()
    assert what in text
    assert re.search(r"Try again in \d+ (second|minute|hour)s?\.", text)


# How often: progress writes


@pytest.mark.parametrize("write", PROGRESS_WRITES)
def test_progress_writes_of_one_session_are_refused_past_its_limit(limit, item, write):
    client = with_session(item)
    limit("progress", visitor="3/d")
    for _ in range(3):
        assert write(client, item).status_code == HTTPStatus.FOUND
    before = stored()

    response = write(client, item)

    assert_refused(response, "Too many changes to progress in a short time")
    assert "<h1" in response.content.decode()
    assert stored() == before


def test_status_note_and_goal_changes_share_one_count(limit, item):
    client = with_session(item)
    limit("progress", visitor="3/d")
    for write in PROGRESS_WRITES:
        assert write(client, item).status_code == HTTPStatus.FOUND

    assert mark(client, item).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_another_session_from_the_same_address_keeps_writing(limit, item, items):
    client, other = with_session(item), with_session(item)
    limit("progress", visitor="1/d")
    mark(client, item)
    assert mark(client, item).status_code == HTTPStatus.TOO_MANY_REQUESTS

    assert mark(other, items[1]).status_code == HTTPStatus.FOUND
    assert Progress.objects.filter(item=items[1]).count() == 1


def test_an_accounts_writes_count_for_the_account_on_any_browser(limit, item, user):
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    limit("progress", visitor="2/d")
    mark(laptop, item)
    mark(phone, item)

    assert mark(laptop, item).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert mark(phone, item).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_writes_from_one_address_are_refused_past_its_limit_whatever_their_sessions(limit, item):
    limit("progress", address="3/d")
    for _ in range(3):
        assert mark(Client(), item).status_code == HTTPStatus.FOUND
    before = stored()

    response = mark(Client(), item)

    assert_refused(response, "Too many changes to progress")
    assert stored() == before
    assert mark(Client(), item, REMOTE_ADDR=ELSEWHERE).status_code == HTTPStatus.FOUND


def test_an_address_may_start_only_so_many_sessions_but_its_visitors_keep_writing(
    limit, item, items
):
    returning = with_session(item)
    limit("progress", new_visitor="2/d")
    for _ in range(2):
        assert mark(Client(), item).status_code == HTTPStatus.FOUND
    sessions = Session.objects.count()

    assert mark(Client(), item).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert Session.objects.count() == sessions
    assert mark(returning, items[1]).status_code == HTTPStatus.FOUND
    assert mark(Client(), item, REMOTE_ADDR=ELSEWHERE).status_code == HTTPStatus.FOUND


def test_only_writes_count_so_reading_pages_is_never_refused(limit, item):
    client = with_session(item)
    limit("progress", visitor="1/d", address="1/d")
    mark(client, item)

    assert client.get(reverse("progress:item", args=[item.pk])).status_code == HTTPStatus.OK
    assert client.get(reverse("progress:dashboard")).status_code == HTTPStatus.OK


# The answer to HTMX


@pytest.mark.parametrize("write", [mark, write_note])
def test_a_refused_htmx_write_gets_the_message_alone_added_inside_the_control(limit, item, write):
    client = with_session(item)
    limit("progress", visitor="1/d")
    write(client, item, **HTMX)
    before = stored()

    response = write(client, item, **HTMX)

    assert_refused(response, "Too many changes to progress in a short time")
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    assert 'class="rate-limited error-message" role="alert"' in html
    assert response["HX-Reswap"] == "beforeend"
    assert response["HX-Reselect"] == ".rate-limited"
    assert "HX-Request" in response["Vary"]
    assert stored() == before


def test_a_refused_boosted_form_gets_the_whole_page_for_main(limit, item):
    client = with_session(item)
    limit("progress", visitor="1/d")
    set_goal(client, item)

    response = set_goal(client, item, **HTMX, HTTP_HX_BOOSTED="true")

    assert_refused(response, "Too many changes to progress")
    assert '<main id="main"' in response.content.decode()
    assert "HX-Reswap" not in response


def test_htmx_swaps_a_429_answer_in_place_instead_of_dropping_it(client, career):
    page = client.get(reverse("careers:home")).content.decode()

    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page).group(1)
    handling = json.loads(meta)["responseHandling"]
    first_match = next(rule for rule in handling if re.fullmatch(rule["code"], "429"))
    assert first_match["swap"] is True
    assert first_match["error"] is False


# How often: imports


def test_imports_of_one_session_are_refused_past_its_limit(limit, item, items):
    client = with_session(item)
    limit("import", visitor="2/d")
    for _ in range(2):
        assert import_file(client, {items[1]: "kept"}).status_code == HTTPStatus.FOUND
    before = stored()

    response = import_file(client, {items[2]: "refused"})

    assert_refused(response, "Too many imports in a short time: nothing was imported")
    assert stored() == before
    assert import_file(with_session(item), {items[2]: "x"}).status_code == HTTPStatus.FOUND


def test_imports_from_one_address_are_refused_past_its_limit(limit, item):
    limit("import", address="2/d")
    for _ in range(2):
        import_file(Client(), {item: ""})
    before = stored()

    assert import_file(Client(), {item: ""}).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert stored() == before
    assert import_file(Client(), {item: ""}, REMOTE_ADDR=ELSEWHERE).status_code == 302


def test_the_import_page_itself_is_never_refused(limit, item):
    limit("import", address="1/d")
    import_file(Client(), {item: ""})

    assert Client().get(reverse("progress:import")).status_code == HTTPStatus.OK


# How often: accounts


def test_sign_ups_from_one_address_are_refused_past_its_limit(limit, db):
    limit("signup", address="2/d")
    for name in ("ada", "grace"):
        assert sign_up(Client(), name).status_code == HTTPStatus.FOUND
    before = stored()

    response = sign_up(Client(), "mallory")

    assert_refused(response, "Too many sign-ups from your address in a short time")
    assert stored() == before
    assert sign_up(Client(), "mallory", REMOTE_ADDR=ELSEWHERE).status_code == HTTPStatus.FOUND


def test_sign_ups_from_one_session_are_refused_past_its_limit(limit, item):
    client = with_session(item)
    limit("signup", visitor="2/d")
    for _ in range(2):
        assert sign_up(client, "").status_code == HTTPStatus.BAD_REQUEST

    assert sign_up(client, "ada").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not User.objects.exists()
    assert sign_up(Client(), "ada").status_code == HTTPStatus.FOUND


def test_sign_ins_from_one_address_are_refused_past_its_limit_even_with_the_password(limit, user):
    limit("sign_in", address="3/d")
    for number in range(3):
        assert sign_in(Client(), f"guess-{number}").status_code == HTTPStatus.BAD_REQUEST
    client = Client()

    response = sign_in(client, "ada", PASSWORD)

    assert_refused(response, "Too many sign-ins from your address in a short time")
    assert "_auth_user_id" not in client.session
    elsewhere = Client()
    assert sign_in(elsewhere, "ada", PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 302
    assert int(elsewhere.session["_auth_user_id"]) == user.pk


def test_the_admins_sign_in_counts_against_the_same_limit_per_address(limit, user):
    user.is_staff = user.is_superuser = True
    user.save()
    limit("sign_in", address="3/d")
    for number in range(2):
        guess = {"username": f"guess-{number}", "password": "wrong"}
        assert Client().post("/admin/login/", guess).status_code == HTTPStatus.OK
    assert sign_in(Client(), "guess-site").status_code == HTTPStatus.BAD_REQUEST
    client = Client()

    response = client.post("/admin/login/", {"username": "ada", "password": PASSWORD})

    assert_refused(response, "Too many sign-ins from your address in a short time")
    assert "_auth_user_id" not in client.session
    assert Client().get("/admin/login/").status_code == HTTPStatus.OK


def test_password_checks_of_a_signed_in_account_are_refused_past_its_limit(limit, user):
    limit("password", visitor="2/d")
    client = Client()
    client.force_login(user)
    change = {"old_password": "wrong", "new_password1": "N3w-pass!", "new_password2": "N3w-pass!"}
    assert client.post(reverse("accounts:password_change"), change).status_code == 400
    delete = reverse("accounts:delete_account")
    assert client.post(delete, {"password": "wrong"}).status_code == HTTPStatus.BAD_REQUEST

    response = client.post(delete, {"password": PASSWORD})

    assert_refused(response, "Too many tries of your password in a short time")
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post(reverse("accounts:password_change"), change | {"old_password": PASSWORD})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_admins_password_change_counts_against_the_same_limit(limit, user):
    user.is_staff = user.is_superuser = True
    user.save()
    limit("password", visitor="2/d")
    client = Client()
    client.force_login(user)
    change = {"old_password": "wrong", "new_password1": "N3w-pass!", "new_password2": "N3w-pass!"}
    for _ in range(2):
        assert client.post("/admin/password_change/", change).status_code == HTTPStatus.OK

    response = client.post("/admin/password_change/", change | {"old_password": PASSWORD})

    assert_refused(response, "Too many tries of your password in a short time")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_forms_posted_signed_out_use_up_no_allowance_of_the_address(limit, user):
    limit("password", address="2/d")
    change = {"old_password": "wrong", "new_password1": "N3w-pass!", "new_password2": "N3w-pass!"}
    for _ in range(3):
        response = Client().post(reverse("accounts:password_change"), change)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("accounts:login"))
        response = Client().post(reverse("accounts:delete_account"), {"password": "wrong"})
        assert response.status_code == HTTPStatus.FOUND
    client = Client()
    client.force_login(user)

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=user.pk).exists()


def test_reset_mail_for_one_email_address_is_refused_past_its_limit_from_anywhere(limit, user):
    limit("password_reset", email="2/d")
    ask_for_reset(Client(), "ada@example.org")
    ask_for_reset(Client(), "ADA@example.org ", REMOTE_ADDR=ELSEWHERE)
    assert len(mail.outbox) == 2

    response = ask_for_reset(Client(), "Ada@Example.org", REMOTE_ADDR="203.0.113.5")

    assert_refused(response, "Too many password resets asked for in a short time: no mail")
    assert len(mail.outbox) == 2
    User.objects.create_user("grace", "grace@example.org", PASSWORD)
    assert ask_for_reset(Client(), "grace@example.org").status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 3


def test_reset_requests_from_one_address_are_refused_past_its_limit(limit, user):
    limit("password_reset", address="2/d")
    ask_for_reset(Client(), "nobody@example.org")
    ask_for_reset(Client(), "someone@example.org")

    assert ask_for_reset(Client(), "ada@example.org").status_code == 429
    assert mail.outbox == []
    assert ask_for_reset(Client(), "ada@example.org", REMOTE_ADDR=ELSEWHERE).status_code == 302
    assert len(mail.outbox) == 1


def test_reset_requests_from_one_session_are_refused_past_its_limit(limit, item, user):
    client = with_session(item)
    limit("password_reset", visitor="1/d")
    ask_for_reset(client, "nobody@example.org")

    assert ask_for_reset(client, "ada@example.org").status_code == 429
    assert mail.outbox == []


# Which address counts


def through_the_proxy(forwarded: str) -> dict[str, str]:
    return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_a_trusted_proxy_each_visitors_forwarded_address_counts(
    limit, item, trusted_proxies
):
    trusted_proxies(1)
    limit("progress", address="2/d")
    for _ in range(2):
        mark(Client(), item, **through_the_proxy("198.51.100.7"))

    assert mark(Client(), item, **through_the_proxy("198.51.100.7")).status_code == 429
    assert mark(Client(), item, **through_the_proxy("203.0.113.5")).status_code == 302


def test_a_visitor_behind_a_trusted_proxy_counts_the_same_for_sign_ins_and_axes(
    limit, user, trusted_proxies
):
    trusted_proxies(1)
    limit("sign_in", address="2/d")
    for number in range(2):
        sign_in(Client(), f"guess-{number}", **through_the_proxy("198.51.100.7"))

    refused = sign_in(Client(), "ada", PASSWORD, **through_the_proxy("198.51.100.7"))
    allowed = sign_in(Client(), "ada", PASSWORD, **through_the_proxy("203.0.113.5"))

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert allowed.status_code == HTTPStatus.FOUND


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(limit, item, trusted_proxies):
    trusted_proxies(0)
    limit("progress", address="2/d")
    for number in range(2):
        mark(Client(), item, **through_the_proxy(f"198.51.100.{number}"))

    response = mark(Client(), item, **through_the_proxy("203.0.113.5"))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_ipv6_addresses_count_by_their_64_bit_network(limit, item):
    limit("progress", address="2/d")
    mark(Client(), item, REMOTE_ADDR="2001:db8:1:1::1")
    mark(Client(), item, REMOTE_ADDR="2001:db8:1:1:ffff::2")

    assert mark(Client(), item, REMOTE_ADDR="2001:db8:1:1::3").status_code == 429
    assert mark(Client(), item, REMOTE_ADDR="2001:db8:1:2::1").status_code == 302


# When the cache fails


def test_when_the_cache_cannot_be_reached_writes_go_through(limit, item, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1},
        },
    }
    settings.RATELIMIT_USE_CACHE = "unreachable"
    limit("progress", visitor="1/d", address="1/d", new_visitor="1/d")
    client = Client()

    answers = [mark(client, item, status).status_code for status in ("learning", "done")]

    assert answers == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    assert Progress.objects.get().status == "done"
    assert "not counted, the cache failed" in caplog.text


# The numbers themselves


def test_rates_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_SIGN_IN_ADDRESS", "5000/10m")

    production = runpy.run_path(production_settings.__file__)

    assert production["RATE_LIMITS"]["sign_in"] == {"address": "5000/10m"}
    assert production["RATE_LIMITS"]["progress"]["visitor"] == "120/m"


@pytest.mark.parametrize("rate", ["lots", "0/m", "10/w", "10 per minute", ""])
def test_a_rate_that_cannot_be_read_stops_the_site_from_starting(monkeypatch, rate):
    monkeypatch.setenv("RATE_LIMIT_PROGRESS_ADDRESS", rate)

    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_PROGRESS_ADDRESS"):
        runpy.run_path(production_settings.__file__)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "60 seconds"),
        (61, "2 minutes"),
        (3600, "60 minutes"),
        (3601, "2 hours"),
    ],
)
def test_the_wait_is_said_in_the_largest_unit_rounded_up(seconds, said):
    assert how_long(seconds) == said


# How much: notes


@pytest.fixture
def note_limits(settings):
    settings.NOTES_TOTAL_LIMITS = {"session": 10, "account": 20}


def test_a_sessions_notes_together_stay_within_its_limit(client, items, note_limits):
    assert write_note(client, items[0], "12345").status_code == HTTPStatus.FOUND
    before = stored()

    response = write_note(client, items[1], "123456")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Without an account, notes can hold 10 characters in all" in response.content.decode()
    assert stored() == before
    assert write_note(client, items[0], "1234").status_code == HTTPStatus.FOUND
    assert write_note(client, items[1], "123456").status_code == HTTPStatus.FOUND


def test_over_htmx_the_note_form_shows_why_a_note_is_refused(client, items, note_limits):
    response = write_note(client, items[0], "x" * 11, **HTMX)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert 'id="note-errors"' in html and "notes can hold 10 characters in all" in html
    assert not Progress.objects.exists()


def test_an_account_has_a_limit_of_its_own(user, items, note_limits):
    client = Client()
    client.force_login(user)
    assert write_note(client, items[0], "x" * 15).status_code == HTTPStatus.FOUND

    response = write_note(client, items[1], "x" * 6)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Your notes can hold 20 characters in all" in response.content.decode()


def test_notes_above_the_limit_can_still_be_shortened_but_not_lengthened(user, items, note_limits):
    for item in items:  # joined at sign-in, say: 30 characters in all
        Progress.objects.create(user=user, item=item, note="x" * 10)
    client = Client()
    client.force_login(user)

    assert write_note(client, items[0], "x" * 11).status_code == HTTPStatus.BAD_REQUEST
    assert write_note(client, items[0], "x" * 5).status_code == HTTPStatus.FOUND
    assert Progress.objects.notes_length() == 25


def test_an_import_that_would_take_a_sessions_notes_over_the_limit_imports_nothing(
    client, items, note_limits
):
    write_note(client, items[0], "12345")
    before = stored()

    response = import_file(client, {items[1]: "123", items[2]: "123"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "notes can hold 10 characters in all" in response.content.decode()
    assert stored() == before


def test_an_account_above_the_limit_can_import_its_own_export_back(user, items, note_limits):
    notes = dict.fromkeys(items, "x" * 10)
    for item, note in notes.items():
        Progress.objects.create(user=user, item=item, note=note)
    client = Client()
    client.force_login(user)

    assert import_file(client, notes).status_code == HTTPStatus.FOUND
    assert Progress.objects.notes_length() == 30
