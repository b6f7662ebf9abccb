"""The design in Chromium, on a 1280 px desktop and a 390 px phone, light and dark: status marks
told apart, the status control as one radio group, touch targets, no sideways scrolling,
returning to the next item, copying the share link, the salary tables on a phone, axe-core."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from careers.models import ChecklistItem
from careers.roadmap import Roadmap
from progress.models import Progress, ShareLink
from tests.browser.charts import screen as on_screen
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CAREER = "/backend-developer/"
SKILLS = "/backend-developer/skills/"
SCREENS = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]
# One status of each kind, on skills listed one after the other.
MARKED = {
    "programming-languages": "done",
    "database-management": "learning",
    "api-development": "skipped",
    "version-control-git": "not-started",
}


@pytest.fixture(params=SCREENS, ids=[f"{width}px-{scheme}" for width, scheme in SCREENS])
def screen(request, browser):
    with on_screen(browser, *request.param) as page:
        yield page


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, site: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{site}/dashboard/")


def with_progress(user: User) -> list[str]:
    """Give the account one skill of each status and the first step's items done; the pages
    that then show progress."""
    for slug, status in MARKED.items():
        Progress.objects.create(user=user, item=ChecklistItem.objects.get(slug=slug), status=status)
    roadmap = Roadmap.read("backend-developer", ("steps",))
    for item in roadmap.stages[0].items:
        Progress.objects.create(user=user, item=item, status="done", note="Went well")
    link = ShareLink.objects.create(user=user)
    return [
        "/",
        CAREER,
        roadmap.stages[0].url,
        SKILLS,
        "/dashboard/",
        "/dashboard/backend-developer/",
        "/progress/share/",
        "/progress/share/?stop",
        link.get_absolute_url(),
    ]


MARK_STYLE = """element => {
    const style = getComputedStyle(element);
    const icon = getComputedStyle(element, "::before");
    return {
        background: style.backgroundColor,
        border: style.borderTopColor,
        color: style.color,
        line: style.textDecorationLine,
        icon: icon.maskImage,
        page: getComputedStyle(document.body).backgroundColor,
    };
}"""


def luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(v)) for v in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def opaque(colour: str) -> bool:
    return not colour.startswith("rgba") or not colour.endswith(", 0)")


def test_each_status_has_its_own_mark_everywhere(site, screen, user):
    sign_in(screen, site)
    with_progress(user)
    screen.goto(site + SKILLS)

    marks = {
        status: screen.locator(f"#item-{slug} input:checked + .status-mark").evaluate(MARK_STYLE)
        for slug, status in MARKED.items()
    }

    assert len({(m["background"], m["icon"]) for m in marks.values()}) == 4, marks
    assert len({m["icon"] for m in marks.values()}) == 4, marks
    assert not opaque(marks["not-started"]["background"])
    assert all(opaque(marks[s]["background"]) for s in ("done", "learning", "skipped"))
    assert marks["skipped"]["line"] == "line-through"
    assert {m["line"] for s, m in marks.items() if s != "skipped"} == {"none"}
    for status, mark in marks.items():
        behind = mark["background"] if opaque(mark["background"]) else mark["page"]
        assert contrast(mark["color"], behind) >= 4.5, (status, mark)
        assert contrast(mark["border"], mark["page"]) >= 3, (status, mark)

    # The same marks on the dashboard and on a finished step's counter.
    screen.goto(site + "/dashboard/")
    for status in ("done", "learning", "skipped"):
        elsewhere = screen.locator(f".changes .status-mark.status-{status}").first
        assert elsewhere.evaluate(MARK_STYLE)["icon"] == marks[status]["icon"]
        assert elsewhere.evaluate(MARK_STYLE)["background"] == marks[status]["background"]
    screen.goto(site + CAREER)
    finished = screen.locator(".step-counter.status-done").first
    expect(finished).to_have_text(re.compile(r"^(\d+) of \1 done$"))
    assert finished.evaluate(MARK_STYLE)["icon"] == marks["done"]["icon"]


def test_in_forced_colours_the_chosen_status_stands_out_from_the_others(site, page, user):
    sign_in(page, site)
    with_progress(user)
    page.emulate_media(forced_colors="active")
    page.goto(site + SKILLS)

    for slug in MARKED:
        control = page.locator(f"#item-{slug}")
        chosen = control.locator("input:checked + .status-mark").evaluate(MARK_STYLE)
        others = control.locator("input:not(:checked) + .status-mark").evaluate_all(
            f"marks => marks.map({MARK_STYLE})"
        )
        assert len(others) == 3
        assert contrast(chosen["background"], chosen["page"]) >= 3, chosen
        assert contrast(chosen["color"], chosen["background"]) >= 4.5, chosen
        for other in others:
            behind = other["background"] if opaque(other["background"]) else other["page"]
            assert contrast(behind, other["page"]) < 1.1, other
            assert contrast(other["border"], other["page"]) < 1.1, other


def test_pages_with_progress_pass_axe(site, screen, user, axe):
    sign_in(screen, site)
    violations = {}
    for path in with_progress(user):
        screen.goto(site + path)
        found = axe(screen)
        if found:
            violations[path] = found
    assert violations == {}


def tab_until(page, selector: str, limit: int = 200) -> int:
    """Press Tab until the focused element matches `selector`; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} presses")


def test_a_status_control_is_one_tab_stop_and_arrow_keys_save_the_change(site, page):
    # On the overview the first status comes after the map (its nodes, or its skip link), the
    # steps and their sections, and the first skill's two sources.
    page.goto(site + CAREER)
    map_nodes = page.locator(".road-map .map-node").count()
    assert tab_until(page, "input[name=status]") <= 49 + map_nodes
    page.goto(site + CAREER)
    tab_until(page, ".map-skip")
    page.keyboard.press("Enter")
    assert tab_until(page, "input[name=status]") <= 48
    page.goto(site + SKILLS)
    # The learning stage names where it sits on the road first; the first skill has two sources.
    assert tab_until(page, "input[name=status]") <= 17
    slug = page.evaluate("document.activeElement.form.id").removeprefix("status-")

    # Each item takes its sources, its note link and its status: three presses for an item with
    # one source (it took six).
    following = page.locator(".check").nth(1)
    sources = following.locator(".cite a").count()
    assert tab_until(page, "input[name=status]") == sources + 2
    for _ in range(sources + 2):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == f"status-{slug}-not-started"

    with page.expect_response(lambda response: "/status/" in response.url):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#status-{slug}-learning")).to_be_checked()
    with page.expect_response(lambda response: "/status/" in response.url):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#overall-progress")).to_contain_text("1 of ")
    assert page.evaluate("document.activeElement.id") == f"status-{slug}-done"
    assert Progress.objects.get().status == "done"


def test_without_javascript_arrow_keys_choose_and_the_save_button_saves(site, page_without_js):
    page = page_without_js
    page.goto(site + SKILLS)
    tab_until(page, "input[name=status]")
    first = page.evaluate("document.activeElement.form.id").removeprefix("status-")

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    save = page.locator(f"#status-{first} .status-save")
    expect(save).to_be_focused()
    expect(save).to_be_visible()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{site}{SKILLS}#item-{first}")
    expect(page.locator(f"#status-{first}-done")).to_be_checked()
    assert Progress.objects.get().status == "done"


def test_with_javascript_the_save_button_is_hidden(site, page):
    page.goto(site + SKILLS)

    expect(page.locator(".status-save").first).to_be_hidden()


def test_a_status_that_could_not_be_saved_goes_back_and_says_so(site, page):
    page.goto(site + SKILLS)
    first = next(iter(MARKED))
    page.route("**/status/", lambda route: route.abort())

    page.locator(f"#status-{first} input[value=done]").click()

    expect(page.locator(f"#status-{first} .status-problem")).to_contain_text("Not saved")
    expect(page.locator(f"#status-{first}-not-started")).to_be_checked()
    assert not Progress.objects.exists()


def test_a_status_sent_from_a_page_with_an_old_token_says_to_reload_it(site, page):
    page.goto(site + SKILLS)
    first = next(iter(MARKED))
    page.context.clear_cookies()  # as after signing out in another tab: the page's token is old

    page.locator(f"#status-{first} input[value=done]").click()

    problem = page.locator(f"#status-{first} .status-problem")
    expect(problem).to_contain_text("this page is out of date")
    expect(page.locator(f"#status-{first}-not-started")).to_be_checked()
    assert not Progress.objects.exists()


@pytest.mark.parametrize("width", [320, 390])
def test_controls_buttons_and_links_that_stand_alone_are_at_least_44_pixels_on_a_phone(
    site, browser, user, width
):
    """The status controls, buttons and navigation, the road map's links, the overview's
    contents, the sources page's lists of what cites a document, and the skip links (measured
    while they have the focus, the only time they show). Links within a sentence are left out,
    as WCAG allows."""
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True)
    phone = context.new_page()
    sign_in(phone, site)
    item = ChecklistItem.objects.get(slug=next(iter(MARKED)))
    paths = [
        *with_progress(user),
        f"/progress/items/{item.pk}/",
        "/backend-developer/salaries/",
        "/sources/",
    ]
    targets = (
        ".status-option, .note-link, button, .button, .site-nav a, .career-nav a,"
        " .map-node, .toc a, .cited-list summary"
    )
    too_small = {}
    for path in paths:
        phone.goto(site + path)
        boxes = phone.locator(targets).evaluate_all(
            """elements => elements.filter(e => e.offsetParent !== null).map(e => {
                const box = e.getBoundingClientRect();
                return [e.textContent.trim().slice(0, 30), box.width, box.height];
            })"""
        )
        for skip_link in phone.locator(".skip-link, .map-skip").all():
            skip_link.focus()
            box = skip_link.bounding_box()
            boxes.append([skip_link.text_content(), box["width"], box["height"]])
        small = [box for box in boxes if box[1] < 44 or box[2] < 44]
        if small:
            too_small[path] = small
    context.close()
    assert too_small == {}


def test_no_page_with_progress_scrolls_sideways_at_320_pixels(site, phone_page, user):
    sign_in(phone_page, site)
    too_wide = {}
    for path in [*with_progress(user), "/backend-developer/salaries/"]:
        phone_page.goto(site + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}


def test_a_title_its_status_and_its_note_link_fit_a_phone(site, phone):
    phone.goto(site + SKILLS)
    card = phone.locator(f"#item-{next(iter(MARKED))}")

    title, status, note = (
        card.locator(part).bounding_box()
        for part in (".check-title", ".status-choices", ".note-link")
    )
    outline = card.bounding_box()
    assert abs(title["y"] - note["y"]) < 12  # the note link shares the title's row
    assert status["y"] > title["y"] + title["height"] - 1
    for part in (title, status, note):
        assert (
            outline["x"] <= part["x"]
            and part["x"] + part["width"] <= outline["x"] + outline["width"]
        )
    options = card.locator(".status-option").evaluate_all(
        "options => options.map(o => o.getBoundingClientRect().top)"
    )
    assert len(set(options)) == 1  # all four statuses on one row


def test_next_up_takes_a_returning_visitor_to_the_item(site, page):
    roadmap = Roadmap.read("backend-developer", ("steps", "checklist"))
    page.goto(site + SKILLS)
    with page.expect_response(lambda response: "/status/" in response.url):
        page.locator(f"#item-{next(iter(MARKED))} input[value=learning]").check()
    following = roadmap.checklist[0]

    page.goto(site + "/")
    expect(page.locator(".continue")).to_contain_text(f"next up: {following.title}")
    page.locator(".continue-next").click()

    expect(page).to_have_url(re.compile(re.escape(following.get_absolute_url()) + "$"))
    expect(page.locator(f"#{following.anchor}")).to_be_focused()
    expect(page.locator(f"#{following.anchor}")).to_be_in_viewport()


def test_the_share_page_copies_its_link_and_shows_it_without_javascript(
    site, browser, user, page_without_js
):
    link = ShareLink.objects.create(user=user)
    address = site + link.get_absolute_url()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, site)
    page.goto(site + "/progress/share/")

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator("#share-url-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    context.close()

    sign_in(page_without_js, site)
    page_without_js.goto(site + "/progress/share/")
    expect(page_without_js.get_by_role("button", name="Copy link")).to_be_hidden()
    field = page_without_js.get_by_label("Your progress page's address")
    expect(field).to_have_value(address)
    expect(field).not_to_be_editable()

    page_without_js.get_by_role("link", name="Stop sharing…").click()
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text(
        "Stop sharing your progress?"
    )
    page_without_js.get_by_role("link", name="Keep sharing").click()
    expect(page_without_js.get_by_label("Your progress page's address")).to_have_value(address)
    page_without_js.get_by_role("link", name="Stop sharing…").click()
    page_without_js.get_by_role("button", name="Stop sharing").click()
    expect(page_without_js.get_by_text("Your progress page is no longer public.")).to_be_visible()
    assert not ShareLink.objects.exists()


def test_wide_salary_tables_scroll_in_their_box_on_a_phone(site, phone):
    phone.goto(site + "/backend-developer/salaries/")
    boxes = phone.locator(".table-scroll").evaluate_all(
        "boxes => boxes.map(b => [b.scrollWidth > b.clientWidth, getComputedStyle(b).overflowX])"
    )
    assert [True, "auto"] in boxes
    assert all(overflow == "auto" for _, overflow in boxes)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
