"""Loading the content files never silently undoes an edit made in the admin since the last load."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from careers.content import dump_content, dumped
from careers.models import Duty, ExchangeRate, Faq, LoadedContent, Step

pytestmark = pytest.mark.django_db

CAREER_FILE = "careers/backend-developer.yaml"


def load(directory, *options: str) -> str:
    out = io.StringIO()
    call_command("load_content", "--dir", str(directory), *options, stdout=out)
    return out.getvalue()


def first_step() -> Step:
    return Step.objects.order_by("position").first()


def retitle_first_step() -> str:
    step = first_step()
    step.title = "Pick a timeline that suits you"
    step.save()
    return (
        f"{CAREER_FILE} > steps '{step.slug}': field 'title': "
        "database 'Pick a timeline that suits you', files 'Determine your ideal timeline'"
    )


def delete_a_faq() -> str:
    faq = Faq.objects.order_by("position").last()
    faq.delete()
    return f"{CAREER_FILE} > faqs '{faq.slug}': absent in the database, present in the files"


def swap_the_first_two_duties() -> str:
    first, second = Duty.objects.order_by("position")[:2]
    first.position = 2
    first.save()
    return (
        f"{CAREER_FILE}: field 'order of duties': database [{second.slug}, {first.slug}], "
        f"files [{first.slug}, {second.slug}]"
    )


def change_a_rate() -> str:
    rate = ExchangeRate.objects.get(date="2025-01-06", currency="USD")
    rate.per_euro = Decimal("1.5")
    rate.save()
    return "rates.yaml > rates '2025-01-06': field 'per_euro USD': database 1.5, files 1.0426"


@pytest.mark.parametrize(
    "edit", [retitle_first_step, delete_a_faq, swap_the_first_two_duties, change_a_rate]
)
def test_a_load_that_would_undo_an_admin_edit_is_refused_naming_it_and_changes_nothing(
    loaded, content_dir, snapshot, edit
):
    expected = edit()
    before = snapshot()

    with pytest.raises(CommandError) as error:
        load(content_dir)

    message = str(error.value)
    assert "would undo these changes" in message
    assert expected in message
    assert "dump_content" in message and "--force" in message
    assert message.endswith("Nothing was changed.")
    assert snapshot() == before


def test_the_refusal_lists_only_the_edited_values(loaded, content_dir):
    expected = retitle_first_step()
    with pytest.raises(CommandError) as error:
        load(content_dir)
    listed = [line.strip() for line in str(error.value).splitlines() if line.startswith("  ")]
    assert listed == [expected]


def test_dumping_first_keeps_the_admin_edit_through_the_next_load(loaded, content_copy, snapshot):
    retitle_first_step()
    dump_content(content_copy)
    before = snapshot()

    assert "no changes" in load(content_copy)

    assert first_step().title == "Pick a timeline that suits you"
    assert dumped() == LoadedContent.objects.get().files
    # The dump recorded the files as matching the database: the load changed nothing at all.
    assert snapshot() == before
    assert "no changes" in load(content_copy)


def test_files_changed_after_dumping_an_admin_edit_load_and_keep_the_edit(loaded, content_copy):
    retitle_first_step()
    dump_content(content_copy)
    path = content_copy / CAREER_FILE
    path.write_text(path.read_text().replace("title: Ace the interview", "title: Pass it"))

    output = load(content_copy)

    assert "updated 1 steps" in output
    titles = list(Step.objects.order_by("position").values_list("title", flat=True))
    assert titles[0] == "Pick a timeline that suits you"
    assert "Pass it" in titles


def test_force_overwrites_the_admin_edit_and_says_what_it_overwrote(loaded, content_dir):
    expected = retitle_first_step()

    output = load(content_dir, "--force")

    assert "Overwrote these changes made in the database (--force):" in output
    assert expected in output
    assert first_step().title == "Determine your ideal timeline"
    assert "no changes" in load(content_dir)


def test_loading_twice_without_edits_changes_nothing_the_second_time(loaded, content_dir, snapshot):
    record = LoadedContent.objects.get()
    before = snapshot()

    assert "no changes" in load(content_dir)

    assert snapshot() == before
    assert LoadedContent.objects.get().loaded_at == record.loaded_at


def test_changed_files_load_over_a_database_nobody_edited(loaded, content_copy):
    path = content_copy / CAREER_FILE
    path.write_text(path.read_text().replace("title: Ace the interview", "title: Pass it"))

    assert "updated 1 steps" in load(content_copy)
    assert Step.objects.filter(title="Pass it").exists()


def test_without_a_record_of_the_last_load_any_change_to_the_content_is_refused(
    loaded, content_dir, content_copy, snapshot
):
    LoadedContent.objects.all().delete()
    path = content_copy / CAREER_FILE
    path.write_text(path.read_text().replace("title: Ace the interview", "title: Pass it"))
    before = snapshot()

    with pytest.raises(CommandError, match="no record of an earlier load") as error:
        load(content_copy)
    assert "field 'title': database 'Ace the interview', files 'Pass it'" in str(error.value)
    assert snapshot() == before

    # Files that match the database load, and the load is recorded from then on.
    assert "no changes" in load(content_dir)
    assert LoadedContent.objects.get().files == dumped()


def test_a_first_load_into_an_empty_database_is_recorded(db, content_dir):
    load(content_dir)
    assert LoadedContent.objects.get().files == dumped()


@pytest.mark.parametrize(
    ("relative", "written", "impossible", "expected"),
    [
        (
            "sources.yaml",
            "published: 2023-09-05",
            "published: 2023-13-45",
            "sources.yaml > sources[1] 'knowledgehut-2023': field 'published': "
            "2023-13-45 is not a date that exists (month must be in 1..12)",
        ),
        (
            CAREER_FILE,
            "as_of: 2025-01-06",
            "as_of: 2025-02-30",
            f"{CAREER_FILE} > salary_tables[1] 'india-by-experience': field 'as_of': "
            "2025-02-30 is not a date that exists (day is out of range for month)",
        ),
    ],
    ids=["published", "as_of"],
)
def test_an_impossible_date_is_refused_naming_file_item_and_field(
    loaded, content_copy, snapshot, relative, written, impossible, expected
):
    path = content_copy / relative
    text = path.read_text()
    assert written in text
    path.write_text(text.replace(written, impossible, 1))
    before = snapshot()

    with pytest.raises(CommandError) as error:
        load(content_copy)

    assert str(content_copy / expected) in str(error.value)
    assert str(error.value).endswith("Nothing was changed.")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (r'"Ace\0 the interview"', "contains a NUL character (\\0)"),
        (r'"Ace \ud800 the interview"', "contains a lone surrogate (\\ud800 to \\udfff)"),
    ],
    ids=["nul", "lone-surrogate"],
)
def test_text_no_database_can_store_is_refused_naming_file_item_and_field(
    loaded, content_copy, snapshot, written, expected
):
    path = content_copy / CAREER_FILE
    path.write_text(path.read_text().replace("title: Ace the interview", f"title: {written}"))
    before = snapshot()

    with pytest.raises(CommandError) as error:
        load(content_copy)

    where = f"{content_copy / CAREER_FILE} > steps[4] 'ace-the-interview': field 'title': "
    assert where + expected in str(error.value)
    assert snapshot() == before
