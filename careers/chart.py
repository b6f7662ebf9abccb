"""The geometry of the salary chart: one bar per range, on an axis that starts at zero.

The template draws the SVG from these numbers; colours and type sizes live in salaries.css, since
the Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .money import format_compact

WIDTH = 480
LEFT = 16
RIGHT = WIDTH - 44
TOP = 8
ROW_HEIGHT = 48
LABEL_BASELINE = 18
BAR_OFFSET = 26
BAR_HEIGHT = 14
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
    label_y: int
    bar_y: int
    x_min: Decimal
    x_max: Decimal
    x_mid: Decimal

    @property
    def width(self) -> Decimal:
        return self.x_max - self.x_min

    @property
    def mark_top(self) -> int:
        return self.bar_y - 4

    @property
    def mark_bottom(self) -> int:
        return self.bar_y + BAR_HEIGHT + 4


@dataclass(frozen=True)
class Tick:
    x: Decimal
    label: str
    # Every other label is hidden on narrow screens, where the type is larger.
    minor: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    axis_y: int
    top: int = TOP
    left: int = LEFT
    right: int = RIGHT
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def tick_label_y(self) -> int:
        return self.axis_y + 20

    @property
    def height(self) -> int:
        return self.axis_y + 36


def nice_step(largest: Decimal, target: int = TARGET_TICKS) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` intervals."""
    if largest <= 0:
        return Decimal(1)
    raw = largest / target
    power = Decimal(10) ** raw.adjusted()
    return next(power * step for step in NICE_STEPS if power * step >= raw)


def draw(ranges: Sequence[Range], currency: str) -> Chart:
    largest = max((r.maximum for r in ranges), default=Decimal(0))
    step = nice_step(largest)
    intervals = max(1, int((largest / step).to_integral_value(rounding=ROUND_CEILING)))
    top_value = step * intervals

    def x(value: Decimal) -> Decimal:
        return (LEFT + value / top_value * (RIGHT - LEFT)).quantize(COORDINATE)

    bars = [
        Bar(
            label=r.label,
            series=r.series,
            summary=r.summary,
            label_y=TOP + index * ROW_HEIGHT + LABEL_BASELINE,
            bar_y=TOP + index * ROW_HEIGHT + BAR_OFFSET,
            x_min=x(r.minimum),
            x_max=x(r.maximum),
            x_mid=x(r.midpoint),
        )
        for index, r in enumerate(ranges)
    ]
    ticks = [
        Tick(x(step * i), format_compact(step * i, currency), minor=i % 2 == 1 and intervals > 3)
        for i in range(intervals + 1)
    ]
    return Chart(bars=bars, ticks=ticks, axis_y=TOP + len(ranges) * ROW_HEIGHT + 4)
