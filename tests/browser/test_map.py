"""The overview's map in Chromium with the real content: two screens at most on a desktop, one
column on a 320 px phone, light and dark, on paper, axe-core; every node in reach of the keyboard;
an item's panel opening and closing; a status changed in it showing everywhere on the page."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from careers.models import ChecklistItem
from careers.roadmap import Roadmap
from progress.models import Progress
from tests.browser.charts import screen as on_screen
from tests.browser.conftest import (
    expect_scrolled_to,
    failing_once,
    settled,
    stopped_requests,
    wait_for_request,
    wait_until_stopped,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CAREER = "/backend-developer/"
SKILL = "programming-languages"
SCREENS = [(1280, "light"), (1280, "dark"), (320, "light"), (320, "dark")]


@pytest.fixture(params=SCREENS, ids=[f"{width}px-{scheme}" for width, scheme in SCREENS])
def screen(request, browser):
    with on_screen(browser, *request.param) as page:
        yield page


def road() -> Roadmap:
    return Roadmap.read("backend-developer", ("steps", "checklist"))


def sign_in_with_progress(page, site: str, user: User) -> None:
    """The account has one item of each status on the map."""
    items = road().checklist
    for item, status in zip(items, ("done", "learning", "skipped"), strict=False):
        Progress.objects.create(user=user, item=item, status=status)
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{site}/dashboard/")


def open_in_panel(page, slug: str) -> None:
    """Open the map's item in the panel, once htmx has made the panel's controls work."""
    page.locator(f"#map-item-{slug}").click()
    panel = page.locator("#map-panel")
    expect(panel).to_be_visible()
    settled(panel)


def test_the_map_fits_its_screen_shows_the_statuses_and_passes_axe(site, screen, user, axe):
    sign_in_with_progress(screen, site, user)
    screen.goto(site + CAREER)
    road_map = screen.locator(".road-map")
    width = screen.viewport_size["width"]

    box = road_map.bounding_box()
    if width == 1280:
        assert box["height"] <= 2 * 900
    assert screen.evaluate("document.documentElement.scrollWidth") <= width
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    first, second, third = road().checklist[:3]
    for item, label in ((first, "Done"), (second, "Learning"), (third, "Skipped")):
        node = screen.locator(f"#map-item-{item.slug}")
        name = re.compile(rf"^{re.escape(item.title)}\s*,\s*{label}$")
        expect(node).to_have_accessible_name(name)
        expect(node.locator(".status-mark")).to_have_class(re.compile(label.lower()))
    assert axe(screen) == []


@pytest.mark.parametrize("width", [768, 1280])
def test_a_stages_count_with_skipped_items_stays_in_its_node(site, browser, user, width):
    stage = max(road().stages, key=lambda stage: len(stage.items))
    for item in stage.items[:2]:
        Progress.objects.create(user=user, item=item, status="skipped")
    with on_screen(browser, width, "light") as page:
        page.goto(f"{site}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("main form button")
        page.wait_for_url(f"{site}/dashboard/")
        page.goto(site + CAREER)
        counter = page.locator(f"#map-step-counter-{stage.slug}")
        expect(counter).to_contain_text("2 skipped")
        inside = counter.evaluate(
            """counter => {
                const box = counter.getBoundingClientRect();
                const node = counter.closest(".map-stage-node").getBoundingClientRect();
                return box.left >= node.left && box.right <= node.right;
            }"""
        )
    assert inside


def test_the_map_follows_the_colour_scheme(site, browser):
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(site + CAREER)
        node = page.locator(".map-item-node").first
        backgrounds[scheme] = node.evaluate(
            "e => [getComputedStyle(e).backgroundColor, getComputedStyle(document.body).background]"
        )
        context.close()
    for node, body in backgrounds.values():
        assert body.startswith(node)
    assert backgrounds["dark"][0] != backgrounds["light"][0]


def test_the_printed_map_is_black_on_white_with_every_status_written(site, page):
    page.goto(site + CAREER)
    page.emulate_media(media="print")

    node = page.locator(f"#map-item-{SKILL}")
    assert "Not started" in node.inner_text()
    colours = page.locator(".road-map .status-mark").evaluate_all(
        "marks => marks.map(m => getComputedStyle(m).color)"
    )
    assert set(colours) == {"rgb(0, 0, 0)"}
    road_line = page.locator(".map-stage").first.evaluate(
        "e => getComputedStyle(e, '::before').borderLeftColor"
    )
    assert road_line == "rgb(0, 0, 0)"


def test_the_keyboard_reaches_every_node_in_reading_order_with_a_visible_focus(site, page):
    page.goto(site + CAREER)
    nodes = page.locator(".road-map .map-node").evaluate_all("links => links.map(a => a.href)")
    page.locator("#map-heading").evaluate("h => h.setAttribute('tabindex', '-1')")
    page.locator("#map-heading").focus()

    reached = []
    for _ in nodes:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const a = document.activeElement, style = getComputedStyle(a);
                return {href: a.href, outline: style.outlineStyle,
                        width: parseFloat(style.outlineWidth)};
            }"""
        )
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        reached.append(focused["href"])
    assert reached == nodes
    assert len(nodes) == sum(
        1 + len(stage.step.section_list) if stage.step else 1 for stage in road().stages
    ) + len(road().checklist)


def test_the_open_panel_fits_a_phone_and_passes_axe(site, phone_page, axe):
    phone_page.goto(site + CAREER)
    phone_page.locator(f"#map-item-{SKILL}").click()
    panel = phone_page.locator("#map-panel")
    expect(panel).to_be_visible()

    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe(phone_page) == []


def test_an_item_opens_in_the_panel_at_its_address_and_escape_brings_focus_back(site, page, axe):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    node = page.locator(f"#map-item-{SKILL}")
    node.focus()
    page.keyboard.press("Enter")

    panel = page.locator("#map-panel")
    expect(panel).to_be_visible()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    expect(panel.locator("h2")).to_be_focused()
    expect(panel).to_contain_text(item.body)
    expect(panel.locator(".cite a")).to_have_count(item.sources.count())
    expect(panel.locator(f"#panel-status-{SKILL}")).to_be_visible()
    assert axe(page) == []

    page.keyboard.press("Escape")

    expect(panel).to_be_hidden()
    assert page.url == site + CAREER
    expect(node).to_be_focused()

    node.click()
    expect(panel).to_be_visible()
    panel.locator(".map-panel-close").click()
    expect(panel).to_be_hidden()
    expect(node).to_be_focused()


@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
def test_the_keyboard_goes_round_the_open_panel_without_reaching_what_it_covers(
    site, phone_page, key
):
    page = phone_page
    page.goto(site + CAREER)
    page.locator(f"#map-item-{SKILL}").click()
    panel = page.locator("#map-panel")
    expect(panel.locator("h2")).to_be_focused()

    visited = []
    for _ in range(12):
        page.keyboard.press(key)
        visited.append(page.evaluate("document.activeElement.outerHTML.slice(0, 60)"))
        assert page.evaluate(
            "document.getElementById('map-panel').contains(document.activeElement)"
        ), visited

    # Shift+Tab from the title, which has focus when the panel opens, reaches the button above it.
    if key == "Shift+Tab":
        assert "map-panel-close" in visited[0], visited
    # Every control of the panel is reached: its button, the status and the note link.
    assert any("map-panel-close" in html for html in visited), visited
    assert any('type="radio"' in html for html in visited), visited
    assert any("note" in html for html in visited), visited
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page.locator(f"#map-item-{SKILL}")).to_be_focused()


def test_a_status_changed_in_the_panel_shows_on_the_map_the_counts_and_the_summary(site, page):
    page.goto(site + CAREER)
    page.evaluate("window.notReloaded = true")
    open_in_panel(page, SKILL)

    page.locator(f"#panel-status-{SKILL} input[value=done]").check()

    expect(page.locator(f"#map-item-{SKILL} .status-mark")).to_have_class(re.compile("status-done"))
    expect(page.locator(f"#map-item-{SKILL}")).to_contain_text("Done")
    expect(page.locator("#map-step-counter-learning-stage")).to_have_text(re.compile(r"^1 of "))
    expect(page.locator("#step-counter-learning-stage")).to_have_text(re.compile(r"^1 of "))
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    expect(page.locator(f"#status-{SKILL}-done")).to_be_checked()
    assert page.evaluate("window.notReloaded") is True
    assert Progress.objects.get().status == "done"


def test_where_to_continue_follows_each_status_changed_on_the_overview(site, page):
    first, second, third = road().checklist[:3]
    page.goto(site + CAREER)
    page.evaluate("window.notReloaded = true")
    expect(page.locator(".continue")).to_have_count(0)

    for done, following in ((first, second), (second, third)):
        open_in_panel(page, done.slug)
        page.locator(f"#panel-status-{done.slug} input[value=done]").check()
        next_up = page.locator(".continue .continue-next")
        expect(next_up).to_have_text(following.title)
        expect(next_up).to_have_attribute("href", following.get_absolute_url())
        page.keyboard.press("Escape")
        # Escape goes Back to the overview's entry, which closes the panel when it comes.
        expect(page.locator("#map-panel")).to_be_hidden()
        expect(page).to_have_url(site + CAREER)

    # Once started, the overall progress is shown in one place only, at the top.
    expect(page.locator("#overall-progress")).to_have_count(1)
    expect(page.locator(".continue #overall-progress")).to_contain_text("2 of ")
    assert page.evaluate("window.notReloaded") is True
    page.reload()
    expect(page.locator(".continue .continue-next")).to_have_text(third.title)


def test_a_status_changed_on_the_checklist_with_the_panel_open_shows_everywhere(site, page):
    page.goto(site + CAREER)
    page.locator(f"#map-item-{SKILL}").click()
    expect(page.locator(f"#panel-status-{SKILL}")).to_be_visible()

    page.locator(f"#status-{SKILL}-learning").check()

    expect(page.locator(f"#panel-status-{SKILL}-learning")).to_be_checked()
    expect(page.locator(f"#map-item-{SKILL}")).to_contain_text("Learning")
    expect(page.locator(f"#status-{SKILL}-learning")).to_be_checked()
    assert Progress.objects.get().status == "learning"


def test_reload_and_back_from_an_opened_item(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    open_in_panel(page, SKILL)
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    page.locator(f"#panel-status-{SKILL} input[value=learning]").check()
    expect(page.locator(f"#map-item-{SKILL}")).to_contain_text("Learning")

    page.reload()
    expect(page.locator("h1")).to_have_text(item.title)
    expect(page.locator(f"#status-{SKILL}-learning")).to_be_checked()

    page.go_back()
    page.wait_for_url(site + CAREER)
    expect(page.locator(f"#map-item-{SKILL}")).to_contain_text("Learning")
    expect(page.locator("#map-panel")).to_be_hidden()


def open_the_item_and_go_back(page, site: str) -> ChecklistItem:
    """The overview, its map's item opened in the panel, then Back: Forward opens it again."""
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    page.locator(f"#map-item-{SKILL}").click()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    page.go_back()
    page.wait_for_url(site + CAREER)
    return item


def test_forward_after_back_opens_the_item_in_the_panel_again(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    page.evaluate("window.notReloaded = true")
    panel = page.locator("#map-panel")
    page.locator(f"#map-item-{SKILL}").click()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    page.go_back()
    page.wait_for_url(site + CAREER)
    expect(panel).to_be_hidden()
    entries = page.evaluate("history.length")

    page.go_forward()

    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    expect(panel).to_be_visible()
    expect(panel.locator("h2")).to_have_text(item.title)
    expect(panel.locator("h2")).to_be_focused()
    expect(page.locator("h1")).to_have_text(re.compile("Backend Developer"))
    assert page.evaluate("window.notReloaded") is True
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    page.wait_for_url(site + CAREER)
    expect(page.locator(f"#map-item-{SKILL}")).to_be_focused()
    assert page.evaluate("history.length") == entries


def test_an_item_asked_for_by_forward_that_comes_after_back_changes_nothing(site, page):
    item = open_the_item_and_go_back(page, site)
    held = []
    stopped = stopped_requests(page)
    page.route(f"**/progress/items/{item.pk}/", lambda route: held.append(route))

    page.go_forward()
    wait_for_request(page, held)
    page.go_back()
    page.wait_for_url(site + CAREER)
    expect(page.locator("h1")).to_have_text(re.compile("Backend Developer"))
    wait_until_stopped(page, stopped, held)
    held[0].continue_()

    assert page.url == site + CAREER
    expect(page.locator("#map-panel")).to_be_hidden()
    page.reload()
    expect(page.locator("h1")).to_have_text(re.compile("Backend Developer"))


@pytest.mark.parametrize("status", [503, None], ids=["error", "no-answer"])
def test_an_item_that_fails_on_forward_is_loaded_by_the_browser_at_its_address(site, page, status):
    item = open_the_item_and_go_back(page, site)
    asked = []
    page.route(f"**/progress/items/{item.pk}/", failing_once(asked, status))

    page.go_forward()

    # The panel could not show the item: the browser loads the item's page at its address.
    expect(page.locator("h1")).to_have_text(item.title)
    assert page.url == f"{site}/progress/items/{item.pk}/"
    assert len(asked) == 2


def listeners_for_leaving(page) -> int:
    """How many beforeunload listeners the window has (some browsers keep no page that has one
    for Back), as Chromium's developer tools list them."""
    session = page.context.new_cdp_session(page)
    window = session.send("Runtime.evaluate", {"expression": "window"})["result"]["objectId"]
    listeners = session.send("DOMDebugger.getEventListeners", {"objectId": window})["listeners"]
    session.detach()
    return sum(1 for listener in listeners if listener["type"] == "beforeunload")


def test_the_page_listens_for_leaving_only_while_a_read_is_on_its_way(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    panel = page.locator("#map-panel")
    page.goto(site + CAREER)
    assert listeners_for_leaving(page) == 0
    held = []
    page.route(f"**/progress/items/{item.pk}/", lambda route: held.append(route))
    page.locator(f"#map-item-{SKILL}").click()
    wait_for_request(page, held)
    assert listeners_for_leaving(page) == 1
    held[0].continue_()
    expect(panel).to_be_visible()
    assert listeners_for_leaving(page) == 0
    # Back closes the panel; htmx's fetch of the overview is made, but never sent.
    page.go_back()
    expect(panel).to_be_hidden()
    page.wait_for_url(site + CAREER)
    assert listeners_for_leaving(page) == 0


def test_back_to_an_items_page_opened_from_its_note_link_shows_the_page_not_the_panel(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    page.locator(f"#item-{SKILL} .note-link").click()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    expect(page.locator("h1")).to_have_text(item.title)
    page.go_back()
    page.wait_for_url(site + CAREER)
    expect(page.locator("#map-panel")).to_have_count(1)

    page.go_forward()

    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    expect(page.locator("h1")).to_have_text(item.title)
    expect(page.locator("#map-panel")).to_have_count(0)


def test_one_back_after_the_panels_note_link_returns_to_the_overview(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    # The visitor has scrolled the map's item to the top of the screen.
    page.locator(f"#map-item-{SKILL}").evaluate("item => item.scrollIntoView()")
    open_in_panel(page, SKILL)
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.locator("#map-panel .note-link").click()
    expect(page.locator("h1")).to_have_text(item.title)
    expect(page.locator("#map-panel")).to_have_count(0)

    page.go_back()

    page.wait_for_url(site + CAREER)
    expect(page.locator("h1")).to_have_text(re.compile("Backend Developer"))
    expect(page.locator("#map-panel")).to_be_hidden()
    # Back where they were, not at the top or wherever the item's page had them.
    expect_scrolled_to(page, scrolled)
    page.go_forward()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    expect(page.locator("h1")).to_have_text(item.title)


def test_the_panel_holds_one_history_entry_and_closing_it_returns_to_the_overview_as_it_is(
    site, page
):
    first, second = road().checklist[:2]
    page.goto(site + "/")
    page.goto(site + CAREER)
    page.evaluate("window.notReloaded = true")
    panel = page.locator("#map-panel")

    page.locator(f"#map-item-{first.slug}").click()
    page.wait_for_url(f"{site}/progress/items/{first.pk}/")
    # The panel covers part of the map: the next item is opened from the keyboard.
    page.locator(f"#map-item-{second.slug}").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/progress/items/{second.pk}/")
    expect(panel).to_contain_text(second.title)
    page.keyboard.press("Escape")

    expect(panel).to_be_hidden()
    page.wait_for_url(site + CAREER)
    expect(page.locator(f"#map-item-{second.slug}")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    page.go_back()
    page.wait_for_url(site + "/")


def test_back_with_the_panel_open_closes_it_without_fetching_the_overview_again(site, page):
    item = road().checklist[0]
    page.goto(site + CAREER)
    page.evaluate("window.notReloaded = true")
    open_in_panel(page, item.slug)
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    page.locator(f"#panel-status-{item.slug} input[value=learning]").check()
    expect(page.locator(f"#map-item-{item.slug}")).to_contain_text("Learning")
    overview_requests = []
    page.on("request", lambda r: r.url == site + CAREER and overview_requests.append(r))

    page.go_back()

    expect(page.locator("#map-panel")).to_be_hidden()
    page.wait_for_url(site + CAREER)
    expect(page.locator(f"#map-item-{item.slug}")).to_be_focused()
    expect(page.locator(f"#map-item-{item.slug}")).to_contain_text("Learning")
    assert page.evaluate("window.notReloaded") is True
    assert overview_requests == []


def open_an_item_after_a_jump_to_the_road(page, site: str) -> ChecklistItem:
    """The overview, loaded whole and marked so that a reload shows, then its link to #road (an
    entry htmx leaves to the browser), then the road's first item opened in the map's panel."""
    item = road().checklist[0]
    page.goto(site + CAREER)
    page.evaluate("window.notReloaded = true")
    page.locator('a[href="#road"]').first.click()
    page.wait_for_url(site + CAREER + "#road")
    page.locator(f"#map-item-{item.slug}").click()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    return item


def test_back_two_entries_at_once_from_the_open_panel_closes_it_over_the_overview(site, page):
    item = open_an_item_after_a_jump_to_the_road(page, site)

    # As from the list the Back button shows when held: to the overview as first loaded.
    page.evaluate("history.go(-2)")

    page.wait_for_url(site + CAREER)
    expect(page.locator("#map-panel")).to_be_hidden()
    expect(page.locator(f"#map-item-{item.slug}")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True


def test_closing_the_panel_after_a_jump_within_the_page_brings_focus_back_to_the_item(site, page):
    item = open_an_item_after_a_jump_to_the_road(page, site)

    page.keyboard.press("Escape")

    page.wait_for_url(site + CAREER + "#road")
    expect(page.locator("#map-panel")).to_be_hidden()
    expect(page.locator(f"#map-item-{item.slug}")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True


def test_without_javascript_an_item_node_leads_to_the_items_page(site, page_without_js):
    item = ChecklistItem.objects.get(slug=SKILL)
    page = page_without_js
    page.goto(site + CAREER)

    page.locator(f"#map-item-{SKILL}").click()

    page.wait_for_url(f"{site}/progress/items/{item.pk}/")
    expect(page.locator("h1")).to_have_text(item.title)
    expect(page.locator(".cite a")).to_have_count(item.sources.count())


def test_a_link_in_the_panel_loads_its_page_into_main_as_any_link(site, page):
    item = ChecklistItem.objects.get(slug=SKILL)
    page.goto(site + CAREER)
    page.locator(f"#map-item-{SKILL}").click()
    page.wait_for_url(f"{site}/progress/items/{item.pk}/")

    page.locator("#map-panel .cite a").first.click()

    page.wait_for_url(re.compile(re.escape(f"{site}/sources/") + "#source-"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#main #main, #main .site-header")).to_have_count(0)
    expect(page.locator(".site-header")).to_have_count(1)


def test_after_back_to_the_overview_escape_closes_the_panel_and_stays(site, page):
    """Back loads the overview again into the page: its scripts must not run a second time,
    each closing the panel once more, a step further back each."""
    page.goto(site + "/")
    page.goto(site + CAREER)
    page.click(".career-nav >> text=Skills")
    page.wait_for_url(f"{site}{CAREER}skills/")
    page.go_back()
    page.wait_for_url(site + CAREER)
    expect(page.locator("#map-panel")).to_have_count(1)

    page.locator(f"#map-item-{SKILL}").click()
    expect(page.locator("#map-panel")).to_be_visible()
    page.keyboard.press("Escape")

    expect(page.locator("#map-panel")).to_be_hidden()
    page.wait_for_timeout(500)
    assert page.url == site + CAREER
