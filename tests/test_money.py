import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careers.chart import Range, draw, nice_step
from careers.money import (
    SYMBOLS,
    RateBook,
    convert,
    format_compact,
    format_indian_words,
    format_money,
    group_digits,
    parse_money,
    plain,
    to_smallest_unit,
    to_whole_units,
)

CURRENCIES = sorted(SYMBOLS)
# The ECB's rates of 6 January 2025, as content/rates.yaml holds them.
RATES = {
    "AUD": Decimal("1.6555"),
    "CAD": Decimal("1.4914"),
    "GBP": Decimal("0.83098"),
    "INR": Decimal("89.2605"),
    "USD": Decimal("1.0426"),
}

amounts = st.decimals(
    min_value=Decimal(0), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False
)
rates = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal(100000), places=4, allow_nan=False
)
currencies = st.sampled_from(CURRENCIES)


def test_conversion_goes_through_the_euro():
    # 560000 INR / 89.2605 * 1.0426 = 6541.0343...; 40000 GBP / 0.83098 = 48135.9358...
    assert convert(Decimal(560000), "INR", "USD", RATES) == Decimal("6541.03")
    assert convert(Decimal(40000), "EUR", "GBP", RATES) == Decimal("33239.20")
    assert convert(Decimal(40000), "GBP", "EUR", RATES) == Decimal("48135.94")


def test_converting_into_the_same_currency_keeps_the_amount():
    assert convert(Decimal("1234.5"), "CAD", "CAD", RATES) == Decimal("1234.50")


def test_rounding_takes_halves_up_to_the_cent_and_to_whole_units():
    assert to_smallest_unit(Decimal("0.125")) == Decimal("0.13")
    assert to_smallest_unit(Decimal("0.135")) == Decimal("0.14")
    assert to_whole_units(Decimal("2.5")) == Decimal(3)
    assert to_whole_units(Decimal("3.5")) == Decimal(4)
    assert to_whole_units(Decimal("3.49")) == Decimal(3)


def test_conversion_result_is_a_decimal_in_cents():
    converted = convert(Decimal(90000), "USD", "INR", RATES)
    assert isinstance(converted, Decimal)
    assert converted.as_tuple().exponent == -2


def test_indian_grouping_puts_commas_after_the_thousands_then_every_two_digits():
    assert group_digits("560000", indian=True) == "5,60,000"
    assert group_digits("10700000", indian=True) == "1,07,00,000"
    assert group_digits("999", indian=True) == "999"
    assert group_digits("1000", indian=True) == "1,000"


def test_amounts_carry_their_currency_symbol():
    assert format_money(Decimal(560000), "INR") == "₹5,60,000"
    assert format_money(Decimal(90000), "USD") == "$90,000"
    assert format_money(Decimal(65000), "CAD") == "C$65,000"
    assert format_money(Decimal(40000), "GBP") == "£40,000"
    assert format_money(Decimal(70000), "AUD") == "A$70,000"
    assert format_money(Decimal(40000), "EUR") == "€40,000"
    assert format_money(Decimal("1234.5"), "EUR", cents=True) == "€1,234.50"


def test_whole_unit_display_rounds_half_up():
    assert format_money(Decimal("6541.50"), "USD") == "$6,542"
    assert format_money(Decimal("6541.49"), "USD") == "$6,541"


def test_rupee_amounts_read_in_lakh_and_crore():
    assert format_indian_words(Decimal(560000)) == "5.6 lakh"
    assert format_indian_words(Decimal(1600000)) == "16 lakh"
    assert format_indian_words(Decimal(870000)) == "8.7 lakh"
    assert format_indian_words(Decimal(10250000)) == "1.03 crore"


def test_axis_labels_are_short():
    assert format_compact(Decimal(40000), "EUR") == "€40k"
    assert format_compact(Decimal(2000000), "INR") == "₹20 lakh"
    assert format_compact(Decimal(0), "USD") == "$0"


def test_rates_are_shown_without_trailing_zeros():
    assert plain(Decimal("1.685900")) == "1.6859"
    assert plain(Decimal("100.000000")) == "100"
    assert plain(Decimal("1E+2")) == "100"


def test_parsing_refuses_text_that_is_not_money():
    with pytest.raises(ValueError):
        parse_money("40,000 euros")


def rate_table(source: str, target: str, r1: Decimal, r2: Decimal) -> dict[str, Decimal]:
    """Rates for two currencies; the euro's is always 1, and one currency has one rate."""
    table = {target: r2, source: r1}
    table["EUR"] = Decimal(1)
    return table


@given(amounts, amounts, currencies, currencies, rates, rates)
def test_minimum_stays_at_or_below_maximum_after_conversion(a, b, source, target, r1, r2):
    low, high = sorted((a, b))
    per_euro = rate_table(source, target, r1, r2)
    assert convert(low, source, target, per_euro) <= convert(high, source, target, per_euro)


@given(amounts, currencies, currencies, rates, rates)
def test_converting_there_and_back_loses_at_most_a_cent_of_each_currency(
    amount, source, target, r1, r2
):
    per_euro = rate_table(source, target, r1, r2)
    back = convert(convert(amount, source, target, per_euro), target, source, per_euro)
    # A cent of the target currency is worth this much of the source currency.
    target_cent = Decimal("0.01") * per_euro[source] / per_euro[target]
    assert abs(back - amount) <= Decimal("0.01") + target_cent


@given(amounts, currencies, currencies, rates, rates)
def test_round_trip_through_a_smaller_unit_stays_within_a_cent(amount, source, target, r1, r2):
    """When a unit of the target currency is worth no more than one of the source's."""
    per_euro = rate_table(source, target, min(r1, r2), max(r1, r2))
    if per_euro[target] < per_euro[source]:
        source, target = target, source
    back = convert(convert(amount, source, target, per_euro), target, source, per_euro)
    assert abs(back - amount) <= Decimal("0.01")


@given(amounts, currencies)
def test_formatting_whole_units_loses_no_digits(amount, currency):
    assert parse_money(format_money(amount, currency)) == (to_whole_units(amount), currency)


@given(amounts, currencies)
def test_formatting_cents_loses_no_digits(amount, currency):
    parsed, _ = parse_money(format_money(amount, currency, cents=True))
    assert parsed == to_smallest_unit(amount)


@given(st.integers(min_value=0, max_value=10**15))
def test_indian_grouping_has_three_digits_last_then_pairs(number):
    grouped = group_digits(str(number), indian=True)
    groups = grouped.split(",")
    assert grouped.replace(",", "") == str(number)
    assert len(groups[-1]) == 3 or len(groups) == 1
    assert all(len(group) == 2 for group in groups[1:-1])
    assert 1 <= len(groups[0]) <= (3 if len(groups) == 1 else 2)


@given(st.integers(min_value=0, max_value=10**15))
def test_western_grouping_is_every_three_digits(number):
    grouped = group_digits(str(number))
    assert grouped.replace(",", "") == str(number)
    assert all(len(group) == 3 for group in grouped.split(",")[1:])


@dataclass
class StoredRate:
    date: datetime.date
    currency: str
    per_euro: Decimal
    source: str = "European Central Bank"


def test_rate_book_picks_the_last_day_on_or_before_the_date_that_has_every_currency():
    book = RateBook(
        [
            StoredRate(datetime.date(2023, 9, 5), "USD", Decimal("1.0731")),
            StoredRate(datetime.date(2023, 9, 5), "INR", Decimal("89.0965")),
            StoredRate(datetime.date(2025, 1, 6), "USD", Decimal("1.0426")),
        ]
    )
    assert book.on_or_before(datetime.date(2025, 1, 6), {"USD"}).date == datetime.date(2025, 1, 6)
    assert book.on_or_before(datetime.date(2025, 1, 6), {"USD", "INR"}).date == datetime.date(
        2023, 9, 5
    )
    assert book.on_or_before(datetime.date(2020, 1, 1), {"USD"}).date == datetime.date(2023, 9, 5)
    assert book.latest({"USD", "EUR"}).date == datetime.date(2025, 1, 6)
    assert book.latest({"GBP"}) is None


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2))
def test_axis_step_is_round_and_gives_at_most_ten_intervals(largest):
    step = nice_step(largest)
    assert step.normalize().as_tuple().digits in {(1,), (2,), (2, 5), (5,)}
    assert largest / step <= 10


def test_chart_bars_run_from_minimum_to_maximum_with_the_midpoint_between():
    chart = draw(
        [
            Range("United States, 2023", 2, Decimal(90000), Decimal(120000), ""),
            Range("Germany, 2023", 2, Decimal(40000), Decimal(70000), ""),
        ],
        "EUR",
    )
    us, germany = chart.bars
    assert us.x_min < us.x_mid < us.x_max
    assert germany.x_max < us.x_max
    assert us.x_mid == (us.x_min + us.x_max) / 2
    assert [tick.label for tick in chart.ticks][0] == "€0"
    assert chart.ticks[0].x == 0
    assert chart.ticks[-1].x == 100
    assert us.x_max <= 100


ranges = st.lists(
    st.tuples(
        st.decimals(min_value=0, max_value=Decimal("1e12"), places=0),
        st.decimals(min_value=0, max_value=Decimal("1e12"), places=0),
    ).map(sorted),
    min_size=1,
    max_size=12,
)


@given(ranges, st.sampled_from(CURRENCIES))
def test_chart_places_every_bar_and_tick_across_the_plot_in_percent(ends, currency):
    chart = draw(
        [Range(f"Row {i}", 1, low, high, "") for i, (low, high) in enumerate(ends)], currency
    )
    xs = [tick.x for tick in chart.ticks]
    assert xs[0] == 0 and xs[-1] == 100
    assert xs == sorted(set(xs))
    largest = max(high for _, high in ends)
    placed = list(zip(chart.bars, ends, strict=True))
    for bar, (low, high) in placed:
        assert 0 <= bar.x_min <= bar.x_mid <= bar.x_max <= 100
        if high == largest and high:
            assert bar.x_max >= xs[-2]  # the axis ends within one step of the largest maximum
        # A larger amount never sits further left.
        for other, (other_low, other_high) in placed:
            if low <= other_low:
                assert bar.x_min <= other.x_min
            if high <= other_high:
                assert bar.x_max <= other.x_max
    assert chart.mark_top < chart.bar_top
    assert chart.bar_top + chart.bar_height < chart.mark_bottom <= chart.strip_height
