"""Progress stays whole: one record per owner and item, under concurrency and content reloads."""

import copy
import io
import json
import threading
from http import HTTPStatus

import pytest
import yaml
from django.contrib.auth.models import User
from django.db import IntegrityError, connections, transaction
from django.test import Client
from django.urls import reverse

from careers.content import load_content
from careers.models import ChecklistItem
from progress.models import Owner, Progress

# Every status but the one a new record starts with, so that a lost write would show.
POSTED = ["learning", "done", "skipped"]


def mark(client: Client, item: ChecklistItem, status: str):
    return client.post(reverse("progress:status", args=[item.pk]), {"status": status})


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_for_the_same_account_and_item(loaded):
    user = User.objects.create_user("ada")
    item = ChecklistItem.objects.current().first()
    Progress.objects.create(user=user, item=item, status="done")

    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(user=user, item=item, status="learning")


@pytest.mark.django_db
def test_the_database_refuses_a_second_record_for_the_same_session_and_item(loaded):
    item = ChecklistItem.objects.current().first()
    Progress.objects.create(session_key="k" * 32, item=item)

    with pytest.raises(IntegrityError), transaction.atomic():
        Progress.objects.create(session_key="k" * 32, item=item)


@pytest.mark.django_db
def test_saving_twice_for_an_owner_updates_the_one_record(loaded):
    user = User.objects.create_user("ada")
    item = ChecklistItem.objects.current().first()

    Progress.objects.save_for(Owner(user=user), item, status="learning")
    Progress.objects.save_for(Owner(user=user), item, note="later")

    record = Progress.objects.get()
    assert (record.status, record.note) == ("learning", "later")


def run_concurrently(clients: list[Client], item: ChecklistItem) -> list[tuple[int, str]]:
    """Every client posts a status at once; their answers as (status code, Location)."""
    barrier = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = [(0, "")] * len(clients)

    def post(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = mark(clients[number], item, POSTED[number % len(POSTED)])
            answers[number] = (response.status_code, response.get("Location", ""))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("owner", ["account", "session"])
def test_40_concurrent_status_changes_leave_one_record_and_no_error(loaded, owner):
    item = ChecklistItem.objects.current().first()
    first = Client(raise_request_exception=False)
    if owner == "account":
        user = User.objects.create_user("ada")
        first.force_login(user)
    else:
        mark(first, ChecklistItem.objects.current().last(), "done")
    clients = [first]
    for _ in range(39):
        client = Client(raise_request_exception=False)
        client.cookies = copy.deepcopy(first.cookies)
        clients.append(client)

    answers = run_concurrently(clients, item)

    assert answers == [(HTTPStatus.FOUND, item.get_absolute_url())] * 40
    record = Progress.objects.get(item=item)
    assert record.status in POSTED
    if owner == "account":
        assert (record.user, record.session_key) == (user, "")
    else:
        assert (record.user, record.session_key) == (None, first.session.session_key)


@pytest.fixture
def without_api_skill(content_copy):
    """The content files with the skill "api-development" taken out."""
    path = content_copy / "careers" / "backend-developer.yaml"
    data = yaml.safe_load(path.read_text())
    kept = [skill for skill in data["skills"] if skill["slug"] != "api-development"]
    assert len(kept) == len(data["skills"]) - 1
    data["skills"] = kept
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return content_copy


@pytest.mark.django_db
def test_progress_survives_a_reload_that_removes_its_item(
    loaded, without_api_skill, content_dir, client
):
    client.force_login(User.objects.create_user("ada"))
    api = ChecklistItem.objects.get(slug="api-development")
    other = ChecklistItem.objects.get(slug="programming-languages")
    mark(client, api, "done")
    mark(client, other, "learning")
    client.post(reverse("progress:note", args=[api.pk]), {"note": "REST and GraphQL"})

    load_content(without_api_skill)

    api.refresh_from_db()
    assert api.retired
    assert set(Progress.objects.values_list("item__slug", "status", "note")) == {
        ("api-development", "done", "REST and GraphQL"),
        ("programming-languages", "learning", ""),
    }
    page = client.get(reverse("progress:career", args=["backend-developer"])).content.decode()
    assert "No longer on the roadmap" in page
    retired = '<span class="status-mark status-done">Done</span>; your note: REST and GraphQL'
    assert f"API Development</a> (retired): {retired}" in page
    dashboard = client.get(reverse("progress:dashboard")).content.decode()
    assert "1 item you tracked is no longer on the roadmap (retired)" in dashboard
    exported = json.loads(client.get(reverse("progress:export_json")).content)["progress"]
    assert {row["item"]: row["retired"] for row in exported} == {
        "api-development": True,
        "programming-languages": False,
    }
    assert mark(client, api, "learning").status_code == HTTPStatus.NOT_FOUND

    load_content(content_dir)

    api.refresh_from_db()
    assert not api.retired
    assert Progress.objects.get(item=api).status == "done"


@pytest.mark.django_db
def test_a_retired_item_is_left_out_of_the_summary(loaded, without_api_skill, client):
    client.force_login(User.objects.create_user("ada"))
    mark(client, ChecklistItem.objects.get(slug="api-development"), "done")
    total = ChecklistItem.objects.current().count()

    load_content(without_api_skill)

    page = client.get(reverse("progress:career", args=["backend-developer"])).content.decode()
    assert f"0 of {total - 1} items" in page


@pytest.mark.django_db
def test_an_export_with_a_retired_item_imports_back(loaded, without_api_skill, client):
    client.force_login(User.objects.create_user("ada"))
    mark(client, ChecklistItem.objects.get(slug="api-development"), "learning")
    load_content(without_api_skill)
    exported = client.get(reverse("progress:export_json")).content
    Progress.objects.all().delete()

    response = client.post(reverse("progress:import"), {"file": _upload(exported)}, follow=False)

    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get().status == "learning"


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("progress.json", content, "application/json")


@pytest.mark.django_db
def test_clearing_ended_sessions_removes_only_their_progress(loaded, client):
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    item = ChecklistItem.objects.current().first()
    user = User.objects.create_user("ada")
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
