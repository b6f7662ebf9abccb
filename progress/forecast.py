"""When a visitor would finish a career at the pace kept so far, shown on the dashboard."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .overlay import CareerProgress


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

    @classmethod
    def of(cls, progress: CareerProgress, since: date | None) -> Forecast:
        """The forecast at the pace kept since `since`, the career's first change on record."""
        summary, goal = progress.summary, progress.goal
        target = goal.target_date if goal else None
        return cls(summary.done, summary.unfinished, since, progress.today, target)
