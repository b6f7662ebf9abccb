"""Marking items, notes, the dashboard, goals, export and import, reset and sharing."""

import csv
import io
import json
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil

from careers.models import Career, ChecklistItem
from careers.roadmap import Roadmap
from progress.models import Goal, Owner, Progress, ShareLink, Status
from progress.overlay import Overlay, Summary
from tests.factories import (
    ActionFactory,
    RequirementFactory,
    SkillFactory,
    StepSectionFactory,
    TimelineFactory,
)

pytestmark = pytest.mark.django_db


def in_order(career: Career) -> list[ChecklistItem]:
    """Every current checklist item, in the order a learner takes them."""
    return list(Roadmap.read(career.slug, ("steps", "checklist")).checklist)


@pytest.fixture
def roadmap(career) -> list[ChecklistItem]:
    return in_order(career)


@pytest.fixture
def action(roadmap) -> ChecklistItem:
    return roadmap[0]


@pytest.fixture
def skill(career) -> ChecklistItem:
    return career.checklist_items.filter(kind="skill").order_by("position").first()


@pytest.fixture
def other_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_user("bob", "bob@example.org", "a-long-password-2"))
    return client


def mark(client: Client, item: ChecklistItem, status: str, htmx: bool = False, **fields):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("progress:status", args=[item.pk])
    return client.post(url, {"status": status, **fields}, **headers)


def status_of(user: User, item: ChecklistItem) -> str | None:
    record = Progress.objects.filter(user=user, item=item).first()
    return record.status if record else None


# Marking items


def test_anonymous_visitor_gets_a_session_and_their_status_is_kept(client, action):
    response = mark(client, action, "learning")

    assert response.status_code == HTTPStatus.FOUND
    key = client.session.session_key
    assert key
    record = Progress.objects.get(item=action)
    assert (record.user, record.session_key, record.status) == (None, key, "learning")


def test_status_change_without_javascript_redirects_back_to_the_item_on_the_same_page(
    client, career, action
):
    page = reverse("careers:overview", args=[career.slug])
    response = mark(client, action, "done", next=page + "?tab=1")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{page}?tab=1#item-{action.slug}"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/page", "javascript:alert(1)", ""]
)
def test_status_change_ignores_a_next_address_off_the_site(client, action, next_url):
    response = mark(client, action, "done", next=next_url)

    assert response["Location"] == action.get_absolute_url()


def saved_region(item: ChecklistItem, said: str = "") -> str:
    """The live region after an item's status control, saying `said`."""
    return f'<p class="saved" id="status-{item.slug}-saved" role="status">{said}</p>'


@pytest.mark.parametrize("page_of", ["overview", "item", "career"])
def test_a_status_saved_without_javascript_is_confirmed_beside_its_control_where_it_lands(
    client, career, skill, page_of
):
    page = {
        "overview": career.get_absolute_url(),
        "item": reverse("progress:item", args=[skill.pk]),
        "career": reverse("progress:career", args=[career.slug]),
    }[page_of]
    back = mark(client, skill, "done", next=page)
    assert back["Location"] == f"{page}#item-{skill.slug}"

    html = client.get(back["Location"]).content.decode()

    assert saved_region(skill, "Saved: Done") in html
    # A screen reader reaching the control hears it too; nothing is said at the top.
    described = f'aria-describedby="status-{skill.slug}-saved"><legend'
    assert html.count(described) == 1
    assert 'class="messages"' not in html
    # Beside this item alone, once; every other control's region waits empty.
    regions = re.findall(r'<p class="saved" id="status-[^"]+" role="status">([^<]*)</p>', html)
    assert regions.count("Saved: Done") == 1 and html.count("Saved: ") == 1
    assert set(regions) == ({"Saved: Done"} if page_of == "item" else {"", "Saved: Done"})
    again = client.get(page).content.decode()
    assert saved_region(skill) in again and "Saved: " not in again


def test_a_status_saved_with_htmx_leaves_nothing_to_say_on_the_next_page(client, career, skill):
    mark(client, skill, "done", htmx=True)

    html = client.get(career.get_absolute_url()).content.decode()

    assert saved_region(skill) in html and "Saved: " not in html


def test_the_answer_to_an_htmx_change_leaves_a_message_waiting_for_the_page(client, skill):
    """The control in the answer looks for no message: its page shows them."""
    client.post(reverse("progress:note", args=[skill.pk]), {"note": "Read the docs"})
    mark(client, skill, "done", htmx=True)

    html = client.get(reverse("progress:item", args=[skill.pk])).content.decode()

    assert "Your note is saved." in html


def test_status_change_with_htmx_answers_the_control_and_the_summaries_out_of_band(
    client, career, action, roadmap
):
    response = mark(client, action, "done", htmx=True, next=f"/{career.slug}/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'id="status-{action.slug}"' in html
    assert f'id="status-{action.slug}-done" name="status" value="done" checked>' in html
    step = action.section.step
    step_items = [item for item in roadmap if item.section and item.section.step_id == step.pk]
    assert f'id="step-counter-{step.slug}" hx-swap-oob="true">1 of {len(step_items)} done' in html
    assert 'id="overall-progress" hx-swap-oob="true"' in html
    assert f"1 of {len(roadmap)} items" in html
    assert f'name="next" value="/{career.slug}/"' in html
    assert response["Vary"].count("HX-Request") == 1


def test_a_change_on_the_progress_page_sends_its_counts_next_item_and_pace_again(
    user_client, user, career, roadmap
):
    Goal.objects.create(user=user, career=career, target_date=date(2099, 1, 1))
    page = reverse("progress:career", args=[career.slug])
    first = roadmap[0]

    response = user_client.post(
        reverse("progress:status", args=[first.pk]),
        {"status": "done"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )

    html = response.content.decode()
    summary = html[html.index('id="career-summary" hx-swap-oob="true"') :]
    assert "Done: <strong>1</strong>" in summary
    assert f'<a href="{roadmap[1].get_absolute_url()}">{roadmap[1].title}</a>' in summary
    assert 'id="career-pace" hx-swap-oob="true"' in html
    assert f"{len(roadmap) - 1} unfinished items" in html
    # Each part once: the page's overall bar is inside its summary.
    assert html.count('id="overall-progress"') == 1
    # The parts sent are the page's own.
    shown = user_client.get(page).content.decode()
    assert 'id="career-summary"' in shown and 'id="career-pace"' in shown


def test_a_change_on_the_items_own_page_sends_no_parts_that_page_lacks(client, action):
    page = reverse("progress:item", args=[action.pk])

    response = client.post(
        reverse("progress:status", args=[action.pk]),
        {"status": "done"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )

    assert f'id="status-{action.slug}-done" name="status" value="done" checked>' in (
        response.content.decode()
    )
    assert "hx-swap-oob" not in response.content.decode()


def test_a_skill_change_over_htmx_updates_the_learning_stages_counter_and_the_bar(client, skill):
    response = mark(client, skill, "skipped", htmx=True)

    html = response.content.decode()
    assert html.count("step-counter-") == 1
    assert 'id="step-counter-learning-stage" hx-swap-oob="true"' in html
    assert "(1 skipped)" in html


def test_changing_a_status_again_updates_the_one_record(user_client, user, action):
    mark(user_client, action, "learning")
    mark(user_client, action, "done")

    assert list(Progress.objects.filter(user=user).values_list("status", flat=True)) == ["done"]


@pytest.mark.parametrize("sent", ["mastered", "a\x00b", "x" * 1_000_000])
def test_an_unknown_status_is_refused_with_a_message_and_changes_nothing(
    user_client, action, snapshot, sent
):
    before = snapshot()
    response = mark(user_client, action, sent)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "That is not a status." in response.content.decode()
    assert sent not in response.content.decode()
    assert len(response.content) < 50_000
    assert snapshot() == before


def test_a_missing_status_is_refused(user_client, action):
    response = user_client.post(reverse("progress:status", args=[action.pk]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Progress.objects.exists()


def test_an_unknown_item_is_not_found(user_client, career):
    response = mark(user_client, ChecklistItem(pk=999_999), "done")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Progress.objects.exists()


def test_a_retired_item_cannot_get_a_new_status(user_client, skill):
    ChecklistItem.objects.filter(pk=skill.pk).update(retired=True)

    response = mark(user_client, skill, "done")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "no longer on the roadmap" in response.content.decode()
    assert not Progress.objects.exists()


def test_a_retired_item_takes_no_new_note_but_keeps_a_saved_one_editable(user_client, user, skill):
    other = SkillFactory(career=skill.career)
    user_client.post(note_url(skill), {"note": "mine"})
    ChecklistItem.objects.filter(pk__in=[skill.pk, other.pk]).update(retired=True)

    page = user_client.get(reverse("progress:item", args=[other.pk])).content.decode()
    refused = user_client.post(note_url(other), {"note": "new"})
    edited = user_client.post(note_url(skill), {"note": "mine, shortened"})

    assert 'id="note-form"' not in page
    assert "your note are kept" not in page
    assert refused.status_code == HTTPStatus.NOT_FOUND
    assert "no longer on the roadmap" in refused.content.decode()
    assert not Progress.objects.filter(item=other).exists()
    assert edited.status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=skill).note == "mine, shortened"
    page = user_client.get(reverse("progress:item", args=[skill.pk])).content.decode()
    assert "your note are kept" in page and 'id="note-form"' in page


def test_status_changes_only_by_post(client, action):
    response = client.get(reverse("progress:status", args=[action.pk]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_each_visitor_sees_only_their_own_statuses(user_client, other_client, client, action):
    mark(user_client, action, "done")
    mark(client, action, "learning")

    page = reverse("progress:career", args=[action.career.slug])
    done = f'id="status-{action.slug}-done" name="status" value="done" checked>'
    learning = f'id="status-{action.slug}-learning" name="status" value="learning" checked>'
    untouched = f'id="status-{action.slug}-not-started" name="status" value="not-started" checked>'
    assert done in user_client.get(page).content.decode()
    assert learning in client.get(page).content.decode()
    assert untouched in other_client.get(page).content.decode()
    assert Progress.objects.count() == 2


def test_an_owners_statuses_and_notes_are_read_in_one_query(
    user_client, user, action, skill, career, django_assert_num_queries
):
    mark(user_client, action, "done")
    mark(user_client, skill, "skipped")

    user_client.post(note_url(skill), {"note": "later, perhaps"})

    with django_assert_num_queries(1):
        statuses, noted = Owner(user=user).marks(career)

    assert statuses == {action.pk: "done", skill.pk: "skipped"}
    assert noted == {skill.pk}


def note_link(html: str, item: ChecklistItem) -> str:
    """The words of the link to an item's note, as a page shows them."""
    link = re.search(rf'class="note-link[^"]*" href="/progress/items/{item.pk}/">([^<]+)<', html)
    return link.group(1)


@pytest.mark.parametrize("page", ["overview", "step", "skills"])
def test_each_items_note_link_says_whether_the_visitor_has_a_note_on_it(
    client, career, action, skill, page
):
    url = {
        "overview": career.get_absolute_url(),
        "step": action.get_absolute_url().split("#")[0],
        "skills": reverse("careers:skills", args=[career.slug]),
    }[page]
    item = skill if page != "step" else action
    other = career.checklist_items.filter(section=item.section, kind=item.kind).exclude(pk=item.pk)[
        0
    ]
    assert note_link(client.get(url).content.decode(), item) == "Add a note"

    client.post(note_url(item), {"note": "start here"})

    html = client.get(url).content.decode()
    assert note_link(html, item) == "Your note"
    assert note_link(html, other) == "Add a note"


@pytest.mark.parametrize(
    ("owner", "sync"),
    [
        # Nothing saved yet: the first change makes the session, so the page's changes queue.
        (Owner(), "closest main:queue all"),
        (Owner(session_key="s" * 32), "this:queue last"),
    ],
)
def test_the_status_control_renders_without_queries(
    action, rf, django_assert_num_queries, owner, sync
):
    from django.template import Context, Template

    request = rf.get("/a-page/")
    request.user = AnonymousUser()
    request.owner = owner
    template = Template("{% load progress %}{% item_status item status %}")
    with django_assert_num_queries(0):
        context = {"item": action, "status": Status.LEARNING, "request": request}
        html = template.render(Context({**context, "csrf_token": "t"}))

    form = f"status-{action.slug}"
    assert f'id="{form}"' in html
    assert f'name="csrfmiddlewaretoken" value="t" form="{form}"' in html
    assert 'type="radio" id="status-' in html and 'value="learning" checked>' in html
    assert html.count(" checked") == 1
    assert [label for _, label in Status.choices] == [
        label for label in ("Not started", "Learning", "Done", "Skipped") if f">{label}<" in html
    ]
    assert 'name="next" value="/a-page/"' in html
    assert f'hx-sync="{sync}"' in html


# Summary


def test_skipped_items_are_left_out_of_the_percentage():
    summary = Summary(Counter(["done", "skipped", "learning", "not-started"]))

    assert (summary.done, summary.counted, summary.total, summary.percent) == (1, 3, 4, 33)
    assert summary.unfinished == 2


def test_the_overlay_counts_each_step_and_finds_the_next_item(career, roadmap):
    read = Roadmap.read(career.slug, ("steps", "checklist"))
    first_step = read.stages[0]
    first, second = first_step.items[:2]
    overlay = Overlay.of(read, {first.pk: "done", second.pk: "skipped"})

    assert overlay.statuses[first.pk] == Status.DONE
    assert overlay.by_stage[first_step.slug].done == 1
    assert overlay.summary.total == len(roadmap)
    assert overlay.next_up == read.checklist[2]
    assert list(overlay.by_stage) == [s.slug for s in read.stages]
    assert read.stages[1].title == "Learn the skills" and read.stages[1].step is None


def test_roadmap_order_takes_step_one_then_skills_and_requirements_then_the_other_steps(career):
    # Made last but placed first in each list, so that an order of making would show.
    first_step = career.step_set.order_by("position").first()
    early_action = ActionFactory(section=StepSectionFactory(step=first_step, position=0))
    early_skill = SkillFactory(career=career, position=0)
    early_requirement = RequirementFactory(career=career, position=0)

    roadmap = in_order(career)

    kinds = [item.kind for item in roadmap]
    first_skill, first_requirement = kinds.index("skill"), kinds.index("requirement")
    last_requirement = len(kinds) - 1 - kinds[::-1].index("requirement")
    assert {i.section.step_id for i in roadmap[:first_skill]} == {first_step.pk}
    assert set(kinds[first_skill:first_requirement]) == {"skill"}
    assert set(kinds[first_requirement : last_requirement + 1]) == {"requirement"}
    later = roadmap[last_requirement + 1 :]
    assert later and all(i.section.step.position > first_step.position for i in later)
    steps = [(i.section.step.position, i.section.position, i.position) for i in later]
    assert steps == sorted(steps)
    assert roadmap[0] == early_action
    assert roadmap[first_skill] == early_skill
    assert roadmap[first_requirement] == early_requirement


# Notes


def note_url(item: ChecklistItem) -> str:
    return reverse("progress:note", args=[item.pk])


def test_a_note_is_saved_without_javascript_and_shown_on_the_item_page(user_client, user, skill):
    response = user_client.post(note_url(skill), {"note": "Start with Python.\nThen Go."})

    assert response["Location"] == reverse("progress:item", args=[skill.pk])
    assert Progress.objects.get(user=user, item=skill).note == "Start with Python.\nThen Go."
    page = user_client.get(response["Location"]).content.decode()
    assert "Start with Python.\nThen Go.</textarea>" in page
    assert "Your note is saved." in page


def test_a_note_saved_with_htmx_answers_the_form_with_a_confirmation(user_client, skill):
    headers = {"HX-Request": "true", "HX-Target": "note-form"}
    response = user_client.post(note_url(skill), {"note": "Read the docs"}, headers=headers)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.lstrip().startswith('<form class="note-form" id="note-form"')
    # Into the page's own live region, outside the form the answer replaces.
    assert 'id="note-saved" hx-swap-oob="innerHTML">Saved.</p>' in html
    assert "<h1>" not in html


def test_an_item_page_loaded_by_a_link_has_its_own_live_region_for_the_note(user_client, skill):
    headers = {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "main"}
    html = user_client.get(reverse("progress:item", args=[skill.pk]), headers=headers).content

    assert b'<p class="saved" role="status" id="note-saved"></p>' in html


def test_saving_a_note_keeps_the_status(user_client, user, skill):
    mark(user_client, skill, "learning")
    user_client.post(note_url(skill), {"note": "halfway"})

    record = Progress.objects.get(user=user, item=skill)
    assert (record.status, record.note) == ("learning", "halfway")


def test_a_note_of_5000_characters_is_accepted(user_client, user, skill):
    response = user_client.post(note_url(skill), {"note": "x" * 5000})

    assert response.status_code == HTTPStatus.FOUND
    assert len(Progress.objects.get(user=user, item=skill).note) == 5000


def test_a_note_that_fits_the_box_fits_the_limit_though_forms_send_line_breaks_as_two(
    user_client, user, skill
):
    # The box counts a line break as one character; the browser sends it as CR LF.
    lines = ["x" * 499] * 10
    sent = "\r\n".join(lines)
    assert len("\n".join(lines)) <= 5000 < len(sent)

    response = user_client.post(note_url(skill), {"note": sent})

    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=skill).note == "\n".join(lines)


@pytest.mark.parametrize("htmx", [False, True])
def test_an_oversized_note_is_refused_with_a_message_and_nothing_is_saved(
    user_client, user, skill, htmx
):
    user_client.post(note_url(skill), {"note": "kept"})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = user_client.post(note_url(skill), {"note": "x" * 5001}, **headers)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "at most 5000 characters long; this one has 5001" in response.content.decode()
    assert Progress.objects.get(user=user, item=skill).note == "kept"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_note_request_without_the_note_field_is_refused_and_keeps_the_note(
    user_client, user, skill, htmx
):
    user_client.post(note_url(skill), {"note": "kept"})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = user_client.post(note_url(skill), {}, **headers)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This field was not sent. Nothing was saved." in response.content.decode()
    assert Progress.objects.get(user=user, item=skill).note == "kept"


def opened_with(page: str) -> str:
    """The fingerprint a note form carries of the note it was opened with."""
    return re.search(r'name="opened" value="([0-9a-f]+)"', page).group(1)


def test_a_note_saved_in_another_tab_since_the_form_opened_is_not_overwritten_unseen(
    user_client, user, skill
):
    page = user_client.get(reverse("progress:item", args=[skill.pk])).content.decode()
    first_tab, second_tab = opened_with(page), opened_with(page)
    user_client.post(note_url(skill), {"note": "Long version\nfrom tab B", "opened": second_tab})

    refused = user_client.post(note_url(skill), {"note": "tab A's edit", "opened": first_tab})

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    html = refused.content.decode()
    assert "changed in another tab or on another device" in html
    assert "Long version<br>from tab B" in html  # the note as it is saved now
    assert "tab A&#x27;s edit</textarea>" in html  # the text sent, kept in the box
    assert Progress.objects.get(user=user, item=skill).note == "Long version\nfrom tab B"
    # Sent again from the form as it came back, the text replaces the note knowingly.
    again = user_client.post(note_url(skill), {"note": "tab A's edit", "opened": opened_with(html)})
    assert again.status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=skill).note == "tab A's edit"


def test_a_note_refused_for_its_length_keeps_the_check_for_the_next_save(user_client, skill):
    page = user_client.get(reverse("progress:item", args=[skill.pk])).content.decode()
    user_client.post(note_url(skill), {"note": "from tab B", "opened": opened_with(page)})

    too_long = user_client.post(note_url(skill), {"note": "x" * 5001, "opened": opened_with(page)})
    shortened = user_client.post(
        note_url(skill), {"note": "x", "opened": opened_with(too_long.content.decode())}
    )

    assert too_long.status_code == shortened.status_code == HTTPStatus.BAD_REQUEST
    assert "changed in another tab" in shortened.content.decode()
    assert Progress.objects.get(item=skill).note == "from tab B"


def test_a_note_saved_over_htmx_comes_back_with_its_own_fingerprint(user_client, skill):
    page = user_client.get(reverse("progress:item", args=[skill.pk])).content.decode()

    answer = user_client.post(
        note_url(skill), {"note": "first", "opened": opened_with(page)}, HTTP_HX_REQUEST="true"
    )
    again = user_client.post(
        note_url(skill),
        {"note": "second", "opened": opened_with(answer.content.decode())},
        HTTP_HX_REQUEST="true",
    )

    assert again.status_code == HTTPStatus.OK
    assert Progress.objects.get(item=skill).note == "second"


def test_saving_the_note_as_it_already_is_from_an_old_form_is_no_conflict(user_client, skill):
    page = user_client.get(reverse("progress:item", args=[skill.pk])).content.decode()
    user_client.post(note_url(skill), {"note": "same", "opened": opened_with(page)})

    response = user_client.post(note_url(skill), {"note": "same", "opened": opened_with(page)})

    assert response.status_code == HTTPStatus.FOUND


def test_nobody_else_sees_my_note(user_client, other_client, client, skill):
    user_client.post(note_url(skill), {"note": "my secret plan"})

    for visitor in (other_client, client):
        assert (
            "my secret plan"
            not in visitor.get(reverse("progress:item", args=[skill.pk])).content.decode()
        )
        assert "my secret plan" not in visitor.get(reverse("progress:dashboard")).content.decode()
        assert "my secret plan" not in visitor.get(reverse("progress:export_json")).content.decode()


def test_the_note_page_of_an_unknown_item_is_not_found(client, career):
    assert client.get(reverse("progress:item", args=[999_999])).status_code == HTTPStatus.NOT_FOUND
    response = client.post(note_url(ChecklistItem(pk=999_999)), {"note": "x"})
    assert response.status_code == HTTPStatus.NOT_FOUND


# Dashboard and career page


def test_the_dashboard_shows_each_started_career_with_its_bar_and_next_item(
    user_client, roadmap, skill
):
    mark(user_client, roadmap[0], "done")
    mark(user_client, skill, "skipped")

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    counted = len(roadmap) - 1
    percent = round(100 / counted)
    assert f"<strong>{percent}%</strong> done, 1 of {counted} items (1 skipped)." in html
    assert "Skipped items are left out of the percentage." in html
    assert f'Next up: <a href="{roadmap[1].get_absolute_url()}">{roadmap[1].title}</a>' in html
    assert "Recent changes" in html
    assert html.index(skill.title) < html.index(roadmap[0].title, html.index("Recent changes"))
    # The moment of each change names its time zone.
    changed = timezone.localtime(Progress.objects.get(item=skill).updated_at)
    assert f">{changed:%-d %b %Y, %H:%M} {changed.tzname()}</time>" in html


def test_the_dashboards_chart_counts_out_of_the_items_not_skipped_as_its_summary_does(
    user_client, roadmap, skill
):
    mark(user_client, roadmap[0], "done")
    mark(user_client, skill, "skipped")

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    chart = html.split('class="progress-over-time"', 1)[1].split("</section>", 1)[0]
    counted = len(roadmap) - 1
    assert f"out of {counted} (skipped items left out)." in chart
    assert f"1 of {counted} items" in html


def test_each_career_on_the_dashboard_has_ids_of_its_own(user_client, roadmap):
    other = ActionFactory()
    mark(user_client, roadmap[0], "done")
    mark(user_client, other, "learning")

    html = user_client.get(reverse("progress:dashboard")).content.decode()

    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for career in (roadmap[0].career, other.career):
        assert f'<h3 id="over-time-{career.slug}">Your progress over time</h3>' in html
        assert f'aria-labelledby="over-time-{career.slug}-caption"' in html


def test_an_anonymous_dashboard_invites_to_sign_up_and_lists_careers_to_start(client, career):
    response = client.get(reverse("progress:dashboard"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "kept for this browser only" in html
    assert "You have not marked anything yet." in html
    assert f'<a href="/{career.slug}/">{career.title}</a>' in html
    assert "sessionid" not in response.cookies


def test_next_up_moves_to_the_skills_when_step_one_is_finished(user_client, career, roadmap):
    step_one = [item for item in roadmap if item.section_id and item.section.step.position == 1]
    for item in step_one:
        mark(user_client, item, "done")
    mark(user_client, step_one[-1], "skipped")

    html = user_client.get(reverse("progress:career", args=[career.slug])).content.decode()

    first_skill = roadmap[len(step_one)]
    assert first_skill.kind == "skill"
    assert f'Next up</h2>\n\n<p><a href="{first_skill.get_absolute_url()}">' in html


def test_the_career_page_counts_items_per_status(user_client, career, roadmap):
    mark(user_client, roadmap[0], "done")
    mark(user_client, roadmap[1], "learning")
    mark(user_client, roadmap[2], "learning")

    html = user_client.get(reverse("progress:career", args=[career.slug])).content.decode()

    assert "Learning: <strong>2</strong>" in html
    assert "Done: <strong>1</strong>" in html
    assert f"Not started: <strong>{len(roadmap) - 3}</strong>" in html
    assert "Skipped items are left out of the percentage." in html


def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    user_client, career, roadmap, django_assert_max_num_queries
):
    for item in roadmap:
        mark(user_client, item, "done")

    with django_assert_max_num_queries(15):
        response = user_client.get(reverse("progress:dashboard"))
    assert response.status_code == HTTPStatus.OK

    with django_assert_max_num_queries(15):
        user_client.get(reverse("progress:career", args=[career.slug]))


def test_an_unknown_career_page_is_not_found(user_client, career):
    response = user_client.get(reverse("progress:career", args=["astronaut"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


# Target date


def goal_url(career: Career) -> str:
    return reverse("progress:goal", args=[career.slug])


def test_a_target_date_shows_the_pace_needed_and_the_sources_timelines(
    user_client, user, roadmap, career
):
    timelines = [
        TimelineFactory(career=career, min_months=6, max_months=12),
        TimelineFactory(career=career, min_months=6, max_months=24),
    ]
    target = timezone.localdate() + timedelta(weeks=10)
    response = user_client.post(goal_url(career), {"target_date": target.isoformat()})

    assert response.status_code == HTTPStatus.FOUND
    assert Goal.objects.get(user=user).target_date == target
    # Written as the site writes every date: 6 March 2027.
    said = user_client.get(response["Location"]).content.decode()
    assert f"Your target date is {target.day} {target:%B %Y}." in said
    html = user_client.get(reverse("progress:dashboard")).content.decode()
    pace = floatformat((Decimal(len(roadmap)) / 10).quantize(Decimal("0.1")), "-1")
    left = timeuntil(target, timezone.localdate())
    said = f"about <strong>{pace} items a week</strong>: {len(roadmap)} unfinished items in {left}"
    assert said in html
    for label in ("6–12 months", "6 months to 2 years"):
        assert f"<strong>{label}</strong>" in html
    for timeline in timelines:
        # In short, with a link to the full text.
        assert f'<a href="{timeline.get_absolute_url()}"><strong>{timeline.label}</strong>' in html
    assert "How long the sources say it takes" in html


def test_pace_rounds_up_and_stops_once_the_date_has_come(career):
    today = timezone.localdate()
    goal = Goal(career=career, target_date=today + timedelta(days=21))

    assert goal.pace(10, today) == Decimal("3.4")
    assert goal.pace(10, today + timedelta(days=21)) is None
    # Exact before it is rounded: 11 items in 11 days is 7 a week.
    assert goal.pace(11, today + timedelta(days=10)) == Decimal("7")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2001-01-01", "Choose a date after today."),
        ("not a date", "Enter a date as YYYY-MM-DD."),
        ("2030-02-30", "Enter a date as YYYY-MM-DD."),
        # Day and month in either order: which one a visitor meant cannot be told.
        ("01/02/2030", "Enter a date as YYYY-MM-DD."),
        ("12/31/2030", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_a_bad_target_date_is_refused_and_changes_nothing(user_client, career, value, message):
    response = user_client.post(goal_url(career), {"target_date": value})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in html
    # It says so in its title, and a new try comes back to the form.
    assert "<title>Error: Your progress: " in html
    assert f'action="{goal_url(career)}#goal"' in html
    assert not Goal.objects.exists()


def test_an_empty_target_date_removes_the_goal(user_client, user, career):
    user_client.post(goal_url(career), {"target_date": "2099-01-01"})
    assert Goal.objects.filter(user=user).exists()
    user_client.post(goal_url(career), {"target_date": ""})

    assert not Goal.objects.filter(user=user).exists()


def test_a_goal_request_without_the_date_field_is_refused_and_keeps_the_date(
    user_client, user, career
):
    user_client.post(goal_url(career), {"target_date": "2099-01-01"})

    response = user_client.post(goal_url(career), {})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This field was not sent. Nothing was saved." in response.content.decode()
    assert Goal.objects.get(user=user).target_date == date(2099, 1, 1)


def test_a_target_date_that_has_passed_is_shown_without_an_error(user_client, user, career):
    Goal.objects.create(user=user, career=career, target_date=date(2001, 1, 1))

    html = user_client.get(reverse("progress:career", args=[career.slug])).content.decode()

    assert "That date has passed." in html
    assert 'value="2001-01-01"' in html
    assert "Choose a date after today." not in html


@pytest.mark.parametrize(
    ("value", "said"),
    [("2099-01-01", "Your target date is 1 January 2099."), ("", "Your target date is removed.")],
)
def test_a_saved_target_date_is_confirmed_right_after_its_form_where_the_page_lands(
    user_client, career, value, said
):
    back = user_client.post(goal_url(career), {"target_date": value})
    assert back["Location"].endswith("#goal")

    html = user_client.get(back["Location"]).content.decode()

    confirmed = f'</form>\n<p class="saved" id="goal-form-saved" role="status">{said}</p>'
    assert html.count(said) == 1 and confirmed in html
    form = html.index('<form class="goal-form" id="goal-form"')
    assert html.index('id="goal"') < form < html.index(confirmed)
    assert 'class="messages"' not in html
    assert said not in user_client.get(back["Location"]).content.decode()


def test_an_anonymous_visitor_can_set_a_target_date(client, career):
    client.post(goal_url(career), {"target_date": "2099-01-01"})

    assert Goal.objects.get().session_key == client.session.session_key


# Export and import


def export(client: Client) -> dict:
    response = client.get(reverse("progress:export_json"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="roadmap-progress-')
    return json.loads(response.content)


def upload(client: Client, content: bytes | str, name: str = "progress.json"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        reverse("progress:import"), {"file": SimpleUploadedFile(name, content, "application/json")}
    )


def test_export_lists_status_and_note_of_every_tracked_item(user_client, skill, action):
    mark(user_client, skill, "learning")
    user_client.post(note_url(action), {"note": "café, 100%"})

    data = export(user_client)

    assert data["format"] == "roadmap-progress"
    rows = {row["item"]: row for row in data["progress"]}
    assert rows[skill.slug]["status"] == "learning"
    assert rows[action.slug] | {"updated": None} == {
        "career": action.career.slug,
        "item": action.slug,
        "title": action.title,
        "status": "not-started",
        "note": "café, 100%",
        "updated": None,
        "retired": False,
    }


def test_csv_export_has_the_same_rows(user_client, skill):
    mark(user_client, skill, "done")
    user_client.post(note_url(skill), {"note": 'says "hi", twice\nline two'})

    response = user_client.get(reverse("progress:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["career"], r["item"], r["status"], r["note"]) for r in rows] == [
        (skill.career.slug, skill.slug, "done", 'says "hi", twice\nline two')
    ]


def test_import_of_an_export_restores_statuses_and_notes(user_client, user, career, roadmap):
    mark(user_client, roadmap[0], "done")
    mark(user_client, roadmap[3], "skipped")
    user_client.post(note_url(roadmap[3]), {"note": "not for me"})
    saved = export(user_client)
    user_client.post(reverse("progress:reset", args=[career.slug]))
    mark(user_client, roadmap[0], "learning")
    assert Progress.objects.filter(user=user).count() == 1

    response = upload(user_client, json.dumps(saved))

    assert response["Location"] == reverse("progress:dashboard")
    state = set(Progress.objects.filter(user=user).values_list("item_id", "status", "note"))
    assert state == {(roadmap[0].pk, "done", ""), (roadmap[3].pk, "skipped", "not for me")}


def test_a_target_date_goes_out_with_the_export_and_comes_back_with_the_import(
    user_client, client, user, career, roadmap
):
    mark(user_client, roadmap[0], "done")
    user_client.post(goal_url(career), {"target_date": "2099-03-01"})
    saved = export(user_client)
    assert saved["goals"] == [{"career": career.slug, "target_date": "2099-03-01"}]

    # In another browser, with a target date of its own that the file's replaces.
    client.post(goal_url(career), {"target_date": "2098-01-01"})
    response = upload(client, json.dumps(saved))

    assert response["Location"] == reverse("progress:dashboard")
    goal = Goal.objects.get(session_key=client.session.session_key)
    assert (goal.career, goal.target_date.isoformat()) == (career, "2099-03-01")
    page = client.get(response["Location"]).content.decode()
    assert "Imported 1 item and 1 target date." in page


def test_on_the_target_date_itself_the_pages_say_it_is_today_not_that_it_has_passed(
    user_client, user, career
):
    Goal.objects.create(user=user, career=career, target_date=timezone.localdate())

    page = user_client.get(reverse("progress:career", args=[career.slug])).content.decode()
    dashboard = user_client.get(reverse("progress:dashboard")).content.decode()

    assert "That is today." in page and "That is today;" in dashboard
    assert "passed" not in page + dashboard


def test_a_target_date_close_by_gives_the_time_left_in_days_and_whole_items(
    user_client, user, roadmap, career
):
    for item in roadmap[1:]:
        Progress.objects.create(user=user, item=item, status="done")
    Goal.objects.create(
        user=user, career=career, target_date=timezone.localdate() + timedelta(days=1)
    )

    page = user_client.get(reverse("progress:career", args=[career.slug])).content.decode()
    dashboard = user_client.get(reverse("progress:dashboard")).content.decode()

    said = "about <strong>7 items a week</strong>: 1 unfinished item in 1\xa0day"
    assert f"That needs {said}." in page and f"Pace needed: {said}." in dashboard


def test_a_target_date_passed_since_the_export_comes_back_as_it_was(user_client, user, skill):
    data = valid_file(skill) | {
        "goals": [{"career": skill.career.slug, "target_date": "2020-01-01"}]
    }

    response = upload(user_client, json.dumps(data))

    assert response["Location"] == reverse("progress:dashboard")
    assert Goal.objects.get(user=user).target_date.isoformat() == "2020-01-01"
    assert "It has passed;" in user_client.get(response["Location"]).content.decode()


def test_a_file_exported_before_target_dates_were_imports_as_before(user_client, user, skill):
    data = valid_file(skill)
    assert "goals" not in data

    response = upload(user_client, json.dumps(data))

    assert response["Location"] == reverse("progress:dashboard")
    assert Progress.objects.get(user=user).status == "done"
    assert not Goal.objects.exists()


@pytest.mark.parametrize("version", [1, 1.0, None], ids=["1", "1.0", "left-out"])
def test_a_file_of_version_1_imports_however_it_writes_it(user_client, user, skill, version):
    data = valid_file(skill)
    if version is None:
        del data["version"]
    else:
        data["version"] = version

    response = upload(user_client, json.dumps(data))

    assert response["Location"] == reverse("progress:dashboard")
    assert Progress.objects.get(user=user).status == "done"


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        ("soon", "&quot;goals&quot; must be a list"),
        ([7], "Target date 1 is not an object."),
        ([{"career": "{career}"}], "needs &quot;career&quot; and &quot;target_date&quot; as text"),
        ([{"career": "{career}", "target_date": "01/02/2099"}], "is not a date as YYYY-MM-DD"),
        ([{"career": "{career}", "target_date": "2099-02-30"}], "is not a date as YYYY-MM-DD"),
        ([{"career": "astronaut", "target_date": "2099-01-01"}], "no career “astronaut”"),
        (
            [{"career": "{career}", "target_date": "2099-01-01\u0000"}],
            "&quot;target_date&quot; may not contain a NUL character",
        ),
        (
            [{"career": "{career}", "target_date": d} for d in ("2099-01-01", "2099-02-01")],
            "has a target date twice",
        ),
    ],
)
def test_an_import_with_a_bad_target_date_imports_nothing(
    user_client, skill, snapshot, goals, message
):
    if isinstance(goals, list):
        goals = json.loads(json.dumps(goals).replace("{career}", skill.career.slug))
    data = valid_file(skill) | {"goals": goals}
    before = snapshot()

    response = upload(user_client, json.dumps(data))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert "Nothing was imported." in response.content.decode()
    # It says so in its title, as the progress page does when its goal form is refused.
    assert "<title>Error: Import your progress · Roadmap</title>" in response.content.decode()
    assert snapshot() == before


def valid_file(target: ChecklistItem, **changes) -> dict:
    row = {"career": target.career.slug, "item": target.slug, "status": "done", "note": ""}
    return {"format": "roadmap-progress", "version": 1, "progress": [row | changes]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "The file is not valid JSON"),
        ("[1, 2]", "The file is not a progress export"),
        ('{"format": "roadmap-progress"}', "The file has no &quot;progress&quot; list"),
        ('{"format": "other", "progress": []}', "The file is not a progress export"),
        ('{"format": "roadmap-progress", "progress": [7]}', "Entry 1 is not an object."),
        (
            '{"format": "roadmap-progress", "progress": [{"item": "x"}]}',
            "needs &quot;career&quot;, &quot;item&quot; and &quot;status&quot; as text",
        ),
        (b"\xff\xfe\x00", "The file is not valid JSON"),
        # No word of Python's own limits (sys.set_int_max_str_digits) reaches the visitor.
        ('{"format": "roadmap-progress", "version": ' + "9" * 5000 + "}", "not valid JSON. "),
        ("[" * 100_000 + "]" * 100_000, "The file nests lists or objects too deeply"),
        # A file from a newer export, or a version that is no version.
        ('{"format": "roadmap-progress", "version": 2, "progress": []}', "version 2 of"),
        ('{"format": "roadmap-progress", "version": true, "progress": []}', "version true of"),
        ('{"format": "roadmap-progress", "version": "1", "progress": []}', "version &quot;1&quot;"),
        (
            '{"format": "roadmap-progress", "progress": [], "x": '
            + '{"x": ' * 50_000
            + "1"
            + "}" * 50_001,
            "The file nests lists or objects too deeply",
        ),
    ],
)
def test_a_malformed_import_is_refused_with_a_message_and_nothing_changes(
    user_client, skill, snapshot, content, message
):
    mark(user_client, skill, "learning")
    before = snapshot()

    response = upload(user_client, content)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert "Nothing was imported." in response.content.decode()
    # It says so in its title, as the progress page does when its goal form is refused.
    assert "<title>Error: Import your progress · Roadmap</title>" in response.content.decode()
    assert snapshot() == before


def test_a_file_that_starts_with_a_byte_order_mark_imports(user_client, user, skill):
    response = upload(user_client, b"\xef\xbb\xbf" + json.dumps(valid_file(skill)).encode())

    assert response["Location"] == reverse("progress:dashboard")
    assert Progress.objects.get(user=user, item=skill).status == "done"


def test_importing_the_csv_export_says_to_import_the_json_one(user_client, skill, snapshot):
    mark(user_client, skill, "learning")
    before = snapshot()
    exported = user_client.get(reverse("progress:export_csv")).content

    # As exported, and as a spreadsheet may save it again, with a byte order mark.
    for content in (exported, b"\xef\xbb\xbf" + exported):
        response = upload(user_client, content, "progress.csv")

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "This is the CSV export" in response.content.decode()
        assert "Nothing was imported." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"career": "astronaut"}, "no item “{item}” in a career “astronaut”"),
        ({"item": "juggling"}, "no item “juggling” in a career “{career}”"),
        ({"status": "mastered"}, "unknown status “mastered”"),
        # A long made-up name comes back cut, not whole.
        ({"item": "x" * 100_000}, f"no item “{'x' * 39}…” in a career “{{career}}”"),
        ({"note": 5}, "&quot;note&quot; must be text"),
        ({"note": None}, "&quot;note&quot; must be text"),
        ({"note": "a\u0000b"}, "Entry 2: &quot;note&quot; may not contain a NUL character"),
        (
            {"item": "{item}\u0000"},
            "Entry 2: &quot;item&quot; may not contain a NUL character",
        ),
        (
            {"career": "{career}\u0000", "status": "done\u0000"},
            "Entry 2: &quot;career&quot;, &quot;status&quot; may not contain a NUL character",
        ),
    ],
)
def test_an_import_with_one_bad_entry_imports_nothing(
    user_client, skill, action, snapshot, changes, message
):
    slugs = {"career": skill.career.slug, "item": skill.slug}
    changes = {
        key: value.format(**slugs) if isinstance(value, str) else value
        for key, value in changes.items()
    }
    data = valid_file(skill, **changes)
    data["progress"].insert(0, valid_file(action)["progress"][0])
    before = snapshot()

    response = upload(user_client, json.dumps(data))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message.format(**slugs) in response.content.decode()
    assert len(response.content) < 50_000
    assert snapshot() == before


def test_an_import_entry_without_a_note_sets_the_status_and_keeps_the_saved_note(
    user_client, user, skill
):
    mark(user_client, skill, "learning")
    user_client.post(note_url(skill), {"note": "three weeks of notes"})
    data = valid_file(skill, status="done")
    del data["progress"][0]["note"]

    response = upload(user_client, json.dumps(data))

    assert response["Location"] == reverse("progress:dashboard")
    record = Progress.objects.get(user=user, item=skill)
    assert (record.status, record.note) == ("done", "three weeks of notes")


def test_an_import_keeps_a_note_longer_than_5000_characters_whole(user_client, user, skill):
    long_note = "x" * 5000 + "\n\n" + "y" * 5000

    response = upload(user_client, json.dumps(valid_file(skill, note=long_note)))

    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=skill).note == long_note


def test_an_import_naming_an_item_twice_is_refused(user_client, skill, snapshot):
    data = valid_file(skill)
    data["progress"] *= 2
    before = snapshot()

    response = upload(user_client, json.dumps(data))

    assert "appears more than once" in response.content.decode()
    assert snapshot() == before


def test_an_import_file_over_1_mb_is_refused(user_client, skill, snapshot):
    data = valid_file(skill)
    data["padding"] = "x" * (1024 * 1024)
    before = snapshot()

    response = upload(user_client, json.dumps(data))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "larger than 1 MB" in response.content.decode()
    assert snapshot() == before


def test_an_import_without_a_file_is_refused(user_client):
    response = user_client.post(reverse("progress:import"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose a file to import." in response.content.decode()
    assert "<title>Error: Import your progress · Roadmap</title>" in response.content.decode()


def test_the_import_form_says_error_in_its_title_only_once_a_file_is_refused(user_client):
    html = user_client.get(reverse("progress:import")).content.decode()

    assert "<title>Import your progress · Roadmap</title>" in html


def test_an_anonymous_visitor_can_import(client, skill):
    response = upload(client, json.dumps(valid_file(skill, status="learning")))

    assert response.status_code == HTTPStatus.FOUND
    record = Progress.objects.get()
    assert (record.session_key, record.status) == (client.session.session_key, "learning")


# Reset


def test_reset_asks_first_and_then_clears_only_my_progress_on_that_career(
    user_client, other_client, user, career, roadmap
):
    mark(user_client, roadmap[0], "done")
    mark(other_client, roadmap[0], "done")
    elsewhere = SkillFactory()
    mark(user_client, elsewhere, "done")
    url = reverse("progress:reset", args=[career.slug])

    confirm = user_client.get(url)
    assert "clears your status and your note on 1 item" in confirm.content.decode()
    assert Progress.objects.count() == 3

    response = user_client.post(url)

    assert response["Location"] == reverse("progress:career", args=[career.slug])
    assert list(Progress.objects.filter(user=user).values_list("item", flat=True)) == [elsewhere.pk]
    assert Progress.objects.count() == 2
    page = user_client.get(response["Location"]).content.decode()
    assert f"Your progress on {career} is reset (1 item cleared)." in page


def test_reset_with_nothing_marked_says_so_and_offers_no_button(user_client, career):
    html = user_client.get(reverse("progress:reset", args=[career.slug])).content.decode()

    assert f"Nothing to reset on {career}" in html
    assert 'class="danger"' not in html


# Sharing


def test_sharing_needs_an_account(client):
    response = client.get(reverse("progress:share"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("progress:share"), {"action": "create"}).status_code == 302
    assert not ShareLink.objects.exists()


def test_a_shared_page_shows_statuses_but_never_notes_and_revoking_ends_it(
    user_client, user, client, skill
):
    mark(user_client, skill, "learning")
    user_client.post(note_url(skill), {"note": "private thoughts"})
    user_client.post(reverse("progress:share"), {"action": "create"})
    link = ShareLink.objects.get(user=user)
    assert len(link.token) >= 40

    page = client.get(link.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    shown = f'<span class="item-title">{skill.title}</span> '
    assert shown + '<span class="status-mark status-learning">Learning</span>' in html
    assert "private thoughts" not in html
    assert user.username not in html
    assert "<form" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert '<meta name="robots" content="noindex">' in html.split("</head>", 1)[0]

    user_client.post(reverse("progress:share"), {"action": "revoke"})

    assert client.get(link.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_stopping_to_share_asks_first_and_keeps_the_address_until_confirmed(user_client, user):
    user_client.post(reverse("progress:share"), {"action": "create"})
    link = ShareLink.objects.get(user=user)
    page = user_client.get(reverse("progress:share")).content.decode()
    asking = f'href="{reverse("progress:share")}?stop"'
    assert asking in page
    assert 'value="revoke"' not in page

    question = user_client.get(reverse("progress:share") + "?stop")

    html = question.content.decode()
    assert question.status_code == HTTPStatus.OK
    assert "<title>Stop sharing your progress? · Roadmap</title>" in html
    assert "stops working for good" in html
    assert 'name="action" value="revoke"' in html
    assert ShareLink.objects.get(user=user) == link
    user_client.post(reverse("progress:share"), {"action": "revoke"})
    assert not ShareLink.objects.exists()
    # With nothing shared, there is nothing to ask about.
    again = user_client.get(reverse("progress:share") + "?stop").content.decode()
    assert "Your progress is private." in again


def test_a_guessed_share_address_is_not_found(client):
    response = client.get(reverse("progress:shared", args=["guessed-token"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_sharing_again_after_revoking_gives_a_new_address(user_client, user):
    user_client.post(reverse("progress:share"), {"action": "create"})
    first = ShareLink.objects.get(user=user).token
    user_client.post(reverse("progress:share"), {"action": "revoke"})
    user_client.post(reverse("progress:share"), {"action": "create"})

    assert ShareLink.objects.get(user=user).token != first


def test_an_unknown_share_action_is_refused(user_client):
    response = user_client.post(reverse("progress:share"), {"action": "publish"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ShareLink.objects.exists()


def test_owner_of_an_anonymous_request_without_a_session_is_nobody(rf):
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.user, request.session = AnonymousUser(), SessionStore()

    assert not Owner.of(request)
    assert Progress.objects.of(Owner.of(request)).count() == 0


def step_counter(client: Client, page: str, step) -> str:
    html = client.get(page).content.decode()
    return html.split(f'id="step-counter-{step.slug}">', 1)[1].split("<", 1)[0]


def test_a_returning_visitors_page_needs_no_query_until_they_save_again(
    client, career, action, django_assert_num_queries
):
    # The page the save comes back to says "Saved" to this visitor alone, and is not stored.
    client.get(mark(client, action, "learning")["Location"])
    page = career.get_absolute_url()
    client.get(page)
    with django_assert_num_queries(0):
        client.get(page)
    mark(client, action, "done")
    assert step_counter(client, page, action.section.step).startswith("1 of")


def test_a_page_rendered_from_progress_read_before_a_save_is_never_served_after_it(
    client, career, action
):
    from careers.pages import page_key

    mark(client, action, "learning")
    page = career.get_absolute_url()
    client.get(page)
    request = client.get(page).wsgi_request
    key_before_the_save = page_key(request)

    mark(client, action, "done")

    assert page_key(client.get(page).wsgi_request) != key_before_the_save
    assert step_counter(client, page, action.section.step).startswith("1 of")


def test_a_bulk_update_of_an_accounts_progress_is_seen_on_the_next_page(
    client, career, action, user
):
    # An account's progress can change outside the requests of the device showing it.
    client.force_login(user)
    mark(client, action, "learning")
    page = career.get_absolute_url()
    client.get(page)
    Progress.objects.filter(item=action).update(status="done")
    assert step_counter(client, page, action.section.step).startswith("1 of")
