"""The README's screenshots, retaken by `make screenshots` into tests/browser/screenshots/.

Not a test file (its name does not match test_*.py, so the normal run does not collect it): it
drives the same Chromium against the same live server and real content as the browser tests, for a
signed-in visitor eight weeks into the Backend Developer checklist, with a target date. Each page is
shot at the top (what a visitor sees first, and a little more), desktop and phone, light and dark.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

FOLDER = Path(__file__).parent / "screenshots"
CAREER = "backend-developer"
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}
SCHEMES = ["light", "dark"]
SHOTS = [(screen, scheme) for screen in SCREENS for scheme in SCHEMES]


def shoot(browser, state, url: str, screen: str, scheme: str, name: str, bottom_of: str) -> None:
    """Shoot the page's top down to the bottom of `bottom_of` (capped at two screens), or one and a
    half screens when it is empty."""
    context = browser.new_context(storage_state=state, color_scheme=scheme, **SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    viewport = page.viewport_size
    bottom = page.evaluate(
        """selector => {
            const element = selector && document.querySelector(selector);
            return element ? element.getBoundingClientRect().bottom + window.scrollY : 0;
        }""",
        bottom_of,
    )
    height = min(bottom + 24, viewport["height"] * 2) if bottom else viewport["height"] * 1.5
    FOLDER.mkdir(exist_ok=True)
    page.screenshot(
        path=FOLDER / f"{name}-{screen}-{scheme}.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
    )
    context.close()


@pytest.mark.parametrize(("screen", "scheme"), SHOTS, ids=[f"{s}-{c}" for s, c in SHOTS])
def test_career_overview(site, browser, signed_in_with_history, screen, scheme):
    shoot(browser, signed_in_with_history, f"{site}/{CAREER}/", screen, scheme, "overview", "")


@pytest.mark.parametrize(("screen", "scheme"), SHOTS, ids=[f"{s}-{c}" for s, c in SHOTS])
def test_dashboard_with_the_weekly_chart(site, browser, signed_in_with_history, screen, scheme):
    shoot(
        browser,
        signed_in_with_history,
        f"{site}/dashboard/",
        screen,
        scheme,
        "dashboard",
        ".progress-chart",
    )
