"""Marking items in a real browser, with and without JavaScript; merging, export and import;
the progress and account pages pass axe-core and fit a 320 px screen."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import expect

from careers.models import ChecklistItem
from careers.roadmap import Roadmap
from progress.models import Progress, ShareLink
from tests.browser.charts import chart_texts, off_screen, overlapping, screen
from tests.browser.conftest import settled, wait_for_request, wait_until
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SKILL = "programming-languages"
SESSION_COOKIE_NAME = settings.SESSION_COOKIE_NAME


def first_step_item() -> ChecklistItem:
    return Roadmap.read("backend-developer", ("steps",)).checklist[0]


def sign_in(page, site: str, username: str = "ada") -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{site}/dashboard/")


def test_marking_an_item_with_javascript_updates_every_summary_in_place(site, page):
    item = first_step_item()
    step = item.section.step
    page.goto(f"{site}{step.get_absolute_url()}")
    counter = page.locator(f"#step-counter-{step.slug}")
    assert counter.inner_text().startswith("0 of ")
    assert "0%" in page.locator("#overall-progress").inner_text()
    page.evaluate("window.notReloaded = true")

    page.locator(f"#item-{item.slug} input[value=done]").check()

    expect(counter).to_have_text(re.compile(r"^1 of "))
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.id") == f"status-{item.slug}-done"
    assert Progress.objects.get(item=item).status == "done"


def test_marking_the_next_item_on_the_progress_page_updates_its_counts_and_next_item(site, page):
    first, second = Roadmap.read("backend-developer", ("steps", "checklist")).checklist[:2]
    page.goto(f"{site}{first.section.step.get_absolute_url()}")
    page.locator(f"#item-{first.slug} input[value=learning]").check()
    expect(page.locator(f"#status-{first.slug}")).to_have_attribute("data-saved", "learning")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{site}/dashboard/backend-developer/")
    summary = page.locator("#career-summary")
    expect(summary).to_contain_text("Learning: 1")

    page.locator(f"#item-{first.slug} input[value=done]").check()

    expect(summary).to_contain_text("Done: 1")
    expect(summary).to_contain_text("Learning: 0")
    expect(summary.get_by_role("link", name=second.title)).to_be_visible()
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    # Focus stays on the control just used.
    assert page.evaluate("document.activeElement.id") == f"status-{first.slug}-done"
    assert errors == []


def test_marking_an_item_on_its_own_page_answers_without_errors(site, page):
    item = first_step_item()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{site}/progress/items/{item.pk}/")

    page.locator(f"#status-{item.slug} input[value=done]").check()

    expect(page.locator(f"#status-{item.slug}-done")).to_be_checked()
    expect(page.locator(f"#status-{item.slug}")).to_have_attribute("data-saved", "done")
    assert Progress.objects.get(item=item).status == "done"
    assert errors == []


def test_marking_a_skill_on_the_overview_with_javascript_updates_the_overall_bar(site, page):
    page.goto(f"{site}/backend-developer/")
    page.evaluate("window.notReloaded = true")

    page.locator(f"#item-{SKILL} input[value=learning]").check()

    page.locator(f"#item-{SKILL} input[value=skipped]").check()
    expect(page.locator("#overall-progress")).to_contain_text("1 skipped")
    assert page.evaluate("window.notReloaded") is True
    assert Progress.objects.get().status == "skipped"


def test_a_new_visitors_quick_changes_on_several_items_all_land_in_one_session(site, page):
    page.goto(f"{site}/backend-developer/skills/")
    items = page.locator("#skills .check")
    slugs = [items.nth(n).get_attribute("id").removeprefix("item-") for n in range(4)]

    # One after another, without waiting for an answer: the first one makes the session.
    for slug in slugs:
        page.locator(f"#item-{slug} input[value=done]").check()
    expect(page.locator("#overall-progress")).to_contain_text("4 of ")

    records = Progress.objects.filter(status="done")
    assert sorted(records.values_list("item__slug", flat=True)) == sorted(slugs)
    session = [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE_NAME]
    assert {record.session_key for record in records} == set(session)
    page.reload()
    for slug in slugs:
        expect(page.locator(f"#status-{slug}-done")).to_be_checked()


def test_a_new_visitors_status_chosen_while_their_note_is_saved_waits_for_that_save(site, page):
    """Their first save makes their session: a second sent before it answered would make another,
    and the browser would keep the cookie of only one of them."""
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/progress/items/{item.pk}/")
    notes, statuses = [], []
    page.route("**/note/", lambda route: notes.append(route))
    page.route("**/status/", lambda route: statuses.append(route))
    page.fill("#id_note", "Python first")
    page.click("#note-form button")
    wait_for_request(page, notes)

    page.locator(f"#status-{item.slug}-learning").check()

    # Not sent while the note's save is on its way (htmx marks a form whose request it sent).
    expect(page.locator(f"#status-{item.slug}")).not_to_have_class(re.compile("htmx-request"))
    assert statuses == []
    notes[0].continue_()
    wait_for_request(page, statuses)
    statuses[0].continue_()
    page.unroute("**/note/")
    page.unroute("**/status/")
    saved = Progress.objects.filter(item=item, status="learning", note="Python first")
    wait_until(page, saved.exists)
    session = [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE_NAME]
    assert list(Progress.objects.values_list("session_key", flat=True)) == session


def test_back_to_a_page_after_a_change_elsewhere_shows_the_change(site, page):
    page.goto(f"{site}/backend-developer/skills/")
    counter = page.locator("#step-counter-learning-stage")
    assert counter.inner_text().startswith("0 of ")
    page.click(".career-nav >> text=Roadmap")
    page.wait_for_url(f"{site}/backend-developer/")
    expect(page.locator("h1")).to_be_focused()

    page.locator(f"#item-{SKILL} input[value=done]").check()
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    page.go_back()

    page.wait_for_url(f"{site}/backend-developer/skills/")
    # The skills page itself, not the overview with the skills page in its map's panel.
    expect(page.locator("h1")).to_have_text("Learn the skills")
    expect(page.locator("#map-panel")).to_have_count(0)
    expect(counter).to_have_text(re.compile(r"^1 of "))
    expect(page.locator(f"#status-{SKILL}-done")).to_be_checked()
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")


@pytest.mark.parametrize(
    ("path", "reloads"), [("/backend-developer/skills/", True), ("/sources/", False)]
)
def test_a_page_with_statuses_brought_back_from_the_browsers_cache_loads_again(
    site, page, path, reloads
):
    page.goto(site + path)
    page.evaluate("window.notReloaded = true")

    # As the browser says when it brings the page back from its back-forward cache.
    restored = "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
    if reloads:
        with page.expect_navigation():
            page.evaluate(restored)
        assert page.evaluate("window.notReloaded") is None
    else:
        page.evaluate(restored)
        page.wait_for_timeout(500)
        assert page.evaluate("window.notReloaded") is True


def test_marking_an_item_without_javascript_comes_back_to_the_item(site, page_without_js):
    page = page_without_js
    page.goto(f"{site}/backend-developer/skills/")

    page.locator(f"#item-{SKILL} input[value=done]").check()
    page.locator(f"#item-{SKILL} .status-save").click()

    page.wait_for_url(f"{site}/backend-developer/skills/#item-{SKILL}")
    assert page.locator(f"#status-{SKILL}-done").is_checked()
    assert "1 of " in page.locator("#overall-progress").inner_text()


def test_a_status_saved_with_javascript_is_said_in_its_live_region_and_focus_stays(site, page, axe):
    other = "database-management"
    page.goto(f"{site}/backend-developer/skills/")
    region = page.locator(f"#status-{SKILL}-saved")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_be_empty()
    page.evaluate(f"window.region = document.getElementById('status-{SKILL}-saved')")
    live_regions = page.locator("[role=status]").count()
    page.locator(f"#status-{SKILL}-not-started").focus()

    # Arrow keys step through the statuses, each one saved as it is chosen: many in a row, from
    # not started to learning, done, skipped and back, ending on done.
    for key in ["ArrowRight"] * 3 + ["ArrowLeft"] * 2 + ["ArrowRight"] * 2 + ["ArrowLeft"]:
        page.keyboard.press(key)

    expect(page.locator(f"#status-{SKILL}-done")).to_be_checked()
    # Every save answered: htmx marks a form while its request is on its way, and sends the
    # next one queued as it ends the last.
    expect(page.locator(".htmx-request")).to_have_count(0)
    expect(region).to_have_text("Saved: Done")
    assert Progress.objects.get().status == "done"
    assert page.evaluate("document.activeElement.id") == f"status-{SKILL}-done"
    # The same region, its words replaced each time: nothing added to the page.
    assert page.evaluate(f"window.region === document.getElementById('status-{SKILL}-saved')")
    assert region.evaluate("element => element.childNodes.length") == 1
    assert page.locator("[role=status]").count() == live_regions
    expect(region).to_be_visible()

    page.locator(f"#item-{other} input[value=learning]").check()

    expect(page.locator(f"#status-{other}-saved")).to_have_text("Saved: Learning")
    # Only the latest save is said.
    expect(region).to_be_empty()
    assert page.locator(".saved:not(:empty)").count() == 1
    assert axe(page) == []


# Phones saving without htmx: with JavaScript off, or with it on and htmx not loaded, whose forms
# post as they do without JavaScript and come back to the same page. axe-core runs only in the
# second: with JavaScript off its script cannot run either.
WITHOUT_HTMX = [
    (390, 844, "light", False),
    (320, 640, "dark", False),
    (390, 844, "dark", True),
    (320, 640, "light", True),
]


@pytest.fixture(
    params=WITHOUT_HTMX,
    ids=[f"{w}px-{s}-{'htmx-missing' if js else 'no-js'}" for w, _, s, js in WITHOUT_HTMX],
)
def phone_without_htmx(request, browser):
    """A phone's page that saves without htmx, and whether axe-core can run on it."""
    width, height, scheme, javascript = request.param
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=True,
        color_scheme=scheme,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route("**/htmx-2.min.js", lambda route: route.abort())
    yield page, javascript
    context.close()


def test_a_status_saved_without_javascript_is_confirmed_in_view_beside_its_control(
    site, phone_without_htmx, axe
):
    page, scripts_run = phone_without_htmx
    # An item halfway down the skills page: the page comes back scrolled to it.
    roadmap = Roadmap.read("backend-developer", ("steps", "checklist"))
    items = next(stage.items for stage in roadmap.stages if stage.url.endswith("/skills/"))
    item = items[len(items) // 2]
    page.goto(f"{site}/backend-developer/skills/")

    page.locator(f"#status-{item.slug} input[value=done]").check()
    page.locator(f"#status-{item.slug} .status-save").click()

    page.wait_for_url(f"{site}/backend-developer/skills/#item-{item.slug}")
    confirmation = page.locator(f"#status-{item.slug}-saved")
    expect(confirmation).to_have_text("Saved: Done")
    expect(confirmation).to_have_attribute("role", "status")
    expect(confirmation).to_be_in_viewport(ratio=1)
    expect(page.locator(f"#status-{item.slug}-done")).to_be_checked()
    expect(page.locator(f"#status-{item.slug} .status-save")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    assert page.locator(".messages").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    if scripts_run:
        assert axe(page) == []


def test_a_target_date_saved_is_confirmed_in_view_beside_its_form(site, phone_without_htmx, axe):
    page, scripts_run = phone_without_htmx
    page.goto(f"{site}/dashboard/backend-developer/")

    page.fill("#id_target_date", "2099-01-01")
    page.get_by_role("button", name="Save target date").click()

    page.wait_for_url(f"{site}/dashboard/backend-developer/#goal")
    confirmation = page.locator("#goal-form-saved")
    expect(confirmation).to_have_text("Your target date is 1 January 2099.")
    expect(confirmation).to_have_attribute("role", "status")
    expect(confirmation).to_be_in_viewport(ratio=1)
    expect(page.locator("#goal")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    assert page.locator(".messages").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    if scripts_run:
        assert axe(page) == []


def test_a_page_reached_with_javascript_from_one_without_forms_saves_a_status(site, page):
    """htmx's requests take the token the first page loaded keeps at its end, though the home
    page has no form of its own."""
    page.goto(f"{site}/")
    page.evaluate("window.notReloaded = true")
    page.click("main a[href='/backend-developer/']")
    page.wait_for_url(f"{site}/backend-developer/")
    expect(page.locator("h1")).to_be_focused()

    page.locator(f"#item-{SKILL} input[value=done]").check()

    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    assert page.evaluate("window.notReloaded") is True
    assert Progress.objects.get().status == "done"


def test_signing_out_without_javascript_from_a_career_page(site, page_without_js, user):
    """The Sign out form, like every form on a stored page, has its token at the page's end."""
    page = page_without_js
    sign_in(page, site)
    page.goto(f"{site}/backend-developer/")

    with page.expect_response(lambda response: "/accounts/logout/" in response.url) as posted:
        page.click("#sign-out button")

    assert posted.value.status == 302
    expect(page.locator(".account-nav")).to_contain_text("Sign in")


def test_back_to_a_page_shows_the_status_saved_since_not_the_one_chosen_before(site, page):
    """The browser puts back what a form held when a page comes back, unless told not to."""
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/backend-developer/")
    page.locator(f"#item-{SKILL} input[value=done]").check()
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    page.goto(f"{site}/progress/items/{item.pk}/")
    page.locator(f"#status-{SKILL} input[value=learning]").check()
    expect(page.locator(f"#status-{SKILL}")).to_have_attribute("data-saved", "learning")

    page.go_back()

    page.wait_for_url(f"{site}/backend-developer/")
    expect(page.locator(f"#status-{SKILL}-learning")).to_be_checked()
    expect(page.locator(f"#map-item-{SKILL}")).to_contain_text("Learning")


def test_a_note_is_saved_with_javascript_without_leaving_the_page(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/progress/items/{item.pk}/")
    page.evaluate("window.notReloaded = true")
    page.evaluate("window.liveRegion = document.getElementById('note-saved')")

    page.fill("#id_note", "Python first")
    page.click("#note-form button")

    expect(page.locator("#note-saved")).to_have_text("Saved.")
    assert page.evaluate("window.notReloaded") is True
    # Focus stays where the visitor was, and the live region that says so is the page's own.
    assert page.evaluate("document.activeElement.id") == "note-save"
    assert page.evaluate("window.liveRegion === document.getElementById('note-saved')") is True
    assert Progress.objects.get(item=item).note == "Python first"


def a_note_saved_slowly(page, site: str, item: ChecklistItem, typed: str) -> list:
    """A note saved on a slow connection: the visitor goes on writing (`typed`, keys) before
    the answer comes. The save is held until the caller lets it go; its route is returned."""
    page.goto(f"{site}/progress/items/{item.pk}/")
    held = []
    page.route("**/note/", lambda route: held.append(route))
    page.fill("#id_note", "Python first")
    page.click("#note-form button")
    wait_for_request(page, held)
    page.click("#id_note")
    page.keyboard.press("Control+End")
    page.keyboard.type(typed)
    return held


def let_go(page, held: list) -> None:
    held[0].continue_()
    page.unroute("**/note/")


def test_words_typed_into_a_note_while_it_is_saved_stay_in_its_box_to_save_next(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    held = a_note_saved_slowly(page, site, item, ", then SQL")
    for _ in "SQL":
        page.keyboard.press("ArrowLeft")
    let_go(page, held)

    box = page.locator("#id_note")
    expect(page.locator("#note-saved")).to_have_text("Saved.")
    expect(box).to_have_value("Python first, then SQL")
    assert Progress.objects.get(item=item).note == "Python first"
    # The caret is where the typing left it, and the next save takes the words, refusing
    # nothing as saved elsewhere: the form knows the note its first save left.
    page.keyboard.type("Postgre")
    settled(page.locator("#note-form"))
    with page.expect_response(lambda response: response.url.endswith("/note/")) as answer:
        page.click("#note-form button")
    assert answer.value.status == 200
    assert Progress.objects.get(item=item).note == "Python first, then PostgreSQL"


def test_save_pressed_again_while_a_note_is_saved_saves_the_words_typed_since(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    held = a_note_saved_slowly(page, site, item, ", then SQL")
    sent = []
    page.on("request", lambda request: request.url.endswith("/note/") and sent.append(request))
    page.click("#note-form button")
    let_go(page, held)

    saved = Progress.objects.filter(item=item, note="Python first, then SQL")
    wait_until(page, saved.exists)
    expect(page.locator("#id_note")).to_have_value("Python first, then SQL")
    expect(page.locator("#note-saved")).to_have_text("Saved.")
    page.wait_for_timeout(500)  # no further save follows
    assert len(sent) == 1


def test_a_long_notes_box_stays_scrolled_where_it_was_when_the_save_answers(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/progress/items/{item.pk}/")
    page.fill("#id_note", "\n".join(f"Line {n} of what I learned" for n in range(60)))
    box = page.locator("#id_note")
    box.evaluate("box => { box.scrollTop = box.scrollHeight; }")
    scrolled = box.evaluate("box => box.scrollTop")
    assert scrolled > 0

    page.click("#note-form button")

    expect(page.locator("#note-saved")).to_have_text("Saved.")
    assert box.evaluate("box => box.scrollTop") == scrolled
    assert Progress.objects.get(item=item).note.endswith("Line 59 of what I learned")


def test_a_note_larger_than_the_site_reads_is_said_unsaved_and_stays_in_its_box(
    site, page, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/progress/items/{item.pk}/")
    note = "A long thought. " * 80  # 1,280 characters: a note may be longer, the body may not
    page.fill("#id_note", "Short")
    page.click("#note-form button")
    expect(page.locator("#note-saved")).to_have_text("Saved.")

    page.fill("#id_note", note)
    page.click("#note-form button")

    problem = page.locator("#note-form .status-problem")
    expect(problem).to_have_text(
        "Not saved: the note is too large to send. Please shorten it and save again."
    )
    expect(problem).to_have_attribute("role", "alert")
    expect(page.locator("#note-saved")).to_have_text("")
    expect(page.locator("#id_note")).to_have_value(note)
    assert Progress.objects.get(item=item).note == "Short"


@pytest.mark.parametrize("javascript", [True, False])
def test_a_refused_note_is_announced_and_its_box_takes_focus(site, browser, javascript, settings):
    settings.NOTES_TOTAL_LIMITS = {**settings.NOTES_TOTAL_LIMITS, "session": 10}
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(f"{site}/progress/items/{item.pk}/")

    page.fill("#id_note", "Longer than ten characters")
    page.click("#note-form button")

    expect(page.locator("#note-errors")).to_contain_text("Nothing was saved.")
    expect(page.locator("#note-errors")).to_have_attribute("role", "alert")
    expect(page.locator("#id_note")).to_be_focused()
    assert not Progress.objects.exists()
    context.close()


def test_what_a_visitor_marked_joins_the_account_they_sign_up_for(site, page):
    page.goto(f"{site}/backend-developer/")
    with page.expect_response(lambda response: "/status/" in response.url):
        page.locator(f"#item-{SKILL} input[value=done]").check()

    page.goto(f"{site}/accounts/signup/")
    page.fill("#id_username", "grace")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{site}/dashboard/")

    assert ChecklistItem.objects.get(slug=SKILL).title in page.locator("main").inner_text()
    record = Progress.objects.get()
    assert (record.user.username, record.status, record.session_key) == ("grace", "done", "")


def test_export_then_import_restores_the_same_progress(site, page, tmp_path, user):
    sign_in(page, site)
    page.goto(f"{site}/backend-developer/")
    for slug, status in ((SKILL, "done"), ("database-management", "skipped")):
        with page.expect_response(lambda response: "/status/" in response.url):
            page.locator(f"#item-{slug} input[value={status}]").check()
    before = set(Progress.objects.filter(user=user).values_list("item_id", "status", "note"))

    page.goto(f"{site}/dashboard/")
    with page.expect_download() as download:
        page.click("text=JSON")
    saved = tmp_path / "progress.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["format"] == "roadmap-progress"

    page.goto(f"{site}/dashboard/backend-developer/reset/")
    page.click("button.danger")
    page.wait_for_url(f"{site}/dashboard/backend-developer/")
    assert not Progress.objects.filter(user=user).exists()

    page.goto(f"{site}/progress/import/")
    page.set_input_files("#id_file", saved)
    page.click("main form button")
    page.wait_for_url(f"{site}/dashboard/")

    assert "Imported 2 items." in page.locator("main").inner_text()
    assert (
        set(Progress.objects.filter(user=user).values_list("item_id", "status", "note")) == before
    )


def own_pages(user: User) -> list[str]:
    """Every progress and account page, once the account has progress and a share."""
    item = ChecklistItem.objects.get(slug=SKILL)
    Progress.objects.create(user=user, item=item, status="learning", note="A note")
    Progress.objects.create(user=user, item=first_step_item(), status="done")
    link = ShareLink.objects.create(user=user)
    return [
        "/dashboard/",
        "/dashboard/backend-developer/",
        "/dashboard/backend-developer/reset/",
        f"/progress/items/{item.pk}/",
        "/progress/import/",
        "/progress/share/",
        link.get_absolute_url(),
        "/accounts/",
        "/accounts/password/",
        "/accounts/delete/",
    ]


PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/deleted/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_progress_and_account_pages_pass_axe(site, page, axe, scheme, user):
    page.emulate_media(color_scheme=scheme)
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        assert axe(page) == [], path
    pages = own_pages(user)
    sign_in(page, site)
    for path in pages:
        page.goto(site + path)
        assert axe(page) == [], path


def test_progress_and_account_pages_fit_a_320_pixel_screen(site, phone_page, user):
    page = phone_page
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    pages = own_pages(user)
    sign_in(page, site)
    for path in pages:
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_every_text_of_the_weekly_chart_reads_at_14_pixels_or_more_and_nothing_leaves_the_screen(
    site, browser, axe, signed_in_with_history, width, scheme
):
    with screen(browser, width, scheme, storage_state=signed_in_with_history) as page:
        page.goto(f"{site}/dashboard/")
        drawn = chart_texts(page, ".progress-chart text")
        table = chart_texts(page, ".chart-table caption, .chart-table th, .chart-table td")
        marks = chart_texts(page, ".progress-chart circle, .progress-chart line")
        pace = page.locator(".progress-chart .target").count()
        page_width = page.evaluate("document.documentElement.scrollWidth")
        violations = axe(page)

    counts = [t for t in drawn if t["text"].isdigit()]
    weeks = [t for t in drawn if not t["text"].isdigit()]
    assert [t["text"] for t in counts] == ["0", str(int(counts[2]["text"]) // 2), counts[2]["text"]]
    assert len(weeks) == 2 and weeks[0]["right"] < weeks[1]["left"]
    assert len(table) > 8 and pace == 1
    assert min(t["size"] for t in drawn + table) >= 14, drawn + table
    assert off_screen(drawn + table + marks, width) == []
    assert overlapping(drawn + table) == []
    assert page_width <= width
    assert violations == []


def test_a_refused_target_date_comes_back_at_the_form_with_its_error(site, phone_page, user):
    page = phone_page
    sign_in(page, site, user.username)
    page.goto(f"{site}/dashboard/backend-developer/")
    page.fill("#id_target_date", "2001-01-01")
    page.get_by_role("button", name="Save target date").click()

    page.wait_for_url(re.compile(r"/goal/#goal$"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_text("Choose a date after today.")).to_be_in_viewport()


def test_a_page_opened_after_signing_in_in_another_tab_saves_to_the_account(site, page, user):
    """Each page loaded into <main> brings its own end, with the tokens of its forms, and its
    account links: after signing in elsewhere both are the account's."""
    page.goto(f"{site}/backend-developer/")
    other_tab = page.context.new_page()
    sign_in(other_tab, site)
    other_tab.close()

    page.click(".career-nav >> text=Skills")
    page.wait_for_url(f"{site}/backend-developer/skills/")
    expect(page.locator("h1")).to_be_focused()
    expect(page.locator(".account-nav")).to_contain_text("Sign out")
    page.locator(f"#item-{SKILL} input[value=done]").check()

    expect(page.locator(f"#status-{SKILL}")).to_have_attribute("data-saved", "done")
    assert Progress.objects.get(user=user).status == "done"


def test_signing_out_after_following_links_into_main(site, page, user):
    """The header stays as pages load into <main>; the Sign out form's token comes with each
    page's end, stored or not (the salaries page is not)."""
    sign_in(page, site)
    page.goto(f"{site}/backend-developer/")
    page.click(".career-nav >> text=Salaries")
    page.wait_for_url(f"{site}/backend-developer/salaries/")

    with page.expect_response(lambda response: "/accounts/logout/" in response.url) as posted:
        page.click("#sign-out button")

    assert posted.value.status == 302
    expect(page.locator(".account-nav")).to_contain_text("Sign in")
