import re
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from careers import models
from careers.admin import OPENED
from roadmap_site.admin_site import AdminSite, UnreadableRequest
from tests.factories import (
    BenefitFactory,
    CareerFactory,
    DutyFactory,
    ExchangeRateFactory,
    FaqFactory,
    MarketFactFactory,
    SalaryRowFactory,
    SalaryTableFactory,
    SourceFactory,
    SourceReferenceFactory,
    TimelineFactory,
    ToolFactory,
    TrendFactory,
)

pytestmark = pytest.mark.django_db

# The hidden input of a change page with the item as the page was opened.
OPENED_INPUT = re.compile(r'<input type="hidden" name="_opened" value="(\w+)">')
CONTENT_MODELS = [model for model in admin.site._registry if model._meta.app_label == "careers"]


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def first_step(career: models.Career) -> models.Step:
    return career.step_set.order_by("position").first()


def first_section(career: models.Career) -> models.StepSection:
    """The first section of the career's first step, which holds two actions."""
    return first_step(career).sections.order_by("position").first()


@pytest.fixture
def every_content_model(career) -> None:
    """The small career with one item of each kind it lacks, a web address its older source
    cites and an exchange rate: a row of every model in the admin."""
    SourceReferenceFactory(source=career.sources.order_by("published").first())
    for item_factory in (
        DutyFactory,
        BenefitFactory,
        TrendFactory,
        ToolFactory,
        MarketFactFactory,
        TimelineFactory,
        FaqFactory,
    ):
        item_factory(career=career)
    SalaryRowFactory(table=SalaryTableFactory(career=career))
    ExchangeRateFactory()


@pytest.fixture
def duties(career) -> list[models.Duty]:
    """Three duties of the small career, at positions 1, 2 and 3."""
    return [DutyFactory(career=career, position=position) for position in (1, 2, 3)]


@pytest.fixture
def salary_table(career) -> models.SalaryTable:
    """A salary table of the small career with two rows."""
    table = SalaryTableFactory(career=career)
    SalaryRowFactory.create_batch(2, table=table)
    return table


def list_search_and_open(admin_client, model) -> None:
    obj = model.objects.first()
    assert obj is not None, f"no {model._meta.verbose_name} to show"
    response = admin_client.get(admin_url(model))
    assert response.status_code == HTTPStatus.OK, model
    assert obj in response.context["cl"].result_list, model
    response = admin_client.get(admin_url(model), {"q": "a"})
    assert response.status_code == HTTPStatus.OK, model
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == HTTPStatus.OK, model


def test_every_content_model_is_in_the_admin():
    registered = set(admin.site._registry)
    for model in (
        models.Source,
        models.Career,
        models.Step,
        models.StepSection,
        models.ChecklistItem,
        models.Duty,
        models.Benefit,
        models.Trend,
        models.Tool,
        models.MarketFact,
        models.Timeline,
        models.Faq,
        models.SalaryTable,
        models.ExchangeRate,
    ):
        assert model in registered, model


@pytest.mark.usefixtures("every_content_model")
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_staff_can_list_search_and_open_every_content_model(admin_client, model):
    list_search_and_open(admin_client, model)


# Each list the admin has: Django's, django-axes' and the site's own.
EVERY_LIST = [model for model in admin.site._registry if model._meta.app_label != "careers"]
EVERY_LIST = CONTENT_MODELS + EVERY_LIST
UNUSABLE_FILTERS = "This list cannot be filtered by what its address asks, so nothing was changed."


def refused_as_unusable(response, message: str = UNUSABLE_FILTERS) -> bool:
    return response.status_code == HTTPStatus.BAD_REQUEST and message in response.content.decode()


@pytest.mark.usefixtures("every_content_model")
@pytest.mark.parametrize("model", EVERY_LIST, ids=lambda m: m._meta.label)
def test_a_list_asked_for_a_filter_no_database_can_apply_says_so_in_a_400(admin_client, model):
    """A range needs two ends: one value of three characters fails on every database, and the
    list answered 500."""
    pk = model._meta.pk.name
    assert refused_as_unusable(admin_client.get(admin_url(model), {f"{pk}__range": "123"}))
    # A filter the list's own links make is applied as before.
    assert admin_client.get(admin_url(model), {f"{pk}__exact": "1"}).status_code == HTTPStatus.OK


@pytest.mark.parametrize("model, field", [(models.Source, "published"), (User, "date_joined")])
def test_a_list_asked_for_a_year_no_integer_holds_says_so_in_a_400(admin_client, model, field):
    assert refused_as_unusable(admin_client.get(admin_url(model), {f"{field}__year": "9" * 30}))


@pytest.mark.usefixtures("every_content_model")
@pytest.mark.parametrize(
    "model, query",
    [
        (models.Duty, {"title__regex": "("}),
        (models.Duty, {"title__iregex": "["}),
        (AccessAttempt, {"ip_address__exact": "not an address"}),
    ],
    ids=["regex", "iregex", "IP address"],
)
def test_a_list_asked_for_a_value_postgresql_refuses_says_so_in_a_400(admin_client, model, query):
    """PostgreSQL refuses each of these values, and the list answered 500; SQLite refuses the
    regular expressions (503 before) and applies the others as it can. The next list read in the
    same transaction is not affected."""
    response = admin_client.get(admin_url(model), query)
    if connection.vendor == "postgresql" or "regex" in next(iter(query)):
        assert refused_as_unusable(response)
    else:
        assert response.status_code == HTTPStatus.OK
    assert admin_client.get(admin_url(model)).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("query", "raised"),
    [
        ({}, ValueError),
        ({"o": "1", "p": "1", "q": "x"}, ValueError),
        ({"title__exact": "x"}, UnreadableRequest),
    ],
    ids=["nothing", "sorted, paged, searched", "filtered"],
)
def test_a_list_that_fails_with_no_filter_in_its_address_is_still_the_sites_fault(
    rf, admin_user, query, raised
):
    """Only a failure with filters in the address is put down to the address; any other, on a
    list sorted, paged or searched too, is a fault of the site's, a 500 with its traceback."""

    class FailingAdmin(admin.ModelAdmin):
        def get_queryset(self, request):
            raise ValueError("a fault of the site's")

    site = AdminSite()
    site.register(models.Duty, FailingAdmin)
    request = rf.get("/", query)
    request.user = admin_user
    with pytest.raises(raised):
        site.get_model_admin(models.Duty).changelist_view(request)


@pytest.mark.usefixtures("every_content_model")
@pytest.mark.parametrize("model", EVERY_LIST, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("pk", ["a\x00b", "9" * 30], ids=["NUL", "too large"])
def test_an_action_on_items_whose_ids_are_none_says_so_in_a_400(admin_client, model, pk, snapshot):
    before = snapshot()
    chosen = {"action": "delete_selected", "_selected_action": [pk], "index": "0"}

    response = admin_client.post(admin_url(model), chosen)

    assert refused_as_unusable(response, "The items chosen for this action are not ones this")
    assert snapshot() == before


@pytest.mark.parametrize("chosen", ["a\x00b", "not an id", "1.5"])
@pytest.mark.parametrize("inline", [False, True], ids=["own", "inline"])
def test_a_refused_form_shows_again_with_a_source_that_is_no_id_left_out(
    admin_client, career, chosen, inline
):
    """A step's own sources, and those of a step shown inline on its career's page."""
    if inline:
        url = admin_url(models.Career, "change", career.pk)
        field = f"{inline_prefix(admin_client, url, models.Step)}-0-sources"
    else:
        url, field = admin_url(models.Step, "change", first_step(career).pk), "sources"
    data = change_form_data(admin_client, url)
    data[field] = [*data[field], chosen]

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Please correct the error below." in html
    assert f'value="{chosen}"' not in html


@pytest.mark.parametrize(
    "address",
    [
        *(admin_url(models.Duty, action, "a\x00b") for action in ("history", "change", "delete")),
        admin_url(models.Source) + "?title__exact=a%00b",
        admin_url(models.Source) + "?q=a%00b",
        reverse("admin:autocomplete")
        + "?app_label=careers&model_name=step&field_name=sources&term=a%00b",
    ],
    ids=["history", "change", "delete", "filter", "search", "autocomplete"],
)
def test_an_admin_address_with_a_nul_character_says_so_in_a_400(admin_client, career, address):
    """PostgreSQL cannot compare text holding one: an item's History and an autocomplete
    answered 500 there."""
    response = admin_client.get(address)
    assert refused_as_unusable(response, "This address holds a NUL character")


def test_career_page_shows_steps_inline_and_links_to_the_site(admin_client, career):
    response = admin_client.get(admin_url(models.Career, "change", career.pk))
    content = response.content.decode()
    for step in career.step_set.all():
        assert step.title in content
    assert "View on site" in content


def test_salary_table_page_shows_its_rows_inline(admin_client, career):
    row = SalaryRowFactory(
        table=SalaryTableFactory(career=career), as_stated="5.6 lakhs to 10.7 lakhs"
    )
    response = admin_client.get(admin_url(models.SalaryTable, "change", row.table_id))
    assert "5.6 lakhs to 10.7 lakhs" in response.content.decode()


@pytest.mark.usefixtures("sources")
def test_sources_autocomplete_answers_staff(admin_client):
    wanted = SourceFactory(author="Kavya Vadapalli")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "careers",
            "model_name": "duty",
            "field_name": "sources",
            "term": "Vadapalli",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert [r["id"] for r in response.json()["results"]] == [str(wanted.pk)]


def test_staff_edit_of_duty_order_is_saved_from_the_list(admin_client, duties):
    data = {
        "form-TOTAL_FORMS": len(duties),
        "form-INITIAL_FORMS": len(duties),
        "_save": "Save",
    }
    for index, duty in enumerate(duties):
        data[f"form-{index}-id"] = duty.pk
        data[f"form-{index}-position"] = len(duties) - index + 100
    response = admin_client.post(admin_url(models.Duty), data)
    assert response.status_code == HTTPStatus.FOUND
    assert models.Duty.objects.order_by("position").first() == duties[-1]


def test_adding_a_faq_without_a_source_is_refused(admin_client, career):
    response = admin_client.post(
        admin_url(models.Faq, "add"),
        {"career": career.pk, "slug": "new", "position": 99, "question": "Q?", "answer": "A."},
    )
    assert response.status_code == HTTPStatus.OK
    assert "This field is required" in response.content.decode()
    assert not models.Faq.objects.filter(slug="new").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(admin_url(models.Career))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_signed_in_visitors_who_are_not_staff_are_refused(client, user):
    client.force_login(user)
    response = client.get(admin_url(models.Career))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def change_form_data(admin_client, url) -> dict:
    """What a change page posts back when staff press Save without changing anything."""
    response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = "on" if value is True else str(value)
    # The item as the page was opened, which a save over a change made since is refused by.
    opened = OPENED_INPUT.search(response.content.decode())
    if opened:
        data[OPENED] = opened[1]
    return data


def inline_prefix(admin_client, url, model) -> str:
    response = admin_client.get(url)
    return next(
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is model
    )


# Each inline that orders its rows: the rows' model, and how to find a parent with at least two
# rows from the small career (which has the two-row salary table).
ORDERED_INLINES = {
    "steps-in-a-career": (models.Step, lambda career: career),
    "sections-in-a-step": (models.StepSection, first_step),
    "items-in-a-section": (models.ChecklistItem, first_section),
    "rows-in-a-salary-table": (models.SalaryRow, lambda career: career.salarytable_set.get()),
}


@pytest.mark.usefixtures("salary_table")
@pytest.mark.parametrize("inline", ORDERED_INLINES, ids=str)
def test_staff_swap_two_rows_of_an_inline(admin_client, career, inline):
    model, find_parent = ORDERED_INLINES[inline]
    parent = find_parent(career)
    url = admin_url(type(parent), "change", parent.pk)
    prefix = inline_prefix(admin_client, url, model)
    data = change_form_data(admin_client, url)
    first, second = (model.objects.get(pk=data[f"{prefix}-{i}-id"]) for i in (0, 1))
    positions = first.position, second.position
    data[f"{prefix}-0-position"], data[f"{prefix}-1-position"] = second.position, first.position

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == positions


@pytest.mark.usefixtures("salary_table")
@pytest.mark.parametrize("inline", ORDERED_INLINES, ids=str)
def test_two_rows_of_an_inline_at_one_position_get_a_form_error(admin_client, career, inline):
    model, find_parent = ORDERED_INLINES[inline]
    parent = find_parent(career)
    url = admin_url(type(parent), "change", parent.pk)
    prefix = inline_prefix(admin_client, url, model)
    data = change_form_data(admin_client, url)
    data[f"{prefix}-1-position"] = data[f"{prefix}-0-position"]
    before = sorted(model.objects.values_list("pk", "position"))

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["errors"]
    assert sorted(model.objects.values_list("pk", "position")) == before


@pytest.mark.parametrize(
    ("kind", "in_section", "error"),
    [
        ("skill", True, "Skills and requirements belong to no step section."),
        ("action", False, "Actions and tips belong to a step section."),
    ],
)
def test_an_item_whose_section_does_not_go_with_its_kind_gets_that_error_on_its_section(
    admin_client, career, kind, in_section, error
):
    item = career.checklist_items.filter(kind=kind).first()
    url = admin_url(models.ChecklistItem, "change", item.pk)
    data = change_form_data(admin_client, url)
    data["section"] = str(first_section(career).pk) if in_section else ""

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["section"] == [error]


def test_new_step_at_a_taken_position_gets_a_form_error(admin_client, career):
    url = admin_url(models.Career, "change", career.pk)
    prefix = inline_prefix(admin_client, url, models.Step)
    data = change_form_data(admin_client, url)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data.update(
        {
            f"{prefix}-{index}-position": first_step(career).position,
            f"{prefix}-{index}-slug": "new-step",
            f"{prefix}-{index}-title": "New step",
            f"{prefix}-{index}-summary": "Something new.",
            f"{prefix}-{index}-sources": [str(models.Source.objects.first().pk)],
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert not models.Step.objects.filter(slug="new-step").exists()


def add_item_in_section(admin_client, section, **values):
    url = admin_url(models.StepSection, "change", section.pk)
    prefix = inline_prefix(admin_client, url, models.ChecklistItem)
    data = change_form_data(admin_client, url)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    values = {
        "position": section.items.count() + 1,
        "kind": models.ChecklistItem.Kind.ACTION,
        "title": "New action",
        "sources": [str(models.Source.objects.first().pk)],
        **values,
    }
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    return admin_client.post(url, data)


def test_item_added_in_a_section_belongs_to_the_sections_career(admin_client, career):
    CareerFactory(position=0)  # listed first, but not the section's
    section = first_section(career)

    response = add_item_in_section(admin_client, section, slug="brand-new-action")

    assert response.status_code == HTTPStatus.FOUND
    item = models.ChecklistItem.objects.get(slug="brand-new-action")
    assert (item.career_id, item.section_id) == (career.pk, section.pk)


def test_item_added_in_a_section_with_a_slug_the_career_uses_gets_a_form_error(
    admin_client, career
):
    skill = career.checklist_items.skills().first()
    count = models.ChecklistItem.objects.count()

    response = add_item_in_section(admin_client, first_section(career), slug=skill.slug)

    assert response.status_code == HTTPStatus.OK
    assert "already uses the slug" in response.content.decode()
    assert models.ChecklistItem.objects.count() == count


def test_two_items_added_in_a_section_with_one_slug_get_a_form_error(admin_client, career):
    url = admin_url(models.StepSection, "change", first_section(career).pk)
    prefix = inline_prefix(admin_client, url, models.ChecklistItem)
    data = change_form_data(admin_client, url)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 2
    for offset in (0, 1):
        data.update(
            {
                f"{prefix}-{index + offset}-position": 90 + offset,
                f"{prefix}-{index + offset}-kind": models.ChecklistItem.Kind.ACTION,
                f"{prefix}-{index + offset}-slug": "twice",
                f"{prefix}-{index + offset}-title": "Twice",
                f"{prefix}-{index + offset}-sources": [str(models.Source.objects.first().pk)],
            }
        )

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert not models.ChecklistItem.objects.filter(slug="twice").exists()


def changelist_positions(admin_client, model, positions: dict) -> object:
    """Post the list's position column with the given {item: position} edits."""
    data = {"form-TOTAL_FORMS": len(positions), "form-INITIAL_FORMS": len(positions)}
    data["_save"] = "Save"
    for index, (item, position) in enumerate(positions.items()):
        data[f"form-{index}-id"] = item.pk
        data[f"form-{index}-position"] = position
    return admin_client.post(admin_url(model), data)


def test_staff_swap_two_duties_in_the_list(admin_client, duties):
    first, second, _ = duties

    response = changelist_positions(admin_client, models.Duty, {first: 2, second: 1})

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)


def test_staff_rotate_three_faqs_in_the_list(admin_client, career):
    faqs = [FaqFactory(career=career, position=position) for position in (1, 2, 3)]

    response = changelist_positions(admin_client, models.Faq, {faqs[0]: 2, faqs[1]: 3, faqs[2]: 1})

    assert response.status_code == HTTPStatus.FOUND
    assert list(models.Faq.objects.order_by("position")) == [faqs[2], faqs[0], faqs[1]]


def test_moving_one_duty_onto_anothers_position_in_the_list_swaps_them(admin_client, duties):
    first, _, third = duties

    response = changelist_positions(admin_client, models.Duty, {first: 3})

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.position, third.position) == (3, 1)


def test_two_duties_at_one_position_in_the_list_get_a_form_error(admin_client, duties):
    first, second, _ = duties

    response = changelist_positions(admin_client, models.Duty, {first: 5, second: 5})

    assert response.status_code == HTTPStatus.OK
    assert "Another item of this list has this position" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (1, 2)


def test_a_row_deleted_since_its_page_was_opened_and_marked_to_delete_there_is_gone(
    admin_client, sources
):
    """Another staff member deleted it first: the page's own deletion of it is done already."""
    kept, gone = SourceReferenceFactory.create_batch(2, source=sources[0])
    url = admin_url(models.Source, "change", sources[0].pk)
    prefix = inline_prefix(admin_client, url, models.SourceReference)
    data = change_form_data(admin_client, url)
    del data["_opened"]  # not the check of a change made since: the formset's own
    index = next(i for i in range(2) if data[f"{prefix}-{i}-id"] == str(gone.pk))
    data[f"{prefix}-{index}-DELETE"] = "on"
    models.SourceReference.objects.filter(pk=gone.pk).delete()

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert list(sources[0].references.all()) == [kept]


@pytest.mark.parametrize("model", [models.ChecklistItem, models.Duty], ids=["action", "duty"])
def test_saving_a_list_with_a_row_deleted_since_it_was_opened_says_so(admin_client, career, model):
    """Another staff member (or a content load) deleted a row of the list while it was open."""
    if model is models.Duty:
        DutyFactory.create_batch(2, career=career)
    first, gone = model.objects.filter(career=career).order_by("pk")[:2]
    deleted = model.objects.get(pk=gone.pk)
    deleted.delete()

    response = changelist_positions(admin_client, model, {first: 7, gone: 8})

    assert response.status_code == HTTPStatus.OK
    assert "A row of this list was deleted after you opened this page" in response.content.decode()
    first.refresh_from_db()
    assert first.position != 7


def test_staff_swap_two_skills_in_the_checklist_list(admin_client, career):
    skills = career.checklist_items.filter(kind=models.ChecklistItem.Kind.SKILL)
    first, second = skills.order_by("position")
    positions = first.position, second.position

    response = changelist_positions(
        admin_client, models.ChecklistItem, {first: second.position, second: first.position}
    )

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == positions


def test_staff_move_a_duty_onto_anothers_position_in_its_own_form(admin_client, duties):
    first, second, _ = duties
    url = admin_url(models.Duty, "change", first.pk)
    data = change_form_data(admin_client, url)
    data["position"] = 2

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)


def test_new_duty_at_a_taken_position_gets_a_form_error(admin_client, duties):
    data = change_form_data(admin_client, admin_url(models.Duty, "change", duties[0].pk))
    data["slug"] = "brand-new-duty"

    response = admin_client.post(admin_url(models.Duty, "add"), data)

    assert response.status_code == HTTPStatus.OK
    assert "already exists" in response.content.decode()
    assert not models.Duty.objects.filter(slug="brand-new-duty").exists()


def test_position_beyond_the_limit_gets_a_form_error(admin_client, duties):
    duty = duties[0]

    response = changelist_positions(admin_client, models.Duty, {duty: 30000})

    assert response.status_code == HTTPStatus.OK
    duty.refresh_from_db()
    assert duty.position == 1


@pytest.mark.parametrize(
    ("model", "find"),
    [(models.Step, first_step), (models.StepSection, first_section)],
    ids=["step", "section"],
)
def test_deleting_a_step_or_section_that_holds_checklist_items_is_refused(
    admin_client, career, model, find
):
    obj = find(career)
    url = admin_url(model, "delete", obj.pk)

    page = admin_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "protected related objects" in page.content.decode()

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == HTTPStatus.OK
    assert "protected related objects" in response.content.decode()
    assert model.objects.filter(pk=obj.pk).exists()


def test_deleting_a_section_emptied_of_its_items_works(admin_client, career):
    section = first_section(career)
    section.items.all().delete()

    response = admin_client.post(
        admin_url(models.StepSection, "delete", section.pk), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not models.StepSection.objects.filter(pk=section.pk).exists()


@pytest.mark.usefixtures("every_content_model")
def test_staff_can_delete_a_career_nobody_has_progress_in(admin_client, career):
    response = admin_client.post(admin_url(models.Career, "delete", career.pk), {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not models.Career.objects.exists()
    assert not models.ChecklistItem.objects.exists()


def test_deleting_a_section_that_holds_checklist_items_from_its_step_gets_a_form_error(
    admin_client, career
):
    section = first_section(career)
    url = admin_url(models.Step, "change", section.step_id)
    prefix = inline_prefix(admin_client, url, models.StepSection)
    data = change_form_data(admin_client, url)
    index = next(i for i in range(100) if data[f"{prefix}-{i}-id"] == str(section.pk))
    data[f"{prefix}-{index}-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "protected related objects" in response.content.decode()
    assert models.StepSection.objects.filter(pk=section.pk).exists()


# Smoke tests: the real content


def test_staff_can_list_search_and_open_every_content_model_of_the_real_content(
    admin_client, loaded
):
    for model in CONTENT_MODELS:
        list_search_and_open(admin_client, model)


# Two staff editing one item


@pytest.fixture
def other_staff(db) -> Client:
    other = Client()
    other.force_login(User.objects.create_superuser("grace", "grace@example.org", "x" * 20))
    return other


def changed_meanwhile(table: models.SalaryTable) -> models.SalaryRow:
    """A row of the table, changed and saved on its own (from its own admin page, say)."""
    row = table.rows.order_by("position").first()
    row.label = "Changed meanwhile"
    row.save()
    return row


def refused_as_changed_since_opened(response) -> bool:
    page = response.content.decode()
    return response.status_code == HTTPStatus.OK and "changed after you opened this page" in page


def save_as(staff: Client, url: str, **changes: str) -> None:
    """Staff open the change page, change these fields and save."""
    data = change_form_data(staff, url)
    assert staff.post(url, {**data, **changes}).status_code == HTTPStatus.FOUND


def test_saving_over_a_change_made_since_the_page_was_opened_is_refused_until_saved_again(
    admin_client, other_staff, duties
):
    duty = duties[0]
    url = admin_url(models.Duty, "change", duty.pk)
    mine = change_form_data(admin_client, url)
    opened = mine[OPENED]
    save_as(other_staff, url, title="Their title")
    mine["title"] = "My title"

    response = admin_client.post(url, mine)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "was changed after you opened this page (its History says by whom)" in page
    assert 'value="My title"' in page
    duty.refresh_from_db()
    assert duty.title == "Their title"
    # Saved again, knowingly: the page now carries the item as it is.
    mine[OPENED] = OPENED_INPUT.search(page)[1]
    assert mine[OPENED] == response.context["opened"] != opened
    assert admin_client.post(url, mine).status_code == HTTPStatus.FOUND
    duty.refresh_from_db()
    assert duty.title == "My title"


@pytest.mark.usefixtures("salary_table")
def test_a_row_of_an_inline_changed_since_the_page_was_opened_refuses_the_save(
    admin_client, career
):
    table = career.salarytable_set.get()
    url = admin_url(models.SalaryTable, "change", table.pk)
    mine = change_form_data(admin_client, url)
    row = changed_meanwhile(table)

    response = admin_client.post(url, mine)

    assert refused_as_changed_since_opened(response)
    row.refresh_from_db()
    assert row.label == "Changed meanwhile"


def test_a_form_refused_for_another_reason_still_refuses_a_change_made_before_it(
    admin_client, other_staff, duties
):
    duty = duties[0]
    url = admin_url(models.Duty, "change", duty.pk)
    mine = change_form_data(admin_client, url)
    opened = mine[OPENED]
    mine["title"] = ""
    refused = admin_client.post(url, mine)
    assert refused.status_code == HTTPStatus.OK
    assert refused.context["opened"] == opened
    save_as(other_staff, url, body="Their body")
    mine["title"] = "My title"

    response = admin_client.post(url, mine)

    assert refused_as_changed_since_opened(response)
    duty.refresh_from_db()
    assert (duty.title, duty.body) == (duties[0].title, "Their body")


def test_a_page_saved_unchanged_by_nobody_else_is_saved(admin_client, career):
    url = admin_url(models.Career, "change", career.pk)
    data = change_form_data(admin_client, url)
    data["tagline"] = "A new tagline"

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    career.refresh_from_db()
    assert career.tagline == "A new tagline"
