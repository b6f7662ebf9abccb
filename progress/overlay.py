"""A visitor's statuses laid over a career's checklist: what every page shows of their progress.

`Overlay.of(roadmap, statuses)` is the one place that turns (items, statuses) into each item's
status, per-step counts, the summary and what comes next. The public pages (through the template
tags), the status control's answer, the dashboard and the share page all use it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from careers.models import ChecklistItem, Step
from careers.roadmap import Roadmap, Stage

from .chart import ProgressChart, draw, weekly_done
from .models import Goal, Owner, Progress, Status, StatusChange


@dataclass(frozen=True)
class Summary:
    """Counts of statuses over a set of items. Skipped items count as neither done nor left."""

    counts: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, statuses) -> Summary:
        return cls(Counter(statuses))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts[Status.DONE]

    @property
    def counted(self) -> int:
        return self.total - self.counts[Status.SKIPPED]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 0

    @property
    def unfinished(self) -> int:
        return self.counts[Status.NOT_STARTED] + self.counts[Status.LEARNING]

    @property
    def by_status(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for every status, in the order the controls show them."""
        return [(value, label, self.counts[value]) for value, label in Status.choices]

    @property
    def started(self) -> bool:
        """Whether any item has a status other than not started."""
        return self.total > self.counts[Status.NOT_STARTED]

    @property
    def status(self) -> Status:
        """The items' status taken together, for a step's mark: done once none is left
        unfinished and one is done, skipped when all are, learning once one is done or learning."""
        if self.total and not self.unfinished:
            return Status.DONE if self.done else Status.SKIPPED
        if self.done or self.counts[Status.LEARNING]:
            return Status.LEARNING
        return Status.NOT_STARTED


@dataclass(frozen=True)
class Group:
    """One stage of the road with its items' statuses."""

    stage: Stage
    entries: tuple[tuple[ChecklistItem, Status], ...]
    summary: Summary

    @property
    def title(self) -> str:
        return f"Step {self.stage.number}: {self.stage.title}" if self.step else self.stage.title

    @property
    def slug(self) -> str:
        return self.stage.slug

    @property
    def step(self) -> Step | None:
        return self.stage.step


@dataclass(frozen=True)
class Overlay:
    roadmap: Roadmap
    statuses: dict[int, Status]
    summary: Summary
    # Each stage's summary, by the stage's slug (a step's own slug).
    by_stage: dict[str, Summary]
    groups: tuple[Group, ...]
    next_up: ChecklistItem | None

    @classmethod
    def of(cls, roadmap: Roadmap, saved: dict[int, str]) -> Overlay:
        """The overlay of `saved` (item id to status; items never touched are absent)."""
        statuses = {
            item.pk: Status(saved.get(item.pk, Status.NOT_STARTED)) for item in roadmap.checklist
        }

        groups = []
        for stage in roadmap.stages:
            entries = tuple((item, statuses[item.pk]) for item in stage.items)
            groups.append(Group(stage, entries, Summary.of(s for _, s in entries)))
        return cls(
            roadmap=roadmap,
            statuses=statuses,
            summary=Summary.of(statuses.values()),
            by_stage={group.slug: group.summary for group in groups},
            groups=tuple(groups),
            next_up=next((i for i in roadmap.checklist if statuses[i.pk].unfinished), None),
        )

    def status_of(self, item: ChecklistItem) -> Status:
        return self.statuses[item.pk]


@dataclass(frozen=True)
class Forecast:
    """When the unfinished items would all be done if the pace kept so far goes on.

    The pace is the items done in the days since the first change on record: the oldest
    Progress.updated_at of the career, which is as far back as the records reach (changing an
    item again moves its date). Too few items or days tell nothing, and the forecast says so.
    """

    MIN_DONE: ClassVar[int] = 2
    MIN_DAYS: ClassVar[int] = 7

    done: int
    unfinished: int
    since: date | None
    today: date
    target: date | None = None

    @property
    def days(self) -> int:
        return (self.today - self.since).days if self.since else 0

    @property
    def enough(self) -> bool:
        return self.done >= self.MIN_DONE and self.days >= self.MIN_DAYS

    @property
    def finish(self) -> date | None:
        """The day the last unfinished item would be done; None when it cannot be told or
        nothing is left."""
        if not self.enough or not self.unfinished:
            return None
        return self.today + timedelta(days=math.ceil(self.unfinished * self.days / self.done))

    @property
    def late(self) -> bool:
        """Whether the finish falls after the target date."""
        return None not in (self.finish, self.target) and self.finish > self.target

    @property
    def weeks_off_target(self) -> int | None:
        """Whole weeks (rounded up) between the finish and the target date, either way."""
        if None in (self.finish, self.target):
            return None
        return math.ceil(abs((self.finish - self.target).days) / 7)


@dataclass(frozen=True)
class CareerProgress:
    """Everything the dashboard shows of one owner's progress on one career."""

    overlay: Overlay
    # Each heading's items as (item, status, note).
    rows: tuple[tuple[Group, tuple[tuple[ChecklistItem, Status, str], ...]], ...]
    # Items taken off the roadmap that the owner had marked, as (item, status, note).
    retired: tuple[tuple[ChecklistItem, Status, str], ...]
    goal: Goal | None
    today: date
    # Items done week by week since the owner's first change; None before any change.
    chart: ProgressChart | None = None

    @classmethod
    def of(cls, career_slug: str, owner: Owner, today: date) -> CareerProgress:
        roadmap = Roadmap.read(career_slug, ("steps", "checklist", "timelines"))
        records = {
            p.item_id: p
            for p in Progress.objects.of(owner)
            .filter(item__career=roadmap.career)
            .only("item_id", "status", "note")
        }
        overlay = Overlay.of(roadmap, {pk: record.status for pk, record in records.items()})
        notes = {pk: record.note for pk, record in records.items()}
        rows = tuple(
            (group, tuple((item, status, notes.get(item.pk, "")) for item, status in group.entries))
            for group in overlay.groups
        )
        retired = ChecklistItem.objects.filter(pk__in=set(records) - set(overlay.statuses))
        goal = Goal.objects.of(owner).filter(career=roadmap.career).first()
        changes = StatusChange.objects.of(owner).filter(item__career=roadmap.career)
        weeks = weekly_done(changes.values_list("changed_at", "item_id", "after"), today)
        return cls(
            overlay=overlay,
            rows=rows,
            retired=tuple(
                (item, Status(records[item.pk].status), notes[item.pk])
                for item in retired.order_by("kind", "slug")
            ),
            goal=goal,
            today=today,
            chart=draw(weeks, overlay.summary.total, goal and goal.target_date) if weeks else None,
        )

    @property
    def next_up(self) -> ChecklistItem | None:
        return self.overlay.next_up

    @property
    def timelines(self) -> tuple:
        return self.overlay.roadmap.timelines

    @property
    def career(self):
        return self.overlay.roadmap.career

    @property
    def summary(self) -> Summary:
        return self.overlay.summary

    @property
    def pace(self) -> Decimal | None:
        return self.goal.pace(self.summary.unfinished, self.today) if self.goal else None

    @property
    def weeks_left(self) -> Decimal | None:
        return self.goal.weeks_left(self.today).quantize(Decimal("0.1")) if self.goal else None

    def forecast(self, since: date | None) -> Forecast:
        """The forecast at the pace kept since `since`, the career's first change on record."""
        target = self.goal.target_date if self.goal else None
        return Forecast(self.summary.done, self.summary.unfinished, since, self.today, target)
