"""The geometry of the dashboard's progress chart: items done, week by week, since the first change.

`weekly_done` replays an owner's history into the number of items done at the end of each week;
`draw` places those weeks (and the target date, with the pace it needs) on an SVG's axes. The
template draws the SVG from these numbers and shows the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

WIDTH = 480
HEIGHT = 200
LEFT = 36
RIGHT = WIDTH - 12
TOP = 12
BOTTOM = HEIGHT - 28
COORDINATE = Decimal("0.1")
DONE = "done"


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    done: int


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_done(changes: Iterable[tuple[datetime, int, str]], today: date) -> list[Week]:
    """Items done at the end of each week, from the week of the first change to this week.

    `changes` are (when, item id, status after the change), in the order they happened.
    """
    changes = list(changes)
    if not changes:
        return []
    statuses: dict[int, str] = {}
    weeks: list[Week] = []
    start = monday(changes[0][0].date())
    pending = iter(changes)
    change = next(pending, None)
    while start <= monday(today):
        end = start + timedelta(days=7)
        while change is not None and change[0].date() < end:
            statuses[change[1]] = change[2]
            change = next(pending, None)
        weeks.append(Week(start, sum(1 for status in statuses.values() if status == DONE)))
        start = end
    return weeks


def scale(value: float, largest: float, low: float, high: float) -> Decimal:
    """Where `value` (0 to `largest`) falls between the pixels `low` and `high`."""
    share = Decimal(value) / Decimal(largest) if largest else Decimal(0)
    return (Decimal(low) + share * (Decimal(high) - Decimal(low))).quantize(COORDINATE)


@dataclass(frozen=True)
class Point:
    x: Decimal
    y: Decimal
    week: Week


@dataclass(frozen=True)
class Tick:
    position: Decimal
    label: str


@dataclass(frozen=True)
class ProgressChart:
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total: int
    # The line from this week's count to every item done by the target date, if one is set.
    target: tuple[Point, Point] | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def draw(weeks: list[Week], total: int, target_date: date | None = None) -> ProgressChart:
    """The chart of `weeks` against `total` items, reaching to the target date's week if later."""
    last = weeks[-1].start
    target_week = monday(target_date) if target_date and monday(target_date) > last else None
    span = ((target_week or last) - weeks[0].start).days // 7 or 1

    def x(week_start: date) -> Decimal:
        return scale((week_start - weeks[0].start).days // 7, span, LEFT, RIGHT)

    def y(done: int) -> Decimal:
        return scale(done, total, BOTTOM, TOP)

    points = [Point(x(w.start), y(w.done), w) for w in weeks]
    target = None
    if target_week:
        target = (points[-1], Point(x(target_week), y(total), Week(target_week, total)))
    y_values = sorted({0, total // 2, total})
    x_weeks = [weeks[0].start, target_week or last]
    return ProgressChart(
        points=points,
        y_ticks=[Tick(y(v), str(v)) for v in y_values],
        x_ticks=[Tick(x(w), f"{w:%-d %b}") for w in dict.fromkeys(x_weeks)],
        total=total,
        target=target,
    )
