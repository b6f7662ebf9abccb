"""Browser tests: Playwright drives Debian's Chromium against a live server with the real content.

Without Chromium they are skipped with a message, except on CI (CI=true), where that is a failure.
"""

import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.utils import timezone
from playwright.sync_api import expect

from careers.content import load_content
from careers.roadmap import Roadmap
from progress.models import Goal, Owner, Progress, StatusChange
from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if ON_CI:
            pytest.fail(message + ": browser tests must run on CI")
        pytest.skip(message + ": browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RequestsInFlight:
    """Counts the requests the live server is answering, from Django's request signals."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs) -> None:
        with self.changed:
            self.count += 1

    def finished(self, **kwargs) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_none(self, seconds: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count <= 0, timeout=seconds)


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the project's content loaded.

    When a test ends the browser may still be loading something (a page that reloads itself,
    say). The database is emptied only once the server has answered it: on PostgreSQL a query
    still running would otherwise meet the emptying of its tables, and one of them fails."""
    load_content(settings.CONTENT_DIR)
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    yield live_server.url
    in_flight.wait_until_none(seconds=30)
    request_started.disconnect(in_flight.started)
    request_finished.disconnect(in_flight.finished)


@contextmanager
def _page(browser, **options):
    """A page in a context of its own; a script error in it (an exception or a promise rejected
    that nothing handled) fails the test that used it."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    context.close()
    assert not errors, f"Script errors in the page: {errors}"


@pytest.fixture
def page(browser):
    with _page(browser) as page:
        yield page


@pytest.fixture
def page_without_js(browser):
    with _page(browser, java_script_enabled=False) as page:
        yield page


@pytest.fixture
def phone_page(browser):
    with _page(browser, viewport={"width": 320, "height": 640}, is_mobile=True) as page:
        yield page


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    def check(page) -> list[str]:
        """Each axe-core violation on the page as a readable line; empty when there are none.
        Touch targets are checked too (WCAG 2.2's 24 px): axe-core leaves that rule off by
        default, and Lighthouse runs it."""
        options = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
        results = Axe().run(page, options=options)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
        ]

    return check


HISTORY_CAREER = "backend-developer"
HISTORY_WEEKS = 8
# Items done in each of the eight weeks, in roadmap order; then two being learnt and one skipped.
DONE_PER_WEEK = [1, 2, 1, 3, 0, 2, 1, 2]


def expect_scrolled_to(page, y: int, timeout: float = 5) -> None:
    """The window comes to rest scrolled to `y`. Polled from here: the pages' Content Security
    Policy refuses the script wait_for_function would evaluate in them."""
    deadline = time.monotonic() + timeout
    while (scrolled := page.evaluate("window.scrollY")) != y and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert scrolled == y


def wait_until(page, condition, timeout: float = 5) -> None:
    """Let the page run until `condition()` holds, for `timeout` seconds at most."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert condition()


def wait_for_request(page, held: list, count: int = 1) -> None:
    """`count` requests a route holds (`page.route(url, lambda route: held.append(route))`) have
    come."""
    wait_until(page, lambda: len(held) >= count)


# htmx makes the controls it swaps in work only once they settle, 20 ms after the swap: until
# then what it put in carries htmx-added, and the element it swapped into htmx-settling.
SETTLING = re.compile(r"\bhtmx-(added|settling)\b")


def settled(locator) -> None:
    """Wait until htmx has made the controls it swapped into or as `locator` work."""
    expect(locator).not_to_have_class(SETTLING)


def stopped_requests(page) -> list[str]:
    """The addresses of the requests that the page stops (or that fail) from now on."""
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    return failed


def wait_until_stopped(page, stopped: list[str], held: list) -> None:
    """Each request held (routes) has been stopped by the page: its answer can never come."""
    wait_until(page, lambda: all(route.request.url in stopped for route in held))


# What a server gives when it cannot give the page asked for (made up, so that a test can tell it
# from the site's own error pages).
DOWN = "<!doctype html><html lang=en><title>Down</title><h1>Down for a moment</h1></html>"


def fail(route, status: int | None) -> None:
    """Answer a request a route holds with DOWN and this status, or with nothing at all (the
    network failed)."""
    if status is None:
        route.abort()
    else:
        route.fulfill(status=status, body=DOWN, content_type="text/html")


def failing_once(asked: list, status: int | None):
    """A route's handler: the first request it holds fails (see fail), the others go through;
    each one is put in `asked`."""

    def handle(route) -> None:
        asked.append(route)
        fail(route, status) if len(asked) == 1 else route.continue_()

    return handle


def give_history(user) -> None:
    """Mark items through the same code the site uses, then move each change (and the record's
    last update) back to the week it stands for, so the dashboard charts several weeks."""
    owner = Owner(user=user)
    checklist = iter(Roadmap.read(HISTORY_CAREER, ("steps", "checklist")).checklist)
    first_day = timezone.now() - timedelta(weeks=HISTORY_WEEKS - 1)
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
        career=Roadmap.read(HISTORY_CAREER, ()).career,
        target_date=timezone.localdate() + timedelta(weeks=20),
    )


@pytest.fixture
def signed_in_with_history(site, browser, user):
    """The browser state of a visitor eight weeks into the Backend Developer checklist, with a
    target date, signed in."""
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
