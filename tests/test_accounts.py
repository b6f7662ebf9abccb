"""Accounts: sign up, sign in (merging a visitor's progress), lockout, password, deletion."""

import json
import re
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import pre_save
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.models import Career, ChecklistItem
from progress.models import NOTE_MAX_LENGTH, Goal, Progress, ShareLink, Status, merge_notes
from tests.conftest import PASSWORD
from tests.factories import CareerFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(career) -> list[ChecklistItem]:
    return list(career.checklist_items.order_by("position")[:4])


def goal_url(career: Career) -> str:
    return reverse("progress:goal", args=[career.slug])


def mark(client: Client, item: ChecklistItem, status: str) -> None:
    response = client.post(reverse("progress:status", args=[item.pk]), {"status": status})
    assert response.status_code == HTTPStatus.FOUND


def write_note(client: Client, item: ChecklistItem, note: str) -> None:
    response = client.post(reverse("progress:note", args=[item.pk]), {"note": note})
    assert response.status_code == HTTPStatus.FOUND


def sign_in(client: Client, username: str = "ada", password: str = PASSWORD, **extra):
    data = {"username": username, "password": password, **extra}
    return client.post(reverse("accounts:login"), data)


def records(user: User) -> dict[int, tuple[str, str]]:
    return {p.item_id: (p.status, p.note) for p in Progress.objects.filter(user=user)}


# The merge rule


@pytest.mark.parametrize(
    ("account", "session", "kept"),
    [
        ("not-started", "skipped", "skipped"),
        ("skipped", "learning", "learning"),
        ("done", "learning", "done"),
        ("learning", "done", "done"),
        ("skipped", "not-started", "skipped"),
        ("done", "skipped", "done"),
    ],
)
def test_the_further_along_status_wins(account, session, kept):
    assert Status.further(account, session) == kept
    assert Status.further(session, account) == kept


def test_statuses_rank_not_started_then_skipped_then_learning_then_done():
    ranked = sorted(Status, key=lambda status: status.rank)

    assert ranked == [Status.NOT_STARTED, Status.SKIPPED, Status.LEARNING, Status.DONE]


def test_different_notes_are_both_kept_account_first():
    assert merge_notes("mine", "from the session") == "mine\n\nfrom the session"
    assert merge_notes("same", "same") == "same"
    assert merge_notes("", "session only") == "session only"
    assert merge_notes("account only", "") == "account only"


# Sign up and sign in


def test_signing_up_keeps_everything_marked_before(client, items):
    mark(client, items[0], "done")
    write_note(client, items[1], "read a book")

    response = client.post(
        reverse("accounts:signup"),
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response["Location"] == reverse("progress:dashboard")
    user = User.objects.get(username="grace")
    assert records(user) == {
        items[0].pk: ("done", ""),
        items[1].pk: ("not-started", "read a book"),
    }
    assert not Progress.objects.filter(user__isnull=True).exists()
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signing_up_and_signing_in_say_so(client, user):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert "Welcome, grace: your account is ready." in response.content.decode()

    response = Client().post(
        reverse("accounts:login"), {"username": "ada", "password": PASSWORD}, follow=True
    )

    assert "You are signed in as ada." in response.content.decode()


def test_signing_in_merges_the_session_into_the_account_by_the_rule(client, user, items):
    account = Client()
    account.force_login(user)
    mark(account, items[0], "done")
    mark(account, items[1], "skipped")
    write_note(account, items[2], "account note")
    mark(client, items[0], "learning")
    mark(client, items[1], "learning")
    write_note(client, items[2], "session note")
    mark(client, items[3], "skipped")
    old_key = client.session.session_key

    response = sign_in(client)

    assert response.status_code == HTTPStatus.FOUND
    assert client.session.session_key != old_key
    assert records(user) == {
        items[0].pk: ("done", ""),
        items[1].pk: ("learning", ""),
        items[2].pk: ("not-started", "account note\n\nsession note"),
        items[3].pk: ("skipped", ""),
    }
    assert not Progress.objects.filter(session_key=old_key).exists()


def test_signing_in_moves_the_sessions_records_in_as_many_queries_for_two_items_as_for_ten(user):
    items = SkillFactory.create_batch(10, career=CareerFactory())

    def queries_to_merge(count: int) -> int:
        client = Client()
        for item in items[:count]:
            mark(client, item, "done")
        session_key = client.session.session_key
        with CaptureQueriesContext(connection) as captured:
            Progress.objects.merge_session_into(session_key, user)
        assert set(records(user)) == {item.pk for item in items[:count]}
        Progress.objects.filter(user=user).delete()
        return len(captured.captured_queries)

    assert queries_to_merge(2) == queries_to_merge(10)


def test_signing_in_brings_the_sessions_target_date_unless_the_account_has_one(
    client, user, career
):
    client.post(goal_url(career), {"target_date": "2099-01-01"})

    sign_in(client)

    assert Goal.objects.get().user == user
    assert str(Goal.objects.get().target_date) == "2099-01-01"


def test_the_accounts_own_target_date_wins_over_the_sessions(client, user, career):
    account = Client()
    account.force_login(user)
    url = goal_url(career)
    account.post(url, {"target_date": "2098-06-01"})
    client.post(url, {"target_date": "2099-01-01"})

    sign_in(client)

    goal = Goal.objects.get()
    assert (goal.user, str(goal.target_date)) == (user, "2098-06-01")


@pytest.fixture
def goals_cannot_change_owner(db):
    """The database refuses to move a target date from a session to an account."""
    if connection.vendor == "postgresql":
        install = [
            "CREATE FUNCTION refuse_goal_move() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'goal moves refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_goal_move BEFORE UPDATE ON progress_goal "
            "FOR EACH ROW EXECUTE FUNCTION refuse_goal_move()",
        ]
        remove = [
            "DROP TRIGGER refuse_goal_move ON progress_goal",
            "DROP FUNCTION refuse_goal_move()",
        ]
    else:
        install = [
            "CREATE TRIGGER refuse_goal_move BEFORE UPDATE ON progress_goal "
            "BEGIN SELECT RAISE(ABORT, 'goal moves refused'); END"
        ]
        remove = ["DROP TRIGGER refuse_goal_move"]
    with connection.cursor() as cursor:
        for statement in install:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in remove:
            cursor.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_whose_target_dates_cannot_move_leaves_the_progress_in_the_session_too(
    goals_cannot_change_owner, user
):
    client = Client(raise_request_exception=False)
    item = SkillFactory()
    mark(client, item, "done")
    client.post(goal_url(item.career), {"target_date": "2099-01-01"})
    session_key = client.session.session_key

    response = sign_in(client)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert list(Progress.objects.values_list("user", "session_key", "status")) == [
        (None, session_key, "done")
    ]
    assert list(Goal.objects.values_list("user", "session_key")) == [(None, session_key)]
    assert not Progress.objects.filter(user=user).exists()


def test_a_wrong_password_is_refused_with_a_message_and_merges_nothing(client, user, items):
    mark(client, items[0], "done")

    response = sign_in(client, password="wrong-password")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Please enter a correct username and password" in response.content.decode()
    assert not Progress.objects.filter(user=user).exists()


def test_sign_in_goes_to_a_safe_next_page_only(client, user):
    assert sign_in(client, next="/sources/")["Location"] == "/sources/"
    client.logout()
    assert sign_in(client, next="https://evil.example/")["Location"] == reverse(
        "progress:dashboard"
    )


def test_a_taken_username_is_refused_on_sign_up(client, user):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "ada", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_a_username_taken_between_checking_and_saving_is_refused_as_taken(client):
    """Two sign-ups with one username sent at once: the other one's account is saved after this
    form found the name free and before this one is. (Here the other account is saved inside
    this request's own transaction, so it goes when that is rolled back.)"""

    others = []

    def the_other_sign_up_first(sender, instance, **kwargs):
        if not others:
            others.append(instance.username)
            User.objects.create_user(instance.username, password=PASSWORD)

    pre_save.connect(the_other_sign_up_first, sender=User)
    try:
        response = client.post(
            reverse("accounts:signup"),
            {"username": "ada", "password1": PASSWORD, "password2": PASSWORD},
        )
    finally:
        pre_save.disconnect(the_other_sign_up_first, sender=User)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A user with that username already exists." in response.content.decode()
    assert others == ["ada"]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("signup", {}),
        ("signup", {"username": "grace", "password1": PASSWORD, "password2": "different-1"}),
        ("login", {"username": "ada", "password": "wrong-password"}),
        ("password_change", {}),
        ("password_change", {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}),
        ("password_reset", {"email": "not an address"}),
        ("delete_account", {}),
    ],
)
def test_a_form_sent_back_with_errors_answers_400_and_changes_nothing(
    client, user, snapshot, name, data
):
    if name in ("password_change", "delete_account"):
        client.force_login(user)
    before = snapshot(), User.objects.get().password

    response = client.post(reverse(f"accounts:{name}"), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'class="errorlist' in response.content.decode()
    assert (snapshot(), User.objects.get().password) == before


def test_a_password_reset_link_sent_back_with_mismatched_passwords_answers_400(client, user):
    client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)

    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD + "x", "new_password2": "other-2"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# Notes longer than a written note, joined at sign-in


@pytest.fixture
def joined_note(client, user, items) -> str:
    """An account note and a session note of the longest length, joined by signing in."""
    account = Client()
    account.force_login(user)
    write_note(account, items[0], "a" * NOTE_MAX_LENGTH)
    write_note(client, items[0], "s" * NOTE_MAX_LENGTH)
    sign_in(client)
    note = Progress.objects.get(user=user, item=items[0]).note
    assert note == "a" * NOTE_MAX_LENGTH + "\n\n" + "s" * NOTE_MAX_LENGTH
    return note


def test_a_joined_note_longer_than_5000_characters_is_shown_whole_with_its_own_limit(
    client, items, joined_note
):
    html = client.get(reverse("progress:item", args=[items[0].pk])).content.decode()

    assert f"{joined_note}</textarea>" in html
    assert f'maxlength="{len(joined_note)}"' in html
    assert "two notes were joined when you signed in" in html


def test_a_joined_note_can_be_saved_again_and_shortened_but_not_lengthened(
    client, user, items, joined_note
):
    url = reverse("progress:note", args=[items[0].pk])

    assert client.post(url, {"note": joined_note}).status_code == HTTPStatus.FOUND
    longer = client.post(url, {"note": joined_note + "!"})
    assert longer.status_code == HTTPStatus.BAD_REQUEST
    assert "can be shortened but not lengthened" in longer.content.decode()
    assert Progress.objects.get(user=user, item=items[0]).note == joined_note

    shorter = "a" * 6000
    assert client.post(url, {"note": shorter}).status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=items[0]).note == shorter
    refused = client.post(url, {"note": "a" * 6001})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert Progress.objects.get(user=user, item=items[0]).note == shorter


def test_a_joined_note_comes_back_whole_from_its_export(client, user, items, joined_note):
    exported = client.get(reverse("progress:export_json")).content
    client.post(reverse("progress:reset", args=[items[0].career.slug]))
    assert not Progress.objects.filter(user=user).exists()

    file = SimpleUploadedFile("progress.json", exported, "application/json")
    response = client.post(reverse("progress:import"), {"file": file})

    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=items[0]).note == joined_note
    assert json.loads(exported)["progress"][0]["note"] == joined_note


# Rate limit


def test_five_failed_sign_ins_lock_the_username_out_with_a_429(client, user):
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == HTTPStatus.BAD_REQUEST

    locked = sign_in(client, password="wrong")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed sign-ins for this username" in locked.content.decode()

    even_right = sign_in(client)
    assert even_right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_a_lockout_of_one_username_leaves_others_free(client, user):
    User.objects.create_user("grace", "", PASSWORD)
    for _ in range(5):
        sign_in(client, password="wrong")

    assert sign_in(client, username="grace").status_code == HTTPStatus.FOUND


def sign_in_behind_the_proxy(client: Client, address: str, password: str):
    return client.post(
        reverse("accounts:login"),
        {"username": "ada", "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_one_trusted_proxy_failed_sign_ins_count_per_visitor_address(user, trusted_proxies):
    trusted_proxies(1)
    attacker, ada = Client(), Client()
    for _ in range(5):
        sign_in_behind_the_proxy(attacker, "198.51.100.7", "wrong")
    assert sign_in_behind_the_proxy(attacker, "198.51.100.7", PASSWORD).status_code == 429

    response = sign_in_behind_the_proxy(ada, "203.0.113.5", PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert int(ada.session["_auth_user_id"]) == user.pk


def test_behind_two_trusted_proxies_the_address_the_outer_one_saw_counts(user, trusted_proxies):
    trusted_proxies(2)
    for _ in range(5):
        sign_in_behind_the_proxy(Client(), "198.51.100.7, 10.0.0.1", "wrong")
    assert sign_in_behind_the_proxy(Client(), "198.51.100.7, 10.0.0.1", PASSWORD).status_code == 429

    response = sign_in_behind_the_proxy(Client(), "203.0.113.5, 10.0.0.1", PASSWORD)

    assert response.status_code == HTTPStatus.FOUND


def test_behind_two_trusted_proxies_sign_ins_without_both_entries_share_one_count(
    user, trusted_proxies
):
    trusted_proxies(2)
    for forwarded in ("", "not-an-address", "192.0.2.1", "192.0.2.2", "192.0.2.3"):
        sign_in_behind_the_proxy(Client(), forwarded, "wrong")

    response = sign_in_behind_the_proxy(Client(), "203.0.113.5", PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_behind_a_trusted_proxy_an_address_the_visitor_adds_does_not_escape_the_lockout(
    user, trusted_proxies
):
    trusted_proxies(1)
    client = Client()
    for number in range(5):
        sign_in_behind_the_proxy(client, f"192.0.2.{number}, 198.51.100.7", "wrong")

    response = sign_in_behind_the_proxy(client, "192.0.2.99, 198.51.100.7", PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_behind_a_trusted_proxy_more_forwarded_entries_than_proxies_count_as_the_proxys_own(
    user, trusted_proxies
):
    trusted_proxies(1)
    for number in range(5):
        sign_in_behind_the_proxy(Client(), f"192.0.2.{number}, 198.51.100.7", "wrong")

    response = sign_in_behind_the_proxy(Client(), "", PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize("added", ['for=192.0.2.{}; by="x', 'for="192.0.2.{}";by="'])
def test_behind_a_trusted_proxy_an_open_quote_cannot_hide_the_address_the_proxy_added(
    user, trusted_proxies, added
):
    trusted_proxies(1)
    for number in range(5):
        sign_in_behind_the_proxy(Client(), f"{added.format(number)}, 198.51.100.7", "wrong")

    response = sign_in_behind_the_proxy(Client(), f"{added.format(99)}, 198.51.100.7", PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "198.51.100.7, , nonsense"])
def test_a_missing_or_garbled_forwarded_address_counts_as_the_proxys_own(
    user, trusted_proxies, forwarded
):
    trusted_proxies(1)
    for _ in range(5):
        sign_in_behind_the_proxy(Client(), forwarded, "wrong")

    response = sign_in_behind_the_proxy(Client(), forwarded, PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(user, trusted_proxies):
    trusted_proxies(0)
    for number in range(5):
        sign_in_behind_the_proxy(Client(), f"198.51.100.{number}", "wrong")

    response = sign_in_behind_the_proxy(Client(), "203.0.113.5", PASSWORD)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize(
    ("url", "status"),
    [("accounts:login", HTTPStatus.BAD_REQUEST), ("admin:login", HTTPStatus.OK)],
)
def test_a_username_longer_than_an_account_can_have_is_refused_and_changes_nothing(
    user, url, status
):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse(url))
    data = {
        "username": "a" * 256,
        "password": PASSWORD,
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
    }

    response = client.post(reverse(url), data)

    assert response.status_code == status
    assert "A username has at most 150 characters; this one has 256." in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
@pytest.mark.parametrize(
    ("name", "signed_in"),
    [
        ("signup", False),
        ("login", False),
        ("password_reset", False),
        ("logout", True),
        ("password_change", True),
        ("delete_account", True),
    ],
)
def test_account_forms_answer_only_their_own_methods(client, user, name, signed_in, method):
    if signed_in:
        client.force_login(user)
    body = f"username=ada&password={PASSWORD}&email=ada@example.org"

    response = getattr(client, method)(
        reverse(f"accounts:{name}"), body, "application/x-www-form-urlencoded"
    )

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "PUT" not in response["Allow"] and "OPTIONS" not in response["Allow"]
    assert ("_auth_user_id" in client.session) == signed_in
    assert User.objects.filter(pk=user.pk).exists()
    assert not mail.outbox


# Sign out, password


def test_signing_out_takes_a_post(client, user):
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("careers:home")
    assert "_auth_user_id" not in client.session
    assert "You are signed out." in client.get(response["Location"]).content.decode()
    assert "You are signed out." not in client.get(response["Location"]).content.decode()


def test_signing_out_from_a_public_page_comes_back_to_it(client, user, career):
    client.force_login(user)
    page = client.get(career.get_absolute_url()).content.decode()
    form = re.search(r'<form id="sign-out".*?</form>', page).group()
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert fields == {"next": career.get_absolute_url()}

    response = client.post(reverse("accounts:logout"), fields)

    assert response["Location"] == career.get_absolute_url()
    assert "You are signed out." in client.get(response["Location"]).content.decode()
    client.force_login(user)
    account = client.get(reverse("accounts:account")).content.decode()
    assert 'name="next"' not in re.search(r'<form id="sign-out".*?</form>', account).group()


def test_changing_the_password(client, user):
    client.force_login(user)
    new = "another-long-password-2"

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, user):
    response = client.post(reverse("accounts:password_reset"), {"email": "ada@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    new = "another-long-password-2"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your new password is set" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# Account page and deletion


def test_account_pages_need_an_account(client):
    for name in ("account", "delete_account", "password_change"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("accounts:login"))


def test_deleting_the_account_needs_the_password_and_removes_progress_and_notes(
    client, user, items
):
    client.force_login(user)
    mark(client, items[0], "done")
    write_note(client, items[1], "private")
    client.post(goal_url(items[0].career), {"target_date": "2099-01-01"})
    client.post(reverse("progress:share"), {"action": "create"})
    other = User.objects.create_user("grace", "", PASSWORD)
    Progress.objects.create(user=other, item=items[0], status="learning")

    refused = client.post(reverse("accounts:delete_account"), {"password": "wrong"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "That is not your password" in refused.content.decode()
    assert Progress.objects.filter(user=user).count() == 2

    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert response["Location"] == reverse("accounts:account_deleted")
    assert not User.objects.filter(username="ada").exists()
    assert list(Progress.objects.values_list("user", flat=True)) == [other.pk]
    assert not Goal.objects.exists()
    assert not ShareLink.objects.exists()
    assert "_auth_user_id" not in client.session
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_the_account_page_links_to_everything_about_the_account(client, user):
    client.force_login(user)

    html = client.get(reverse("accounts:account")).content.decode()

    for name in (
        "accounts:password_change",
        "accounts:delete_account",
        "progress:share",
        "progress:export_json",
        "accounts:logout",
    ):
        assert reverse(name) in html


def test_the_account_navigation_offers_sign_in_or_sign_out(rf, user):
    request = rf.get("/")
    request.user = AnonymousUser()
    anonymous = render_to_string("includes/_account_nav.html", request=request)
    request.user = user
    signed_in = render_to_string("includes/_account_nav.html", request=request)

    assert reverse("accounts:login") in anonymous and reverse("accounts:logout") not in anonymous
    assert reverse("accounts:logout") in signed_in and reverse("accounts:login") not in signed_in


@pytest.mark.parametrize(
    "name",
    [
        "login",
        "signup",
        "password_reset",
        "password_reset_done",
        "password_reset_complete",
        "account_deleted",
    ],
)
def test_public_account_pages_answer(client, name):
    assert client.get(reverse(f"accounts:{name}")).status_code == HTTPStatus.OK


def test_a_signed_in_visitor_skips_the_sign_in_and_sign_up_pages(client, user):
    client.force_login(user)

    assert client.get(reverse("accounts:login"))["Location"] == reverse("progress:dashboard")
    assert client.get(reverse("accounts:signup"))["Location"] == reverse("progress:dashboard")


def test_a_page_opened_before_signing_out_elsewhere_can_no_longer_save(user):
    """Another tab still shows the account: its change is refused as out of date, not saved
    into a new anonymous session."""
    item = SkillFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("accounts:login"))
    browser.post(
        reverse("accounts:login"),
        {
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    page = browser.get(item.career.get_absolute_url()).content.decode()
    token = re.search(r'id="csrf-token" value="([^"]+)"', page).group(1)
    assert (
        browser.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    )

    other_tab = browser.post(
        reverse("progress:status", args=[item.pk]), {"status": "done", "csrfmiddlewaretoken": token}
    )

    assert other_tab.status_code == HTTPStatus.FORBIDDEN
    assert "out of date" in other_tab.content.decode()
    assert not Progress.objects.exists()


def test_signing_in_from_a_pages_header_comes_back_to_the_page(client, user):
    step = SkillFactory().career.get_absolute_url() + "skills/?a=1&b=2"
    page = client.get(step).content.decode()
    link = re.search(r'<a href="(/accounts/login/[^"]*)">Sign in</a>', page).group(1)
    assert link == "/accounts/login/?next=/career-1/skills/"
    signup = re.search(r'No account\? <a href="([^"]*)">Sign up', client.get(link).content.decode())
    assert signup.group(1) == "/accounts/signup/?next=/career-1/skills/"

    answer = client.post(link, {"username": user.username, "password": PASSWORD})

    assert answer.status_code == 302 and answer["Location"] == "/career-1/skills/"


def test_an_account_pages_header_links_to_signing_in_without_coming_back_to_it(client):
    page = client.get(reverse("accounts:signup")).content.decode()

    assert '<a href="/accounts/login/">Sign in</a>' in page
