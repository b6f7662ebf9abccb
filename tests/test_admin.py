from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from careers import models

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [model for model in admin.site._registry if model._meta.app_label == "careers"]


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


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


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_staff_can_list_search_and_open_every_content_model(admin_client, loaded, model):
    response = admin_client.get(admin_url(model), {"q": "a"})
    assert response.status_code == HTTPStatus.OK
    obj = model.objects.first()
    assert obj is not None, f"the content has no {model._meta.verbose_name}"
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == HTTPStatus.OK


def test_career_page_shows_steps_inline_and_links_to_the_site(admin_client, loaded):
    career = models.Career.objects.get(slug="backend-developer")
    response = admin_client.get(admin_url(models.Career, "change", career.pk))
    content = response.content.decode()
    assert "Determine your ideal timeline" in content
    assert "View on site" in content


def test_salary_table_page_shows_its_rows_inline(admin_client, loaded):
    table = models.SalaryTable.objects.get(slug="india-by-experience")
    response = admin_client.get(admin_url(models.SalaryTable, "change", table.pk))
    assert "5.6 lakhs to 10.7 lakhs" in response.content.decode()


def test_sources_autocomplete_answers_staff(admin_client, loaded):
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
    assert [r["id"] for r in response.json()["results"]] == [
        str(models.Source.objects.get(slug="upgrad-2025").pk)
    ]


def test_staff_edit_of_duty_order_is_saved_from_the_list(admin_client, loaded):
    duties = list(models.Duty.objects.order_by("position"))
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


def test_adding_a_faq_without_a_source_is_refused(admin_client, loaded):
    career = models.Career.objects.get()
    response = admin_client.post(
        admin_url(models.Faq, "add"),
        {"career": career.pk, "slug": "new", "position": 99, "question": "Q?", "answer": "A."},
    )
    assert response.status_code == HTTPStatus.OK
    assert "This field is required" in response.content.decode()
    assert not models.Faq.objects.filter(slug="new").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, loaded):
    response = client.get(admin_url(models.Career))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_signed_in_visitors_who_are_not_staff_are_refused(client, loaded):
    user = get_user_model().objects.create_user("visitor", password="pw-123456789")
    client.force_login(user)
    response = client.get(admin_url(models.Career))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))
