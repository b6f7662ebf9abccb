"""The public pages in Chromium: navigation, Back and Forward, filtering and searching as you type,
pages that come late or fail, pages without JavaScript, a 320 px screen, and axe-core on every
page of the sitemap in light and dark mode."""

import re
import urllib.request

import pytest
from django.template import loader
from playwright.sync_api import expect

from careers.models import ChecklistItem, Faq
from tests.browser.conftest import (
    expect_scrolled_to,
    fail,
    failing_once,
    stopped_requests,
    wait_for_request,
    wait_until,
    wait_until_stopped,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CAREER = "/backend-developer/"


def sitemap_urls(site: str) -> list[str]:
    xml = urllib.request.urlopen(site + "/sitemap.xml").read().decode()
    paths = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", xml)]
    assert len(paths) > 10
    return [site + path for path in paths]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_in_the_sitemap_passes_axe(site, page, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    violations = {}
    for url in sitemap_urls(site):
        page.goto(url)
        found = axe(page)
        if found:
            violations[url] = found
    assert violations == {}


# Each form that posts, and the values of the token inputs the browser ties to it.
POST_FORM_TOKENS = """() => Array.from(document.forms)
    .filter((form) => form.method === "post")
    .map((form) => [
        form.id || form.action,
        Array.from(form.elements)
            .filter((input) => input.name === "csrfmiddlewaretoken")
            .map((input) => input.value),
    ])"""


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_form_that_posts_has_one_token_on_every_page(site, page, user, signed_in):
    """As the browser ties inputs to forms: on a stored page the token inputs stand at its end."""
    if signed_in:
        page.goto(site + "/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("main form button")
        page.wait_for_url(site + "/dashboard/")
    item = ChecklistItem.objects.current().first()
    extra = ["/search/?q=database", "/dashboard/", CAREER[:-1] + "/faqs/?q=degree"]
    extra += [f"/progress/items/{item.pk}/", "/dashboard/backend-developer/"]
    wrong, forms = {}, 0
    for url in [*sitemap_urls(site), *(site + path for path in extra)]:
        page.goto(url)
        token = page.locator("#csrf-token").get_attribute("value")
        for form, tokens in page.evaluate(POST_FORM_TOKENS):
            forms += 1
            if tokens != [token]:
                wrong[f"{url} {form}"] = tokens
    assert wrong == {}
    assert forms > 20


@pytest.mark.parametrize("path", ["/search/?q=database", CAREER + "faqs/?q=degree", "/nowhere/"])
def test_pages_off_the_sitemap_pass_axe_in_both_schemes(site, page, axe, path):
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(site + path)
        assert axe(page) == []


def test_every_page_fits_a_320_pixel_screen(site, phone_page):
    too_wide = {}
    for url in [*sitemap_urls(site), site + "/search/?q=database"]:
        phone_page.goto(url)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    assert too_wide == {}


def test_no_radio_button_or_checkbox_is_squeezed_on_a_320_pixel_screen(site, phone_page):
    """A long label beside one must not narrow it: each keeps its full, square size. (The status
    controls' radios are see-through, each covering its whole segment.)"""
    squeezed = {}
    for url in sitemap_urls(site):
        phone_page.goto(url)
        sizes = phone_page.eval_on_selector_all(
            "input[type=radio], input[type=checkbox]",
            """inputs => inputs
                .filter(i => i.offsetParent && getComputedStyle(i).opacity !== "0")
                .map(i => i.getBoundingClientRect())
                .map(r => [Math.round(r.width), Math.round(r.height)])""",
        )
        wrong = [size for size in sizes if size != [20, 20]]
        if wrong:
            squeezed[url] = wrong
    assert squeezed == {}


def test_home_page_has_one_level_one_heading_and_leads_to_the_career(site, page):
    page.goto(site + "/")
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name="Backend Developer").first.click()
    expect(page).to_have_url(site + CAREER)
    expect(page.locator("h1")).to_have_text("How to become a Backend Developer")


def test_step_links_load_the_step_into_the_page_and_update_address_and_title(site, page):
    page.goto(site + CAREER)
    page.evaluate("window.loadedOnce = true")
    page.locator("#road").get_by_role("link", name="Step 3: Where and how to find a job").click()
    expect(page).to_have_url(site + CAREER + "steps/find-a-job/")
    expect(page.locator("h1")).to_have_text("Where and how to find a job")
    expect(page).to_have_title(re.compile(r"^Step 3: Where and how to find a job"))
    # Fetched by HTMX into the same document, not a new page load.
    assert page.evaluate("window.loadedOnce") is True
    page.locator(".pager").get_by_role("link", name=re.compile("^Next")).click()
    expect(page.locator("h1")).to_have_text("Ace the interview")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Where and how to find a job")


@pytest.mark.parametrize(
    ("start", "link", "heading"),
    [
        (CAREER, "#on-this-page a >> text=Salaries", "Backend Developer salaries"),
        (CAREER + "skills/", ".note-link >> nth=0", "Programming languages"),
        (CAREER, "#road .step-title a >> nth=0", None),
    ],
    ids=["salaries", "an-items-page", "a-step"],
)
def test_a_page_loaded_by_a_link_puts_focus_on_its_heading(site, page, start, link, heading):
    page.goto(site + start)
    page.evaluate("window.loadedOnce = true")
    page.locator(link).click()
    if heading:
        expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("h1")).to_be_focused()
    assert page.evaluate("window.loadedOnce") is True


def question_count() -> int:
    """Questions as the FAQ page shows them: one for each distinct question."""
    return Faq.objects.values("question").distinct().count()


def test_faqs_filter_as_you_type(site, page):
    total = question_count()
    page.goto(site + CAREER + "faqs/")
    page.evaluate("window.liveRegion = document.getElementById('faq-count')")
    questions = page.locator("details.faq")
    expect(questions).to_have_count(total)
    page.get_by_label("Filter the questions").press_sequentially("degree")
    expect(page.locator("details.faq:visible")).to_have_count(2)
    expect(page.locator("#faq-count")).to_contain_text(f"2 of {total} questions match “degree”.")
    # The count changed in the live region already on the page, so screen readers say it.
    assert page.evaluate("window.liveRegion === document.getElementById('faq-count')") is True
    expect(page).to_have_url(re.compile(r"/faqs/\?q=degree$"))
    page.get_by_label("Filter the questions").fill("")
    page.get_by_label("Filter the questions").dispatch_event("input")
    expect(page.locator("details.faq:visible")).to_have_count(total)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize(
    ("path", "box", "count"),
    [(CAREER + "faqs/", "#faq-filter", "#faq-count"), ("/search/", "#search-q", "#search-status")],
    ids=["faq-filter", "search"],
)
def test_back_after_words_entered_shows_the_words_before(
    site, request, javascript, path, box, count
):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    page.goto(site + path)
    for words in ("degree", "salary"):
        page.locator(box).fill(words)
        if javascript:
            # Typing finds them; then Enter loads what is already shown.
            expect(page.locator(count)).to_contain_text(f"“{words}”")
        page.locator(box).press("Enter")
        expect(page.locator(count)).to_contain_text(f"“{words}”")
        # Its answers are in before Back: one coming after would change the entry Back went to.
        expect(page.locator(".htmx-request")).to_have_count(0)
        if javascript:
            # The form's page has loaded (and focus gone to its heading) before the next words.
            expect(page.locator("h1")).to_be_focused()
    # One entry of the history for each words looked for.
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=degree$"))
    expect(page.locator(count)).to_contain_text("“degree”")
    expect(page.locator(box)).to_have_value("degree")
    page.go_back()
    expect(page).to_have_url(site + path)
    expect(page.locator(box)).to_have_value("")


@pytest.mark.parametrize(
    ("path", "box", "count"),
    [(CAREER + "faqs/", "#faq-filter", "#faq-count"), ("/search/", "#search-q", "#search-status")],
    ids=["faq-filter", "search"],
)
def test_words_typed_slowly_make_one_entry_of_the_history(site, page, path, box, count):
    page.goto(site + "/")
    page.goto(site + path)
    # Slower than the box waits before it asks (300 ms at most): each letter asks.
    page.locator(box).press_sequentially("degree", delay=450)
    expect(page.locator(count)).to_contain_text("“degree”")
    expect(page).to_have_url(re.compile(r"\?q=degree$"))
    # Leaving the box settles the words; the next ones typed make their own entry.
    page.locator("h1").click()
    page.locator(box).fill("salary")
    expect(page.locator(count)).to_contain_text("“salary”")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=degree$"))
    expect(page.locator(box)).to_have_value("degree")
    page.go_back()
    expect(page).to_have_url(site + path)
    page.go_back()
    expect(page).to_have_url(site + "/")


def test_enter_on_words_with_a_space_from_a_loaded_address_adds_no_entry(site, page):
    # The form writes a space "+", htmx "%20": the same address.
    page.goto(site + "/")
    page.goto(site + CAREER + "faqs/?q=a+degree")
    page.get_by_label("Filter the questions").press("Enter")
    expect(page.locator("h1")).to_be_focused()
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(site + "/")


@pytest.mark.parametrize("settle", ["enter", "leave"])
def test_words_settled_before_the_box_asked_for_them_make_one_entry(site, page, settle):
    path = CAREER + "faqs/"
    page.goto(site + "/")
    page.goto(site + path)
    box = page.get_by_label("Filter the questions")
    box.press_sequentially("degre", delay=450)
    expect(page).to_have_url(re.compile(r"\?q=degre$"))
    # The last letter, and at once Enter, or a click out of the box: before the box asks.
    box.press("e")
    if settle == "enter":
        box.press("Enter")
        expect(page.locator("h1")).to_be_focused()
        expect(page.locator(".htmx-request")).to_have_count(0)
    else:
        page.locator("h1").click()
    expect(page).to_have_url(re.compile(r"\?q=degree$"))
    expect(page.locator("#faq-count")).to_contain_text("“degree”")
    box.fill("salary")
    expect(page.locator("#faq-count")).to_contain_text("“salary”")

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=degree$"))
    page.go_back()
    expect(page).to_have_url(site + path)
    page.go_back()
    expect(page).to_have_url(site + "/")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_back_and_forward_return_to_where_the_visitor_was_on_each_page(site, request, javascript):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    # A phone's screen, where the item's page is longer than the screen too.
    page.set_viewport_size({"width": 320, "height": 568})
    page.goto(site + CAREER + "skills/")
    link = page.locator("main .note-link").nth(8)
    link.scroll_into_view_if_needed()
    down_the_skills = page.evaluate("window.scrollY")
    assert down_the_skills > 0
    link.click()
    expect(page.locator("h1")).not_to_have_text("Learn the skills")
    # Forward must come back to the top of the item's page, where the visitor leaves it.
    assert page.evaluate("document.documentElement.scrollHeight - window.innerHeight") > 0
    page.evaluate("window.scrollTo(0, 0)")

    page.go_back()
    expect(page.locator("h1")).to_have_text("Learn the skills")
    expect_scrolled_to(page, down_the_skills)
    page.go_forward()
    expect(page.locator("h1")).not_to_have_text("Learn the skills")
    expect_scrolled_to(page, 0)


def test_back_from_a_part_of_a_page_returns_to_where_the_visitor_was_on_it(site, page):
    page.goto(site + "/")
    page.get_by_role("link", name="Backend Developer").first.click()
    expect(page).to_have_url(site + CAREER)
    link = page.locator('a[href="#road"]').first
    link.scroll_into_view_if_needed()
    where_the_link_is = page.evaluate("window.scrollY")
    link.click()
    expect(page).to_have_url(site + CAREER + "#road")
    assert page.evaluate("window.scrollY") != where_the_link_is
    page.go_back()
    expect(page).to_have_url(site + CAREER)
    expect_scrolled_to(page, where_the_link_is)


def test_words_settled_by_leaving_the_box_keep_their_entry_when_more_are_entered(site, page):
    page.goto(site + CAREER + "faqs/")
    box = page.get_by_label("Filter the questions")
    box.press_sequentially("degree", delay=450)
    expect(page.locator("#faq-count")).to_contain_text("“degree”")
    page.locator("h1").click()
    # Back in the box, more words and Enter before the box asks for them.
    box.press("End")
    box.press_sequentially(" required", delay=20)
    box.press("Enter")
    expect(page.locator("#faq-count")).to_contain_text("“degree required”")
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=degree$"))
    page.go_back()
    expect(page).to_have_url(site + CAREER + "faqs/")


def open_the_faqs(page) -> None:
    """Follow the career's FAQs link, until htmx has settled the page it brings into <main>
    (focus goes to its heading then)."""
    page.get_by_role("link", name="FAQs", exact=True).click()
    expect(page.locator("h1", has_text="Questions and answers")).to_be_focused()


@pytest.mark.parametrize("asked", ["asked", "not-yet-asked"])
@pytest.mark.parametrize("move", ["back", "link"])
def test_words_answered_after_the_visitor_moved_on_change_neither_page_nor_address(
    site, page, move, asked
):
    page.goto(site + CAREER)
    open_the_faqs(page)
    # Back goes to the overview, the site's name to the home page: each is held until let go.
    moved_to = CAREER if move == "back" else "/"
    words, arrived = [], []
    stopped = stopped_requests(page)
    page.route(re.compile(r"/faqs/\?q="), lambda route: words.append(route))
    page.route(site + moved_to, lambda route: arrived.append(route))
    page.get_by_label("Filter the questions").fill("degree")
    # Once the box has asked, or before: it waits for more letters first.
    if asked == "asked":
        wait_for_request(page, words)
    if move == "back":
        page.go_back()
    else:
        page.locator("a.brand").click()
    wait_for_request(page, arrived)
    # Longer than the box waits for more letters: words not yet asked for would be by now.
    page.wait_for_timeout(500)
    # Where the box asked, the page stopped its request: no answer to it can come.
    wait_until_stopped(page, stopped, words)
    arrived[0].continue_()
    expect(page.locator("#faq-filter")).to_have_count(0)
    expect(page).to_have_url(site + moved_to)
    for route in words:
        route.continue_()
    expect(page.locator("#faq-filter")).to_have_count(0)
    # The entry left is the page without the words.
    page.go_forward() if move == "back" else page.go_back()
    expect(page).to_have_url(site + CAREER + "faqs/")


def test_words_answered_after_a_jump_within_the_page_come_in(site, page):
    page.goto(site + CAREER + "faqs/")
    words = []
    page.route(re.compile(r"/faqs/\?q="), lambda route: words.append(route))
    page.get_by_label("Filter the questions").fill("degree")
    wait_for_request(page, words)
    # A link to a part of the page (here the skip link) while the words' answer is on its way.
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    words[0].continue_()
    expect(page.locator("#faq-count")).to_contain_text("“degree”")
    expect(page).to_have_url(re.compile(r"\?q=degree$"))


def test_a_page_that_comes_after_a_second_back_is_not_shown(site, page):
    page.goto(site + "/")
    page.get_by_role("link", name="Backend Developer").first.click()
    expect(page).to_have_url(site + CAREER)
    expect(page.locator("h1")).to_be_focused()
    open_the_faqs(page)
    overview = []
    stopped = stopped_requests(page)
    page.route(site + CAREER, lambda route: overview.append(route))
    page.go_back()
    wait_for_request(page, overview)
    # Back again before the overview came: the home page is what the visitor went to.
    page.go_back()
    expect(page.locator("h1")).to_have_text("Find your way into a career, one step at a time")
    wait_until_stopped(page, stopped, overview)
    overview[0].continue_()
    expect(page).to_have_url(site + "/")
    expect(page.locator("h1")).to_have_text("Find your way into a career, one step at a time")


def test_back_from_a_part_of_a_page_drops_the_page_still_on_its_way(site, page):
    # The overview loaded as a whole: its entry is the browser's own, not one htmx made.
    page.goto(site + CAREER)
    page.locator('a[href="#road"]').first.click()
    expect(page).to_have_url(site + CAREER + "#road")
    faqs = []
    stopped = stopped_requests(page)
    page.route(site + CAREER + "faqs/", lambda route: faqs.append(route))
    page.get_by_role("link", name="FAQs", exact=True).click()
    wait_for_request(page, faqs)
    page.go_back()
    expect(page).to_have_url(site + CAREER)
    wait_until_stopped(page, stopped, faqs)
    faqs[0].continue_()
    expect(page).to_have_url(site + CAREER)
    expect(page.locator("h1")).to_contain_text("Backend Developer")


@pytest.mark.parametrize(
    "moves", ["back-twice", "back-two-at-once", "back-link-back", "back-failed-back"]
)
def test_back_to_the_first_page_loaded_shows_that_page(site, page, moves):
    # The overview loaded as a whole, then a part of it: entries htmx leaves to the browser.
    page.goto(site + CAREER)
    page.locator('a[href="#road"]').first.click()
    open_the_faqs(page)
    if moves == "back-two-at-once":
        # As from the list the Back button shows when held.
        page.evaluate("history.go(-2)")
    elif moves == "back-failed-back":
        failed = []
        # Back to #road, where htmx's fetch of the overview fails: the browser loads it again.
        page.route(site + CAREER, failing_once(failed, 503))
        page.go_back()
        wait_for_request(page, failed, count=2)
        expect(page).to_have_url(site + CAREER + "#road")
        expect(page.locator("#faq-filter")).to_have_count(0)
        page.go_back()
    else:
        held = []
        stopped = stopped_requests(page)
        # The overview is held when Back to #road fetches it, not when it is loaded again.
        page.route(site + CAREER, lambda route: route.continue_() if held else held.append(route))
        page.route(site + "/", lambda route: held.append(route))
        page.go_back()
        wait_for_request(page, held)
        if moves == "back-link-back":
            # The site's name, clicked on the FAQs still shown: the home page is asked for.
            page.locator("a.brand").click()
            wait_for_request(page, held, count=2)
        # Back again before anything came.
        page.go_back()
        expect(page).to_have_url(site + CAREER)
        if moves == "back-link-back":
            # Neither the overview htmx fetched for #road nor the home page can come now.
            wait_until_stopped(page, stopped, held)
        for route in held:
            route.continue_()
    expect(page).to_have_url(site + CAREER)
    expect(page.locator("h1")).to_contain_text("Backend Developer")
    expect(page.locator("#faq-filter")).to_have_count(0)


def loaded_by_the_browser(page) -> str:
    """The address the browser itself last loaded a whole page from (htmx's requests are not)."""
    return page.evaluate("performance.getEntriesByType('navigation')[0].name")


@pytest.mark.parametrize("status", [404, 503])
def test_a_link_whose_page_fails_shows_the_error_page_at_its_address(site, page, status):
    page.goto(site + CAREER)
    asked = []
    page.route(site + CAREER + "faqs/", lambda route: asked.append(route) or fail(route, status))
    page.get_by_role("link", name="FAQs", exact=True).click()
    # As without JavaScript: the browser asks for the page htmx could not bring, and shows it.
    expect(page.locator("h1")).to_have_text("Down for a moment")
    expect(page).to_have_url(site + CAREER + "faqs/")
    assert [route.request.headers.get("hx-request") for route in asked] == ["true", None]


def test_a_link_whose_page_did_not_come_is_followed_by_the_browser(site, page):
    page.goto(site + CAREER)
    asked = []
    page.route(site + CAREER + "faqs/", failing_once(asked, None))
    page.get_by_role("link", name="FAQs", exact=True).click()
    expect(page.locator("h1")).to_have_text("Questions and answers")
    expect(page).to_have_url(site + CAREER + "faqs/")
    assert loaded_by_the_browser(page) == site + CAREER + "faqs/"


@pytest.mark.parametrize("status", [503, None], ids=["error", "no-answer"])
def test_back_to_a_page_that_failed_loads_that_page_again(site, page, status):
    page.goto(site + "/")
    page.get_by_role("link", name="Backend Developer").first.click()
    expect(page.locator("h1")).to_be_focused()
    open_the_faqs(page)
    asked = []
    page.route(site + CAREER, failing_once(asked, status))
    page.go_back()
    # htmx's fetch of the overview failed: the browser loads the overview at its address.
    expect(page.locator("h1")).to_contain_text("Backend Developer")
    expect(page).to_have_url(site + CAREER)
    assert loaded_by_the_browser(page) == site + CAREER
    assert len(asked) == 2


def test_a_link_that_fails_after_back_shows_the_error_page_at_its_address(site, page):
    page.goto(site + "/")
    page.get_by_role("link", name="Backend Developer").first.click()
    expect(page.locator("h1")).to_be_focused()
    open_the_faqs(page)
    overview, home = [], []
    stopped = stopped_requests(page)
    page.route(site + CAREER, lambda route: overview.append(route))
    page.go_back()
    wait_for_request(page, overview)
    # On the FAQs still shown, the site's name: the home page is asked for, which stops htmx's
    # fetch of the overview (no failure: nothing loads the overview again); then it fails.
    page.route(site + "/", lambda route: home.append(route) if not home else fail(route, 503))
    page.locator("a.brand").click()
    wait_for_request(page, home)
    wait_until_stopped(page, stopped, overview)
    fail(home[0], 503)
    expect(page.locator("h1")).to_have_text("Down for a moment")
    expect(page).to_have_url(site + "/")
    assert len(overview) == 1


def test_leaving_the_page_stops_the_page_htmx_was_bringing(site, page):
    page.goto(site + CAREER)
    faqs, signing_in = [], []
    stopped = stopped_requests(page)
    page.route(site + CAREER + "faqs/", lambda route: faqs.append(route))
    page.get_by_role("link", name="FAQs", exact=True).click()
    wait_for_request(page, faqs)
    # Sign in, a link htmx does not follow, before the FAQs came: the browser leaves the page,
    # and the FAQs can neither come nor fail into it (and so take the visitor to them).
    page.route(lambda url: "/accounts/login/" in url, lambda route: signing_in.append(route))
    # Clicked from the page: Playwright's click would wait for the page held to come.
    page.locator("#account-nav a[href^='/accounts/login/']").evaluate("link => link.click()")
    wait_for_request(page, signing_in)
    wait_until_stopped(page, stopped, faqs)
    signing_in[0].continue_()
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_words_whose_answer_fails_leave_the_page_as_it_is(site, page):
    page.goto(site + CAREER + "faqs/")
    page.evaluate("window.notReloaded = true")
    asked = []
    page.route("**/faqs/?q=*", lambda route: asked.append(route) or fail(route, 503))
    page.evaluate(
        "document.addEventListener('htmx:afterRequest', () => { window.answered = true; })"
    )
    page.locator("#faq-filter").fill("degree")
    # htmx has taken the answer, and the page has done all it does with it.
    wait_until(page, lambda: page.evaluate("window.answered === true"))
    # What the box asks for as the words are typed is not followed by the browser.
    expect(page).to_have_url(site + CAREER + "faqs/")
    expect(page.locator("h1")).to_have_text("Questions and answers")
    assert page.evaluate("window.notReloaded") is True
    assert len(asked) == 1


@pytest.mark.parametrize("status", [503, None], ids=["error", "no-answer"])
def test_a_link_to_a_part_of_a_page_that_fails_keeps_the_part_in_the_address(site, page, status):
    page.goto(site + CAREER + "skills/")
    asked = []
    page.route(site + CAREER, failing_once(asked, status))
    page.locator(f'a[href="{CAREER}#road"]').first.click()
    expect(page.locator("h1")).to_contain_text("Backend Developer")
    expect(page).to_have_url(site + CAREER + "#road")
    assert len(asked) == 2


# A question's address, and the old address of the second document's answer to a question the
# first asks too (the two are one question on the page).
QUESTION = "is-a-degree-required-upgrad"
MERGED_ANSWER = "how-long-does-it-take-knowledgehut"


def question_named(anchor: str) -> str:
    """The question an address names, whichever element of it the address names."""
    return f"details.faq:is(#{anchor}, :has(#{anchor}))"


def expect_open_in_view(page, anchor: str) -> None:
    """The question the address names is open, with the question itself in view, at the top of
    the screen (or as near it as the page scrolls), not scrolled away above its answer."""
    question = page.locator(question_named(anchor))
    expect(question).to_have_attribute("open", "")
    expect(question.locator(".answer").first).to_be_visible()
    top, bottom = question.locator("summary").evaluate(
        "summary => [summary.getBoundingClientRect().top, summary.getBoundingClientRect().bottom]"
    )
    # To the pixel: the page scrolls by whole pixels to a place that may fall between two.
    assert top > -1 and bottom <= page.viewport_size["height"]


@pytest.mark.parametrize("anchor", [QUESTION, MERGED_ANSWER])
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_link_to_one_question_opens_it_in_view(site, request, javascript, anchor):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    page.goto(site + CAREER + "faqs/#" + anchor)
    expect_open_in_view(page, anchor)
    # Then a link to another question on the same page.
    other = MERGED_ANSWER if anchor == QUESTION else QUESTION
    page.goto(site + CAREER + "faqs/#" + other)
    expect_open_in_view(page, other)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_closed_question_opens_again_when_its_link_is_followed_again(site, request, javascript):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    page.goto(site + CAREER + "faqs/#" + QUESTION)
    question = page.locator(question_named(QUESTION))
    expect(question).to_have_attribute("open", "")
    question.locator("summary").click()
    expect(question).not_to_have_attribute("open", "")
    page.mouse.wheel(0, 2000)
    if javascript:
        page.evaluate("window.loadedOnce = true")
    # The same address: no "hashchange" event, yet the browser goes there again.
    page.goto(site + CAREER + "faqs/#" + QUESTION)
    expect_open_in_view(page, QUESTION)
    if javascript:
        assert page.evaluate("window.loadedOnce") is True


def test_an_address_with_a_broken_fragment_leaves_the_page_working(site, page):
    """ "#%" is no valid percent-encoding: the page's script names nothing by it, and goes on."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site + CAREER + "faqs/#%")
    page.evaluate("window.loadedOnce = true")
    page.evaluate("window.location.hash = '%E0%A4%A'")
    # A page htmx loads into <main> while the address still has that fragment: its heading
    # takes focus.
    page.evaluate(
        "htmx.ajax('GET', location.pathname.replace('faqs', 'market'),"
        " {target: '#main', select: '#main > *'})"
    )
    expect(page.locator("h1")).to_have_text(re.compile("market", re.IGNORECASE))
    expect(page.locator("h1")).to_be_focused()
    assert page.evaluate("location.hash") == "#%E0%A4%A"
    assert page.evaluate("window.loadedOnce") is True
    assert errors == []


@pytest.mark.parametrize("anchor", [QUESTION, MERGED_ANSWER])
def test_without_javascript_a_question_found_by_search_opens_in_view(site, page_without_js, anchor):
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + "/search/?q=backend+developer")
    page.locator(f"#search-results a[href$='/faqs/#{anchor}']").click()
    expect(page).to_have_url(re.compile(f"/faqs/#{anchor}$"))
    expect_open_in_view(page, anchor)


@pytest.mark.parametrize("anchor", [QUESTION, MERGED_ANSWER])
def test_a_question_found_by_search_opens_in_view_with_focus_on_it(site, page, anchor):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + "/search/?q=backend+developer")
    page.evaluate("window.loadedOnce = true")

    page.locator(f"#search-results a[href$='/faqs/#{anchor}']").click()

    expect(page).to_have_url(re.compile(f"/faqs/#{anchor}$"))
    question = page.locator("details.faq[open]")
    expect(question).to_have_count(1)
    expect_open_in_view(page, anchor)
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert page.evaluate("document.activeElement.closest('details').open") is True
    assert page.evaluate("window.loadedOnce") is True


def test_search_as_you_type_shows_marked_results_and_updates_the_address(site, page):
    page.goto(site + "/search/")
    page.evaluate("window.loadedOnce = true")
    page.evaluate("window.liveRegion = document.getElementById('search-status')")
    page.get_by_label("Words to look for").press_sequentially("interview", delay=20)
    expect(page.locator("#search-results mark").first).to_be_visible()
    expect(page.locator("#search-status")).to_contain_text("for “interview”.")
    assert page.evaluate("window.liveRegion === document.getElementById('search-status')") is True
    expect(page).to_have_url(re.compile(r"/search/\?q=interview$"))
    expect(page.locator("#search-results")).to_contain_text("Ace the interview")
    assert page.evaluate("window.loadedOnce") is True
    page.locator("#search-results").get_by_role("link", name="Ace the interview").first.click()
    expect(page.locator("h1")).to_have_text("Ace the interview")


def test_pages_work_without_javascript(site, page_without_js):
    page = page_without_js
    page.goto(site + "/")
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name="Backend Developer").first.click()
    expect(page.locator("h1")).to_have_text("How to become a Backend Developer")
    page.locator("#road").get_by_role("link", name="Step 4: Ace the interview").click()
    expect(page).to_have_url(site + CAREER + "steps/ace-the-interview/")
    page.get_by_role("link", name="FAQs").click()
    page.get_by_label("Filter the questions").fill("degree")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/faqs/\?q=degree$"))
    expect(page.locator("details.faq")).to_have_count(2)
    page.locator("details.faq summary").first.click()
    expect(page.locator("details.faq").first).to_have_attribute("open", "")
    page.get_by_role("link", name="Search").first.click()
    page.get_by_label("Words to look for").fill("postgresql")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-results mark").first).to_have_text(re.compile("PostgreSQL", re.I))


def test_every_item_links_to_its_source_on_the_sources_page(site, page):
    page.goto(site + CAREER + "market/")
    page.locator("#fact-bls-web-developer-growth .cite a").first.click()
    expect(page).to_have_url(site + "/sources/#source-knowledgehut-2023")
    expect(page.locator("#source-knowledgehut-2023 h2")).to_be_visible()


def test_printing_leaves_out_navigation_and_forms_and_opens_every_answer(site, page):
    page.goto(site + CAREER + "faqs/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("form.filter")).to_be_hidden()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("details.faq[open]")).to_have_count(question_count())
    expect(page.locator("details.faq .answer").first).to_be_visible()


@pytest.mark.parametrize(
    "template", ["400.html", "403_csrf.html", "405.html", "500.html", "503.html"]
)
def test_the_error_pages_pass_axe_and_fit_a_320_pixel_screen(site, phone_page, axe, template):
    """Pages the site answers without a request, so they are put into a page of the site."""
    phone_page.goto(site + "/")
    phone_page.set_content(loader.render_to_string(template))

    assert phone_page.locator("h1").count() == 1
    # The site's style sheets are in force (axe checks the contrast of the colours they give).
    assert phone_page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--space-1')"
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 320
    for scheme in ("light", "dark"):
        phone_page.emulate_media(color_scheme=scheme)
        assert axe(phone_page) == []
