import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_in_chromium_with_a_level_one_heading(site, page):
    page.goto(site + "/")
    assert page.locator("h1").count() == 1


def test_chromium_runs_pages_with_javascript_turned_off(site, page_without_js):
    page_without_js.goto(site + "/")
    assert page_without_js.evaluate("typeof document.body") == "object"
