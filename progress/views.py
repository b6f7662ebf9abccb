"""Progress pages: marking items, notes, the dashboard, goals, export and import, sharing."""

import csv
import json
from datetime import date, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from careers.models import Career, ChecklistItem
from careers.roadmap import Roadmap

from .forecast import Forecast
from .forms import (
    CSV_FIELDS,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    GoalForm,
    ImportForm,
    NoteForm,
    StatusForm,
    status_form_id,
)
from .limits import limited, notes_refusal
from .models import Goal, Owner, Progress, ShareLink, Status, StatusChange
from .overlay import CareerProgress, Overlay

# Pages with one visitor's progress, notes or account: no cache may keep a copy, the browser's
# included, where the next person at a shared computer could open it from the history.
never_stored = cache_control(private=True, no_store=True)
# Characters that make a spreadsheet read a cell as a formula (OWASP's "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The overview map's panel (templates/progress/_map.html), where an item opens over HTMX, and
# what starts the ids of the panel's status control, apart from the overview's own control.
MAP_PANEL = "map-panel"
PANEL_PREFIX = "panel-"


def _error(request: HttpRequest, message: str, status: HTTPStatus) -> HttpResponse:
    return render(request, "progress/error.html", {"message": message}, status=status)


def _item(item_id: int) -> ChecklistItem:
    items = ChecklistItem.objects.select_related("career", "section__step__career")
    item = items.filter(pk=item_id).first()
    if item is None:
        raise Http404("There is no such item on the roadmap.")
    return item


def next_page(request: HttpRequest) -> str:
    """The page to go on to (the form's or the address's "next"), if it is a page of this site."""
    target = (request.POST.get("next") or request.GET.get("next", "")).split("#", 1)[0]
    # Only a path: redirect() takes a bare word such as "home" for the name of a view.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back_to(request: HttpRequest, item: ChecklistItem) -> str:
    target = next_page(request)
    return f"{target}#item-{item.slug}" if target else item.get_absolute_url()


def _careers_of(owner: Owner):
    if not owner:
        return Career.objects.none()
    started = Progress.objects.of(owner).values("item__career")
    with_goal = Goal.objects.of(owner).values("career")
    return Career.objects.filter(Q(pk__in=started) | Q(pk__in=with_goal))


def _started(owner: Owner) -> list[CareerProgress]:
    today = timezone.localdate()
    return [CareerProgress.read(career.slug, owner, today) for career in _careers_of(owner)]


def _sent_from(request: HttpRequest) -> str:
    """The path of the page an htmx request was sent from; empty when the browser's header
    does not hold an address."""
    try:
        return urlsplit(request.htmx.current_url_abs_path or "").path
    except ValueError:
        return ""


@never_stored
@require_POST
@vary_on_headers("HX-Request")
@limited("progress")
def set_status(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(item_id)
    if item.retired:
        return _error(request, "This item is no longer on the roadmap.", HTTPStatus.NOT_FOUND)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _error(request, form.errors["status"][0], HTTPStatus.BAD_REQUEST)
    owner = Owner.of(request, create=True)
    status = Status(form.cleaned_data["status"])
    Progress.objects.save_for(owner, item, status=status)
    if not request.htmx:
        # Said beside the control, where the redirect lands (see messages_at).
        messages.success(request, f"Saved: {status.label}", extra_tags=status_form_id(item))
        return redirect(_back_to(request, item))
    # Sent from the overview, which has the map, whose parts change too: from its checklist, or
    # from the map's panel; and the panel may be open on the item changed in the checklist.
    on_map = request.headers.get("Roadmap-Page") == "overview"
    from_panel = on_map and (request.htmx.trigger or "").startswith(PANEL_PREFIX)
    sent_from = _sent_from(request)
    on_item = sent_from == reverse("progress:item", args=[item.pk])
    # The visitor's progress page on the career shows the counts, what comes next and the pace.
    on_progress_page = sent_from == reverse("progress:career", args=[item.career.slug])
    if on_progress_page:
        progress = CareerProgress.read(item.career.slug, owner, timezone.localdate())
    else:
        roadmap = Roadmap.read(item.career.slug, ("steps", "checklist"))
        progress = Overlay.of(roadmap, *owner.marks(item.career))
    context = {
        "progress": progress,
        "item": item,
        "stage": next((s for s in progress.roadmap.stages if item in s.items), None),
        "next": next_page(request),
        "on_map": on_map,
        "on_item_page": on_item and not on_map,
        "on_progress_page": on_progress_page,
        "from_panel": from_panel,
        "to_panel": on_map and not from_panel and on_item,
    }
    return render(request, "progress/status_saved.html", context)


def _with_record(request: HttpRequest, item: ChecklistItem) -> "Progress | None":
    return Progress.objects.of(request.owner).filter(item=item).first()


def _status(record: "Progress | None") -> Status:
    return Status(record.status) if record else Status.NOT_STARTED


def _item_context(item: ChecklistItem, record: "Progress | None") -> dict:
    """What an item's page shows besides the note form: the item, its sources, its status."""
    return {
        "item": item,
        "record": record,
        "status": _status(record),
        "cited": tuple(item.sources.all()),
        "prefix": "",
    }


@never_stored
@require_safe
@vary_on_headers("HX-Request", "HX-Target")
def item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(item_id)
    record = _with_record(request, item)
    note = record.note if record else ""
    context = _item_context(item, record)
    if request.htmx.target == MAP_PANEL:
        context.update(panel=True, prefix=PANEL_PREFIX)
        return render(request, "progress/item.html#details", context)
    form = NoteForm(initial={"note": note}, saved_note=note)
    return render(request, "progress/item.html", {**context, "form": form})


@never_stored
@require_POST
@vary_on_headers("HX-Request")
@limited("progress")
def save_note(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(item_id)
    record = _with_record(request, item)
    if item.retired and record is None:
        # What a visitor saved on it stays theirs to edit; nothing new starts on it.
        return _error(request, "This item is no longer on the roadmap.", HTTPStatus.NOT_FOUND)
    form = NoteForm(request.POST, saved_note=record.note if record else "")
    if form.is_valid():
        note = form.cleaned_data["note"]
        with transaction.atomic():
            owner = Owner.locked(request)
            # Again under the owner's lock: a save sent at the same moment has committed by now.
            record = _with_record(request, item)
            refusal = form.changed_elsewhere(record.note if record else "") or notes_refusal(
                owner, {item: note}
            )
            if not refusal:
                record = Progress.objects.save_for(Owner.of(request, create=True), item, note=note)
        if refusal:
            form.add_error("note", refusal)
    if not form.is_valid():
        template = "progress/item.html#note-form" if request.htmx else "progress/item.html"
        context = {**_item_context(item, record), "form": form}
        return render(request, template, context, status=HTTPStatus.BAD_REQUEST)
    if request.htmx:
        form = NoteForm(initial={"note": record.note}, saved_note=record.note)
        context = {"item": item, "form": form, "record": record, "saved": True}
        return render(request, "progress/item.html#note-form", context)
    messages.success(request, "Your note is saved.")
    return redirect("progress:item", item_id=item.pk)


def _first_changes(owner: Owner) -> dict[int, date]:
    """Career id to the day of the owner's oldest change on record in it, in one query."""
    firsts: dict[int, datetime] = dict(
        Progress.objects.of(owner)
        .values("item__career")
        .annotate(first=Min("updated_at"))
        .values_list("item__career", "first")
    )
    return {career: timezone.localdate(moment) for career, moment in firsts.items()}


@never_stored
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    owner = request.owner
    started = _started(owner)
    first_changes = _first_changes(owner)
    cards = [(p, Forecast.of(p, first_changes.get(p.roadmap.career.pk))) for p in started]
    recent = Progress.objects.of(owner).select_related("item__career").order_by("-updated_at")[:15]
    context = {
        "cards": cards,
        "recent": recent,
        "careers": Career.objects.exclude(pk__in=[p.roadmap.career.pk for p in started]),
        "owner": owner,
    }
    return render(request, "progress/dashboard.html", context)


@never_stored
@require_safe
def career_progress(request: HttpRequest, career_slug: str) -> HttpResponse:
    progress = CareerProgress.read(career_slug, request.owner, timezone.localdate())
    initial = {"target_date": progress.goal.target_date if progress.goal else None}
    return render(
        request,
        "progress/career.html",
        {"progress": progress, "goal_form": GoalForm(initial=initial)},
    )


@never_stored
@require_POST
@limited("progress")
def set_goal(request: HttpRequest, career_slug: str) -> HttpResponse:
    career = get_object_or_404(Career, slug=career_slug)
    form = GoalForm(request.POST)
    if not form.is_valid():
        progress = CareerProgress.read(career.slug, request.owner, timezone.localdate())
        context = {"progress": progress, "goal_form": form}
        return render(request, "progress/career.html", context, status=HTTPStatus.BAD_REQUEST)
    target = form.cleaned_data["target_date"]
    # Said beside the form, where the redirect lands (see messages_at).
    if target:
        owner = Owner.of(request, create=True)
        Goal.objects.set_for(owner, career, target)
        said = f"Your target date is {date_format(target, 'j F Y')}."
    else:
        Goal.objects.of(request.owner).filter(career=career).delete()
        said = "Your target date is removed."
    messages.success(request, said, extra_tags=GoalForm.html_id)
    return redirect(reverse("progress:career", args=[career.slug]) + "#goal")


@never_stored
@require_http_methods(["GET", "HEAD", "POST"])
def reset(request: HttpRequest, career_slug: str) -> HttpResponse:
    career = get_object_or_404(Career, slug=career_slug)
    records = Progress.objects.of(request.owner).filter(item__career=career)
    if request.method == "POST":
        deleted = records.clear()
        cleared = f"{deleted} item{pluralize(deleted)} cleared"
        messages.success(request, f"Your progress on {career} is reset ({cleared}).")
        return redirect("progress:career", career_slug=career.slug)
    return render(request, "progress/reset.html", {"career": career, "count": records.count()})


def _export_rows(owner: Owner) -> list[dict]:
    records = (
        Progress.objects.of(owner)
        .select_related("item__career")
        .order_by("item__career__slug", "item__kind", "item__position", "item__slug")
    )
    return [
        {
            "career": p.item.career.slug,
            "item": p.item.slug,
            "title": p.item.title,
            "status": p.status,
            "note": p.note,
            "updated": p.updated_at.isoformat(),
            "retired": p.item.retired,
        }
        for p in records
    ]


def _attachment(response: HttpResponse, extension: str) -> HttpResponse:
    name = f"roadmap-progress-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_stored
@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported": timezone.now().isoformat(),
        "progress": _export_rows(request.owner),
        "goals": [
            {"career": goal.career.slug, "target_date": goal.target_date.isoformat()}
            for goal in Goal.objects.of(request.owner).select_related("career").order_by("career")
        ],
        "history": [
            {
                "career": change.item.career.slug,
                "item": change.item.slug,
                "from": change.before,
                "to": change.after,
                "changed": change.changed_at.isoformat(),
            }
            for change in StatusChange.objects.of(request.owner).select_related("item__career")
        ],
    }
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return _attachment(HttpResponse(body, content_type="application/json"), "json")


@never_stored
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.DictWriter(response, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in _export_rows(request.owner):
        writer.writerow({name: _as_text_cell(value) for name, value in row.items()})
    return _attachment(response, "csv")


def _as_text_cell(value: object) -> str:
    """The value as a spreadsheet cell that shows it as text: a leading quote keeps a note such
    as =HYPERLINK(…) from running as a formula when the file is opened."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@never_stored
@require_http_methods(["GET", "HEAD", "POST"])
@limited("import")
def import_progress(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "progress/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        imported = form.cleaned_data["file"]
        notes = {item: note for item, _, note in imported.rows if note is not None}
        with transaction.atomic():
            refusal = notes_refusal(Owner.locked(request), notes)
            if not refusal:
                owner = Owner.of(request, create=True)
                Progress.objects.import_rows(owner, imported.rows)
                for career, target in imported.goals:
                    Goal.objects.set_for(owner, career, target)
        if refusal:
            form.add_error("file", refusal)
    if not form.is_valid():
        return render(
            request, "progress/import.html", {"form": form}, status=HTTPStatus.BAD_REQUEST
        )
    items, dates = len(imported.rows), len(imported.goals)
    also = f" and {dates} target date{pluralize(dates)}" if dates else ""
    messages.success(request, f"Imported {items} item{pluralize(items)}{also}.")
    return redirect("progress:dashboard")


@never_stored
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def share(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            ShareLink.objects.get_or_create(user=request.user)
            messages.success(request, "Your progress page is public at the address below.")
        elif action == "revoke":
            ShareLink.objects.filter(user=request.user).delete()
            messages.success(request, "Your progress page is no longer public.")
        else:
            return _error(request, "Choose to share or to stop sharing.", HTTPStatus.BAD_REQUEST)
        return redirect("progress:share")
    link = ShareLink.objects.filter(user=request.user).first()
    # "Stop sharing…" asks first: the address cannot be given back once it stops working.
    stopping = link is not None and "stop" in request.GET
    return render(request, "progress/share.html", {"link": link, "stopping": stopping})


@never_stored
@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    link = get_object_or_404(ShareLink.objects.select_related("user"), token=token)
    started = _started(Owner(user=link.user))
    return render(request, "progress/shared.html", {"started": started})
