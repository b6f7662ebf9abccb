import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from careers.models import ChecklistItem, Duty, ExchangeRate, Source
from progress.models import Progress
from tests.factories import (
    ActionFactory,
    CareerFactory,
    DutyFactory,
    ExchangeRateFactory,
    ProgressFactory,
    SalaryRowFactory,
    SalaryTableFactory,
    SkillFactory,
    SourceFactory,
    StepSectionFactory,
    TimelineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def career():
    return CareerFactory()


@pytest.fixture
def table(career):
    return SalaryTableFactory(career=career)


def violates(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def row(table, **overrides):
    values = {"slug": "r", "position": 1, "minimum": Decimal(1), "maximum": Decimal(2)}
    return SalaryRowFactory(table=table, **{**values, **overrides})


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
    other = CareerFactory()
    DutyFactory(career=career, slug="d", position=1)
    assert not violates(lambda: DutyFactory(career=other, slug="d", position=1))
    assert violates(lambda: DutyFactory(career=career, slug="d", position=2))
    assert violates(lambda: DutyFactory(career=career, slug="e", position=1))


def test_saving_an_item_at_a_position_its_list_holds_swaps_the_two(career):
    first, second, third = (DutyFactory(career=career, position=n) for n in (1, 2, 3))
    first.position = 3
    first.save()
    assert list(Duty.objects.order_by("position")) == [third, second, first]


def test_an_item_moved_into_another_list_cannot_take_a_position_held_there(career):
    other = CareerFactory()
    DutyFactory(career=other, position=1)
    moving = DutyFactory(career=career, position=1)
    moving.career = other
    assert violates(moving.save)


def test_an_action_swaps_with_the_current_action_of_its_section_only(career):
    section = StepSectionFactory(step__career=career)
    first = ActionFactory(section=section, slug="a", position=1)
    ActionFactory(section=section, slug="b", position=2)
    ActionFactory(section=section, slug="old", position=2, retired=True)
    SkillFactory(career=career, slug="k", position=2)
    first.position = 2
    first.save()
    positions = dict(ChecklistItem.objects.values_list("slug", "position"))
    assert positions == {"a": 2, "b": 1, "old": 2, "k": 2}


def test_timeline_minimum_above_maximum_is_refused(career):
    assert violates(lambda: TimelineFactory(career=career, min_months=12, max_months=6))
    assert not violates(lambda: TimelineFactory(career=career, min_months=6, max_months=6))


def test_skill_cannot_sit_in_a_step_section_and_an_action_needs_one(career):
    section = StepSectionFactory(step__career=career)
    assert violates(lambda: SkillFactory(career=career, section=section))
    assert violates(lambda: ActionFactory(career=career, section=None))
    assert not violates(lambda: ActionFactory(section=section))


def test_retired_items_leave_their_position_free(career):
    SkillFactory(career=career, position=1, retired=True)
    assert not violates(lambda: SkillFactory(career=career, position=1))
    assert violates(lambda: SkillFactory(career=career, position=1))


def test_progress_has_exactly_one_owner_and_one_record_per_item(career):
    item = SkillFactory(career=career)
    user = UserFactory()
    assert violates(lambda: Progress.objects.create(item=item))
    assert violates(lambda: ProgressFactory(item=item, user=user, session_key="k" * 32))
    ProgressFactory(item=item, user=user)
    assert violates(lambda: ProgressFactory(item=item, user=user))
    ProgressFactory(item=item, for_session=True, session_key="k" * 32)
    assert violates(lambda: ProgressFactory(item=item, for_session=True, session_key="k" * 32))


def test_progress_status_must_be_a_known_one(career):
    item = SkillFactory(career=career)
    assert violates(lambda: ProgressFactory(item=item, status="bored"))


def test_exchange_rates_are_positive_and_one_per_currency_per_day():
    day = datetime.date(2025, 1, 6)

    def rate(per_euro, currency="USD"):
        return ExchangeRateFactory(date=day, currency=currency, per_euro=Decimal(per_euro))

    assert violates(lambda: rate("0"))
    assert violates(lambda: rate("1", currency="EUR"))
    rate("1.0426")
    assert violates(lambda: rate("1.05"))
    assert ExchangeRate.objects.count() == 1


def test_source_slugs_are_unique():
    SourceFactory(slug="s")
    assert violates(lambda: SourceFactory(slug="s"))
    assert Source.objects.count() == 1
