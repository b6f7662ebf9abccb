"""Factories for the content and progress models: each builds a valid row from what a test says.

Every content item cites a source, as the site's rule has it: the sources passed as
`sources=[...]`, else the oldest source in the database, else a new one. Slugs and positions come
from sequences, which tests/conftest.py starts afresh for each test, so a test's first step is at
position 1 whatever ran before it.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.crypto import get_random_string
from factory.django import DjangoModelFactory, Password

from careers.models import (
    Benefit,
    Career,
    ChecklistItem,
    Currency,
    Duty,
    ExchangeRate,
    Faq,
    MarketFact,
    SalaryRow,
    SalaryTable,
    Source,
    SourceReference,
    Step,
    StepSection,
    Timeline,
    Tool,
    Trend,
)
from progress.models import Goal, Progress, ShareLink

PASSWORD = "a-long-password-1"


def prose(kind: str, **kwargs) -> factory.Faker:
    """Invented text in lorem ipsum, which no English word a test looks for can match by chance."""
    return factory.Faker(kind, locale="la", **kwargs)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source document {n}")
    publisher = factory.Sequence(lambda n: f"Publisher {n}")
    author = factory.Sequence(lambda n: f"Author {n}")
    # Later sources are newer, so the order the site lists them in is the order they were made.
    published = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    file_name = factory.LazyAttribute(lambda source: f"{source.slug}.txt")


class SourceReferenceFactory(DjangoModelFactory):
    """A web address a source document cites."""

    class Meta:
        model = SourceReference

    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(lambda n: n)
    url = factory.Sequence(lambda n: f"https://example.org/cited-{n}")


def _cite(obj, create: bool, extracted, **kwargs) -> None:
    if create:
        oldest = Source.objects.order_by("published", "slug").first()
        obj.sources.set(extracted if extracted is not None else [oldest or SourceFactory()])


class CitingFactory(DjangoModelFactory):
    """A content row that cites its sources (`sources=[...]`; by default the oldest one)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    sources = factory.PostGeneration(_cite)


class CareerFactory(CitingFactory):
    class Meta:
        model = Career

    slug = factory.Sequence(lambda n: f"career-{n}")
    title = factory.Sequence(lambda n: f"Career {n}")
    position = factory.Sequence(lambda n: n)
    tagline = prose("sentence", nb_words=10)
    introduction = prose("paragraph")


class CareerItemFactory(CitingFactory):
    """Something in one of a career's lists, at the next position."""

    class Meta:
        abstract = True

    career = factory.SubFactory(CareerFactory)
    position = factory.Sequence(lambda n: n)


class StepFactory(CareerItemFactory):
    class Meta:
        model = Step

    slug = factory.Sequence(lambda n: f"step-{n}")
    title = factory.Sequence(lambda n: f"Step title {n}")
    summary = prose("paragraph")


class StepSectionFactory(CitingFactory):
    class Meta:
        model = StepSection

    step = factory.SubFactory(StepFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: n)
    heading = factory.Sequence(lambda n: f"Section heading {n}")
    body = prose("paragraph")


class ChecklistItemFactory(CitingFactory):
    """An action in a step section; SkillFactory, RequirementFactory and TipFactory make the
    other kinds."""

    class Meta:
        model = ChecklistItem

    section = factory.SubFactory(StepSectionFactory)
    career = factory.SelfAttribute("section.step.career")
    kind = ChecklistItem.Kind.ACTION
    slug = factory.LazyAttributeSequence(lambda item, n: f"{item.kind}-{n}")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Checklist item {n}")
    body = prose("sentence")


ActionFactory = ChecklistItemFactory


class TipFactory(ChecklistItemFactory):
    kind = ChecklistItem.Kind.TIP


class SkillFactory(ChecklistItemFactory):
    section = None
    career = factory.SubFactory(CareerFactory)
    kind = ChecklistItem.Kind.SKILL


class RequirementFactory(SkillFactory):
    kind = ChecklistItem.Kind.REQUIREMENT


class DutyFactory(CareerItemFactory):
    class Meta:
        model = Duty

    slug = factory.Sequence(lambda n: f"duty-{n}")
    title = factory.Sequence(lambda n: f"Duty {n}")
    body = prose("paragraph")


class BenefitFactory(CareerItemFactory):
    class Meta:
        model = Benefit

    slug = factory.Sequence(lambda n: f"benefit-{n}")
    title = factory.Sequence(lambda n: f"Benefit {n}")
    body = prose("paragraph")


class TrendFactory(CareerItemFactory):
    class Meta:
        model = Trend

    slug = factory.Sequence(lambda n: f"trend-{n}")
    title = factory.Sequence(lambda n: f"Trend {n}")
    body = prose("paragraph")


class ToolFactory(CareerItemFactory):
    class Meta:
        model = Tool

    slug = factory.Sequence(lambda n: f"tool-{n}")
    name = factory.Sequence(lambda n: f"Tool {n}")
    category = Tool.Category.LANGUAGE


class MarketFactFactory(CareerItemFactory):
    class Meta:
        model = MarketFact

    slug = factory.Sequence(lambda n: f"fact-{n}")
    figure = factory.Sequence(lambda n: f"{n}%")
    measures = prose("sentence")
    year_start = 2020
    year_end = 2030
    attributed_to = factory.Sequence(lambda n: f"Statistics office {n}")


class TimelineFactory(CareerItemFactory):
    class Meta:
        model = Timeline

    slug = factory.Sequence(lambda n: f"timeline-{n}")
    min_months = 6
    max_months = 12
    note = prose("sentence")


class FaqFactory(CareerItemFactory):
    class Meta:
        model = Faq

    slug = factory.Sequence(lambda n: f"faq-{n}")
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = prose("paragraph")


class SalaryTableFactory(CareerItemFactory):
    class Meta:
        model = SalaryTable

    slug = factory.Sequence(lambda n: f"salaries-{n}")
    title = factory.Sequence(lambda n: f"Salary table {n}")
    dimension = SalaryTable.Dimension.COUNTRY
    as_of = datetime.date(2024, 1, 1)


class SalaryRowFactory(DjangoModelFactory):
    """A row of a salary table; rows are cited through their table."""

    class Meta:
        model = SalaryRow

    table = factory.SubFactory(SalaryTableFactory)
    slug = factory.Sequence(lambda n: f"row-{n}")
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Region {n}")
    currency = Currency.USD
    minimum = Decimal(50_000)
    maximum = Decimal(90_000)
    as_stated = factory.LazyAttribute(lambda row: f"${row.minimum:,.0f} - ${row.maximum:,.0f}")


class ExchangeRateFactory(DjangoModelFactory):
    class Meta:
        model = ExchangeRate

    date = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
    currency = Currency.USD
    per_euro = Decimal("1.05")
    source = "European Central Bank"


class UserFactory(DjangoModelFactory):
    """An account that signs in with PASSWORD."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = Password(PASSWORD)


def session_key() -> str:
    return get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")


class OwnedFactory(DjangoModelFactory):
    """A record of an account (by default a new one) or, with for_session=True, of an anonymous
    session."""

    class Meta:
        abstract = True

    user = factory.SubFactory(UserFactory)
    session_key = ""

    class Params:
        for_session = factory.Trait(user=None, session_key=factory.LazyFunction(session_key))


class ProgressFactory(OwnedFactory):
    class Meta:
        model = Progress

    item = factory.SubFactory(SkillFactory)


class GoalFactory(OwnedFactory):
    class Meta:
        model = Goal

    career = factory.SubFactory(CareerFactory)
    target_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(weeks=10))


class ShareLinkFactory(DjangoModelFactory):
    class Meta:
        model = ShareLink

    user = factory.SubFactory(UserFactory)
