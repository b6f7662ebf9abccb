"""A visitor's progress on checklist items, kept for an account or for an anonymous session."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import ExpressionWrapper, Q, Sum
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from careers.models import Career, ChecklistItem
from careers.pages import new_version, read_version

# The session remembers which session key its anonymous progress is filed under, because logging
# in gives the session a new key before the account can take the progress over.
SESSION_OWNER = "progress_session_key"
# When the session was last renewed (ISO 8601): it lasts SESSION_COOKIE_AGE from then. Every
# change of the visitor's progress renews it (see progress.middleware).
RENEWED = "progress_renewed"
# The longest note a visitor can write. Signing in can join two notes into a longer one (see
# merge_notes); such a note is kept whole, and can be shortened but not lengthened.
NOTE_MAX_LENGTH = 5000


def progress_changed(user_id: int | None) -> None:
    """Give an account's progress a new version, now and once the change commits, so that pages
    showing the old progress are not served to it again (see careers.pages). An anonymous
    visitor's version is kept in their session instead (see Owner.progress_version)."""
    if user_id:
        new_version(f"progress:version:user:{user_id}")


class Status(models.TextChoices):
    NOT_STARTED = "not-started", "Not started"
    LEARNING = "learning", "Learning"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"

    @property
    def rank(self) -> int:
        """How far along a status is, for merging: not started < skipped < learning < done."""
        return MERGE_ORDER.index(self)

    @classmethod
    def further(cls, first: str, second: str) -> str:
        return max(cls(first), cls(second), key=lambda status: status.rank)

    @property
    def unfinished(self) -> bool:
        return self in (Status.NOT_STARTED, Status.LEARNING)


MERGE_ORDER = [Status.NOT_STARTED, Status.SKIPPED, Status.LEARNING, Status.DONE]


def merge_notes(account_note: str, session_note: str) -> str:
    """Both notes when they differ: the account's, a blank line, then the session's."""
    if not session_note or session_note == account_note:
        return account_note
    if not account_note:
        return session_note
    return f"{account_note}\n\n{session_note}"


@dataclass(frozen=True)
class Owner:
    """Whose progress a request reads and writes: an account, an anonymous session that has saved
    progress, or nobody yet (false)."""

    user: Any = None
    session_key: str = ""
    # An anonymous owner's session's last renewal (RENEWED).
    renewed: str = field(default="", compare=False)

    @classmethod
    def of(cls, request, create: bool = False) -> "Owner":
        """The request's owner; with create, an anonymous visitor gets a session to save into."""
        if request.user.is_authenticated:
            return cls(user=request.user)
        session = request.session
        if create and not session.session_key:
            session.save()
        if create and session.get(SESSION_OWNER) != session.session_key:
            session[SESSION_OWNER] = session.session_key
        if session.session_key and session.get(SESSION_OWNER) == session.session_key:
            return cls(session_key=session.session_key, renewed=session.get(RENEWED, ""))
        return cls()

    def __bool__(self) -> bool:
        return self.user is not None or bool(self.session_key)

    @property
    def fields(self) -> dict[str, Any]:
        return {"user": self.user, "session_key": self.session_key}

    @classmethod
    def locked(cls, request) -> "Owner":
        """Whose records a write of this request must count, locked so that the visitor's other
        requests that lock it wait until this transaction ends: what this one reads of those
        records still holds when it writes. An anonymous visitor is their session even before it
        owns progress, as two requests sent at once may make it do; a visitor with no session
        makes a new one in each request, so such requests have different owners."""
        if request.user.is_authenticated:
            owner = cls(user=request.user)
            rows = get_user_model().objects.filter(pk=request.user.pk)
        elif request.session.session_key:
            owner = cls(session_key=request.session.session_key)
            rows = Session.objects.filter(session_key=owner.session_key)
        else:
            return cls()
        list(rows.select_for_update().values_list("pk", flat=True))
        return owner

    @property
    def kept_until(self) -> date | None:
        """The day an anonymous owner's progress is kept until if they do not come back: their
        session lasts SESSION_COOKIE_AGE from its last renewal."""
        if not self.renewed:
            return None
        renewed = datetime.fromisoformat(self.renewed)
        return timezone.localdate(renewed + timedelta(seconds=settings.SESSION_COOKIE_AGE))

    @property
    def is_account(self) -> bool:
        return self.user is not None

    @property
    def progress_version(self) -> str | None:
        """Changes whenever this owner's progress does; empty for nobody, None if unknown.

        An anonymous visitor's progress changes only through their own requests, and each change
        renews their session: the moment of that renewal, read with the session, versions it. An
        account can change from several devices at once: its version is kept in the shared cache.
        """
        if not self.user:
            return f"session:{self.session_key}:{self.renewed}" if self else ""
        version = read_version(f"progress:version:user:{self.user.pk}")
        return f"user:{self.user.pk}:{version}" if version else None

    def marks(self, career: Career) -> tuple[dict[int, str], frozenset[int]]:
        """Item id to status for one career (items never touched are absent), and the ids of
        the items with a note. One query, none for nobody."""
        records = Progress.objects.of(self).filter(item__career=career)
        noted = ExpressionWrapper(~Q(note=""), output_field=models.BooleanField())
        rows = list(records.values_list("item_id", "status", noted))
        statuses = {item_id: status for item_id, status, _ in rows}
        return statuses, frozenset(item_id for item_id, _, has_note in rows if has_note)


class OwnedQuerySet(models.QuerySet):
    """Records that belong to an account or to an anonymous session."""

    def of(self, owner: Owner):
        return self.filter(**owner.fields) if owner else self.none()

    def abandoned(self):
        """Records of anonymous sessions that have ended (expired and cleared, or signed out)."""
        return self.filter(user__isnull=True).exclude(
            session_key__in=Session.objects.values("session_key")
        )


class ProgressQuerySet(OwnedQuerySet):
    def update(self, **changes: Any) -> int:
        # Saves and deletes give an account's progress a new version through signals; an update
        # sends none.
        accounts = set(self.values_list("user_id", flat=True))
        rows = super().update(**changes)
        if "user" in changes:
            accounts.add(getattr(changes["user"], "pk", changes["user"]))
        for user_id in accounts:
            progress_changed(user_id)
        return rows

    def save_for(self, owner: Owner, item: ChecklistItem, **changes: str) -> "Progress":
        """Set fields of the owner's one record for an item, creating it if need be, and note a
        change of status in the owner's history, in the same transaction.

        Concurrent first saves race on the unique index; get_or_create then finds the winner's
        row, locked like any other until this save commits.
        """
        with transaction.atomic():
            progress, created = self.select_for_update().get_or_create(
                item=item, **owner.fields, defaults=changes
            )
            before = Status.NOT_STARTED if created else progress.status
            if not created:
                for name, value in changes.items():
                    setattr(progress, name, value)
                progress.save()
            if progress.status != before:
                StatusChange.objects.note(owner, item, before, progress.status)
        return progress

    def merge_session_into(self, session_key: str, user) -> None:
        """Give an account the progress of an anonymous session; the further-along status wins."""
        with transaction.atomic():
            account = {p.item_id: p for p in self.select_for_update().filter(user=user)}
            session = self.filter(user__isnull=True, session_key=session_key)
            merged = []
            for theirs in session.select_for_update().filter(item__in=list(account)):
                mine = account[theirs.item_id]
                mine.status = Status.further(mine.status, theirs.status)
                mine.note = merge_notes(mine.note, theirs.note)
                mine.save(update_fields=["status", "note", "updated_at"])
                theirs.delete()
                merged.append(mine)
            # An update keeps the session's own "updated" dates on the records it moves.
            session.update(user=user, session_key="")
            StatusChange.objects.filter(user__isnull=True, session_key=session_key).update(
                user=user, session_key=""
            )
            for mine in merged:
                end_history_at(mine)

    def merge_item_into(self, merged: ChecklistItem, into: ChecklistItem) -> None:
        """Move every owner's record and history on `merged` to `into`, by the merge rule where
        an owner has both: the further-along status wins, both notes are kept."""
        with transaction.atomic():
            kept = []
            for theirs in self.select_for_update().filter(item=merged):
                mine = self.select_for_update().filter(
                    item=into, user_id=theirs.user_id, session_key=theirs.session_key
                )
                mine = mine.first()
                if mine is None:
                    theirs.item = into
                    theirs.save(update_fields=["item"])
                    continue
                mine.status = Status.further(mine.status, theirs.status)
                mine.note = merge_notes(mine.note, theirs.note)
                mine.save(update_fields=["status", "note"])
                theirs.delete()
                kept.append(mine)
            StatusChange.objects.filter(item=merged).update(item=into)
            for mine in kept:
                end_history_at(mine)

    def clear(self) -> int:
        """Delete these records, noting in their owners' history each status that goes back to
        not started."""
        with transaction.atomic():
            StatusChange.objects.bulk_create(
                StatusChange(
                    user_id=p.user_id,
                    session_key=p.session_key,
                    item_id=p.item_id,
                    before=p.status,
                    after=Status.NOT_STARTED,
                )
                for p in self.exclude(status=Status.NOT_STARTED)
            )
            deleted, _ = self.delete()
        return deleted

    def notes_length(self) -> int:
        """Characters in these records' notes, all together."""
        return self.aggregate(length=Sum(Length("note")))["length"] or 0

    def import_rows(self, owner: Owner, rows: list[tuple[ChecklistItem, str, str | None]]) -> None:
        """Set status and note of every (item, status, note), all or none; a note of None leaves
        the saved one as it is."""
        with transaction.atomic():
            for item, status, note in rows:
                kept = {} if note is None else {"note": note}
                self.save_for(owner, item, status=status, **kept)


class OwnedByVisitor(models.Model):
    """A record that belongs to an account or, before signing in, to an anonymous session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    session_key = models.CharField(max_length=40, blank=True, default="", db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(session_key=""))
                | (Q(user__isnull=True) & ~Q(session_key="")),
                name="%(class)s_has_exactly_one_owner",
            ),
        ]

    @staticmethod
    def one_per_owner(field: str) -> list[models.UniqueConstraint]:
        """Constraints allowing each account and each session one record per `field`."""
        return [
            models.UniqueConstraint(
                fields=("user", field),
                condition=Q(user__isnull=False),
                name=f"%(class)s_unique_per_user_{field}",
            ),
            models.UniqueConstraint(
                fields=("session_key", field),
                condition=Q(user__isnull=True),
                name=f"%(class)s_unique_per_session_{field}",
            ),
        ]


class Progress(OwnedByVisitor):
    """One owner's status on one checklist item: the owner is an account or a browser session."""

    # PROTECT: content reloads retire items instead of deleting what progress points to.
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(
        blank=True,
        help_text=f"At most {NOTE_MAX_LENGTH:,} characters as written; a note joined from two "
        "when the visitor signed in can be longer.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta(OwnedByVisitor.Meta):
        verbose_name_plural = "progress"
        constraints = [
            *OwnedByVisitor.Meta.constraints,
            *OwnedByVisitor.one_per_owner("item"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="progress_status_valid"
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or f"session {self.session_key[:8]}…"
        return f"{owner}: {self.item} ({self.get_status_display()})"


def end_history_at(record: "Progress") -> None:
    """Where a merge left a record's status other than its owner's last change of it says (a
    visitor's later changes gave way to the account's further status), the merge is a change of
    its own: the history, and the chart drawn from it, ends where the status is."""
    owner = {"user_id": record.user_id, "session_key": record.session_key}
    last = StatusChange.objects.filter(item_id=record.item_id, **owner).last()
    if last is not None and last.after != record.status:
        StatusChange.objects.create(
            item_id=record.item_id, before=last.after, after=record.status, **owner
        )


class StatusChangeQuerySet(OwnedQuerySet):
    def note(self, owner: Owner, item: ChecklistItem, before: str, after: str) -> None:
        """Note a change of the owner's status on an item, in the caller's transaction.

        Changes of one item within one week (Monday to Sunday in the site's time zone, the
        weeks the chart counts) are kept as one: from the status the history had before the
        week's change to the status after its last, dated at the last, and none where the week
        ends where the history had it. A status passed over on the way to another (arrow keys
        step through each) is no step the learner took, and changes of status add at most one
        row an item a week (resets and merges add their own)."""
        now = timezone.now()
        rows = list(self.of(owner).filter(item=item).order_by("-changed_at", "-pk")[:2])
        last, earlier = (rows[0], rows[1:]) if rows else (None, [])
        week = timezone.localdate(now).isocalendar()[:2]
        same_week = (
            last is not None and timezone.localdate(last.changed_at).isocalendar()[:2] == week
        )
        if not same_week or last.after != before:
            self.create(item=item, before=before, after=after, changed_at=now, **owner.fields)
            return
        # What the history said before this week's row: a merge can have left that row's own
        # `before` from another history than the one it now follows.
        start = earlier[0].after if earlier else Status.NOT_STARTED
        if start == after:
            last.delete()
        else:
            last.before, last.after, last.changed_at = start, after, now
            last.save(update_fields=["before", "after", "changed_at"])


class StatusChange(OwnedByVisitor):
    """A change of an owner's status on an item, written with the change (an item's changes of
    one week kept as one: StatusChangeQuerySet.note): the history the dashboard charts. It
    moves with the progress into an account and goes with the account."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    before = models.CharField(max_length=20, choices=Status.choices)
    after = models.CharField(max_length=20, choices=Status.choices)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta(OwnedByVisitor.Meta):
        ordering = ("changed_at", "pk")
        constraints = [
            *OwnedByVisitor.Meta.constraints,
            models.CheckConstraint(
                condition=Q(before__in=Status.values) & Q(after__in=Status.values),
                name="statuschange_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.before} → {self.after} at {self.changed_at:%Y-%m-%d %H:%M}"


class GoalQuerySet(OwnedQuerySet):
    def set_for(self, owner: Owner, career: Career, target_date: date) -> None:
        """Give the owner a target date for the career, in place of any they had."""
        self.update_or_create(career=career, **owner.fields, defaults={"target_date": target_date})

    def merge_session_into(self, session_key: str, user) -> None:
        """An account's own target date wins; else it takes the session's."""
        session_goals = self.filter(user__isnull=True, session_key=session_key)
        taken = set(self.filter(user=user).values_list("career_id", flat=True))
        session_goals.exclude(career_id__in=taken).update(user=user, session_key="")
        session_goals.delete()


class Goal(OwnedByVisitor):
    """The date by which a visitor means to finish a career's checklist."""

    career = models.ForeignKey(Career, on_delete=models.CASCADE, related_name="goals")
    target_date = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta(OwnedByVisitor.Meta):
        constraints = [*OwnedByVisitor.Meta.constraints, *OwnedByVisitor.one_per_owner("career")]

    def __str__(self) -> str:
        return f"{self.career}: by {self.target_date}"

    def pace(self, unfinished: int, today: date) -> Decimal | None:
        """Items a week needed to finish by the target date, rounded up to a tenth; None once
        the date has come. Exact before rounding: 11 items in 11 days is 7, not 7.1."""
        days = (self.target_date - today).days
        if days <= 0:
            return None
        return (Decimal(unfinished * 7) / days).quantize(Decimal("0.1"), rounding=ROUND_UP)


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """An account's opt-in, read-only public page of its progress; deleting it revokes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_link"
    )
    token = models.CharField(max_length=64, unique=True, default=new_share_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user}: shared since {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("progress:shared", args=[self.token])
