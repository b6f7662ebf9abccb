"""Progress stays whole: one record per owner and item, under concurrency and content reloads."""

import copy
import io
import json
import shutil
import threading
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import pytest
import yaml
from django.db import IntegrityError, connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from careers.content import dump_content, load_content
from careers.models import ChecklistItem
from progress.models import Owner, Progress
from tests.factories import ProgressFactory, SkillFactory, UserFactory

# Every status but the one a new record starts with, so that a lost write would show.
POSTED = ["learning", "done", "skipped"]


def mark(client: Client, item: ChecklistItem, status: str):
    return client.post(reverse("progress:status", args=[item.pk]), {"status": status})


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_for_the_same_account_and_item():
    record = ProgressFactory(status="done")

    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(user=record.user, item=record.item, status="learning")


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_for_the_same_session_and_item():
    record = ProgressFactory(for_session=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(session_key=record.session_key, item=record.item)


@pytest.mark.django_db
def test_saving_twice_for_an_owner_updates_the_one_record():
    user = UserFactory()
    item = SkillFactory()

    Progress.objects.save_for(Owner(user=user), item, status="learning")
    Progress.objects.save_for(Owner(user=user), item, note="later")

    record = Progress.objects.get()
    assert (record.status, record.note) == ("learning", "later")


def run_concurrently(count: int, send: Callable[[int], HttpResponse]) -> list[tuple[int, str]]:
    """Make `count` requests at once, the nth with send(n); their answers as (status code,
    Location)."""
    barrier = threading.Barrier(count)
    answers: list[tuple[int, str]] = [(0, "")] * count

    def post(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = send(number)
            answers[number] = (response.status_code, response.get("Location", ""))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def same_visitor(first: Client, count: int) -> list[Client]:
    """`first` and more clients with its cookies: one visitor's requests sent at once."""
    clients = [first]
    for _ in range(count - 1):
        client = Client(raise_request_exception=False)
        client.cookies = copy.deepcopy(first.cookies)
        clients.append(client)
    return clients


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("owner", ["account", "session"])
def test_40_concurrent_status_changes_leave_one_record_and_no_error(owner):
    item = SkillFactory()
    first = Client(raise_request_exception=False)
    if owner == "account":
        user = UserFactory()
        first.force_login(user)
    else:
        mark(first, SkillFactory(career=item.career), "done")
    clients = same_visitor(first, 40)

    answers = run_concurrently(40, lambda n: mark(clients[n], item, POSTED[n % len(POSTED)]))

    assert answers == [(HTTPStatus.FOUND, item.get_absolute_url())] * 40
    record = Progress.objects.get(item=item)
    assert record.status in POSTED
    if owner == "account":
        assert (record.user, record.session_key) == (user, "")
    else:
        assert (record.user, record.session_key) == (None, first.session.session_key)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("owner", ["account", "session", "session with nothing saved yet"])
def test_notes_sent_at_once_stay_within_the_owners_limit(owner, settings):
    settings.NOTES_TOTAL_LIMITS = {"session": 100, "account": 100}
    first_item, *items = SkillFactory.create_batch(13)
    first = Client(raise_request_exception=False)
    if owner == "account":
        first.force_login(UserFactory())
    elif owner == "session":
        mark(first, first_item, "done")
    else:
        # A session that holds no progress yet: the test client saves one and sends its cookie.
        first.session.save()
    clients = same_visitor(first, len(items))

    answers = run_concurrently(
        len(items),
        lambda n: clients[n].post(reverse("progress:note", args=[items[n].pk]), {"note": "x" * 20}),
    )

    # Five notes of 20 characters fill the 100; each of the others is refused whole.
    codes = sorted(code for code, _ in answers)
    assert codes == [HTTPStatus.FOUND] * 5 + [HTTPStatus.BAD_REQUEST] * 7
    notes = Progress.objects.exclude(note="").values_list("note", flat=True)
    assert sorted(notes) == ["x" * 20] * 5


@pytest.fixture
def skill(career) -> ChecklistItem:
    return career.checklist_items.filter(kind="skill").order_by("position").first()


@pytest.fixture
def as_built(career, tmp_path) -> Path:
    """The content files of the career as the test built it."""
    directory = tmp_path / "as-built"
    dump_content(directory)
    return directory


@pytest.fixture
def without_skill(as_built, career, skill, tmp_path) -> Path:
    """The same files with the skill `skill` taken out."""
    directory = tmp_path / "without-skill"
    shutil.copytree(as_built, directory)
    path = directory / "careers" / f"{career.slug}.yaml"
    data = yaml.safe_load(path.read_text())
    kept = [entry for entry in data["skills"] if entry["slug"] != skill.slug]
    assert len(kept) == len(data["skills"]) - 1
    data["skills"] = kept
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return directory


@pytest.mark.django_db
def test_progress_survives_a_reload_that_removes_its_item(
    career, skill, as_built, without_skill, client
):
    client.force_login(UserFactory())
    other = career.checklist_items.filter(kind="skill").exclude(pk=skill.pk).first()
    mark(client, skill, "done")
    mark(client, other, "learning")
    client.post(reverse("progress:note", args=[skill.pk]), {"note": "REST and GraphQL"})

    load_content(without_skill)

    skill.refresh_from_db()
    assert skill.retired
    assert set(Progress.objects.values_list("item__slug", "status", "note")) == {
        (skill.slug, "done", "REST and GraphQL"),
        (other.slug, "learning", ""),
    }
    page = client.get(reverse("progress:career", args=[career.slug])).content.decode()
    assert "No longer on the roadmap" in page
    retired = '<span class="status-mark status-done">Done</span>; your note: REST and GraphQL'
    assert f"{skill.title}</a> (retired): {retired}" in page
    dashboard = client.get(reverse("progress:dashboard")).content.decode()
    assert "1 item you tracked is no longer on the roadmap (retired)" in dashboard
    exported = json.loads(client.get(reverse("progress:export_json")).content)["progress"]
    assert {row["item"]: row["retired"] for row in exported} == {
        skill.slug: True,
        other.slug: False,
    }
    assert mark(client, skill, "learning").status_code == HTTPStatus.NOT_FOUND

    load_content(as_built)

    skill.refresh_from_db()
    assert not skill.retired
    assert Progress.objects.get(item=skill).status == "done"


@pytest.mark.django_db
def test_a_retired_item_is_left_out_of_the_summary(career, skill, without_skill, client):
    client.force_login(UserFactory())
    mark(client, skill, "done")
    total = ChecklistItem.objects.current().count()
    page = client.get(reverse("progress:career", args=[career.slug])).content.decode()
    assert f"1 of {total} items" in page

    load_content(without_skill)

    page = client.get(reverse("progress:career", args=[career.slug])).content.decode()
    assert f"0 of {total - 1} items" in page


@pytest.mark.django_db
def test_an_export_with_a_retired_item_imports_back(skill, without_skill, client):
    client.force_login(UserFactory())
    mark(client, skill, "learning")
    load_content(without_skill)
    exported = client.get(reverse("progress:export_json")).content
    Progress.objects.all().delete()

    response = client.post(reverse("progress:import"), {"file": _upload(exported)}, follow=False)

    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get().status == "learning"


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("progress.json", content, "application/json")


@pytest.mark.django_db
def test_clearing_ended_sessions_removes_only_their_progress(client):
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    item = SkillFactory()
    user = UserFactory()
    Progress.objects.create(user=user, item=item, status="done")
    mark(client, item, "learning")
    Progress.objects.create(session_key="ended-session-key", item=item, status="done")

    call_command("clear_visitor_progress", stdout=io.StringIO())

    assert set(Progress.objects.values_list("user", "session_key")) == {
        (user.pk, ""),
        (None, client.session.session_key),
    }
    Session.objects.all().delete()
    call_command("clear_visitor_progress", stdout=io.StringIO())
    assert list(Progress.objects.values_list("user", flat=True)) == [user.pk]
