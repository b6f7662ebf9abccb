import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from careers.models import Currency, ExchangeRate, SalaryRow

pytestmark = pytest.mark.django_db

URL = reverse("careers:salaries", args=["backend-developer"])
HTMX = {"HX-Request": "true", "HX-Target": "comparison"}


def page(client, **params):
    response = client.get(URL, params)
    return response, response.content.decode()


def figures_table(html: str) -> str:
    """The chart's text alternative: the table labelled as the chart's figures."""
    match = re.search(
        r'<table class="figures" aria-labelledby="figures-caption">.*?</table>', html, re.S
    )
    assert match, "the chart's figures table is missing"
    return match.group(0)


def row_headers(table_html: str) -> list[str]:
    return re.findall(r'<th scope="row">(.*?)</th>', table_html)


def test_page_shows_both_tables_as_printed_with_their_sources(client, loaded):
    response, html = page(client)
    assert response.status_code == HTTPStatus.OK
    for row in SalaryRow.objects.all():
        assert row.as_stated.replace('"', "&quot;") in html
    assert 'href="/sources/#source-upgrad-2025"' in html
    assert 'href="/sources/#source-knowledgehut-2023"' in html
    assert "credits the figures to AmbitionBox" in html
    assert "updated 6 January 2025" in html
    assert "published 5 September 2023" in html


def test_original_amounts_use_indian_grouping_and_lakh(client, loaded):
    _, html = page(client, currency="USD")
    assert "₹5,60,000 to ₹10,70,000 (5.6 lakh to 10.7 lakh)" in html
    assert "Overall average the document gives: ₹8,70,000 (8.7 lakh)" in html


def test_default_view_is_rupees_with_each_documents_own_rates_sorted_by_midpoint(client, loaded):
    _, html = page(client)
    assert '<option value="INR" selected>' in html
    assert 'value="own" checked' in html
    assert '<option value="midpoint" selected>' in html
    # $90,000 / 1.0731 * 89.0965 (the rates of 5 September 2023) = ₹74,72,448.98
    assert "₹74,72,449" in html
    assert "Converted with the exchange rates of 5 September 2023, the document's own date" in html
    assert "Converted with the exchange rates of 6 January 2025, the document's own date" in html


def test_latest_rates_convert_every_table_with_the_newest_day_and_say_so(client, loaded):
    latest = ExchangeRate.objects.latest("date").date
    _, html = page(client, currency="EUR", rates="latest")
    assert html.count(f"Converted with the exchange rates of {latest:%-d %B %Y}, the latest") == 2
    assert "the latest exchange rates held" in html
    assert f"The latest rates held ({latest:%-d %B %Y})</label>" in html


@pytest.mark.parametrize("currency", Currency.values)
def test_every_currency_converts_every_range_next_to_its_original(client, loaded, currency):
    response, html = page(client, currency=currency)
    assert response.status_code == HTTPStatus.OK
    assert f'<option value="{currency}" selected>' in html
    table = figures_table(html)
    assert len(row_headers(table)) == SalaryRow.objects.count()
    assert "$90,000 - $120,000 per year" in table
    # Germany's range is printed in euros; in euros it reads exactly as printed.
    if currency == "EUR":
        assert "€40,000 to €70,000" in html


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("midpoint", "United States, 2023", "Entry level (0–4 years), 2025"),
        ("minimum", "United States, 2023", "Entry level (0–4 years), 2025"),
        ("maximum", "United States, 2023", "Entry level (0–4 years), 2025"),
    ],
)
def test_every_sort_orders_the_chart_and_its_table_highest_first(client, loaded, sort, first, last):
    _, html = page(client, currency="EUR", sort=sort)
    rows = row_headers(figures_table(html))
    assert rows[0] == first
    assert rows[-1] == last
    assert f'<option value="{sort}" selected>' in html


def test_sorts_differ_where_the_ranges_overlap(client, loaded):
    # In euros (own dates) Germany's maximum (€70,000) is the third highest of the five countries,
    # while its minimum (€40,000) is the lowest of them.
    by_minimum = row_headers(figures_table(page(client, currency="EUR", sort="minimum")[1]))
    by_maximum = row_headers(figures_table(page(client, currency="EUR", sort="maximum")[1]))
    assert by_minimum.index("Germany, 2023") == 4
    assert by_maximum.index("Germany, 2023") == 2


def test_chart_is_one_image_with_title_description_and_a_bar_per_range(client, loaded):
    _, html = page(client, currency="GBP")
    chart = re.search(r'<div class="salary-chart" .*?</figure>', html, re.S).group(0)
    assert 'role="img"' in chart
    assert 'aria-labelledby="chart-title chart-desc"' in chart
    assert re.search(r'<p id="chart-title" hidden>\S', chart)
    assert re.search(r'<p id="chart-desc" hidden>\S', chart)
    assert chart.count('class="bar"') == SalaryRow.objects.count()
    assert chart.count('class="midpoint"') == SalaryRow.objects.count()
    assert chart.count('class="row-label"') == SalaryRow.objects.count()
    assert "£0" in chart
    assert "viewBox" not in chart
    assert "style=" not in html


def test_caveats_name_the_years_cost_of_living_the_assumed_currency_and_the_documents_own(
    client, loaded
):
    _, html = page(client)
    assert "The tables were written years apart" in html
    assert "not adjusted for cost of living" in html
    assert "Australia: the document prints “$70,000 - $100,000 per year” without naming" in html
    assert "AUD, assumed" in html
    assert "Australia, 2023 (currency assumed)" in html
    assert "warns that they can change" in html
    assert "The midpoint is halfway" in html


def test_page_lists_the_rates_it_used_with_their_source(client, loaded):
    _, html = page(client)
    assert "Exchange rates used" in html
    assert '<td class="amount">89.2605</td>' in html
    assert '<td class="amount">1.6859</td>' in html
    assert "European Central Bank" in html


def test_htmx_request_gets_only_the_comparison_fragment(client, loaded):
    response = client.get(URL, {"currency": "CAD"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in html
    assert "<form" not in html
    assert "<svg" in html
    assert "Canadian dollar (CAD)" in html


def test_responses_vary_on_the_htmx_header(client, loaded):
    assert "HX-Request" in client.get(URL).headers["Vary"]
    assert "HX-Request" in client.get(URL, headers=HTMX).headers["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, loaded):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(URL, headers=headers).content.decode()


def test_boosted_navigation_to_the_page_gets_the_whole_page(client, loaded):
    headers = {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "main"}
    assert "<html" in client.get(URL, headers=headers).content.decode()


def test_form_is_a_plain_get_form_that_htmx_enhances(client, loaded):
    _, html = page(client)
    form = re.search(r"<form [^>]*>", html).group(0)
    assert 'method="get"' in form
    assert f'action="{URL}"' in form
    assert f'hx-get="{URL}"' in form
    assert 'hx-trigger="change, submit"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-sync="this:replace"' in form
    assert '<button type="submit">' in html


def test_currency_code_is_read_in_any_case(client, loaded):
    response, html = page(client, currency="usd")
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
def test_unknown_choice_answers_400_with_a_notice_and_the_default_view(
    client, loaded, params, named
):
    response, html = page(client, **params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in html
    assert named in html
    assert '<option value="INR" selected>' in html
    assert "<svg" in html


@pytest.mark.parametrize(
    "value", ["\x00", "€", "EUR EUR", "💸" * 200, "own;latest", "<script>alert(1)</script>"]
)
@pytest.mark.parametrize("name", ["currency", "rates", "sort"])
def test_odd_values_never_break_the_page(client, loaded, name, value):
    response, html = page(client, **{name: value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "<script>alert" not in html


def test_empty_choices_mean_the_defaults(client, loaded):
    response, html = page(client, currency="", rates="", sort="")
    assert response.status_code == HTTPStatus.OK
    assert '<option value="INR" selected>' in html


def test_long_garbage_is_cut_short_in_the_notice(client, loaded):
    response, html = page(client, currency="A" * 5000)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A" * 41 not in html


def test_page_without_rates_shows_the_tables_as_printed_and_says_nothing_was_converted(
    client, loaded
):
    ExchangeRate.objects.all().delete()
    response, html = page(client, currency="USD")
    assert response.status_code == HTTPStatus.OK
    assert "5.6 lakhs to 10.7 lakhs" in html
    assert "No exchange rates are held" in html
    assert "<svg" not in html


def test_rates_missing_for_the_documents_date_fall_back_to_the_nearest_held_and_say_so(
    client, loaded
):
    ExchangeRate.objects.filter(date="2023-09-05").delete()
    _, html = page(client, currency="EUR")
    assert "the nearest day to the document's date (5 September 2023)" in html


def test_unknown_career_is_404(client, loaded):
    response = client.get(reverse("careers:salaries", args=["astronaut"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_post_is_refused(client, loaded):
    assert client.post(URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_page_takes_a_bounded_number_of_queries(client, loaded, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(URL, {"currency": "AUD", "sort": "maximum"})
    with django_assert_max_num_queries(8):
        client.get(URL, {"currency": "AUD"}, headers=HTMX)


def table_section(html: str, slug: str) -> str:
    start = html.index(f'<section id="{slug}"')
    return html[start : html.index("</section>", start)]


def test_the_documents_caveat_and_the_sites_notes_are_shown_apart(client, loaded):
    _, html = page(client)
    countries = table_section(html, "top-five-countries")
    caveat = re.search(r'<p class="caveat">(.*?)</p>', countries, re.S).group(1)
    assert "pay varies with the country and the specific job" in caveat
    for remark in ("cost of living", "Australia", "source"):
        assert remark not in caveat
    notes = re.search(r'<div class="site-notes">(.*?)</div>', countries, re.S).group(1)
    assert "This site's notes</strong> (not the document's)" in notes
    assert "<li>The document does not say where the figures come from.</li>" in notes
    assert "not adjusted for differences in the cost of living" in notes
    assert (
        "Australia: the document does not name the currency of “$70,000 - $100,000 per year”; "
        "this page reads it as Australian dollar (AUD)." in notes
    )
    india = table_section(html, "india-by-experience")
    assert "warns that they can change" in india
    assert 'class="site-notes"' not in india


def test_the_average_is_said_once_when_shown_in_its_own_currency(client, loaded):
    _, html = page(client, currency="INR")
    assert "Overall average the document gives: ₹8,70,000 (8.7 lakh).</p>" in html
    assert html.count("₹8,70,000 (8.7 lakh)") == 1
    _, html = page(client, currency="USD")
    assert "Overall average the document gives: ₹8,70,000 (8.7 lakh), or $" in html
