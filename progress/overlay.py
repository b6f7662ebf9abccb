"""A visitor's statuses laid over a career's checklist: what every page shows of their progress.

`Overlay.of(roadmap, statuses)` is the one place that turns (items, statuses) into each item's
status, each stage's summary, the career's summary and what comes next. The public pages (through
the template tags), the status control's answer, the dashboard and the share page all use it; the
dashboard's `CareerProgress` is an overlay with the owner's notes, goal and history added.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from careers.models import ChecklistItem
from careers.roadmap import Roadmap

from .chart import ProgressChart, draw, weekly_done
from .models import Goal, Owner, Progress, Status, StatusChange


@dataclass(frozen=True)
class Summary:
    """Counts of statuses over a set of items. Skipped items count as neither done nor left."""

    counts: Counter

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
class Overlay:
    roadmap: Roadmap
    # Every item's status, by the item's id.
    statuses: dict[int, Status]
    # The ids of the items with a note.
    noted: frozenset[int]
    summary: Summary
    # Each stage's summary, by the stage's slug.
    by_stage: dict[str, Summary]
    next_up: ChecklistItem | None

    @classmethod
    def of(
        cls, roadmap: Roadmap, saved: dict[int, str], noted: frozenset[int] = frozenset(), **more
    ) -> Overlay:
        """The overlay of `saved` (item id to status; items never touched are absent) and
        `noted` (the items with a note); `more` gives a subclass's own fields."""
        statuses = {
            item.pk: Status(saved.get(item.pk, Status.NOT_STARTED)) for item in roadmap.checklist
        }
        return cls(
            roadmap=roadmap,
            statuses=statuses,
            noted=noted,
            summary=Summary(Counter(statuses.values())),
            by_stage={
                stage.slug: Summary(Counter(statuses[item.pk] for item in stage.items))
                for stage in roadmap.stages
            },
            next_up=next((i for i in roadmap.checklist if statuses[i.pk].unfinished), None),
            **more,
        )


@dataclass(frozen=True)
class CareerProgress(Overlay):
    """Everything the dashboard shows of one owner's progress on one career."""

    today: date
    # The owner's notes, by the item's id.
    notes: dict[int, str]
    # Items taken off the roadmap that the owner had marked, as (item, status, note).
    retired: tuple[tuple[ChecklistItem, Status, str], ...]
    goal: Goal | None
    # Items done week by week since the owner's first change; None before any change, and
    # while every item is skipped.
    chart: ProgressChart | None

    @classmethod
    def read(cls, career_slug: str, owner: Owner, today: date) -> CareerProgress:
        roadmap = Roadmap.read(career_slug, ("steps", "checklist", "timelines"))
        records = Progress.objects.of(owner).filter(item__career=roadmap.career)
        ordered = records.select_related("item").order_by("item__kind", "item__slug")
        saved = {record.item_id: record for record in ordered}
        current = {item.pk for item in roadmap.checklist}
        retired = [record for pk, record in saved.items() if pk not in current]
        goal = Goal.objects.of(owner).filter(career=roadmap.career).first()
        changes = StatusChange.objects.of(owner).filter(item__career=roadmap.career)
        progress = cls.of(
            roadmap,
            {pk: record.status for pk, record in saved.items()},
            frozenset(pk for pk, record in saved.items() if record.note),
            today=today,
            notes={pk: record.note for pk, record in saved.items()},
            retired=tuple((r.item, Status(r.status), r.note) for r in retired),
            goal=goal,
            chart=None,
        )
        # Out of the items the summary counts: a skipped item is not one to do, nor is a retired
        # one, in any week.
        counted = {pk for pk, status in progress.statuses.items() if status != Status.SKIPPED}
        history = changes.values_list("changed_at", "item_id", "after")
        weeks = weekly_done(history, today, counted)
        if not weeks or not counted:
            return progress  # nothing to chart, or every item skipped: nothing to count
        chart = draw(weeks, progress.summary.counted, goal and goal.target_date)
        return replace(progress, chart=chart)

    @property
    def pace(self) -> Decimal | None:
        return self.goal.pace(self.summary.unfinished, self.today) if self.goal else None
