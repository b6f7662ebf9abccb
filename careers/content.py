"""Moving content between the YAML files in content/ and the database, in both directions.

The files are the source of truth for loading; the database (with admin edits) for dumping. Both
directions read the same description of the files (``SOURCES``, ``CAREER``), so a load followed by a
dump reproduces the files byte for byte. Validation and idempotency live here and nowhere else.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError

from . import models as content_models
from .models import (
    Career,
    ChecklistItem,
    Currency,
    ExchangeRate,
    LoadedContent,
    Source,
    SourceReference,
)
from .signals import items_merged

# How the loader's changes are named in each item's history in the admin.
LOADER_COMMENT = "load_content"


class ContentError(Exception):
    """A content file is invalid; the message names the file, the item and the field."""

    def __init__(self, where: str, message: str, field_name: str | None = None) -> None:
        self.where, self.field_name = where, field_name
        detail = f"field '{field_name}': {message}" if field_name else message
        super().__init__(f"{where}: {detail}")


@dataclass(frozen=True)
class Node:
    """How one kind of list item is written in a file and stored in a model."""

    model: type[models.Model]
    fields: tuple[str, ...]
    parent: str
    children: dict[str, Node] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)
    # Rows of a salary table are cited by their table.
    cited: bool = True

    @property
    def keys(self) -> tuple[str, ...]:
        return ("slug", *self.fields, *(("sources",) if self.cited else ()), *self.children)


def _item_node(model: type[models.Model], *fields: str, **kwargs: Any) -> Node:
    return Node(model, fields, parent="career", **kwargs)


CHECKLIST_IN_SECTION = Node(ChecklistItem, ("kind", "title", "body"), parent="section")
CAREER_LISTS: dict[str, Node] = {
    "steps": _item_node(
        content_models.Step,
        "title",
        "summary",
        children={
            "sections": Node(
                content_models.StepSection,
                ("heading", "body"),
                parent="step",
                children={"items": CHECKLIST_IN_SECTION},
            )
        },
    ),
    "skills": _item_node(ChecklistItem, "title", "body", "merged_from", fixed={"kind": "skill"}),
    "requirements": _item_node(
        ChecklistItem, "title", "body", "merged_from", fixed={"kind": "requirement"}
    ),
    "duties": _item_node(content_models.Duty, "title", "body"),
    "benefits": _item_node(content_models.Benefit, "title", "body"),
    "trends": _item_node(content_models.Trend, "title", "body"),
    "tools": _item_node(content_models.Tool, "name", "category"),
    "market_facts": _item_node(
        content_models.MarketFact, "figure", "measures", "year_start", "year_end", "attributed_to"
    ),
    "timelines": _item_node(content_models.Timeline, "min_months", "max_months", "note"),
    "faqs": _item_node(content_models.Faq, "question", "answer", "question_reconstructed"),
    "salary_tables": _item_node(
        content_models.SalaryTable,
        "title",
        "dimension",
        "as_of",
        "attributed_to",
        "caveat",
        "average_amount",
        "average_currency",
        children={
            "rows": Node(
                content_models.SalaryRow,
                (
                    "label",
                    "currency",
                    "currency_assumed",
                    "minimum",
                    "maximum",
                    "period",
                    "average",
                    "as_stated",
                ),
                parent="table",
                cited=False,
            )
        },
    ),
}
CAREER_FIELDS = (
    "title",
    "position",
    "tagline",
    "introduction",
    "who_can_become",
    "steps_note",
    "learning_after",
    "learning_note",
)
CAREER_KEYS = ("slug", *CAREER_FIELDS, "sources", *CAREER_LISTS)
SOURCE_FIELDS = ("title", "publisher", "author", "published", "date_label", "file_name", "notes")
SOURCE_KEYS = ("slug", *SOURCE_FIELDS, "references")
RATE_DAY_KEYS = ("date", "source", "per_euro")
RATE_FIELDS = ("date", "currency", "source", "per_euro")


@dataclass
class CareerState:
    """What loading one career file keeps track of across its lists."""

    career: Career
    checklist: dict[str, ChecklistItem]
    checklist_seen: set[str] = field(default_factory=set)
    stale: list[models.Model] = field(default_factory=list)


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)
    # Edits made in the database since the last load that this load overwrote (--force).
    overwritten: list[Difference] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.created, self.updated, self.deleted, self.retired))

    def lines(self) -> list[str]:
        return [
            f"{verb} {count} {name}"
            for verb, counter in (
                ("created", self.created),
                ("updated", self.updated),
                ("retired", self.retired),
                ("deleted", self.deleted),
            )
            for name, count in sorted(counter.items())
        ]


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


# ---------------------------------------------------------------------------- values in files


class ImpossibleDate(str):
    """A value written as a date that no calendar has, e.g. 2023-13-45, kept as its text.

    PyYAML fails on such a value while reading the file, where the item and the field it
    belongs to are unknown; kept, it is refused where it is used, with both named.
    """

    reason = ""


class _ContentYamlLoader(yaml.SafeLoader):
    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            value = ImpossibleDate(self.construct_scalar(node))
            value.reason = str(error)
            return value


_ContentYamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _ContentYamlLoader.construct_yaml_timestamp
)


def _to_python(model_field: models.Field, value: Any, where: str) -> Any:
    """Turn a YAML value into what the model field holds; absent means the field's default."""
    if value is None:
        if model_field.null:
            return None
        if model_field.has_default():
            return model_field.get_default()
        if isinstance(model_field, models.CharField | models.TextField):
            return ""
        raise ContentError(where, "is required", model_field.name)
    if isinstance(model_field, models.DecimalField):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ContentError(where, f"{value!r} is not an amount", model_field.name)
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ContentError(where, f"{value!r} is not an amount", model_field.name) from None
    if isinstance(model_field, models.DateField):
        if isinstance(value, ImpossibleDate):
            raise ContentError(
                where, f"{value} is not a date that exists ({value.reason})", model_field.name
            )
        if not isinstance(value, datetime.date):
            raise ContentError(where, f"{value!r} is not a date (YYYY-MM-DD)", model_field.name)
        return value
    if isinstance(model_field, models.BooleanField):
        if not isinstance(value, bool):
            raise ContentError(where, f"{value!r} is not true or false", model_field.name)
        return value
    if isinstance(model_field, models.IntegerField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ContentError(where, f"{value!r} is not a whole number", model_field.name)
        return value
    if not isinstance(value, str):
        raise ContentError(where, f"{value!r} is not text", model_field.name)
    # Neither can be stored in PostgreSQL's text; YAML writes them as "\0" and "\ud800".
    if "\x00" in value:
        raise ContentError(where, "contains a NUL character (\\0)", model_field.name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ContentError(
            where,
            "contains a lone surrogate (\\ud800 to \\udfff), which is not text",
            model_field.name,
        ) from None
    return value


def _to_file(model_field: models.Field, value: Any) -> Any:
    """The value as written in a file, or None when it is the default and so left out."""
    if isinstance(model_field, models.BooleanField):
        return None if value == model_field.get_default() else value
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        # A plain number where a float holds it exactly as written, else a quoted string.
        return float(value) if Decimal(repr(float(value))) == value else str(value.normalize())
    return value


# ---------------------------------------------------------------------------- loading


def _fill(
    obj: models.Model, entry: dict, field_names: tuple[str, ...], where: str, extra: dict[str, Any]
) -> bool:
    """Set the object's fields from the entry and validate them; returns whether any changed."""
    changed = False
    values = dict(extra)
    for name in field_names:
        values[name] = _to_python(obj._meta.get_field(name), entry.get(name), where)
    for name, value in values.items():
        wanted = value.pk if isinstance(value, models.Model) else value
        if getattr(obj, obj._meta.get_field(name).attname) != wanted:
            setattr(obj, name, value)
            changed = True
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ContentError(where, " ".join(messages), None if name == "__all__" else name) from None
    return changed


def _check_keys(entry: Any, allowed: tuple[str, ...], where: str) -> None:
    if not isinstance(entry, dict):
        raise ContentError(where, "each entry must be a mapping of keys to values")
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise ContentError(where, f"not a known key (known: {', '.join(allowed)})", unknown[0])


class Loader:
    def __init__(self, sources: dict[str, Source], report: Report) -> None:
        self.sources = sources
        self.report = report

    def _slug(self, entry: dict, where: str, seen: set[str]) -> str:
        slug = entry.get("slug")
        if not isinstance(slug, str) or not slug:
            raise ContentError(where, "is required", "slug")
        if slug in seen:
            raise ContentError(where, f"'{slug}' is used twice", "slug")
        seen.add(slug)
        return slug

    def _cited(self, entry: dict, where: str) -> list[Source]:
        slugs = entry.get("sources")
        if not slugs or not isinstance(slugs, list):
            raise ContentError(where, "every item cites at least one source", "sources")
        unknown = [slug for slug in slugs if slug not in self.sources]
        if unknown:
            raise ContentError(where, f"unknown source '{unknown[0]}'", "sources")
        return [self.sources[slug] for slug in slugs]

    def save(
        self,
        obj: models.Model,
        entry: dict,
        field_names: tuple[str, ...],
        where: str,
        extra: dict[str, Any],
        moved: bool = False,
    ) -> bool:
        """Set the fields from the entry, validate, and save only if something changed.

        ``moved`` says the row's position was set aside in the database while its list is
        reordered, so it must be written back even when nothing changed. Returns whether the
        object is new.
        """
        is_new = obj.pk is None
        changed = _fill(obj, entry, field_names, where, extra) or is_new
        if changed or moved:
            obj.save()
        if changed:
            (self.report.created if is_new else self.report.updated)[_label(type(obj))] += 1
        return is_new

    def cite(self, obj: models.Model, sources: list[Source], is_new: bool) -> None:
        if {source.pk for source in obj.sources.all()} != {source.pk for source in sources}:
            obj.sources.set(sources)
            if not is_new:
                self.report.updated[f"citations of {_label(type(obj))}"] += 1

    def sync_list(
        self, node: Node, parent: models.Model, entries: Any, where: str, state: CareerState
    ) -> None:
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise ContentError(where, "must be a list")
        is_checklist = node.model is ChecklistItem
        scope = node.model.objects.filter(**{node.parent: parent}, **node.fixed)
        if is_checklist:
            scope = scope.filter(retired=False)
            existing = {obj.slug: state.checklist[obj.slug] for obj in scope}
        else:
            existing = {obj.slug: obj for obj in scope}
        slugs: list[str] = []
        seen = state.checklist_seen if is_checklist else set()
        for index, entry in enumerate(entries, 1):
            item_where = f"{where}[{index}]"
            _check_keys(entry, node.keys, item_where)
            slugs.append(self._slug(entry, item_where, seen))
        reordering = [o.slug for o in sorted(existing.values(), key=lambda o: o.position)] != slugs
        if reordering:
            scope.move_aside()

        for position, (slug, entry) in enumerate(zip(slugs, entries, strict=True), 1):
            item_where = f"{where}[{position}] '{slug}'"
            extra: dict[str, Any] = {node.parent: parent, "position": position, **node.fixed}
            moved = reordering and slug in existing
            if is_checklist:
                # Checklist items are keyed by slug across the whole career: an item may move
                # between lists, and a retired one comes back when its slug returns.
                obj = state.checklist.pop(slug, None) or ChecklistItem(
                    career=state.career, slug=slug
                )
                extra["retired"] = False
                if node.parent == "career":
                    extra["section"] = None
                else:
                    extra["kind"] = entry.get("kind") or ChecklistItem.Kind.ACTION
            else:
                obj = existing.pop(slug, None) or node.model(slug=slug)
            is_new = self.save(
                obj,
                entry,
                tuple(f for f in node.fields if f not in extra),
                item_where,
                extra,
                moved=moved,
            )
            if node.cited:
                self.cite(obj, self._cited(entry, item_where), is_new)
            for key, child in node.children.items():
                self.sync_list(child, obj, entry.get(key), f"{item_where} > {key}", state)
        if not is_checklist:
            state.stale.extend(existing.values())

    def load_career(self, data: Any, where: str) -> None:
        _check_keys(data, CAREER_KEYS, where)
        slug = self._slug(data, where, set())
        career = Career.objects.filter(slug=slug).first() or Career(slug=slug)
        is_new = self.save(career, data, CAREER_FIELDS, where, {})
        self.cite(career, self._cited(data, where), is_new)
        state = CareerState(career, {item.slug: item for item in career.checklist_items.all()})
        for key, node in CAREER_LISTS.items():
            self.sync_list(node, career, data.get(key), f"{where} > {key}", state)
        self.merge_items(career, state)
        # Checklist items first: a retired one leaves its section, which may be about to go; it
        # gets its section back from the files if its slug returns.
        for item in state.checklist.values():
            try:
                item.delete()
            except ProtectedError:
                # Something a visitor saved points to it: it is retired, never deleted.
                if not item.retired:
                    self.report.retired[_label(ChecklistItem)] += 1
                if not item.retired or item.section_id:
                    item.retired, item.section = True, None
                    item.save(update_fields=["retired", "section"])
            else:
                self.report.deleted[_label(ChecklistItem)] += 1
        for obj in state.stale:
            if obj.pk is not None:
                self.report.deleted[_label(type(obj))] += 1
                obj.delete()

    def merge_items(self, career: Career, state: CareerState) -> None:
        """Items the files merged into another (its merged_from) hand over what visitors saved
        on them (items_merged); left without it, they are deleted below."""
        for item in ChecklistItem.objects.filter(career=career, retired=False).exclude(
            merged_from=""
        ):
            for slug in item.merged_from.split():
                merged = state.checklist.get(slug)
                if merged is not None and merged.pk != item.pk:
                    items_merged.send(sender=ChecklistItem, merged=merged, into=item)
                    self.report.updated["merged checklist items"] += 1

    def load_sources(self, data: Any, where: str) -> None:
        if not isinstance(data, dict) or set(data) != {"sources"}:
            raise ContentError(where, "the file holds one key, 'sources', with a list")
        entries = data["sources"]
        if not isinstance(entries, list):
            raise ContentError(where, "must be a list", "sources")
        seen: set[str] = set()
        for index, entry in enumerate(entries, 1):
            item_where = f"{where} > sources[{index}]"
            _check_keys(entry, SOURCE_KEYS, item_where)
            slug = self._slug(entry, item_where, seen)
            item_where += f" '{slug}'"
            source = Source.objects.filter(slug=slug).first() or Source(slug=slug)
            is_new = self.save(source, entry, SOURCE_FIELDS, item_where, {})
            self.sources[slug] = source
            urls = entry.get("references") or []
            if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
                raise ContentError(item_where, "must be a list of web addresses", "references")
            if [ref.url for ref in source.references.all()] != urls:
                source.references.all().delete()
                for position, url in enumerate(urls, 1):
                    reference = SourceReference(source=source, position=position, url=url)
                    try:
                        reference.full_clean()
                    except ValidationError as error:
                        raise ContentError(
                            item_where, f"{url!r}: {' '.join(error.messages)}", "references"
                        ) from None
                    reference.save()
                if not is_new:
                    self.report.updated["references of sources"] += 1
        for source in Source.objects.exclude(slug__in=seen):
            self.sources.pop(source.slug, None)
            source.delete()
            self.report.deleted[_label(Source)] += 1

    def load_rates(self, data: Any, where: str) -> None:
        kept: set[int] = set()
        for entry, rate_where in _rate_entries(data, where):
            stored = ExchangeRate.objects.filter(date=entry["date"], currency=entry["currency"])
            rate = stored.first() or ExchangeRate()
            self.save(rate, entry, RATE_FIELDS, rate_where, {})
            kept.add(rate.pk)
        stale = ExchangeRate.objects.exclude(pk__in=kept)
        if stale.exists():
            self.report.deleted[_label(ExchangeRate)] += stale.count()
            stale.delete()


def _rate_entries(data: Any, where: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Each rate of a rates file, with the place it is written, once the file's shape is checked."""
    if not isinstance(data, dict) or set(data) != {"rates"} or not isinstance(data["rates"], list):
        raise ContentError(where, "the file holds one key, 'rates', with a list of days")
    days: set[datetime.date] = set()
    for index, entry in enumerate(data["rates"], 1):
        day_where = f"{where} > rates[{index}]"
        _check_keys(entry, RATE_DAY_KEYS, day_where)
        per_euro = entry.get("per_euro")
        if not isinstance(per_euro, dict) or not per_euro:
            raise ContentError(day_where, "maps currency codes to rates", "per_euro")
        date = entry.get("date")
        if date in days:
            raise ContentError(day_where, f"{date} is listed twice", "date")
        days.add(date)
        for code, value in per_euro.items():
            rate_where = f"{day_where} '{date}' > per_euro '{code}'"
            if code not in Currency.values:
                raise ContentError(
                    rate_where, f"unknown currency code (known: {', '.join(Currency.values)})"
                )
            yield (
                {"date": date, "currency": code, "source": entry.get("source"), "per_euro": value},
                rate_where,
            )


def read_rates(data: Any, where: str) -> list[ExchangeRate]:
    """The rates a rates file holds, checked as the loader checks them, without saving them."""
    rates = []
    for entry, rate_where in _rate_entries(data, where):
        rate = ExchangeRate()
        _fill(rate, entry, RATE_FIELDS, rate_where, {})
        rates.append(rate)
    return rates


def read_yaml(path: Path, name: str) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_ContentYamlLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(name, f"is not valid YAML{at}: {problem}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(name, f"cannot be read: {error}") from None


def career_files(directory: Path) -> list[Path]:
    return sorted((directory / "careers").glob("*.yaml"))


def load_content(directory: Path, force: bool = False) -> Report:
    """Load every content file; on any error nothing is changed and ContentError is raised.

    An edit made in the database since the last load (in the admin) is never overwritten
    unnoticed: if the files would undo one, EditsWouldBeLost is raised and nothing is changed,
    unless ``force`` says to overwrite them (the report then lists what was overwritten).
    """
    try:
        with transaction.atomic():
            record = LoadedContent.objects.first()
            recorded = record.files if record else {}
            before = dumped()
            with reversion.create_revision():
                reversion.set_comment(LOADER_COMMENT + (" --force" if force else ""))
                report = _load_all(directory)
            after = dumped()
            report.overwritten = undone_edits(recorded, before, after)
            if report.overwritten and not force:
                raise EditsWouldBeLost(report.overwritten, recorded=record is not None)
            _record(after)
            return report
    except IntegrityError as error:
        raise ContentError(str(directory), f"the content breaks a database rule: {error}") from None


def _load_all(directory: Path) -> Report:
    report = Report()
    loader = Loader({source.slug: source for source in Source.objects.all()}, report)
    sources_path = directory / "sources.yaml"
    if not sources_path.exists():
        raise ContentError(str(sources_path), "is missing")
    loader.load_sources(read_yaml(sources_path, str(sources_path)), str(sources_path))
    for path in career_files(directory):
        loader.load_career(read_yaml(path, str(path)), str(path))
    rates_path = directory / "rates.yaml"
    if rates_path.exists():
        loader.load_rates(read_yaml(rates_path, str(rates_path)), str(rates_path))
    return report


# ---------------------------------------------------------------------------- dumping


class _Dumper(yaml.SafeDumper):
    """Block style; texts with line breaks as literal blocks, so diffs read like prose."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _entry(obj: models.Model, field_names: tuple[str, ...]) -> dict[str, Any]:
    entry: dict[str, Any] = {"slug": obj.slug}
    for name in field_names:
        value = _to_file(obj._meta.get_field(name), getattr(obj, name))
        if value is not None:
            entry[name] = value
    return entry


def _cited_entry(obj: models.Model, field_names: tuple[str, ...]) -> dict[str, Any]:
    entry = _entry(obj, field_names)
    entry["sources"] = sorted(source.slug for source in obj.sources.all())
    return entry


def _dump_list(node: Node, parent: models.Model) -> list[dict[str, Any]]:
    queryset = node.model.objects.filter(**{node.parent: parent}, **node.fixed)
    if node.model is ChecklistItem:
        queryset = queryset.filter(retired=False)
    entries = []
    if node.cited:
        queryset = queryset.prefetch_related("sources")
    for obj in queryset.order_by("position"):
        entry = _cited_entry(obj, node.fields) if node.cited else _entry(obj, node.fields)
        for key, child in node.children.items():
            entry[key] = _dump_list(child, obj)
        entries.append(entry)
    return entries


def dump_career(career: Career) -> str:
    data = _cited_entry(career, CAREER_FIELDS)
    for key, node in CAREER_LISTS.items():
        data[key] = _dump_list(node, career)
    return to_yaml(data)


def dump_sources() -> str:
    entries = []
    for source in Source.objects.order_by("published", "slug").prefetch_related("references"):
        entry = _entry(source, SOURCE_FIELDS)
        entry["references"] = [ref.url for ref in source.references.order_by("position")]
        entries.append(entry)
    return to_yaml({"sources": entries})


def dump_rates(rates: Iterable[ExchangeRate] | None = None) -> str:
    """The rates file's text for the given rates, saved or not; by default the database's."""
    if rates is None:
        rates = ExchangeRate.objects.all()
    days: dict[datetime.date, dict[str, Any]] = {}
    for rate in sorted(rates, key=lambda rate: (rate.date, rate.currency)):
        day = days.setdefault(rate.date, {"date": rate.date, "source": rate.source, "per_euro": {}})
        day["per_euro"][rate.currency] = _to_file(rate._meta.get_field("per_euro"), rate.per_euro)
    return to_yaml({"rates": list(days.values())})


def dumped() -> dict[str, str]:
    """The text of every content file as the database would write it, keyed by its path."""
    texts = {"sources.yaml": dump_sources()}
    for career in Career.objects.order_by("slug"):
        texts[f"careers/{career.slug}.yaml"] = dump_career(career)
    if ExchangeRate.objects.exists():
        texts["rates.yaml"] = dump_rates()
    return texts


def _record(files: dict[str, str]) -> None:
    """Remember the files as matching the database: edits are told apart from them from now."""
    record = LoadedContent.objects.first()
    if record is None:
        LoadedContent.objects.create(files=files)
    elif record.files != files:
        record.files = files
        record.save()


def dump_content(directory: Path) -> list[Path]:
    """Write the database's content to the files, which then match it as a load would leave it;
    returns the files whose text changed."""
    written = []
    files = dumped()
    _record(files)
    for relative, text in files.items():
        path = directory / relative
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# ---------------------------------------------------------------- edits since the last load


@dataclass(frozen=True)
class Difference:
    """One value that differs between the database and the files; an empty field means the
    item itself, there on one side and missing on the other."""

    item: str
    field: str
    database: Any
    files: Any

    def line(self) -> str:
        if not self.field:
            return (
                f"{self.item}: {_presence(self.database)} in the database, "
                f"{_presence(self.files)} in the files"
            )
        return (
            f"{self.item}: field '{self.field}': database {_shown(self.database)}, "
            f"files {_shown(self.files)}"
        )


# The field that holds the order of a list, e.g. "order of steps".
ORDER_OF = "order of "


def _presence(value: Any) -> str:
    return "absent" if value is None else "present"


def _shown(value: Any, width: int = 60) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, tuple):
        return f"[{', '.join(map(str, value))}]"
    if isinstance(value, str):
        return repr(value if len(value) <= width else value[: width - 1] + "…")
    return str(value)


class EditsWouldBeLost(Exception):
    """Loading the files would undo changes made in the database since the last load."""

    def __init__(self, edits: list[Difference], recorded: bool) -> None:
        self.edits = edits
        intro = (
            "The content in the database was changed since the files were last loaded (in the "
            "admin, for example), and loading these files would undo these changes:"
            if recorded
            else "This database has no record of an earlier load, so any difference from the "
            "files may be an edit made in the admin; loading these files would change:"
        )
        super().__init__("\n".join([intro, *(f"  {edit.line()}" for edit in edits)]))


def _flatten(data: dict[str, Any], item: str, values: dict[tuple[str, str], Any]) -> None:
    """Each value of a file's item and of the items in its lists, keyed by (item, field).

    Items in lists are named by their slug (rates by their date), the list's order is a value of
    its own, and an item's presence is the value of its empty field.
    """
    values[item, ""] = True
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(entry, dict) for entry in value):
            names = []
            for entry in value:
                name_key = "slug" if "slug" in entry else "date"
                names.append(str(entry.get(name_key)))
                fields = {k: v for k, v in entry.items() if k != name_key}
                _flatten(fields, f"{item} > {key} '{names[-1]}'", values)
            values[item, f"{ORDER_OF}{key}"] = tuple(names)
        elif isinstance(value, dict):
            for name, sub_value in value.items():
                values[item, f"{key} {name}"] = sub_value
        elif isinstance(value, list):
            if value:
                values[item, key] = tuple(value)
        else:
            values[item, key] = value


def _reordered(
    first: tuple[str, ...], second: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stretch where two orders of a list differ, leaving out items one of them lacks (each
    is listed on its own); empty when those are the only difference."""
    common = set(first) & set(second)
    first = tuple(name for name in first if name in common)
    second = tuple(name for name in second if name in common)
    if first == second:
        return (), ()
    pairs = list(zip(first, second, strict=True))
    start = next(index for index, (a, b) in enumerate(pairs) if a != b)
    end = len(pairs) - next(index for index, (a, b) in enumerate(reversed(pairs)) if a != b)
    return first[start:end], second[start:end]


def _values(texts: dict[str, str]) -> dict[tuple[str, str], Any]:
    values: dict[tuple[str, str], Any] = {}
    for path, text in texts.items():
        _flatten(yaml.safe_load(text), path, values)
    return values


def undone_edits(
    recorded: dict[str, str], before: dict[str, str], after: dict[str, str]
) -> list[Difference]:
    """The changes made in the database since the last load (``recorded``, in the dumped form
    of the files) that this load (from ``before`` to ``after``) would undo.

    A change counts when the database differs from the record and the load would change that
    value again: to the files' value, whatever it is.
    """
    if before == recorded:
        return []
    was, now, loaded = _values(recorded), _values(before), _values(after)
    edits = []
    for key in dict.fromkeys([*now, *loaded, *was]):
        database, files = now.get(key), loaded.get(key)
        if database == was.get(key) or files == database:
            continue
        if key[1].startswith(ORDER_OF):
            database, files = _reordered(database or (), files or ())
            if not database:
                continue
        edits.append(Difference(*key, database=database, files=files))
    # An item there on one side only is one line, not one per field of it and of its children.
    whole = [edit.item for edit in edits if not edit.field]
    return [
        edit
        for edit in edits
        if not any(
            edit.item.startswith(f"{item} > ") or (edit.item == item and edit.field)
            for item in whole
        )
    ]
