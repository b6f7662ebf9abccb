import hashlib
import json
from functools import cached_property
from http import HTTPStatus

import reversion
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.forms import BaseInlineFormSet, BaseModelFormSet, ModelForm
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from roadmap_site.admin_site import ReadableAutocompletes

from . import models

TAKEN_POSITION = "Another item of this list has this position."
ROW_DELETED = (
    "A row of this list was deleted after you opened this page, so nothing was saved. Open the "
    "list again to see it as it is now."
)
# The change form's hidden input with the fingerprint of the item as the form was opened.
OPENED = "_opened"
CHANGED_SINCE_OPENED = (
    "This item, or a row of it below, was changed after you opened this page (its History says "
    "by whom). Nothing was saved: your changes are still in the form. Save again to replace what "
    "was saved meanwhile with them, or open the item again to start from it."
)

# Every model of the content keeps its versions, each item on its own (nothing is followed), so
# that putting one item back never changes another. Registered here, before the admin classes
# below, which would otherwise register each model following its inlines; the admin is loaded
# whenever Django starts, so load_content records its changes too.
for content_model in apps.get_app_config("careers").get_models():
    if content_model is not models.LoadedContent:
        reversion.register(content_model)


def put_back(version: Version) -> Model:
    """Restore the item a version was taken of, as it was then, checked as any save is.

    Nothing else changes, except the item holding its old position, which swaps with it (as on
    any save); a deleted item whose position has been taken since comes back at the end of its
    list. Raises RevertError, saying why, when the item cannot be saved as it was.
    """
    restored = next(
        serializers.deserialize(version.format, version.serialized_data, ignorenonexistent=True)
    )
    item = restored.object
    model = type(item)
    item._state.adding = not model._default_manager.filter(pk=item.pk).exists()
    if isinstance(item, models.Ordered) and not item.keeps_its_list() and item.list_key():
        others = model._default_manager.filter(**dict(item.list_key())).exclude(pk=item.pk)
        if others.filter(position=item.position).exists():
            item.position = (others.aggregate(last=Max("position"))["last"] or 0) + 1
    try:
        item.full_clean()
    except ValidationError as error:
        reasons = " ".join(error.messages)
        raise RevertError(f"{version.object_repr} cannot be put back: {reasons}") from None
    cited = None
    if model in models.CITING_MODELS:
        cited = list(models.Source.objects.filter(pk__in=restored.m2m_data.get("sources", [])))
        if not cited:
            raise RevertError(
                f"{version.object_repr} cannot be put back: none of the sources it cited is left."
            )
    item.save()
    if cited is not None:
        item.sources.set(cited)
    return item


class _Preview(Exception):
    """Undoes a put-back that was only shown, or whose form was refused."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


class HistoryAdmin(VersionAdmin):
    """Staff see every version of an item (History) and put one back, or recover a deleted item.

    django-reversion's own revert restores every object saved in the same revision (all that
    one load_content run changed, say); here only the chosen item is put back (put_back), then
    shown in its change form, where saving it validates and records it like any other save.
    """

    history_latest_first = True

    def opened_state(self, request: HttpRequest, obj: Model, lock: bool = False) -> str:
        """A fingerprint of the item and the rows of its inlines, as saved now: the change form
        carries the one it was opened with, and saving over a change made since is refused, so
        that two staff editing one item do not undo each other unseen. With `lock`, the item
        stays locked until the save's transaction ends: two saves of it are checked in turn."""
        items = type(obj)._default_manager.filter(pk=obj.pk)
        rows = list(items.select_for_update() if lock else items)
        for inline in self.get_inline_instances(request, obj):
            parent = inline.get_formset(request, obj).fk.name
            rows += inline.get_queryset(request).filter(**{parent: obj.pk}).order_by("pk")
        saved = serializers.serialize("python", rows)
        for row, data in zip(rows, saved, strict=True):
            # The ids of what an item cites, in whatever order the database reads them.
            for field in row._meta.many_to_many:
                if field.name in data["fields"]:  # not one with a through model of its own
                    data["fields"][field.name] = sorted(data["fields"][field.name])
        text = json.dumps(saved, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A save from a form without the fingerprint is not checked.
        if not change or obj is None or OPENED not in request.POST:
            return form
        admin = self

        class UnchangedSinceOpened(form):
            # The fingerprint as saved now, once a save is refused for a change made since.
            saved_since = None

            def clean(self):
                cleaned = super().clean()
                saved = admin.opened_state(request, obj, lock=True)
                if self.data[OPENED] != saved:
                    self.saved_since = saved
                    raise ValidationError(CHANGED_SINCE_OPENED, code="changed")
                return cleaned

        return UnchangedSinceOpened

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            # A form refused for another reason keeps the fingerprint it was opened with: what
            # changed meanwhile is still unseen. Refused for a change made since, it takes the
            # new one, so that saving again replaces that change knowingly.
            context["opened"] = (
                getattr(context["adminform"].form, "saved_since", None)
                or request.POST.get(OPENED)
                or self.opened_state(request, obj)
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        version = get_object_or_404(self._versions(), pk=version_id, object_id=object_id)
        context = {
            "title": f"Put back {version.object_repr}",
            "revert": True,
            **(extra_context or {}),
        }
        back = self._url("history", quote(object_id))
        return self._put_back_view(request, version, "revision_form.html", back, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(self._versions(), pk=version_id)
        context = {
            "title": f"Recover {version.object_repr}",
            "recover": True,
            **(extra_context or {}),
        }
        return self._put_back_view(
            request, version, "recover_form.html", self._url("recoverlist"), context
        )

    def _versions(self):
        return Version.objects.get_for_model(self.model)

    def _url(self, view: str, *args: str) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args
        )

    def _put_back_view(
        self, request: HttpRequest, version: Version, template: str, back: str, context: dict
    ) -> HttpResponse:
        """The change form of the item as the version has it; saving it keeps that."""
        try:
            with transaction.atomic(using=version.db), self.create_revision(request):
                put_back(version)
                response = self.changeform_view(
                    request, quote(version.object_id), request.path, context
                )
                if request.method == "POST" and response.status_code == HTTPStatus.FOUND:
                    saved_on = localize(template_localtime(version.revision.date_created))
                    reversion.set_comment(f"Put back the version saved on {saved_on}.")
                    return response
                if isinstance(response, TemplateResponse):
                    response.template_name = self._reversion_get_template_list(template)
                    response.render()
                raise _Preview(response)
        except RevertError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(back)
        except _Preview as preview:
            return preview.response


class OrderedFormSetMixin:
    """Refuses forms that would leave two rows of one list at one position.

    A row saved at the position another row holds swaps with it (models.Ordered), so only the
    positions the forms end with must differ. An inline holds every row of its list and a list
    page adds no rows, so a new row's position needs checking against the forms only.
    """

    forms: list[ModelForm]

    def clean(self) -> None:
        super().clean()
        # A row deleted since the page was opened cannot be saved. One marked here to be deleted
        # is let go: Django's formsets skip a row that is gone already.
        pk = self.model._meta.pk.name
        kept = [
            form for form in self.initial_forms if not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]
        if any(pk in form.errors for form in kept):
            raise ValidationError(ROW_DELETED, code="deleted")
        taken = set()
        for form in self.saved_forms():
            item = form.instance
            key = item.list_key()
            if key is None:
                continue
            if (key, item.position) in taken:
                form.add_error("position", TAKEN_POSITION)
            taken.add((key, item.position))

    def saved_forms(self) -> list[ModelForm]:
        """The forms whose rows will be saved: valid, not to be deleted, and filled in."""
        return [
            form
            for form in self.forms
            if form.is_valid()
            and not form.cleaned_data.get(DELETION_FIELD_NAME)
            and (form.instance.pk is not None or form.has_changed())
        ]


class OrderedModelFormSet(OrderedFormSetMixin, BaseModelFormSet):
    pass


class OrderedInlineFormSet(OrderedFormSetMixin, BaseInlineFormSet):
    pass


class OrderedAdmin(HistoryAdmin):
    """A list of ordered items whose position column staff edit in place."""

    list_editable = ("position",)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=OrderedModelFormSet, **kwargs)


class SourceReferenceInline(admin.TabularInline):
    model = models.SourceReference
    formset = OrderedInlineFormSet
    extra = 0
    show_change_link = True


@admin.register(models.Source)
class SourceAdmin(HistoryAdmin):
    list_display = ("title", "publisher", "author", "date_label", "published", "file_name")
    list_filter = ("publisher",)
    search_fields = ("title", "publisher", "author", "slug")
    date_hierarchy = "published"
    inlines = [SourceReferenceInline]


class CitedInline(ReadableAutocompletes, admin.StackedInline):
    formset = OrderedInlineFormSet
    extra = 0
    autocomplete_fields = ("sources",)


class StepInline(CitedInline):
    model = models.Step
    fields = ("position", "slug", "title", "summary", "sources")
    show_change_link = True


@admin.register(models.Career)
class CareerAdmin(HistoryAdmin):
    list_display = ("title", "slug", "position")
    list_editable = ("position",)
    search_fields = ("title", "tagline", "introduction")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("sources",)
    inlines = [StepInline]


class StepSectionInline(CitedInline):
    model = models.StepSection
    fields = ("position", "slug", "heading", "body", "sources")
    show_change_link = True


@admin.register(models.Step)
class StepAdmin(OrderedAdmin):
    list_display = ("title", "career", "position", "slug")
    list_filter = ("career",)
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    autocomplete_fields = ("sources",)
    inlines = [StepSectionInline]


class SectionItemFormSet(OrderedInlineFormSet):
    """A section's checklist items; one added here belongs to the section's career, and its slug
    must be unique within that career."""

    @cached_property
    def career_id(self) -> int | None:
        steps = models.Step.objects.filter(pk=self.instance.step_id)
        return steps.values_list("career_id", flat=True).first()

    def get_form_kwargs(self, index):
        # An existing item's form is given the item instead of this one.
        return {
            **super().get_form_kwargs(index),
            "instance": models.ChecklistItem(career_id=self.career_id),
        }

    def clean(self) -> None:
        super().clean()
        slugs = set()
        for form in self.saved_forms():
            item = form.instance
            others = models.ChecklistItem.objects.filter(career_id=item.career_id, slug=item.slug)
            if item.slug in slugs or others.exclude(pk=item.pk).exists():
                form.add_error(
                    "slug",
                    f"Another checklist item of this career already uses the slug “{item.slug}”.",
                )
            slugs.add(item.slug)


class ChecklistItemInline(CitedInline):
    model = models.ChecklistItem
    formset = SectionItemFormSet
    fields = ("position", "kind", "slug", "title", "body", "retired", "sources")


@admin.register(models.StepSection)
class StepSectionAdmin(OrderedAdmin):
    list_display = ("heading", "step", "position", "slug")
    list_filter = ("step__career", "step")
    search_fields = ("heading", "body")
    autocomplete_fields = ("sources",)
    list_select_related = ("step",)
    inlines = [ChecklistItemInline]


@admin.register(models.ChecklistItem)
class ChecklistItemAdmin(OrderedAdmin):
    list_display = ("title", "kind", "career", "section", "position", "retired")
    list_filter = ("career", "kind", "retired")
    search_fields = ("title", "body", "slug")
    autocomplete_fields = ("sources",)
    list_select_related = ("career", "section")


class CareerItemAdmin(OrderedAdmin):
    """Lists of items that belong to a career, ordered by position."""

    list_filter = ("career",)
    autocomplete_fields = ("sources",)
    list_select_related = ("career",)


@admin.register(models.Duty, models.Benefit, models.Trend)
class TitledItemAdmin(CareerItemAdmin):
    list_display = ("title", "career", "position")
    search_fields = ("title", "body")


@admin.register(models.Tool)
class ToolAdmin(CareerItemAdmin):
    list_display = ("name", "category", "career", "position")
    list_filter = ("career", "category")
    search_fields = ("name",)


@admin.register(models.MarketFact)
class MarketFactAdmin(CareerItemAdmin):
    list_display = ("figure", "measures", "years", "attributed_to", "career", "position")
    search_fields = ("figure", "measures", "attributed_to")


@admin.register(models.Timeline)
class TimelineAdmin(CareerItemAdmin):
    list_display = ("label", "career", "position")
    search_fields = ("note",)


@admin.register(models.Faq)
class FaqAdmin(CareerItemAdmin):
    list_display = ("question", "question_reconstructed", "career", "position")
    list_filter = ("career", "question_reconstructed", "sources")
    search_fields = ("question", "answer")


class SalaryRowInline(admin.TabularInline):
    model = models.SalaryRow
    formset = OrderedInlineFormSet
    extra = 0
    show_change_link = True
    fields = (
        "position",
        "slug",
        "label",
        "currency",
        "currency_assumed",
        "minimum",
        "maximum",
        "period",
        "average",
        "as_stated",
    )


@admin.register(models.SalaryTable)
class SalaryTableAdmin(CareerItemAdmin):
    list_display = ("title", "dimension", "as_of", "career", "position")
    list_filter = ("career", "dimension")
    search_fields = ("title", "caveat", "rows__label")
    inlines = [SalaryRowInline]


# Rows are edited in their table's page (and references in their source's); their own lists
# give each its history, and recover a deleted one.
@admin.register(models.SalaryRow)
class SalaryRowAdmin(OrderedAdmin):
    list_display = ("label", "as_stated", "table", "position")
    list_filter = ("table__career", "table")
    search_fields = ("label", "as_stated", "table__title")
    list_select_related = ("table",)


@admin.register(models.SourceReference)
class SourceReferenceAdmin(OrderedAdmin):
    list_display = ("url", "source", "position")
    list_filter = ("source",)
    search_fields = ("url",)
    list_select_related = ("source",)


@admin.register(models.ExchangeRate)
class ExchangeRateAdmin(HistoryAdmin):
    list_display = ("date", "currency", "per_euro", "source")
    list_filter = ("currency", "date")
    search_fields = ("currency", "source")
    date_hierarchy = "date"
