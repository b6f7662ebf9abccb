import pytest

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


def test_sorting_with_javascript_reorders_the_chart(site, page):
    page.goto(site + PATH + "?currency=EUR")
    page.select_option("#salary-sort", "minimum")
    page.wait_for_url("**sort=minimum**")
    labels = page.locator("table[aria-labelledby=figures-caption] tbody th").all_inner_texts()
    assert labels[4] == "Germany, 2023"


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


def test_page_fits_a_320_pixel_screen_with_readable_chart_labels(site, phone_page):
    page = phone_page
    page.goto(site + PATH + "?currency=INR&rates=latest")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    labels = page.locator(".salary-chart text.tick:visible, .salary-chart text.row-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert boxes
    assert all(box["height"] >= 10 for box in boxes), boxes
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 320 for box in boxes), boxes
    ticks = page.locator(".salary-chart text.tick:visible")
    tick_boxes = [ticks.nth(i).bounding_box() for i in range(ticks.count())]
    assert len(tick_boxes) >= 3
    assert all(
        a["x"] + a["width"] < b["x"] for a, b in zip(tick_boxes, tick_boxes[1:], strict=False)
    )
