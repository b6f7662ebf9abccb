"""The README's screenshots, retaken by `make screenshots` into tests/browser/screenshots/.

Not a test file (its name does not match test_*.py, so the normal run does not collect it): it
drives the same Chromium against the same live server and real content as the browser tests, for a
signed-in visitor eight weeks into the Backend Developer checklist, with a target date. Each page is
shot at the top (what a visitor sees first, and a little more), desktop and phone, light and dark.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from careers.roadmap import Roadmap
from progress.models import Goal, Owner, Progress, StatusChange
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

FOLDER = Path(__file__).parent / "screenshots"
CAREER = "backend-developer"
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}
SCHEMES = ["light", "dark"]
SHOTS = [(screen, scheme) for screen in SCREENS for scheme in SCHEMES]
WEEKS = 8
# Items done in each of the eight weeks, in roadmap order; then two being learnt and one skipped.
DONE_PER_WEEK = [1, 2, 1, 3, 0, 2, 1, 2]


def give_history(user) -> None:
    """Mark items through the same code the site uses, then move each change (and the record's
    last update) back to the week it stands for, so the dashboard charts several weeks."""
    owner = Owner(user=user)
    checklist = iter(Roadmap.read(CAREER, ("steps", "checklist")).checklist)
    now = timezone.now()
    first_day = now - timedelta(weeks=WEEKS - 1)
    for week, done in enumerate(DONE_PER_WEEK):
        for day in range(done):
            item = next(checklist)
            Progress.objects.save_for(owner, item, status="learning")
            Progress.objects.save_for(owner, item, status="done")
            when = first_day + timedelta(weeks=week, days=day * 2)
            StatusChange.objects.filter(user=user, item=item).update(changed_at=when)
            Progress.objects.filter(user=user, item=item).update(updated_at=when)
    for status in ["learning", "learning", "skipped"]:
        Progress.objects.save_for(owner, next(checklist), status=status)
    Goal.objects.create(
        user=user,
        career=Roadmap.read(CAREER, ()).career,
        target_date=timezone.localdate() + timedelta(weeks=20),
    )


@pytest.fixture
def signed_in(site, browser, user):
    """The browser state of the visitor with history, signed in."""
    give_history(user)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button")
    page.wait_for_url(f"{site}/dashboard/")
    state = context.storage_state()
    context.close()
    return state


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
def test_career_overview(site, browser, signed_in, screen, scheme):
    shoot(browser, signed_in, f"{site}/{CAREER}/", screen, scheme, "overview", "")


@pytest.mark.parametrize(("screen", "scheme"), SHOTS, ids=[f"{s}-{c}" for s, c in SHOTS])
def test_dashboard_with_the_weekly_chart(site, browser, signed_in, screen, scheme):
    shoot(browser, signed_in, f"{site}/dashboard/", screen, scheme, "dashboard", ".progress-chart")
