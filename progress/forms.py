import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from careers.models import Career, ChecklistItem

from .models import NOTE_MAX_LENGTH, Status, merge_notes

IMPORT_MAX_BYTES = 1024 * 1024
EXPORT_FORMAT = "roadmap-progress"
# The version of the JSON export this site writes and reads.
EXPORT_VERSION = 1
# The columns of the CSV export, which is for spreadsheets: it cannot be imported.
CSV_FIELDS = ["career", "item", "title", "status", "note", "updated", "retired"]
# A line break as a form sends it (CR LF), or as an old Mac wrote it (CR).
LINE_BREAK = re.compile(r"\r\n?")
FINGERPRINT = re.compile(r"[0-9a-f]{32}")
# What no text field of the database can hold: PostgreSQL refuses NUL in text, and a lone
# surrogate (which JSON can escape as \ud800 but no text holds) cannot even be written as UTF-8,
# so an error message names the field, never quoting it.
UNSTORABLE = {
    "a NUL character": re.compile("\x00"),
    "a lone surrogate": re.compile("[\ud800-\udfff]"),
}


def status_form_id(item: ChecklistItem, prefix: str = "") -> str:
    """The id of an item's status control on a page; `prefix` tells a second control of the same
    item on one page apart (the overview's map panel)."""
    return f"{prefix}status-{item.slug}"


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Status.choices,
        error_messages={
            "required": "Choose a status.",
            # Not quoted back: the value comes from the form's buttons, or from someone
            # sending anything at all (a megabyte, a NUL character).
            "invalid_choice": "That is not a status. Choose not started, learning, done or "
            "skipped.",
        },
    )


class EveryFieldSent(forms.Form):
    """A form whose empty field means "remove": a browser sends a text or date field even when it
    is empty, so a request that leaves one out was not made by the form, and reading it as empty
    would erase what the visitor saved."""

    def clean(self):
        for name, field in self.fields.items():
            if field.widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                self.add_error(name, "This field was not sent. Nothing was saved.")
        return super().clean()


class NoteField(forms.CharField):
    """Text in which a line break is one character, as the browser's box counts it (its
    maxlength): a form sends each one as two, CR LF."""

    def to_python(self, value):
        return LINE_BREAK.sub("\n", super().to_python(value))


def fingerprint(note: str) -> str:
    """What a note form carries of the note it was opened with (its "opened" input)."""
    return hashlib.sha256(note.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class NoteForm(EveryFieldSent):
    """A note of at most NOTE_MAX_LENGTH characters, or, where signing in joined two notes into
    a longer one, of at most the saved note's length: it can be shortened, never lengthened.

    The form carries the fingerprint of the note it was opened with, so that a note saved
    meanwhile from another tab or device is not overwritten unseen (see changed_elsewhere). A
    request without the fingerprint is not checked."""

    def __init__(self, *args, saved_note: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.saved_note = saved_note
        # A form sent back refused keeps the fingerprint it came with: the check still holds
        # when it is sent again.
        sent = self.data.get("opened", "")
        self.opened = sent if FINGERPRINT.fullmatch(sent) else fingerprint(saved_note)
        self.conflicting = False
        self.joined = len(saved_note) > NOTE_MAX_LENGTH
        too_long = (
            f"This note is longer than {NOTE_MAX_LENGTH:,} characters because two notes were "
            "joined when you signed in: it can be shortened but not lengthened (at most "
            "%(limit_value)s characters; this one has %(show_value)s). Nothing was saved."
            if self.joined
            else "A note can be at most %(limit_value)s characters long; this one has "
            "%(show_value)s. Nothing was saved."
        )
        self.fields["note"] = NoteField(
            required=False,
            strip=False,
            max_length=max(NOTE_MAX_LENGTH, len(saved_note)),
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={"max_length": too_long},
        )

    def changed_elsewhere(self, saved_note: str) -> str | None:
        """Why the valid note sent may not replace `saved_note`, the note as saved now (read
        under the owner's lock): it changed since the form was opened, and the text sent differs
        from it. The form then shows it, keeps the text sent in its box and carries the saved
        note's fingerprint, so that sent again, its text replaces that note knowingly."""
        sent = self.data.get("opened")
        if sent is None or sent == fingerprint(saved_note):
            return None
        if self.cleaned_data["note"] == saved_note:
            return None
        self.saved_note, self.opened, self.conflicting = saved_note, fingerprint(saved_note), True
        return (
            "This note was changed in another tab or on another device after you opened it; it "
            "now reads as shown below. Nothing was saved: your text is still in the box. Save "
            "again to replace the note with it."
        )


class GoalForm(EveryFieldSent):
    # The form's id on the page, where the answer to a date saved is placed (messages_at).
    html_id = "goal-form"

    target_date = forms.DateField(
        required=False,
        label="Target date",
        help_text="Leave empty to remove the target date.",
        widget=forms.DateInput(attrs={"type": "date"}),
        # Only the one unambiguous form: 01/02/2030 is 2 January to some, 1 February to others.
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )

    def clean_target_date(self):
        target = self.cleaned_data["target_date"]
        if target and target <= timezone.localdate():
            raise forms.ValidationError("Choose a date after today.")
        return target


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Progress file (JSON)",
        help_text="A file exported from this site, at most 1 MB.",
        error_messages={"required": "Choose a file to import."},
    )

    def clean_file(self) -> "ImportedFile":
        """The file's rows as (item, status, note) and its target dates; any problem rejects the
        whole file."""
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB. Nothing was imported.")
        content = upload.read()
        try:
            # A byte order mark, which some editors write at the start of a file, is no error.
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            if content.lstrip(b"\xef\xbb\xbf").startswith(",".join(CSV_FIELDS).encode()):
                raise forms.ValidationError(
                    "This is the CSV export, which is for spreadsheets: import takes the JSON "
                    "export. Nothing was imported."
                ) from error
            # A JSON error says where the file goes wrong; others (a number thousands of digits
            # long) only what Python could not do.
            where = f" ({error})" if isinstance(error, json.JSONDecodeError) else ""
            raise forms.ValidationError(
                f"The file is not valid JSON{where}. Nothing was imported."
            ) from error
        except RecursionError as error:
            raise forms.ValidationError(
                "The file nests lists or objects too deeply to be a progress export. "
                "Nothing was imported."
            ) from error
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise forms.ValidationError(
                f'The file is not a progress export: it needs "format": "{EXPORT_FORMAT}" and a '
                '"progress" list. Nothing was imported.'
            )
        # Files written by hand may leave the version out.
        version = data.get("version", EXPORT_VERSION)
        if type(version) not in (int, float) or version != EXPORT_VERSION:
            shown = _shown(json.dumps(version, ensure_ascii=False))
            raise forms.ValidationError(
                f"The file is version {shown} of the export; this site reads version "
                f"{EXPORT_VERSION}. Nothing was imported."
            )
        entries = data.get("progress")
        if not isinstance(entries, list):
            raise forms.ValidationError('The file has no "progress" list. Nothing was imported.')
        # Files exported before target dates were exported have none.
        goals = data.get("goals", [])
        if not isinstance(goals, list):
            raise forms.ValidationError('"goals" must be a list. Nothing was imported.')
        problems: list[str] = []
        imported = ImportedFile(_resolve(entries, problems), _target_dates(goals, problems))
        if problems:
            shown = problems[:10]
            if len(problems) > 10:
                shown.append(f"… and {len(problems) - 10} more problems.")
            raise forms.ValidationError([*shown, "Nothing was imported."])
        return imported


@dataclass(frozen=True)
class ImportedFile:
    """What an import sets: each item's status and note (None where the entry has none: the
    saved note stays), and each career's target date."""

    rows: list[tuple[ChecklistItem, str, str | None]]
    # Each career's target date.
    goals: list[tuple[Career, date]]


def _target_dates(entries: list, problems: list[str]) -> list[tuple[Career, date]]:
    """(career, date) of each target date in the file; what is wrong with one goes to problems."""
    wanted: dict[str, date] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"Target date {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object.")
            continue
        career, day = entry.get("career"), entry.get("target_date")
        if not (isinstance(career, str) and career and isinstance(day, str)):
            problems.append(f'{where} needs "career" and "target_date" as text.')
            continue
        if unstorable := _unstorable({"career": career, "target_date": day}):
            problems.extend(f"{where}: {problem}" for problem in unstorable)
            continue
        try:
            parsed = datetime.strptime(day, "%Y-%m-%d").date()
        except ValueError:
            problems.append(
                f"{where} ({_shown(career)}): “{_shown(day)}” is not a date as YYYY-MM-DD."
            )
            continue
        if career in wanted:
            problems.append(f"{where}: {_shown(career)} has a target date twice.")
        wanted[career] = parsed
    careers = Career.objects.in_bulk(list(wanted), field_name="slug")
    problems.extend(
        f"Target date: no career “{_shown(slug)}”." for slug in wanted if slug not in careers
    )
    return [(careers[slug], day) for slug, day in wanted.items() if slug in careers]


def _shown(value: str) -> str:
    """A value of the file as a message quotes it: cut after 40 characters, so that a file of long
    made-up names does not come back as a page of them."""
    return Truncator(value).chars(40)


def _unstorable(fields: dict[str, object]) -> list[str]:
    problems = []
    for what, pattern in UNSTORABLE.items():
        names = [
            f'"{name}"'
            for name, value in fields.items()
            if isinstance(value, str) and pattern.search(value)
        ]
        if names:
            problems.append(f"{', '.join(names)} may not contain {what}.")
    return problems


def _resolve(entries: list, problems: list[str]) -> list[tuple[ChecklistItem, str, str | None]]:
    """(item, status, note) of each entry of the file, the note None where the entry has no
    "note" (a file written by hand may list statuses alone); what is wrong with one goes to
    problems."""
    wanted: list[tuple[int, str, str, str, str | None]] = []
    for number, entry in enumerate(entries, start=1):
        where = f"Entry {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object.")
            continue
        career, item, status = entry.get("career"), entry.get("item"), entry.get("status")
        note = entry.get("note")
        if not all(isinstance(value, str) and value for value in (career, item, status)):
            problems.append(f'{where} needs "career", "item" and "status" as text.')
            continue
        unstorable = _unstorable({"career": career, "item": item, "status": status, "note": note})
        if unstorable:
            problems.extend(f"{where}: {problem}" for problem in unstorable)
            continue
        if status not in Status.values:
            problems.append(
                f"{where} ({_shown(career)}/{_shown(item)}): unknown status “{_shown(status)}”."
            )
        # No limit on a note's length here beyond the file's: an export holds notes joined at
        # sign-in, which can be longer than a written note, and must import back whole.
        if "note" in entry and not isinstance(note, str):
            problems.append(f'{where} ({_shown(career)}/{_shown(item)}): "note" must be text.')
        wanted.append((number, career, item, status, note if isinstance(note, str) else None))

    slugs = {item for _, _, item, _, _ in wanted}
    items = {}
    # Items merged into another are found under their old slugs too, so old exports import.
    for found in ChecklistItem.objects.select_related("career").filter(
        Q(slug__in=slugs) | ~Q(merged_from="")
    ):
        for slug in (found.slug, *found.merged_from.split()):
            items.setdefault((found.career.slug, slug), found)
    rows: dict[int, tuple] = {}
    named: dict[int, str] = {}
    for number, career, item, status, note in wanted:
        found = items.get((career, item))
        if found is None:
            problems.append(
                f"Entry {number}: no item “{_shown(item)}” in a career “{_shown(career)}”."
            )
        elif named.get(found.pk) == item:
            problems.append(
                f"Entry {number}: {_shown(career)}/{_shown(item)} appears more than once."
            )
        elif found.pk in rows:
            # Two items of the file were merged into one since: the merge rule joins them (an
            # unknown status is already a problem, which stops the import).
            _, other_status, other_note = rows[found.pk]
            if {status, other_status} - set(Status.values):
                continue
            rows[found.pk] = (
                found,
                Status.further(other_status, status),
                None
                if other_note is None and note is None
                else merge_notes(other_note or "", note or ""),
            )
        else:
            named[found.pk] = item
            rows[found.pk] = (found, status, note)
    return list(rows.values())
