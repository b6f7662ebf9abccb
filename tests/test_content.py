import datetime
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from careers.content import ContentError, dump_content, dumped, load_content, to_yaml
from careers.models import Career, ChecklistItem, Duty, LoadedContent, SalaryRow, StepSection
from progress.models import Progress, Status

pytestmark = pytest.mark.django_db

CAREER_FILE = Path("careers") / "backend-developer.yaml"


def edit(directory: Path, relative: Path | str, change) -> None:
    path = directory / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(to_yaml(data), encoding="utf-8")


def files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*.yaml"))
    }


def session_progress(item: ChecklistItem, status=Status.DONE) -> Progress:
    return Progress.objects.create(session_key="s" * 32, item=item, status=status)


def test_first_load_creates_every_kind_of_content(loaded):
    assert loaded.changed
    for name in ("careers", "steps", "step sections", "checklist items", "duties", "FAQs"):
        assert loaded.created[name] > 0, name


def test_second_load_changes_nothing_and_says_so(loaded, content_dir, snapshot, capsys):
    before = snapshot()
    report = load_content(content_dir)
    assert not report.changed, report.lines()
    assert snapshot() == before
    call_command("load_content", "--dir", str(content_dir))
    assert "no changes" in capsys.readouterr().out


def test_dump_after_load_reproduces_the_files_byte_for_byte(loaded, content_dir, tmp_path):
    out = tmp_path / "out"
    dump_content(out)
    assert files(out) == files(content_dir)


def test_admin_edit_is_dumped_and_loads_back_to_the_same_database(loaded, content_copy):
    duty = Duty.objects.order_by("position").first()
    duty.title = "Edited in the admin"
    duty.save()
    written = dump_content(content_copy)
    assert written == [content_copy / CAREER_FILE]
    assert "Edited in the admin" in (content_copy / CAREER_FILE).read_text()
    before = dumped()
    assert not load_content(content_copy).changed
    assert dumped() == before
    # What the load left is recorded, edit included, so later loads keep it.
    assert LoadedContent.objects.get().files == before


def test_reordering_a_list_moves_items_without_breaking_unique_positions(loaded, content_copy):
    first, second = Duty.objects.order_by("position")[:2]
    edit(content_copy, CAREER_FILE, lambda d: d["duties"].insert(0, d["duties"].pop(1)))
    report = load_content(content_copy)
    assert report.updated["duties"] == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == (2, 1)
    positions = list(Duty.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))


def test_reordering_steps_in_the_file_reorders_them_in_the_database(loaded, content_copy):
    slugs = [
        step["slug"] for step in yaml.safe_load((content_copy / CAREER_FILE).read_text())["steps"]
    ]
    edit(content_copy, CAREER_FILE, lambda d: d["steps"].reverse())
    load_content(content_copy)
    career = Career.objects.get(slug="backend-developer")
    assert [step.slug for step in career.step_set.order_by("position")] == slugs[::-1]


def _unknown_field(data):
    data["duties"][0]["colour"] = "blue"


def _missing_sources(data):
    del data["faqs"][2]["sources"]


def _unknown_source(data):
    data["benefits"][0]["sources"] = ["wikipedia"]


def _min_above_max(data):
    row = data["salary_tables"][0]["rows"][0]
    row["minimum"], row["maximum"] = row["maximum"] + 1, row["maximum"]


def _unknown_currency(data):
    data["salary_tables"][1]["rows"][0]["currency"] = "XYZ"


def _duplicate_slug(data):
    data["skills"][1]["slug"] = data["skills"][0]["slug"]


def _duplicate_checklist_slug_across_lists(data):
    data["requirements"][0]["slug"] = data["skills"][0]["slug"]


def _negative_amount(data):
    data["salary_tables"][0]["rows"][0]["minimum"] = -1


def _not_a_date(data):
    data["salary_tables"][0]["as_of"] = "yesterday"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_unknown_field, "duties[1]: field 'colour': not a known key"),
        (_missing_sources, "faqs[3] '"),
        (_unknown_source, "unknown source 'wikipedia'"),
        (_min_above_max, "field 'maximum': The maximum is below the minimum."),
        (_unknown_currency, "field 'currency': Value 'XYZ' is not a valid choice."),
        (_duplicate_slug, "skills[2]: field 'slug': "),
        (_duplicate_checklist_slug_across_lists, "requirements[1]: field 'slug': "),
        (_negative_amount, "field 'minimum'"),
        (_not_a_date, "field 'as_of': 'yesterday' is not a date"),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:] if callable(value) else "",
)
def test_invalid_career_file_is_rejected_naming_file_item_and_field_and_changes_nothing(
    loaded, content_copy, snapshot, change, expected
):
    Duty.objects.filter(position=1).update(title="Changed since the last load")
    before = snapshot()
    edit(content_copy, CAREER_FILE, change)
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert str(content_copy / CAREER_FILE) in str(error.value)
    assert expected in str(error.value)
    assert snapshot() == before


def test_bad_yaml_is_rejected_with_its_line_and_changes_nothing(loaded, content_copy, snapshot):
    before = snapshot()
    path = content_copy / CAREER_FILE
    path.write_text(path.read_text() + "\nduties: [unclosed\n")
    with pytest.raises(
        ContentError, match=r"backend-developer.yaml: is not valid YAML at line \d+"
    ):
        load_content(content_copy)
    assert snapshot() == before


def test_a_change_in_one_file_is_undone_when_a_later_file_is_invalid(
    loaded, content_copy, snapshot
):
    before = snapshot()
    edit(content_copy, "sources.yaml", lambda d: d["sources"][0].update(author="Someone else"))
    edit(content_copy, CAREER_FILE, _unknown_field)
    with pytest.raises(ContentError):
        load_content(content_copy)
    assert snapshot() == before


def test_command_exits_non_zero_with_the_message_and_says_nothing_changed(loaded, content_copy):
    edit(content_copy, CAREER_FILE, _min_above_max)
    with pytest.raises(CommandError, match="(?s)field 'maximum'.*Nothing was changed"):
        call_command("load_content", "--dir", str(content_copy))


def test_skill_removed_from_files_is_retired_while_progress_points_to_it(loaded, content_copy):
    skill = ChecklistItem.objects.skills().order_by("position").first()
    progress = session_progress(skill)
    edit(content_copy, CAREER_FILE, lambda d: d["skills"].pop(0))
    report = load_content(content_copy)
    assert report.retired["checklist items"] == 1
    skill.refresh_from_db()
    assert skill.retired
    progress.refresh_from_db()
    assert progress.item_id == skill.pk and progress.status == Status.DONE
    assert not ChecklistItem.objects.current().filter(pk=skill.pk).exists()


def test_skill_removed_from_files_without_progress_is_deleted(loaded, content_copy):
    slug = ChecklistItem.objects.skills().order_by("position").first().slug
    edit(content_copy, CAREER_FILE, lambda d: d["skills"].pop(0))
    assert load_content(content_copy).deleted["checklist items"] == 1
    assert not ChecklistItem.objects.filter(slug=slug).exists()


def test_retired_skill_returns_with_its_progress_when_put_back(loaded, content_dir, content_copy):
    skill = ChecklistItem.objects.skills().order_by("position").first()
    session_progress(skill, Status.LEARNING)
    edit(content_copy, CAREER_FILE, lambda d: d["skills"].pop(0))
    load_content(content_copy)
    load_content(content_dir)
    skill.refresh_from_db()
    assert not skill.retired and skill.position == 1
    assert skill.progress.get().status == Status.LEARNING


def _without_step(slug):
    def change(data):
        data["steps"] = [step for step in data["steps"] if step["slug"] != slug]

    return change


def test_step_removed_with_tracked_actions_retires_them_and_keeps_the_progress(
    loaded, content_copy
):
    item = ChecklistItem.objects.filter(section__isnull=False).order_by("pk").first()
    step_slug = item.section.step.slug
    session_progress(item)
    edit(content_copy, CAREER_FILE, _without_step(step_slug))
    load_content(content_copy)
    item.refresh_from_db()
    assert item.retired and item.section is None
    assert item.progress.count() == 1
    assert not StepSection.objects.filter(step__slug=step_slug).exists()


def _without_item(slug):
    def change(data):
        for step in data["steps"]:
            for section in step["sections"]:
                section["items"] = [i for i in section.get("items", []) if i["slug"] != slug]

    return change


def test_tracked_action_removed_from_its_section_is_retired_out_of_it_and_returns_to_it(
    loaded, content_dir, content_copy
):
    item = ChecklistItem.objects.filter(section__isnull=False).order_by("pk").first()
    section = item.section
    session_progress(item)
    edit(content_copy, CAREER_FILE, _without_item(item.slug))

    load_content(content_copy)
    item.refresh_from_db()
    assert item.retired and item.section is None
    assert StepSection.objects.filter(pk=section.pk).exists()

    load_content(content_dir)
    item.refresh_from_db()
    assert not item.retired and item.section == section
    assert item.progress.count() == 1


def test_step_removed_after_its_tracked_action_was_retired_still_loads(loaded, content_copy):
    item = ChecklistItem.objects.filter(section__isnull=False).order_by("pk").first()
    step_slug = item.section.step.slug
    session_progress(item)
    # Retired by an earlier version of the site, which left retired actions in their section.
    ChecklistItem.objects.filter(pk=item.pk).update(retired=True)
    edit(content_copy, CAREER_FILE, _without_step(step_slug))

    load_content(content_copy)

    item.refresh_from_db()
    assert item.retired and item.section is None
    assert item.progress.count() == 1
    assert not StepSection.objects.filter(step__slug=step_slug).exists()


def test_database_refuses_deleting_an_item_that_progress_points_to(loaded):
    item = ChecklistItem.objects.first()
    session_progress(item)
    with pytest.raises(IntegrityError):
        ChecklistItem.objects.filter(pk=item.pk).delete()


def test_unknown_currency_in_rates_is_rejected_and_changes_nothing(loaded, content_copy, snapshot):
    before = snapshot()
    (content_copy / "rates.yaml").write_text(
        to_yaml(
            {
                "rates": [
                    {"date": datetime.date(2025, 1, 6), "source": "ECB", "per_euro": {"XYZ": 1.5}}
                ]
            }
        )
    )
    with pytest.raises(ContentError, match=r"rates.yaml > rates\[1\].*unknown currency code"):
        load_content(content_copy)
    assert snapshot() == before


def test_salary_rows_load_as_exact_decimals(loaded):
    row = SalaryRow.objects.get(table__slug="india-by-experience", slug="entry")
    assert str(row.minimum) == "560000.00"
