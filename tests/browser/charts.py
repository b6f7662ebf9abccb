"""Measuring a chart's text as Chromium draws it, for the tests of every chart on the site."""

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import combinations

# Every text the selector matches and the screen shows, with the size it is drawn at: its computed
# font size times the scale of the SVG it sits in, if that SVG scales its drawing (a viewBox).
TEXTS = """selector => [...document.querySelectorAll(selector)]
    .filter(element => element.getClientRects().length > 0)
    .map(element => {
        const svg = element.ownerSVGElement;
        const viewBox = svg && svg.viewBox.baseVal;
        const scale = viewBox && viewBox.width
            ? svg.getBoundingClientRect().width / viewBox.width : 1;
        const box = element.getBoundingClientRect();
        return {
            text: element.textContent.trim(),
            size: parseFloat(getComputedStyle(element).fontSize) * scale,
            left: box.left, right: box.right, top: box.top, bottom: box.bottom,
        };
    })"""


@contextmanager
def screen(browser, width: int, scheme: str, **options) -> Iterator:
    """A page on a screen `width` pixels wide (a phone below 500), in the colour scheme."""
    phone = width < 500
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900},
        is_mobile=phone,
        color_scheme=scheme,
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def chart_texts(page, selector: str) -> list[dict]:
    return page.evaluate(TEXTS, selector)


def overlapping(texts: list[dict]) -> list[tuple[dict, dict]]:
    return [
        (a, b)
        for a, b in combinations(texts, 2)
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


def off_screen(texts: list[dict], width: int) -> list[dict]:
    return [t for t in texts if t["left"] < 0 or t["right"] > width]
