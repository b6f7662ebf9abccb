"""A change refused for coming too often, in a real browser: the message shows in the control the
visitor used, and nothing changes."""

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from careers.models import ChecklistItem
from progress.models import Progress
from tests.browser.conftest import settled

pytestmark = pytest.mark.django_db(transaction=True)

SKILL = "programming-languages"


@pytest.fixture
def one_change_a_session(settings):
    caches["default"].clear()
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "progress": {"visitor": "1/d", "address": "1000/d", "new_visitor": "1000/d"},
    }


def test_a_refused_status_change_says_so_in_the_control_and_keeps_the_status(
    site, page, one_change_a_session
):
    page.goto(f"{site}/backend-developer/skills/")
    # The first change starts the session, the second is its one allowed change.
    for status in ("learning", "done"):
        with page.expect_response(lambda response: response.url.endswith("/status/")):
            page.locator(f"#status-{SKILL}-{status}").check()

    page.locator(f"#status-{SKILL}-skipped").click()

    message = page.locator(f"#status-{SKILL} .rate-limited[role=alert]")
    expect(message).to_contain_text("Too many changes to progress in a short time")
    expect(message).to_contain_text("Try again in")
    expect(page.locator(f"#status-{SKILL}-done")).to_be_checked()
    expect(page.locator(f"#status-{SKILL}-skipped")).not_to_be_checked()
    assert Progress.objects.get().status == "done"


def test_a_refused_note_says_so_under_the_form_and_keeps_what_was_typed(
    site, page, one_change_a_session
):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/progress/items/{item.pk}/")
    for note in ("first", "second"):
        form = page.locator("#note-form").element_handle()
        page.fill("#id_note", note)
        page.click("#note-form button")
        # The answer takes the form's place; typing into the box before that would type into
        # the box the answer brings, whose caret htmx puts at the start.
        form.wait_for_element_state("hidden")
        settled(page.locator("#note-form"))

    page.fill("#id_note", "third")
    page.click("#note-form button")

    expect(page.locator("#note-form .rate-limited[role=alert]")).to_contain_text("Try again in")
    assert page.locator("#id_note").input_value() == "third"
    assert Progress.objects.get().note == "second"
