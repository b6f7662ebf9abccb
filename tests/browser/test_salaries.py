import pytest
from playwright.sync_api import expect

from tests.browser.charts import chart_texts, off_screen, overlapping, screen
from tests.browser.conftest import fail

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/backend-developer/salaries/"


def summary(page) -> str:
    return page.locator(".summary").inner_text()


def test_changing_currency_with_javascript_swaps_only_the_comparison_and_updates_the_address(
    site, page
):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content" in msg.text else None)
    page.goto(site + PATH)
    # A mark on the heading survives only if the page itself is not reloaded.
    page.evaluate("document.querySelector('h1').dataset.kept = 'yes'")
    with page.expect_response(lambda r: "currency=USD" in r.url) as swap:
        page.select_option("#salary-currency", "USD")
    assert swap.value.request.headers.get("hx-request") == "true"
    page.wait_for_url("**currency=USD**")
    assert "US dollar (USD)" in summary(page)
    assert page.evaluate("document.querySelector('h1').dataset.kept") == "yes"
    assert page.locator("h1").count() == 1
    assert "rates=own" in page.url and "sort=midpoint" in page.url
    assert page.locator("#comparison svg .bar").count() == 8
    assert violations == []


def test_a_change_whose_comparison_fails_shows_the_error_page_at_its_address(site, page):
    page.goto(site + PATH)
    page.route("**/salaries/?*", lambda route: fail(route, 503))
    page.select_option("#salary-currency", "USD")
    # As the form without JavaScript: the browser asks for the comparison, and shows the error.
    expect(page.locator("h1")).to_have_text("Down for a moment")
    assert "currency=USD" in page.url


def test_sorting_with_javascript_reorders_the_chart(site, page):
    page.goto(site + PATH + "?currency=EUR")
    page.select_option("#salary-sort", "minimum")
    page.wait_for_url("**sort=minimum**")
    labels = page.locator("table[aria-labelledby=figures-caption] tbody th").all_inner_texts()
    assert labels[4] == "Germany, 2023"


def test_back_after_two_changes_shows_the_first_ones_choices_and_figures_together(site, page):
    page.goto(site + PATH)
    page.select_option("#salary-currency", "USD")
    page.wait_for_url("**currency=USD**")
    page.select_option("#salary-sort", "minimum")
    page.wait_for_url("**sort=minimum**")

    page.go_back()

    page.wait_for_url("**sort=midpoint**")
    page.locator(".summary", has_text="sorted by midpoint").wait_for()
    assert "US dollar (USD)" in summary(page)
    assert page.locator("#salary-currency").input_value() == "USD"
    assert page.locator("#salary-sort").input_value() == "midpoint"


def remembered_currency(page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "currency"), None)


@pytest.mark.parametrize("width", [320, 1280])
def test_back_after_two_currencies_shows_the_first_and_keeps_the_last_one_chosen(
    site, browser, width
):
    with screen(browser, width, "light") as page:
        page.goto(site + PATH)
        for code in ["USD", "EUR"]:
            page.select_option("#salary-currency", code)
            page.wait_for_url(f"**currency={code}**")
            page.locator(".summary", has_text=f"({code})").wait_for()

        page.go_back()

        page.wait_for_url("**currency=USD**")
        page.locator(".summary", has_text="US dollar (USD)").wait_for()
        assert page.locator("#salary-currency").input_value() == "USD"
        assert remembered_currency(page) == "EUR"

        # Back to the address that names no currency: it shows the one chosen last.
        page.go_back()

        page.wait_for_url(site + PATH)
        page.locator(".summary", has_text="Euro (EUR)").wait_for()
        assert page.locator("#salary-currency").input_value() == "EUR"
        assert remembered_currency(page) == "EUR"


@pytest.mark.parametrize("width", [320, 1280])
def test_back_without_javascript_shows_the_choices_of_the_page_it_returns_to(site, browser, width):
    with screen(browser, width, "light", java_script_enabled=False) as page:
        page.goto(site + PATH)
        page.select_option("#salary-currency", "USD")
        page.click("button[type=submit]")
        page.wait_for_url("**currency=USD**")
        page.select_option("#salary-currency", "EUR")
        page.check("input[name=rates][value=latest]")
        page.select_option("#salary-sort", "minimum")
        page.click("button[type=submit]")
        page.wait_for_url("**currency=EUR**")

        page.go_back()

        page.wait_for_url("**currency=USD**")
        shown = summary(page)
        currency = page.locator("#salary-currency").input_value()
        rates = page.locator("input[name=rates]:checked").get_attribute("value")
        sort = page.locator("#salary-sort").input_value()

    assert "US dollar (USD)" in shown
    assert "each document's own date" in shown
    assert "sorted by midpoint" in shown
    assert (currency, rates, sort) == ("USD", "own", "midpoint")


def test_changing_currency_without_javascript_loads_the_whole_page(site, page_without_js):
    page = page_without_js
    page.goto(site + PATH)
    page.select_option("#salary-currency", "GBP")
    page.check("input[name=rates][value=latest]")
    page.click("button[type=submit]")
    page.wait_for_url("**currency=GBP**")
    assert "Pound sterling (GBP)" in summary(page)
    assert "the latest exchange rates held" in summary(page)
    assert page.locator("#comparison svg .bar").count() == 8


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_comparison_after_a_switch_has_no_accessibility_violations(site, page, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site + PATH)
    page.select_option("#salary-currency", "CAD")
    page.wait_for_url("**currency=CAD**")
    page.locator(".summary", has_text="Canadian dollar").wait_for()
    assert axe(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_notice_for_a_bad_address_has_no_accessibility_violations(site, page, axe, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site + PATH + "?currency=XYZ")
    assert page.get_by_role("alert").is_visible()
    assert axe(page) == []


WIDTHS = [320, 340, 356, 390, 1280]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_text_of_the_chart_reads_at_14_pixels_or_more_and_nothing_leaves_the_screen(
    site, browser, axe, width, scheme
):
    with screen(browser, width, scheme) as page:
        page.goto(site + PATH + "?currency=INR&rates=latest")
        texts = chart_texts(page, ".salary-chart .row-label, .salary-chart text")
        page_width = page.evaluate("document.documentElement.scrollWidth")
        violations = axe(page)

    ticks = [t for t in texts if t["text"].startswith("₹")]
    labels = [t for t in texts if not t["text"].startswith("₹")]
    assert len(labels) == 8
    assert len(ticks) >= 3
    assert min(t["size"] for t in texts) >= 14, texts
    assert off_screen(texts, width) == []
    assert all(a["right"] < b["left"] for a, b in zip(ticks, ticks[1:], strict=False)), ticks
    assert overlapping(texts) == []
    assert page_width <= width
    assert violations == []


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("link", ["#on-this-page a", ".career-nav a"])
def test_the_page_reached_by_a_link_from_another_page_is_drawn_as_when_opened(
    site, browser, width, link
):
    """Links load the next page into <main> without its head: the page's styles must already
    be there."""
    with screen(browser, width, "light") as page:
        page.goto(site + "/backend-developer/")
        page.evaluate("window.notReloaded = true")
        page.locator(link, has_text="Salaries").click()
        page.wait_for_url(site + PATH)
        # Focus moves to the heading once htmx has made the page's controls work.
        expect(page.locator("h1")).to_be_focused()
        page.locator(".salary-chart").wait_for()
        texts = chart_texts(page, ".salary-chart .row-label, .salary-chart text")
        page_width = page.evaluate("document.documentElement.scrollWidth")
        options = page.evaluate(
            "getComputedStyle(document.querySelector('.salary-options')).display"
        )
        # Its form works as on a page opened directly: a new currency swaps the comparison.
        with page.expect_response(lambda r: "currency=USD" in r.url):
            page.select_option("#salary-currency", "USD")
        page.wait_for_url("**currency=USD**")
        converted = summary(page)
        not_reloaded = page.evaluate("window.notReloaded === true")

    assert "US dollar (USD)" in converted
    assert not_reloaded
    assert options == "flex"
    assert len(texts) > 8
    assert overlapping(texts) == []
    assert page_width <= width
