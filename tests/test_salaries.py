"""The salary comparison page: the documents' tables as printed, converted into one currency with
the rates of a chosen day, charted and sorted, from the choices of a plain GET form.

The tests build two small tables and three days of exchange rates with the factories and work out
every expected figure from those numbers; only the smoke tests at the end read the real content.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from careers.models import Currency, ExchangeRate, SalaryRow, SalaryTable
from tests.factories import (
    CareerFactory,
    ExchangeRateFactory,
    SalaryRowFactory,
    SalaryTableFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "comparison"}

# The country table's date, the experience table's date, and a later day with the latest rates.
OLDER = datetime.date(2022, 6, 1)
NEWER = datetime.date(2024, 3, 15)
LATEST = datetime.date(2025, 6, 30)
RATE_SOURCE = "Reference rates of a central bank"
# Units of each currency for one euro, by day.
CODES = ("AUD", "CAD", "GBP", "INR", "USD")
RATES = {
    day: dict(zip(CODES, map(Decimal, per_euro.split()), strict=True))
    for day, per_euro in (
        (OLDER, "1.4937 1.3605 0.8541 83.1745 1.0712"),
        (NEWER, "1.661 1.4753 0.8554 90.3515 1.0892"),
        (LATEST, "1.7933 1.6044 0.8562 100.437 1.1721"),
    )
}
SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$"}
ASSUMED = " (currency assumed)"


@pytest.fixture
def tables(db) -> list[SalaryTable]:
    """A career's two salary tables, each citing its own source, and the rates of three days:

    - "by-experience" (the newer document, which credits its figures to a survey): three ranges
      in rupees, the first two with the same midpoint, and an overall average in rupees;
    - "by-country" (the older document, which names no origin): a range in each other currency,
      Australia's currency assumed, Germany's in euros and wider than the others.
    """
    older = SourceFactory(published=OLDER)
    newer = SourceFactory(published=NEWER, date_label="Updated")
    career = CareerFactory(sources=[older, newer])
    by_experience = SalaryTableFactory(
        career=career,
        slug="by-experience",
        title="Salaries by experience",
        dimension=SalaryTable.Dimension.EXPERIENCE,
        as_of=NEWER,
        attributed_to="the Annual Pay Survey",
        caveat="The survey warns that its averages can change as new answers come in.",
        average_amount=Decimal(875_000),
        average_currency=Currency.INR,
        sources=[newer],
    )
    for label, minimum, maximum, as_stated in (
        ("Junior (0–2 years)", 450_000, 1_230_000, "4.5 lakhs to 12.3 lakhs"),
        ("Mid-level (3–5 years)", 600_000, 1_080_000, "6 lakhs to 10.8 lakhs"),
        ("Senior (6+ years)", 1_500_000, 2_400_000, "15 lakhs to 24 lakhs"),
    ):
        SalaryRowFactory(
            table=by_experience,
            label=label,
            currency=Currency.INR,
            minimum=Decimal(minimum),
            maximum=Decimal(maximum),
            as_stated=as_stated,
        )
    by_country = SalaryTableFactory(
        career=career,
        slug="by-country",
        title="Salaries by country",
        dimension=SalaryTable.Dimension.COUNTRY,
        as_of=OLDER,
        caveat="The guide calls these typical salaries and says that pay differs between jobs.",
        sources=[older],
    )
    for label, currency, minimum, maximum, as_stated in (
        ("United States", Currency.USD, 80_000, 100_000, "$80,000 - $100,000 per year"),
        ("Canada", Currency.CAD, 60_000, 90_000, '60,000 CAD - 90,000 CAD "per year"'),
        ("United Kingdom", Currency.GBP, 35_000, 55_000, "£35,000 - £55,000 per year"),
        ("Australia", Currency.AUD, 70_000, 100_000, "$70,000 - $100,000 per year"),
        ("Germany", Currency.EUR, 40_000, 72_000, "€40,000 - €72,000 per year"),
    ):
        SalaryRowFactory(
            table=by_country,
            label=label,
            currency=currency,
            currency_assumed=label == "Australia",
            minimum=Decimal(minimum),
            maximum=Decimal(maximum),
            as_stated=as_stated,
        )
    for day, rates in RATES.items():
        for currency, per_euro in rates.items():
            ExchangeRateFactory(date=day, currency=currency, per_euro=per_euro, source=RATE_SOURCE)
    return [by_experience, by_country]


@pytest.fixture
def url(tables) -> str:
    return reverse("careers:salaries", args=[tables[0].career.slug])


def page(client, url: str, **params):
    response = client.get(url, params)
    return response, response.content.decode()


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def rates_notes(html: str) -> list[str]:
    """What each table says about the exchange rates that converted it, as a reader sees it."""
    return [unescape(note) for note in re.findall(r'<p class="rates-note">(.*?)</p>', html)]


def converted(amount: Decimal, source: str, target: str, per_euro: dict[str, Decimal]) -> Decimal:
    """The amount in the target currency as the page works it out: divided by the source's units
    per euro, multiplied by the target's, rounded half up to the cent."""
    rates = {"EUR": Decimal(1), **per_euro}
    return (amount / rates[source] * rates[target]).quantize(Decimal("0.01"), ROUND_HALF_UP)


def money(amount: Decimal, currency: str) -> str:
    """An amount as the page prints it, in whole units rounded half up, written out here apart from
    the site's own formatting: digits grouped in threes or, for rupees, the last three then twos."""
    digits = str(amount.quantize(Decimal(1), ROUND_HALF_UP))
    groups = r"(?:\d\d)*\d{3}$" if currency == Currency.INR else r"(?:\d{3})+$"
    return SYMBOLS[currency] + re.sub(rf"(\d)(?={groups})", r"\1,", digits)


def expected_ranges(currency: str, day: datetime.date | None = None) -> dict[str, tuple]:
    """Each range of the tables in `currency`, converted with the rates of `day` or else of its own
    document's date, keyed by its heading in the chart's figures table, in the documents' order."""
    ranges = {}
    for row in SalaryRow.objects.select_related("table").order_by("table__position", "position"):
        per_euro = RATES[day or row.table.as_of]
        ranges[f"{row.label}, {row.table.as_of.year}"] = (
            converted(row.minimum, row.currency, currency, per_euro),
            converted(row.maximum, row.currency, currency, per_euro),
        )
    return ranges


def cells(minimum: Decimal, maximum: Decimal, currency: str) -> tuple[str, str, str]:
    """The minimum, midpoint and maximum as the chart's figures table shows them."""
    return (
        money(minimum, currency),
        money((minimum + maximum) / 2, currency),
        money(maximum, currency),
    )


SORT_KEYS = {
    "minimum": lambda bounds: bounds[0],
    "maximum": lambda bounds: bounds[1],
    "midpoint": lambda bounds: (bounds[0] + bounds[1]) / 2,
}


def highest_first(ranges: dict[str, tuple], sort: str) -> list[str]:
    return sorted(ranges, key=lambda label: SORT_KEYS[sort](ranges[label]), reverse=True)


def figures_table(html: str) -> str:
    """The chart's text alternative: the table labelled as the chart's figures."""
    match = re.search(
        r'<table class="figures" aria-labelledby="figures-caption">.*?</table>', html, re.S
    )
    assert match, "the chart's figures table is missing"
    return match.group(0)


def figures(html: str) -> dict[str, list[str]]:
    """The chart's figures table, row by row: heading to minimum, midpoint, maximum, as printed."""
    rows = re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', figures_table(html), re.S)
    return {label: re.findall(r"<td [^>]*>(.*?)</td>", row, re.S) for label, row in rows}


def chart_labels(html: str) -> list[str]:
    return re.findall(r'<span class="row-label">(.*?)</span>', html)


def table_section(html: str, slug: str) -> str:
    start = html.index(f'<section id="{slug}"')
    return html[start : html.index("</section>", start)]


def test_page_shows_both_tables_as_printed_with_their_sources(client, url, tables):
    response, html = page(client, url)
    assert response.status_code == HTTPStatus.OK
    for table in tables:
        assert f'<h3 id="{table.slug}-title">{table.title}</h3>' in html
        for source in table.sources.all():
            assert f'href="/sources/#source-{source.slug}"' in html
        for row in table.rows.all():
            assert escape(row.as_stated) in table_section(html, table.slug)
    assert "which credits the figures to the Annual Pay Survey" in html
    assert f"(updated {long_date(NEWER)})" in html
    assert f"(published {long_date(OLDER)})" in html


def test_original_amounts_use_indian_grouping_and_lakh(client, url):
    _, html = page(client, url, currency="USD")
    assert "₹4,50,000 to ₹12,30,000 (4.5 lakh to 12.3 lakh)" in html
    assert "₹15,00,000 to ₹24,00,000 (15 lakh to 24 lakh)" in html
    assert "Overall average the document gives: ₹8,75,000 (8.75 lakh)" in html


def test_default_view_is_rupees_with_each_documents_own_rates_sorted_by_midpoint(client, url):
    _, html = page(client, url)
    assert '<option value="INR" selected>' in html
    assert 'value="own" checked' in html
    assert '<option value="midpoint" selected>' in html
    dollars = converted(Decimal(80_000), "USD", "INR", RATES[OLDER])
    assert figures(html)["United States, 2022"][0] == money(dollars, "INR")
    assert rates_notes(html) == [
        f"Converted with the exchange rates of {long_date(day)}, the document's own date."
        for day in (NEWER, OLDER)
    ]


def test_latest_rates_convert_every_table_with_the_newest_day_and_say_so(client, url):
    _, html = page(client, url, currency="EUR", rates="latest")
    assert html.count(f"Converted with the exchange rates of {long_date(LATEST)}, the latest") == 2
    assert "the latest exchange rates held" in html
    assert f"The latest rates held ({long_date(LATEST)})</label>" in html
    shown = figures(html)
    for label, (minimum, maximum) in expected_ranges("EUR", LATEST).items():
        assert tuple(shown[label][:3]) == cells(minimum, maximum, "EUR")


@pytest.mark.parametrize("currency", Currency.values)
def test_every_currency_converts_every_range_next_to_its_original(client, url, currency):
    response, html = page(client, url, currency=currency)
    assert response.status_code == HTTPStatus.OK
    assert f'<option value="{currency}" selected>' in html
    shown = figures(html)
    assert len(shown) == SalaryRow.objects.count()
    for label, (minimum, maximum) in expected_ranges(currency).items():
        assert tuple(shown[label][:3]) == cells(minimum, maximum, currency)
    for row in SalaryRow.objects.select_related("table"):
        assumed = ", assumed" if row.currency_assumed else ""
        printed = f'{escape(row.as_stated)} <span class="code">({row.currency}{assumed})</span>'
        assert shown[f"{row.label}, {row.table.as_of.year}"][3] == printed
    # Germany's range is printed in euros; in euros it reads exactly as printed.
    if currency == "EUR":
        germany = re.search(
            r'<th scope="row">Germany</th>(.*?)</tr>', table_section(html, "by-country"), re.S
        ).group(1)
        _, original, in_euros = re.findall(r'<td class="as-printed">(.*?)</td>', germany, re.S)
        assert original.startswith("€40,000 to €72,000 <span")
        assert in_euros == "€40,000 to €72,000"


@pytest.mark.parametrize("sort", SORT_KEYS)
def test_every_sort_orders_the_chart_and_its_table_highest_first(client, url, sort):
    _, html = page(client, url, currency="EUR", sort=sort)
    order = highest_first(expected_ranges("EUR"), sort)
    assert list(figures(html)) == order
    assert [label.removesuffix(ASSUMED) for label in chart_labels(html)] == order
    assert f'<option value="{sort}" selected>' in html


def test_ranges_with_the_same_midpoint_keep_the_documents_order(client, url):
    # In rupees the first two experience levels both have their midpoint at ₹8,40,000.
    junior, mid_level = "Junior (0–2 years), 2024", "Mid-level (3–5 years), 2024"
    ranges = expected_ranges("INR")
    assert SORT_KEYS["midpoint"](ranges[junior]) == SORT_KEYS["midpoint"](ranges[mid_level])
    order = list(figures(page(client, url, currency="INR", sort="midpoint")[1]))
    assert order[order.index(junior) + 1] == mid_level


def test_sorts_differ_where_the_ranges_overlap(client, url):
    # In euros Germany's range is the widest: its maximum ranks higher than its minimum does.
    ranges = expected_ranges("EUR")
    by_minimum = list(figures(page(client, url, currency="EUR", sort="minimum")[1]))
    by_maximum = list(figures(page(client, url, currency="EUR", sort="maximum")[1]))
    germany = "Germany, 2022"
    assert by_minimum.index(germany) == highest_first(ranges, "minimum").index(germany)
    assert by_maximum.index(germany) == highest_first(ranges, "maximum").index(germany)
    assert by_maximum.index(germany) < by_minimum.index(germany)


def test_chart_is_one_image_with_title_description_and_a_bar_per_range(client, url):
    _, html = page(client, url, currency="GBP")
    chart = re.search(r'<div class="salary-chart" .*?</figure>', html, re.S).group(0)
    ranges = SalaryRow.objects.count()
    assert 'role="img"' in chart
    assert 'aria-labelledby="chart-title chart-desc"' in chart
    assert re.search(r'<p id="chart-title" hidden>\S', chart)
    assert re.search(r'<p id="chart-desc" hidden>\S', chart)
    assert chart.count('class="bar"') == ranges
    assert chart.count('class="midpoint"') == ranges
    assert chart.count('class="row-label"') == ranges
    assert "£0" in chart
    assert "viewBox" not in chart
    assert "style=" not in html


def test_caveats_name_the_years_cost_of_living_the_assumed_currency_and_the_documents_own(
    client, url, tables
):
    _, html = page(client, url)
    dated = "; ".join(f"{table.title}: {long_date(table.as_of)}" for table in tables)
    assert f"The tables come from different years ({dated})" in html
    assert "not adjusted for cost of living" in html
    assert "Australia: the document prints “$70,000 - $100,000 per year” without naming" in html
    assert "AUD, assumed" in html
    assert f"Australia, {OLDER.year}{ASSUMED}" in html
    assert "warns that its averages can change" in html
    assert "The midpoint is halfway" in html


def test_page_lists_the_rates_it_used_with_their_source(client, url):
    _, html = page(client, url)
    rates = html[html.index('id="rates-heading"') :]
    assert "Exchange rates used" in html
    for day in (OLDER, NEWER):
        caption = f'<caption id="rates-{day:%Y-%m-%d}">{long_date(day)}: {RATE_SOURCE}</caption>'
        start = rates.index(caption)
        listed = rates[start : rates.index("</table>", start)]
        for code, per_euro in RATES[day].items():
            assert (
                f'<tr><th scope="row">{code}</th><td class="amount">{per_euro}</td></tr>' in listed
            )
    assert f"rates-{LATEST:%Y-%m-%d}" not in rates


def test_htmx_request_gets_only_the_comparison_fragment(client, url):
    response = client.get(url, {"currency": "CAD"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in html
    assert "<form" not in html
    assert "<svg" in html
    assert "Canadian dollar (CAD)" in html


def test_responses_vary_on_the_htmx_header(client, url):
    assert "HX-Request" in client.get(url).headers["Vary"]
    assert "HX-Request" in client.get(url, headers=HTMX).headers["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, url):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(url, headers=headers).content.decode()


def test_boosted_navigation_to_the_page_gets_the_whole_page(client, url):
    headers = {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "main"}
    assert "<html" in client.get(url, headers=headers).content.decode()


def test_form_is_a_plain_get_form_that_htmx_enhances(client, url):
    _, html = page(client, url)
    form = re.search(r"<form [^>]*>", html).group(0)
    assert 'method="get"' in form
    assert f'action="{url}"' in form
    assert f'hx-get="{url}"' in form
    assert 'hx-trigger="change, submit"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-sync="this:replace"' in form
    assert '<button type="submit">' in html


def test_the_form_asks_the_browser_not_to_put_back_choices_from_a_later_page(client, url):
    """Without it, Back without JavaScript shows one page's figures under the next one's
    choices: the browser refills the controls as they were when the visitor left."""
    _, html = page(client, url, currency="USD")
    form = re.search(r"<form [^>]*>", html).group(0)
    assert 'autocomplete="off"' in form


def test_currency_code_is_read_in_any_case(client, url):
    response, html = page(client, url, currency="usd")
    assert response.status_code == HTTPStatus.OK
    assert '<option value="USD" selected>' in html


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"currency": "XYZ"}, "“XYZ” is not one of the choices for currency"),
        (
            {"sort": "salary; drop table"},
            "“salary; drop table” is not one of the choices for sort order",
        ),
        ({"rates": "yesterday"}, "“yesterday” is not one of the choices for exchange rates"),
    ],
)
def test_unknown_choice_answers_400_with_a_notice_and_the_default_view(client, url, params, named):
    response, html = page(client, url, **params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in html
    assert named in html
    assert '<option value="INR" selected>' in html
    assert "<svg" in html


@pytest.mark.parametrize(
    "value", ["\x00", "€", "EUR EUR", "💸" * 200, "own;latest", "<script>alert(1)</script>"]
)
@pytest.mark.parametrize("name", ["currency", "rates", "sort"])
def test_odd_values_never_break_the_page(client, url, name, value):
    response, html = page(client, url, **{name: value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "<script>alert" not in html


def test_empty_choices_mean_the_defaults(client, url):
    response, html = page(client, url, currency="", rates="", sort="")
    assert response.status_code == HTTPStatus.OK
    assert '<option value="INR" selected>' in html
    assert 'value="own" checked' in html
    assert '<option value="midpoint" selected>' in html


def test_long_garbage_is_cut_short_in_the_notice(client, url):
    response, html = page(client, url, currency="A" * 5000)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f"“{'A' * 40}”" in html
    assert "A" * 41 not in html


def test_page_without_rates_shows_the_tables_as_printed_and_says_nothing_was_converted(
    client, url, tables
):
    ExchangeRate.objects.all().delete()
    response, html = page(client, url, currency="USD")
    assert response.status_code == HTTPStatus.OK
    assert "4.5 lakhs to 12.3 lakhs" in html
    for table in tables:
        assert f"No exchange rates are held for “{table.title}”" in html
    assert "No exchange rates are held, so nothing could be converted." in html
    assert "<svg" not in html


def test_without_rates_on_the_documents_date_the_last_day_before_it_converts_and_is_named(
    client, url
):
    ExchangeRate.objects.filter(date=NEWER).delete()
    _, html = page(client, url, currency="USD")
    assert (
        f"Converted with the exchange rates of {long_date(OLDER)}, the last day before the "
        f"document's date ({long_date(NEWER)}) that holds every rate this table needs."
        in rates_notes(html)
    )
    rupees = [converted(Decimal(b), "INR", "USD", RATES[OLDER]) for b in (450_000, 1_230_000)]
    assert tuple(figures(html)["Junior (0–2 years), 2024"][:3]) == cells(*rupees, "USD")


def test_without_rates_on_or_before_the_documents_date_the_first_day_after_it_converts(client, url):
    ExchangeRate.objects.filter(date=OLDER).delete()
    _, html = page(client, url, currency="EUR")
    assert (
        f"Converted with the exchange rates of {long_date(NEWER)}, the first day after the "
        f"document's date ({long_date(OLDER)}) that holds every rate this table "
        "needs; no earlier day does." in rates_notes(html)
    )
    assert "nearest" not in html
    dollars = [converted(Decimal(bound), "USD", "EUR", RATES[NEWER]) for bound in (80_000, 100_000)]
    assert tuple(figures(html)["United States, 2022"][:3]) == cells(*dollars, "EUR")


def test_latest_rates_lacking_a_tables_currency_name_the_day_used_instead(client, url):
    ExchangeRate.objects.filter(date=LATEST, currency="INR").delete()
    _, html = page(client, url, currency="USD", rates="latest")
    assert rates_notes(html) == [
        f"Converted with the exchange rates of {long_date(NEWER)}, the latest day that holds "
        "every rate this table needs (later days lack one); the document is dated "
        f"{long_date(NEWER)}.",
        # The country table needs no rupees: the latest day converts it.
        f"Converted with the exchange rates of {long_date(LATEST)}, the latest held; "
        f"the document is dated {long_date(OLDER)}.",
    ]
    rupees = [converted(Decimal(b), "INR", "USD", RATES[NEWER]) for b in (450_000, 1_230_000)]
    assert tuple(figures(html)["Junior (0–2 years), 2024"][:3]) == cells(*rupees, "USD")


def test_unknown_career_is_404(client, tables):
    response = client.get(reverse("careers:salaries", args=["astronaut"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_post_is_refused(client, url):
    assert client.post(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_page_takes_a_bounded_number_of_queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(url, {"currency": "AUD", "sort": "maximum"})
    with django_assert_max_num_queries(8):
        client.get(url, {"currency": "AUD"}, headers=HTMX)


def test_the_documents_caveat_and_the_sites_notes_are_shown_apart(client, url):
    _, html = page(client, url)
    countries = table_section(html, "by-country")
    caveat = re.search(r'<p class="caveat">(.*?)</p>', countries, re.S).group(1)
    assert "says that pay differs between jobs" in caveat
    for remark in ("cost of living", "Australia", "where the figures come from"):
        assert remark not in caveat
    notes = re.search(r'<div class="site-notes">(.*?)</div>', countries, re.S).group(1)
    assert "This site's notes</strong> (not the document's)" in notes
    assert "<li>The document does not say where the figures come from.</li>" in notes
    assert "not adjusted for differences in the cost of living" in notes
    assert (
        "Australia: the document does not name the currency of “$70,000 - $100,000 per year”; "
        "this page reads it as Australian dollar (AUD)." in notes
    )
    experience = table_section(html, "by-experience")
    assert "warns that its averages can change" in experience
    assert 'class="site-notes"' not in experience


def test_the_average_is_said_once_when_shown_in_its_own_currency(client, url):
    _, html = page(client, url, currency="INR")
    assert "Overall average the document gives: ₹8,75,000 (8.75 lakh).</p>" in html
    assert html.count("₹8,75,000 (8.75 lakh)") == 1
    _, html = page(client, url, currency="USD")
    dollars = money(converted(Decimal(875_000), "INR", "USD", RATES[NEWER]), "USD")
    assert (
        f"Overall average the document gives: ₹8,75,000 (8.75 lakh), or {dollars} converted."
        in html
    )


# Smoke tests: the real content


def test_smoke_the_real_tables_are_shown_as_printed_with_their_sources(client, loaded):
    tables = SalaryTable.objects.select_related("career").prefetch_related("rows", "sources")
    assert len(tables) >= 2
    for table in tables:
        response, html = page(client, reverse("careers:salaries", args=[table.career.slug]))
        assert response.status_code == HTTPStatus.OK
        assert escape(table.title) in html
        for source in table.sources.all():
            assert f'href="/sources/#source-{source.slug}"' in html
        for row in table.rows.all():
            assert escape(row.as_stated) in html


def test_smoke_a_real_range_is_converted_with_the_real_rates_of_the_day_the_page_names(
    client, loaded
):
    row = SalaryRow.objects.select_related("table__career").exclude(currency=Currency.INR).first()
    _, html = page(client, reverse("careers:salaries", args=[row.table.career.slug]))
    named = re.search(
        r"Converted with the exchange rates of (\d+ \w+ \d{4})", table_section(html, row.table.slug)
    ).group(1)
    day = datetime.datetime.strptime(named, "%d %B %Y").date()
    per_euro = {rate.currency: rate.per_euro for rate in ExchangeRate.objects.filter(date=day)}
    bounds = [
        converted(bound, row.currency, "INR", per_euro) for bound in (row.minimum, row.maximum)
    ]
    assert tuple(figures(html)[f"{row.label}, {row.table.as_of.year}"][:3]) == cells(*bounds, "INR")
