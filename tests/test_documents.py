"""The loaded content against the two source documents: every key figure and count, exactly."""

import datetime
from decimal import Decimal

import pytest

from careers.models import (
    Benefit,
    Career,
    ChecklistItem,
    Duty,
    Faq,
    MarketFact,
    SalaryRow,
    SalaryTable,
    Source,
    Step,
    StepSection,
    Timeline,
)

pytestmark = pytest.mark.django_db

UPGRAD, KNOWLEDGEHUT = "upgrad-2025", "knowledgehut-2023"


def cited_by(queryset, slug):
    return queryset.filter(sources__slug=slug)


def test_sources_carry_their_publisher_author_and_date(loaded):
    upgrad = Source.objects.get(slug=UPGRAD)
    assert (upgrad.author, upgrad.published) == ("Pavan Vadapalli", datetime.date(2025, 1, 6))
    assert upgrad.file_name == "000_09bd4266df55b74a.txt"
    assert upgrad.references.count() == 6
    assert (
        upgrad.references.last().url
        == "https://www.ambitionbox.com/profile/backend-developer-salary"
    )
    knowledgehut = Source.objects.get(slug=KNOWLEDGEHUT)
    assert (knowledgehut.author, knowledgehut.published) == (
        "Bala Krishna Ragala",
        datetime.date(2023, 9, 5),
    )
    assert knowledgehut.file_name == "004_3261b74a6667d3a2.txt"


def test_four_steps_in_the_knowledgehut_order(loaded):
    steps = Step.objects.order_by("position")
    assert [s.title for s in steps] == [
        "Determine your ideal timeline",
        "Begin building your portfolio/resume",
        "Where and how to find a job",
        "Ace the interview",
    ]
    assert all(list(s.sources.values_list("slug", flat=True)) == [KNOWLEDGEHUT] for s in steps)


def test_six_interview_tips_in_order(loaded):
    tips = ChecklistItem.objects.filter(kind="tip").order_by("position")
    assert [t.title for t in tips] == [
        "Research the company",
        "Prepare for technical questions",
        "Practice coding challenges",
        "Communicate clearly",
        "Show your passion for backend development",
        "Ask questions",
    ]
    assert {t.section.step.position for t in tips} == {4}


def test_step_three_has_its_five_sections(loaded):
    step = Step.objects.get(position=3)
    assert [s.slug for s in step.sections.order_by("position")] == [
        "where-and-how",
        "top-companies",
        "job-outlook",
        "best-locations",
        "top-industries",
    ]
    companies = step.sections.get(slug="top-companies").body
    for name in ("Google", "Amazon", "Facebook", "Microsoft", "Upwork", "Freelancer"):
        assert name in companies


UPGRAD_SKILLS = [
    "Programming Languages",
    "Database Management",
    "API Development",
    "Version Control (Git)",
    "Cloud Services & Deployment",
    "Security Best Practices",
    "Debugging and Testing",
]
# KnowledgeHut's requirements by slug: five name an upGrad skill too and are merged into it.
KNOWLEDGEHUT_REQUIREMENTS = {
    "programming-language": "programming-languages",
    "databases-and-servers": "database-management",
    "problem-solving-analytical": "problem-solving-analytical",
    "web-development-frameworks": "web-development-frameworks",
    "version-control-systems": "version-control-git",
    "debugging-tools": "debugging-and-testing",
    "security-and-scalability": "security-best-practices",
}


def test_the_seven_upgrad_skills_keep_their_headings_in_order(loaded):
    skills = list(ChecklistItem.objects.filter(kind="skill").order_by("position"))
    assert len(skills) == len(UPGRAD_SKILLS) == cited_by(skills_qs(), UPGRAD).count()
    for skill, heading in zip(skills, UPGRAD_SKILLS, strict=True):
        words = heading.lower().replace("(", "").replace(")", "").split()
        assert all(word in skill.title.lower() for word in words if word != "and"), skill.title
    for skill in skills:
        # upGrad's text under each heading was lost: a body comes only from KnowledgeHut.
        assert not skill.body or KNOWLEDGEHUT in {s.slug for s in skill.sources.all()}


def test_each_knowledgehut_requirement_is_one_item_merged_where_upgrad_names_it_too(loaded):
    found = {}
    for item in ChecklistItem.objects.current().filter(kind__in=["skill", "requirement"]):
        for slug in (item.slug, *item.merged_from.split()):
            found[slug] = item
    for requirement, item_slug in KNOWLEDGEHUT_REQUIREMENTS.items():
        item = found[requirement]
        assert item.slug == item_slug
        assert KNOWLEDGEHUT in {s.slug for s in item.sources.all()}
    merged = ChecklistItem.objects.exclude(merged_from="")
    assert merged.count() == 5
    assert all({s.slug for s in i.sources.all()} == {KNOWLEDGEHUT, UPGRAD} for i in merged)


def skills_qs():
    return ChecklistItem.objects.filter(kind="skill")


def test_counts_of_duties_and_benefits(loaded):
    assert cited_by(Duty.objects, KNOWLEDGEHUT).count() == Duty.objects.count() == 6
    assert cited_by(Benefit.objects, KNOWLEDGEHUT).count() == Benefit.objects.count() == 7
    assert Duty.objects.order_by("position").first().title == "Design and build websites"
    assert Benefit.objects.order_by("position").first().title == "High earning potential"


def test_fifteen_faqs_eleven_with_reconstructed_questions(loaded):
    assert cited_by(Faq.objects, UPGRAD).count() == 11
    assert cited_by(Faq.objects, KNOWLEDGEHUT).count() == 4
    assert Faq.objects.count() == 15
    assert set(Faq.objects.filter(question_reconstructed=True)) == set(
        cited_by(Faq.objects, UPGRAD)
    )


def test_india_salaries_by_experience_in_rupees(loaded):
    table = SalaryTable.objects.get(slug="india-by-experience")
    assert table.average_amount == Decimal(870000) and table.average_currency == "INR"
    assert table.attributed_to == "AmbitionBox" and table.as_of == datetime.date(2025, 1, 6)
    assert table.caveat
    rows = [(r.currency, r.minimum, r.maximum) for r in table.rows.order_by("position")]
    assert rows == [
        ("INR", Decimal(560000), Decimal(1070000)),
        ("INR", Decimal(960000), Decimal(1600000)),
        ("INR", Decimal(1600000), Decimal(2000000)),
    ]


def test_the_country_tables_caveat_is_the_documents_alone(loaded):
    caveat = SalaryTable.objects.get(slug="top-five-countries").caveat
    assert "pay varies with the country and the specific job" in caveat
    for remark in ("cost of living", "Australia", "source", "we "):
        assert remark not in caveat, "the site's own notes are shown apart from the caveat"


def test_five_countries_in_their_own_currencies_with_australia_assumed(loaded):
    table = SalaryTable.objects.get(slug="top-five-countries")
    assert table.as_of == datetime.date(2023, 9, 5)
    rows = [
        (r.label, r.currency, r.minimum, r.maximum, r.currency_assumed)
        for r in table.rows.order_by("position")
    ]
    assert rows == [
        ("United States", "USD", Decimal(90000), Decimal(120000), False),
        ("Canada", "CAD", Decimal(65000), Decimal(95000), False),
        ("United Kingdom", "GBP", Decimal(40000), Decimal(60000), False),
        ("Australia", "AUD", Decimal(70000), Decimal(100000), True),
        ("Germany", "EUR", Decimal(40000), Decimal(70000), False),
    ]
    assert all(r.period == SalaryRow.Period.YEAR for r in table.rows.all())


def test_both_timelines_are_kept_each_with_its_own_source(loaded):
    timelines = {t.sources.get().slug: (t.min_months, t.max_months) for t in Timeline.objects.all()}
    assert timelines == {KNOWLEDGEHUT: (6, 12), UPGRAD: (6, 24)}


def test_the_knowledgehut_estimate_assumes_the_best_backend_course(loaded):
    timeline = Timeline.objects.get(slug="knowledgehut-estimate")
    section = StepSection.objects.get(slug="how-long-it-takes")
    for text in (timeline.note, section.body):
        assert "best course in backend development" in text


def test_who_can_become_names_the_qualities_beyond_languages_and_no_set_path(loaded):
    text = Career.objects.get().who_can_become
    for quality in (
        "technical expertise",
        "analytical thinking",
        "collaboration skills",
        "design the web infrastructure on their own",
    ):
        assert quality in text
    assert "KnowledgeHut" in text
    assert "upGrad adds that you do not have to take a conventional path" in text


def test_introduction_keeps_the_sign_up_example(loaded):
    introduction = Career.objects.get().introduction
    assert "Signing up on a website" in introduction
    assert "organisation's database" in introduction and "send you an email" in introduction


def test_job_outlook_gives_the_reasons_for_demand(loaded):
    body = StepSection.objects.get(slug="job-outlook").body
    assert "businesses and industries using more and more technology" in body
    assert "rising demand for mobile and web applications" in body


def test_the_last_step_ends_with_the_closing_advice_and_no_checklist(loaded):
    last = Step.objects.get(position=4).sections.order_by("position").last()
    assert last.slug == "beyond-the-steps"
    assert list(last.sources.values_list("slug", flat=True)) == [KNOWLEDGEHUT]
    for point in (
        "a positive attitude, a strong work ethic and practical communication skills",
        "stand out",
        "Getting the job is only the start",
        "keeping up with new technologies and industry trends",
    ):
        assert point in last.body
    assert not last.items.exists()


def test_each_documents_view_of_the_career_is_in_its_own_faq(loaded):
    knowledgehut = Faq.objects.get(slug="is-backend-development-a-good-career-knowledgehut")
    assert "great career choice" in knowledgehut.answer
    assert "plenty of job openings" in knowledgehut.answer
    upgrad = Faq.objects.get(slug="is-backend-development-a-good-career-upgrad")
    for point in (
        "among the most sought-after professionals in the world",
        "In India",
        "US$1 billion",
        "scope for growth and higher income",
        "lucrative",
        "expects the need for backend developers to rise",
    ):
        assert point in upgrad.answer


def test_upgrads_notes_say_its_list_of_functions_was_lost(loaded):
    notes = Source.objects.get(slug=UPGRAD).notes
    assert "primary functions and key responsibilities" in notes
    assert "duties shown on this site come from KnowledgeHut only" in notes


def test_market_figures(loaded):
    facts = {(f.figure, f.year_start, f.year_end) for f in MarketFact.objects.all()}
    assert ("8%", 2019, 2029) in facts
    assert ("11%", 2019, 2029) in facts
    assert ("10%", None, None) in facts
    statista = MarketFact.objects.get(attributed_to="Statista")
    assert (statista.year_start, statista.year_end) == (2024, 2024)
    assert MarketFact.objects.filter(figure__contains="1 billion").exists()
    assert MarketFact.objects.filter(measures__contains="46 states").exists()


def test_every_item_cites_at_least_one_source(loaded):
    career = Career.objects.get()
    assert career.sources.exists()
    for manager in (
        career.step_set,
        career.checklist_items,
        career.duty_set,
        career.benefit_set,
        career.trend_set,
        career.tool_set,
        career.marketfact_set,
        career.timeline_set,
        career.faq_set,
        career.salarytable_set,
    ):
        assert not manager.filter(sources=None).exists(), manager.model
    assert manager.exists()
