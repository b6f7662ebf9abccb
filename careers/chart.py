"""The geometry of the salary chart: one bar per range, on an axis that starts at zero.

Across, every position is a percentage of the plot's width, so the drawing stretches with the page
while its text keeps the page's own type size (a viewBox would scale the text down with the
drawing on a narrow screen). Down, positions are pixels within one bar's strip; the row labels are
HTML above the strips, free to wrap. The template draws the chart from these numbers; colours and
type sizes live in salaries.css, since the Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .money import format_compact

FULL = Decimal(100)
STRIP_HEIGHT = 26
BAR_TOP = 6
BAR_HEIGHT = 14
MARK_OVERHANG = 4
AXIS_HEIGHT = 28
TICK_LABEL_BASELINE = 20
TARGET_TICKS = 5
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
COORDINATE = Decimal("0.1")


@dataclass(frozen=True)
class Range:
    """One row to draw: amounts already in the chart's currency."""

    label: str
    series: int
    minimum: Decimal
    maximum: Decimal
    summary: str

    @property
    def midpoint(self) -> Decimal:
        return (self.minimum + self.maximum) / 2


@dataclass(frozen=True)
class Bar:
    label: str
    series: int
    summary: str
    x_min: Decimal
    x_max: Decimal
    x_mid: Decimal

    @property
    def width(self) -> Decimal:
        return self.x_max - self.x_min


@dataclass(frozen=True)
class Tick:
    x: Decimal
    label: str
    # Every other label is hidden on narrow screens, where the labels would touch.
    minor: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    strip_height: int = STRIP_HEIGHT
    bar_top: int = BAR_TOP
    bar_height: int = BAR_HEIGHT
    axis_height: int = AXIS_HEIGHT
    tick_label_baseline: int = TICK_LABEL_BASELINE

    @property
    def mark_top(self) -> int:
        return self.bar_top - MARK_OVERHANG

    @property
    def mark_bottom(self) -> int:
        return self.bar_top + self.bar_height + MARK_OVERHANG


def nice_step(largest: Decimal, target: int = TARGET_TICKS) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` intervals."""
    if largest <= 0:
        return Decimal(1)
    raw = largest / target
    power = Decimal(10) ** raw.adjusted()
    return next(power * step for step in NICE_STEPS if power * step >= raw)


def scale(value: float, largest: float, low: float, high: float) -> Decimal:
    """Where `value` (0 to `largest`) falls between `low` and `high` (percentages or pixels)."""
    share = Decimal(value) / Decimal(largest) if largest else Decimal(0)
    return (Decimal(low) + share * (Decimal(high) - Decimal(low))).quantize(COORDINATE)


def draw(ranges: Sequence[Range], currency: str) -> Chart:
    largest = max((r.maximum for r in ranges), default=Decimal(0))
    step = nice_step(largest)
    intervals = max(1, int((largest / step).to_integral_value(rounding=ROUND_CEILING)))
    top_value = step * intervals

    def x(value: Decimal) -> Decimal:
        return scale(value, top_value, 0, FULL)

    bars = [
        Bar(
            label=r.label,
            series=r.series,
            summary=r.summary,
            x_min=x(r.minimum),
            x_max=x(r.maximum),
            x_mid=x(r.midpoint),
        )
        for r in ranges
    ]
    ticks = [
        Tick(x(step * i), format_compact(step * i, currency), minor=i % 2 == 1 and intervals > 3)
        for i in range(intervals + 1)
    ]
    return Chart(bars=bars, ticks=ticks)
