"""The geometry of the dashboard's progress chart: items done, week by week, since the first change.

`weekly_done` replays an owner's history into the number of items done at the end of each week;
`draw` places those weeks (and the target date, with the pace it needs) on the chart's axes.
Across, every position is a percentage of the plot's width, so the drawing stretches with the page
while its text keeps the page's own type size (a viewBox would scale the text down with the drawing
on a narrow screen); down, positions are pixels. The template draws the chart from these numbers
and shows the same figures as a table; colours and type sizes live in site.css.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from django.utils import timezone

from careers.chart import scale

LEFT = Decimal(0)
RIGHT = Decimal(100)
TOP = 12
BOTTOM = 160
# The week labels hang below the plot, in the same drawing.
LABEL_BASELINE = BOTTOM + 22
HEIGHT = BOTTOM + 30
DONE = "done"


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    done: int


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_done(
    changes: Iterable[tuple[datetime, int, str]], today: date, counted: Collection[int]
) -> list[Week]:
    """Items done at the end of each week, from the week of the first change to this week,
    among the items `counted` (by id): those the chart's total counts today, so that no week
    counts an item since skipped or taken off the roadmap.

    `changes` are (when, item id, status after the change), in the order they happened. Weeks
    are those of the site's time zone, as `today` is: a change belongs to the day it was made
    there, not to its day in UTC.
    """
    changes = [(timezone.localdate(when), item, status) for when, item, status in changes]
    if not changes:
        return []
    statuses: dict[int, str] = {}
    weeks: list[Week] = []
    start = monday(changes[0][0])
    pending = iter(changes)
    change = next(pending, None)
    while start <= monday(today):
        end = start + timedelta(days=7)
        while change is not None and change[0] < end:
            statuses[change[1]] = change[2]
            change = next(pending, None)
        done = sum(1 for item, status in statuses.items() if status == DONE and item in counted)
        weeks.append(Week(start, done))
        start = end
    return weeks


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
    # The line through the weeks, one piece per pair of weeks: a polyline's points cannot be
    # percentages.
    segments: list[tuple[Point, Point]]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total: int
    # The line from this week's count to every item done by the target date, if one is set.
    target: tuple[Point, Point] | None
    height: int = HEIGHT
    bottom: int = BOTTOM
    label_baseline: int = LABEL_BASELINE


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
    # The two ends name their years when the chart crosses into another one.
    label = "%-d %b %Y" if x_weeks[0].year != x_weeks[-1].year else "%-d %b"
    return ProgressChart(
        points=points,
        segments=list(pairwise(points)),
        y_ticks=[Tick(y(v), str(v)) for v in y_values],
        x_ticks=[Tick(x(w), w.strftime(label)) for w in dict.fromkeys(x_weeks)],
        total=total,
        target=target,
    )
