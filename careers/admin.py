from functools import cached_property

from django.contrib import admin
from django.forms import BaseInlineFormSet, BaseModelFormSet, ModelForm
from django.forms.formsets import DELETION_FIELD_NAME

from . import models

TAKEN_POSITION = "Another item of this list has this position."


class OrderedFormSetMixin:
    """Refuses forms that would leave two rows of one list at one position.

    A row saved at the position another row holds swaps with it (models.Ordered), so only the
    positions the forms end with must differ. An inline holds every row of its list and a list
    page adds no rows, so a new row's position needs checking against the forms only.
    """

    forms: list[ModelForm]

    def clean(self) -> None:
        super().clean()
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


class OrderedAdmin(admin.ModelAdmin):
    """A list of ordered items whose position column staff edit in place."""

    list_editable = ("position",)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=OrderedModelFormSet, **kwargs)


class SourceReferenceInline(admin.TabularInline):
    model = models.SourceReference
    formset = OrderedInlineFormSet
    extra = 0


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "author", "date_label", "published", "file_name")
    list_filter = ("publisher",)
    search_fields = ("title", "publisher", "author", "slug")
    date_hierarchy = "published"
    inlines = [SourceReferenceInline]


class CitedInline(admin.StackedInline):
    formset = OrderedInlineFormSet
    extra = 0
    autocomplete_fields = ("sources",)


class StepInline(CitedInline):
    model = models.Step
    fields = ("position", "slug", "title", "summary", "sources")
    show_change_link = True


@admin.register(models.Career)
class CareerAdmin(admin.ModelAdmin):
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


@admin.register(models.ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("date", "currency", "per_euro", "source")
    list_filter = ("currency", "date")
    search_fields = ("currency", "source")
    date_hierarchy = "date"
