"""A visitor's progress on checklist items, kept for an account or for an anonymous session."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q

from careers.models import ChecklistItem


class Status(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    LEARNING = "learning", "Learning"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class ProgressQuerySet(models.QuerySet):
    def owned_by(self, request):
        """The progress of whoever makes the request: their account, else their session."""
        if request.user.is_authenticated:
            return self.filter(user=request.user)
        key = request.session.session_key
        return self.filter(user__isnull=True, session_key=key) if key else self.none()

    def statuses(self, request, career) -> dict[int, str]:
        """Item id to status for one career, in one query; items never touched are absent."""
        return dict(
            self.owned_by(request).filter(item__career=career).values_list("item_id", "status")
        )


class Progress(models.Model):
    """One owner's status on one checklist item: the owner is an account or a browser session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress",
    )
    session_key = models.CharField(max_length=40, blank=True, default="", db_index=True)
    # PROTECT: content reloads retire items instead of deleting what progress points to.
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(blank=True, max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "progress"
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(session_key=""))
                | (Q(user__isnull=True) & ~Q(session_key="")),
                name="progress_has_exactly_one_owner",
            ),
            models.UniqueConstraint(
                fields=("user", "item"),
                condition=Q(user__isnull=False),
                name="progress_unique_per_user_item",
            ),
            models.UniqueConstraint(
                fields=("session_key", "item"),
                condition=Q(user__isnull=True),
                name="progress_unique_per_session_item",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="progress_status_valid"
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or f"session {self.session_key[:8]}…"
        return f"{owner}: {self.item} ({self.get_status_display()})"


@dataclass
class Summary:
    """A visitor's progress over a set of items. Skipped items count as neither done nor left."""

    counts: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, item_ids, statuses: dict[int, str]) -> "Summary":
        return cls(Counter(statuses.get(pk, Status.NOT_STARTED) for pk in item_ids))

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
