import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from careers.models import (
    Career,
    ChecklistItem,
    Duty,
    ExchangeRate,
    SalaryRow,
    SalaryTable,
    Source,
    Step,
    StepSection,
    Timeline,
)
from progress.models import Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def career():
    return Career.objects.create(slug="tester", title="Tester", tagline="t", introduction="i")


@pytest.fixture
def table(career):
    return SalaryTable.objects.create(
        career=career,
        slug="t",
        position=1,
        title="T",
        dimension=SalaryTable.Dimension.COUNTRY,
        as_of=datetime.date(2023, 9, 5),
    )


def violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def row(table, **overrides):
    values = {
        "table": table,
        "slug": "r",
        "position": 1,
        "label": "R",
        "currency": "USD",
        "minimum": Decimal(1),
        "maximum": Decimal(2),
        "as_stated": "1 - 2",
    }
    return SalaryRow.objects.create(**{**values, **overrides})


def test_salary_minimum_above_maximum_is_refused_by_the_database(table):
    assert violates(lambda: row(table, minimum=Decimal(3), maximum=Decimal(2)))
    assert not violates(lambda: row(table, minimum=Decimal(2), maximum=Decimal(2)))


def test_negative_salary_is_refused_by_the_database(table):
    assert violates(lambda: row(table, minimum=Decimal(-1)))


def test_salary_rows_need_unique_slug_and_position_within_a_table(table):
    row(table)
    assert violates(lambda: row(table, position=2))
    assert violates(lambda: row(table, slug="other"))


def test_slugs_are_unique_per_career_but_repeat_across_careers(career):
    other = Career.objects.create(slug="other", title="Other", tagline="t", introduction="i")
    Duty.objects.create(career=career, slug="d", position=1, title="D", body="b")
    assert not violates(
        lambda: Duty.objects.create(career=other, slug="d", position=1, title="D", body="b")
    )
    assert violates(
        lambda: Duty.objects.create(career=career, slug="d", position=2, title="D", body="b")
    )
    assert violates(
        lambda: Duty.objects.create(career=career, slug="e", position=1, title="E", body="b")
    )


def duty(career, slug, position):
    return Duty.objects.create(career=career, slug=slug, position=position, title="D", body="b")


def test_saving_an_item_at_a_position_its_list_holds_swaps_the_two(career):
    first, second, third = (duty(career, slug, n) for n, slug in enumerate("abc", 1))
    first.position = 3
    first.save()
    assert list(Duty.objects.order_by("position")) == [third, second, first]


def test_an_item_moved_into_another_list_cannot_take_a_position_held_there(career):
    other = Career.objects.create(slug="other", title="Other", tagline="t", introduction="i")
    duty(other, "there", 1)
    moving = duty(career, "here", 1)
    moving.career = other
    assert violates(moving.save)


def test_an_action_swaps_with_the_current_action_of_its_section_only(career):
    step = Step.objects.create(career=career, slug="s", position=1, title="S", summary="s")
    section = StepSection.objects.create(step=step, slug="x", position=1, heading="X")

    def action(slug, position, **values):
        return ChecklistItem.objects.create(
            career=career, section=section, kind="action", slug=slug, position=position, **values
        )

    first = action("a", 1, title="A")
    action("b", 2, title="B")
    action("old", 2, title="Old", retired=True)
    ChecklistItem.objects.create(career=career, kind="skill", slug="k", position=2, title="K")
    first.position = 2
    first.save()
    positions = dict(ChecklistItem.objects.values_list("slug", "position"))
    assert positions == {"a": 2, "b": 1, "old": 2, "k": 2}


def test_timeline_minimum_above_maximum_is_refused(career):
    assert violates(
        lambda: Timeline.objects.create(
            career=career, slug="t", position=1, min_months=12, max_months=6, note="n"
        )
    )


def test_skill_cannot_sit_in_a_step_section_and_an_action_needs_one(career):
    step = Step.objects.create(career=career, slug="s", position=1, title="S", summary="s")
    section = StepSection.objects.create(step=step, slug="x", position=1, heading="X")
    assert violates(
        lambda: ChecklistItem.objects.create(
            career=career, section=section, kind="skill", slug="a", position=1, title="A"
        )
    )
    assert violates(
        lambda: ChecklistItem.objects.create(
            career=career, kind="action", slug="b", position=1, title="B"
        )
    )


def test_retired_items_leave_their_position_free(career):
    ChecklistItem.objects.create(
        career=career, kind="skill", slug="old", position=1, title="Old", retired=True
    )
    assert not violates(
        lambda: ChecklistItem.objects.create(
            career=career, kind="skill", slug="new", position=1, title="New"
        )
    )


def test_progress_has_exactly_one_owner_and_one_record_per_item(career):
    item = ChecklistItem.objects.create(
        career=career, kind="skill", slug="a", position=1, title="A"
    )
    user = get_user_model().objects.create_user("ann", password="x")
    assert violates(lambda: Progress.objects.create(item=item))
    assert violates(lambda: Progress.objects.create(item=item, user=user, session_key="k" * 32))
    Progress.objects.create(item=item, user=user)
    assert violates(lambda: Progress.objects.create(item=item, user=user))
    Progress.objects.create(item=item, session_key="k" * 32)
    assert violates(lambda: Progress.objects.create(item=item, session_key="k" * 32))


def test_progress_status_must_be_a_known_one(career):
    item = ChecklistItem.objects.create(
        career=career, kind="skill", slug="a", position=1, title="A"
    )
    assert violates(lambda: Progress.objects.create(item=item, session_key="k", status="bored"))


def test_exchange_rates_are_positive_and_one_per_currency_per_day():
    day = datetime.date(2025, 1, 6)

    def rate(per_euro, currency="USD"):
        return ExchangeRate.objects.create(
            date=day, currency=currency, per_euro=Decimal(per_euro), source="ECB"
        )

    assert violates(lambda: rate("0"))
    assert violates(lambda: rate("1", currency="EUR"))
    rate("1.0426")
    assert violates(lambda: rate("1.05"))


def test_source_slugs_are_unique():
    values = {
        "title": "T",
        "publisher": "P",
        "author": "A",
        "published": datetime.date(2025, 1, 6),
        "file_name": "f.txt",
    }
    Source.objects.create(slug="s", **values)
    assert violates(lambda: Source.objects.create(slug="s", **values))
