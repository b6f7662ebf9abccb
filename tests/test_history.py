"""Staff see every change to a content item in the admin and put an earlier version back."""

from http import HTTPStatus

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from reversion.models import Version

from careers import models
from careers.content import load_content
from careers.pages import CONTENT_VERSION_KEY, read_version
from tests.factories import (
    DutyFactory,
    FaqFactory,
    SalaryRowFactory,
    SalaryTableFactory,
    SourceFactory,
    SourceReferenceFactory,
)
from tests.test_admin import (
    admin_url,
    change_form_data,
    changed_meanwhile,
    inline_prefix,
    refused_as_changed_since_opened,
)

pytestmark = pytest.mark.django_db

CAREER_FILE = "careers/backend-developer.yaml"


def versions(obj) -> list[Version]:
    """The item's versions, latest first."""
    return list(Version.objects.get_for_object(obj).select_related("revision"))


def revision_url(obj, version: Version) -> str:
    return admin_url(type(obj), "revision", obj.pk, version.pk)


def content_token() -> str:
    return read_version(CONTENT_VERSION_KEY)


def edit_in_admin(admin_client, obj, **changes) -> None:
    url = admin_url(type(obj), "change", obj.pk)
    data = change_form_data(admin_client, url)
    data.update({name: str(value) for name, value in changes.items()})
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()


def put_back(admin_client, obj, version: Version):
    """Open the version's page, then save the form it shows, as staff do."""
    url = revision_url(obj, version)
    return admin_client.post(url, change_form_data(admin_client, url))


@pytest.fixture
def duties(career) -> list[models.Duty]:
    """Two duties of the career, each with a first version: made in one revision, as
    load_content makes what it loads."""
    with reversion.create_revision():
        return DutyFactory.create_batch(2, career=career)


def test_every_content_model_keeps_its_versions_and_has_a_history_in_the_admin():
    bookkeeping = {models.LoadedContent}
    content = set(apps.get_app_config("careers").get_models()) - bookkeeping
    assert len(content) == 16
    for model in content:
        assert reversion.is_registered(model), model
        assert model in admin.site._registry, model
    for model in bookkeeping:
        assert not reversion.is_registered(model), model


# This test and the next read content/: their subject is the version the loader records.
def test_the_history_lists_the_load_and_a_change_made_in_the_admin(admin_client, loaded):
    duty = models.Duty.objects.order_by("position").first()
    edit_in_admin(admin_client, duty, title="Renamed in the admin")

    response = admin_client.get(admin_url(models.Duty, "history", duty.pk))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    latest, first = versions(duty)
    assert (latest.revision.user.username, latest.revision.comment) == ("admin", "Changed Title.")
    assert (first.revision.user, first.revision.comment) == (None, "load_content")
    assert "Changed Title." in html and "load_content" in html
    assert html.index(revision_url(duty, latest)) < html.index(revision_url(duty, first))


def test_the_loader_records_each_item_it_changes_under_its_own_name(loaded, content_copy):
    step = models.Step.objects.get(slug="ace-the-interview")
    path = content_copy / CAREER_FILE
    path.write_text(path.read_text().replace("title: Ace the interview", "title: Pass it"))

    load_content(content_copy)

    latest = versions(step)[0]
    assert latest.field_dict["title"] == "Pass it"
    assert latest.revision.comment == "load_content"
    assert latest.revision.version_set.count() == 1


def test_opening_an_earlier_version_shows_it_and_changes_nothing(admin_client, duties, snapshot):
    duty = duties[0]
    old_title = duty.title
    edit_in_admin(admin_client, duty, title="Renamed in the admin")
    before = snapshot()

    response = admin_client.get(revision_url(duty, versions(duty)[-1]))

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form["title"].value() == old_title
    assert "Press the save button below to revert to this version" in response.content.decode()
    assert snapshot() == before


def test_putting_back_an_earlier_version_restores_the_item_and_updates_the_pages(
    admin_client, client, duties
):
    duty = duties[0]
    old_title = duty.title
    edit_in_admin(admin_client, duty, title="Renamed in the admin")
    assert "Renamed in the admin" in client.get(duty.get_absolute_url()).content.decode()
    token = content_token()

    response = put_back(admin_client, duty, versions(duty)[-1])

    assert response.status_code == HTTPStatus.FOUND
    duty.refresh_from_db()
    assert duty.title == old_title
    assert content_token() != token
    page = client.get(duty.get_absolute_url()).content.decode()
    assert old_title in page and "Renamed in the admin" not in page
    latest = versions(duty)[0]
    assert latest.revision.comment.startswith("Put back the version saved on ")
    assert latest.revision.user.username == "admin"


def test_a_put_back_over_a_row_changed_since_its_page_was_opened_is_refused(admin_client, career):
    """The item goes back to the version on purpose; the rows its page shows are saved as the
    page had them, so a change made to one meanwhile would be undone unseen."""
    with reversion.create_revision():
        table = SalaryTableFactory(career=career, title="First title")
        SalaryRowFactory.create_batch(2, table=table)
    edit_in_admin(admin_client, table, title="Second title")
    url = revision_url(table, versions(table)[-1])
    opened = change_form_data(admin_client, url)
    row = changed_meanwhile(table)

    response = admin_client.post(url, opened)

    assert refused_as_changed_since_opened(response)
    table.refresh_from_db()
    row.refresh_from_db()
    assert (table.title, row.label) == ("Second title", "Changed meanwhile")


def test_putting_back_an_earlier_position_swaps_with_the_item_holding_it(admin_client, duties):
    first, second = duties
    positions = (first.position, second.position)
    edit_in_admin(admin_client, first, position=second.position)
    second.refresh_from_db()
    assert second.position == positions[0]

    assert put_back(admin_client, first, versions(first)[-1]).status_code == HTTPStatus.FOUND

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == positions


def test_recovering_a_deleted_item_restores_it_with_its_sources(
    admin_client, client, career, sources
):
    with reversion.create_revision():
        faq = FaqFactory(career=career, sources=sources)
    cited = {source.pk for source in sources}
    response = admin_client.post(admin_url(models.Faq, "delete", faq.pk), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not models.Faq.objects.filter(pk=faq.pk).exists()

    listing = admin_client.get(admin_url(models.Faq, "recoverlist")).content.decode()
    version = Version.objects.get_deleted(models.Faq).get(object_id=faq.pk)
    recover_url = admin_url(models.Faq, "recover", version.pk)
    assert recover_url in listing and faq.question in listing
    response = admin_client.post(recover_url, change_form_data(admin_client, recover_url))

    assert response.status_code == HTTPStatus.FOUND
    recovered = models.Faq.objects.get(pk=faq.pk)
    assert (recovered.slug, recovered.position, recovered.question) == (
        faq.slug,
        faq.position,
        faq.question,
    )
    assert set(recovered.sources.values_list("pk", flat=True)) == cited
    assert faq.question in client.get(faq.get_absolute_url()).content.decode()


def test_a_deleted_item_whose_position_was_taken_comes_back_at_the_end(admin_client, duties):
    duty = duties[-1]
    pk, position, version = duty.pk, duty.position, versions(duty)[0]
    duty.delete()
    DutyFactory(career=duty.career, position=position)

    url = admin_url(models.Duty, "recover", version.pk)
    response = admin_client.post(url, change_form_data(admin_client, url))

    assert response.status_code == HTTPStatus.FOUND
    assert models.Duty.objects.get(pk=pk).position == position + 1


def test_a_put_back_that_would_reuse_a_slug_taken_since_is_refused(admin_client, duties, snapshot):
    first, second = duties
    old_slug = first.slug
    edit_in_admin(admin_client, first, slug="renamed")
    edit_in_admin(admin_client, second, slug=old_slug)
    before = snapshot()

    response = admin_client.get(revision_url(first, versions(first)[-1]), follow=True)

    assert response.redirect_chain[-1][0] == admin_url(models.Duty, "history", first.pk)
    assert "cannot be put back: Duty with this Career and Slug already exists." in (
        response.content.decode()
    )
    assert snapshot() == before


def test_a_put_back_citing_only_sources_deleted_since_is_refused(
    admin_client, career, sources, snapshot
):
    faq = FaqFactory(career=career)
    gone = SourceFactory()
    edit_in_admin(admin_client, faq, sources=gone.pk)
    cited_gone = versions(faq)[0]
    edit_in_admin(admin_client, faq, sources=sources[0].pk)
    gone.delete()
    before = snapshot()

    response = admin_client.post(revision_url(faq, cited_gone), follow=True)

    assert "none of the sources it cited is left" in response.content.decode()
    assert snapshot() == before


def test_a_put_back_whose_form_is_refused_leaves_the_item_as_it_is(admin_client, duties, snapshot):
    duty = duties[0]
    edit_in_admin(admin_client, duty, title="Renamed in the admin")
    url = revision_url(duty, versions(duty)[-1])
    data = change_form_data(admin_client, url)
    data["title"] = ""
    before = snapshot()

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "This field is required" in response.content.decode()
    assert snapshot() == before
    duty.refresh_from_db()
    assert duty.title == "Renamed in the admin"


def test_a_refused_admin_save_writes_nothing_and_records_no_version(admin_client, career, snapshot):
    step = career.step_set.order_by("position").first()
    url = admin_url(models.Step, "change", step.pk)
    data = change_form_data(admin_client, url)
    prefix = inline_prefix(admin_client, url, models.StepSection)
    data["title"] = "Renamed"
    data[f"{prefix}-0-heading"] = "Renamed section"
    data[f"{prefix}-1-position"] = data[f"{prefix}-0-position"]
    before = snapshot()
    version_count = Version.objects.count()

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "Please correct the duplicate data for position." in response.content.decode()
    assert snapshot() == before
    assert Version.objects.count() == version_count


def salary_row(career) -> models.SalaryRow:
    return SalaryRowFactory(table=SalaryTableFactory(career=career))


def source_reference(career) -> models.SourceReference:
    return SourceReferenceFactory(source=career.sources.first())


@pytest.mark.parametrize(
    ("make", "parent", "field", "value"),
    [
        (salary_row, "table", "label", "Renamed region"),
        (source_reference, "source", "url", "https://example.org/moved"),
    ],
    ids=["salary-row", "source-reference"],
)
def test_rows_edited_inline_have_their_own_history(
    admin_client, career, make, parent, field, value
):
    row = make(career)
    parent_url = admin_url(type(getattr(row, parent)), "change", getattr(row, parent).pk)
    data = change_form_data(admin_client, parent_url)
    data[f"{inline_prefix(admin_client, parent_url, type(row))}-0-{field}"] = value
    assert admin_client.post(parent_url, data).status_code == HTTPStatus.FOUND

    response = admin_client.get(admin_url(type(row), "history", row.pk))

    assert response.status_code == HTTPStatus.OK
    (version,) = versions(row)
    assert version.field_dict[field] == value
    assert revision_url(row, version) in response.content.decode()
