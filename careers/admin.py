from django.contrib import admin

from . import models


class SourceReferenceInline(admin.TabularInline):
    model = models.SourceReference
    extra = 0


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "author", "date_label", "published", "file_name")
    list_filter = ("publisher",)
    search_fields = ("title", "publisher", "author", "slug")
    date_hierarchy = "published"
    inlines = [SourceReferenceInline]


class CitedInline(admin.StackedInline):
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
class StepAdmin(admin.ModelAdmin):
    list_display = ("title", "career", "position", "slug")
    list_editable = ("position",)
    list_filter = ("career",)
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    autocomplete_fields = ("sources",)
    inlines = [StepSectionInline]


class ChecklistItemInline(CitedInline):
    model = models.ChecklistItem
    fields = ("position", "kind", "slug", "title", "body", "retired", "sources")


@admin.register(models.StepSection)
class StepSectionAdmin(admin.ModelAdmin):
    list_display = ("heading", "step", "position", "slug")
    list_editable = ("position",)
    list_filter = ("step__career", "step")
    search_fields = ("heading", "body")
    autocomplete_fields = ("sources",)
    list_select_related = ("step",)
    inlines = [ChecklistItemInline]

    def save_formset(self, request, form, formset, change):
        # Items added inside a section belong to that section's career.
        for item in formset.save(commit=False):
            item.career_id = form.instance.step.career_id
            item.save()
        formset.save_m2m()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(models.ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "career", "section", "position", "retired")
    list_editable = ("position",)
    list_filter = ("career", "kind", "retired")
    search_fields = ("title", "body", "slug")
    autocomplete_fields = ("sources",)
    list_select_related = ("career", "section")


class CareerItemAdmin(admin.ModelAdmin):
    """Lists of items that belong to a career, ordered by position."""

    list_editable = ("position",)
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
