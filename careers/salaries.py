"""The salary comparison page: the documents' tables as printed, converted and charted side by side.

The choices (display currency, which day's exchange rates, sort order) are plain GET parameters, so
every view of the comparison has a URL that can be shared. The currency a visitor last chose is
remembered in a cookie and shown when the address names none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from .chart import Chart, Range, draw
from .models import Career, Currency, ExchangeRate, SalaryRow, SalaryTable
from .money import RateBook, RateDay, format_indian_words, format_money

RATE_CHOICES = {
    "own": "Each document's own date",
    "latest": "The latest rates held",
}
SORT_CHOICES = {
    "midpoint": "Midpoint",
    "minimum": "Minimum",
    "maximum": "Maximum",
}
CURRENCY_CHOICES = {code: f"{label} ({code})" for code, label in Currency.choices}
CHOICES = {"currency": CURRENCY_CHOICES, "rates": RATE_CHOICES, "sort": SORT_CHOICES}
DEFAULTS = {"currency": Currency.INR.value, "rates": "own", "sort": "midpoint"}
PARAMETER_NAMES = {"currency": "currency", "rates": "exchange rates", "sort": "sort order"}
# The cookie that keeps the currency the visitor chose last, for a year. A cookie rather than the
# session: remembering a choice should not cost a visitor without a session a database write.
CURRENCY_COOKIE = "currency"
CURRENCY_COOKIE_SECONDS = 365 * 24 * 60 * 60


def read_options(
    query: QueryDict, defaults: dict[str, str] = DEFAULTS
) -> tuple[dict[str, str], list[str]]:
    """The visitor's choices, the default standing in for any missing or unknown one, and a
    notice for each unknown one."""
    options, notices = {}, []
    for name, choices in CHOICES.items():
        value = query.get(name, "").strip()
        if name == "currency":
            value = value.upper()
        if not value:
            options[name] = defaults[name]
        elif value in choices:
            options[name] = value
        else:
            options[name] = defaults[name]
            notices.append(
                f"“{value[:40]}” is not one of the choices for {PARAMETER_NAMES[name]}, so this "
                f"shows {choices[defaults[name]]} instead. The choices are: {', '.join(choices)}."
            )
    return options, notices


def remember_currency(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Keep a currency the address names for the visitor's next visit; the page now depends on
    the cookie, so caches must tell visitors apart by it.

    With JavaScript, Back and Forward ask for the earlier page again (htmx keeps no copies): that
    shows an earlier choice but makes none, so the currency chosen last stays remembered. Without
    JavaScript the browser's request for an earlier page cannot be told from a visit."""
    named = request.GET.get("currency", "").strip().upper()
    if (
        named in CURRENCY_CHOICES
        and named != request.COOKIES.get(CURRENCY_COOKIE)
        and not request.htmx.history_restore_request
    ):
        response.set_cookie(
            CURRENCY_COOKIE,
            named,
            max_age=CURRENCY_COOKIE_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    patch_vary_headers(response, ["Cookie"])
    return response


def range_text(minimum: Decimal, maximum: Decimal, currency: str) -> str:
    text = f"{format_money(minimum, currency)} to {format_money(maximum, currency)}"
    if currency == Currency.INR:
        text += f" ({format_indian_words(minimum)} to {format_indian_words(maximum)})"
    return text


def amount_text(amount: Decimal, currency: str) -> str:
    text = format_money(amount, currency)
    if currency == Currency.INR:
        text += f" ({format_indian_words(amount)})"
    return text


@dataclass(frozen=True)
class ConvertedRow:
    """A row of a table with its range in the display currency, when rates allow."""

    row: SalaryRow
    table: SalaryTable
    series: int
    minimum: Decimal | None
    maximum: Decimal | None
    currency: str

    @property
    def converted(self) -> bool:
        return self.minimum is not None and self.maximum is not None

    @property
    def midpoint(self) -> Decimal | None:
        return (self.minimum + self.maximum) / 2 if self.converted else None

    @property
    def original_text(self) -> str:
        return range_text(self.row.minimum, self.row.maximum, self.row.currency)

    @property
    def original_midpoint_text(self) -> str:
        return amount_text((self.row.minimum + self.row.maximum) / 2, self.row.currency)

    @property
    def converted_text(self) -> str:
        return range_text(self.minimum, self.maximum, self.currency) if self.converted else ""

    @property
    def minimum_text(self) -> str:
        return format_money(self.minimum, self.currency) if self.converted else ""

    @property
    def maximum_text(self) -> str:
        return format_money(self.maximum, self.currency) if self.converted else ""

    @property
    def midpoint_text(self) -> str:
        return format_money(self.midpoint, self.currency) if self.converted else ""

    @property
    def chart_label(self) -> str:
        label = f"{self.row.label}, {self.table.as_of.year}"
        return label + " (currency assumed)" if self.row.currency_assumed else label


@dataclass(frozen=True)
class ConvertedTable:
    table: SalaryTable
    series: int
    rates: RateDay | None
    rows: list[ConvertedRow]
    currency: str
    # Which day's rates these are, said after "Converted with the exchange rates of <day>".
    rates_note: str

    @property
    def average_text(self) -> str:
        table = self.table
        if table.average_amount is None:
            return ""
        return amount_text(table.average_amount, table.average_currency)

    @property
    def average_converted_text(self) -> str:
        """The average in the display currency; empty when it is already in it."""
        table = self.table
        if table.average_amount is None or self.rates is None:
            return ""
        if table.average_currency == self.currency:
            return ""
        amount = self.rates.convert(table.average_amount, table.average_currency, self.currency)
        return amount_text(amount, self.currency)

    @property
    def site_notes(self) -> list[str]:
        """What this page, not the document, says about the table, kept apart from the
        document's own caveat so that nobody takes one for the other."""
        table = self.table
        notes = []
        if not table.attributed_to:
            notes.append("The document does not say where the figures come from.")
        if table.dimension == SalaryTable.Dimension.COUNTRY:
            notes.append(
                "The figures are not adjusted for differences in the cost of living between "
                "the countries."
            )
        notes.extend(
            f"{row.row.label}: the document does not name the currency of “{row.row.as_stated}”; "
            f"this page reads it as {row.row.get_currency_display()} ({row.row.currency})."
            for row in self.rows
            if row.row.currency_assumed
        )
        return notes


def convert_table(
    table: SalaryTable, series: int, book: RateBook, currency: str, rates_choice: str
) -> ConvertedTable:
    rows = list(table.rows.all())
    needed = {currency, *(row.currency for row in rows)}
    if table.average_currency:
        needed.add(table.average_currency)
    if rates_choice == "latest":
        day = book.latest(needed)
    else:
        day = book.on_or_before(table.as_of, needed)
    converted = [
        ConvertedRow(
            row=row,
            table=table,
            series=series,
            minimum=day.convert(row.minimum, row.currency, currency) if day else None,
            maximum=day.convert(row.maximum, row.currency, currency) if day else None,
            currency=currency,
        )
        for row in rows
    ]
    note = rates_note(day, table.as_of, book, rates_choice) if day else ""
    return ConvertedTable(table, series, day, converted, currency, note)


def rates_note(day: RateDay, as_of: date, book: RateBook, rates_choice: str) -> str:
    """How the day whose rates convert a table stands to the day asked for: the document's own
    date, or the latest day held. A day without a rate for one of the table's currencies is
    passed over, and the note says so."""
    on = f"{as_of.day} {as_of:%B %Y}"
    every = "that holds every rate this table needs"
    if rates_choice == "latest":
        if day.date == book.days[-1].date:
            return f"the latest held; the document is dated {on}"
        return f"the latest day {every} (later days lack one); the document is dated {on}"
    if day.date == as_of:
        return "the document's own date"
    if day.date < as_of:
        return f"the last day before the document's date ({on}) {every}"
    return f"the first day after the document's date ({on}) {every}; no earlier day does"


def chart_for(rows: list[ConvertedRow], currency: str) -> Chart:
    return draw(
        [
            Range(
                label=row.chart_label,
                series=row.series,
                minimum=row.minimum,
                maximum=row.maximum,
                summary=f"{row.chart_label}: {row.minimum_text} to {row.maximum_text}, "
                f"midpoint {row.midpoint_text}",
            )
            for row in rows
        ],
        currency,
    )


def caveats(tables: list[ConvertedTable]) -> list[str]:
    """What a reader must keep in mind when comparing these particular tables."""
    notes = []
    years = {t.table.as_of.year for t in tables}
    if len(years) > 1:
        dated = "; ".join(
            f"{t.table.title}: {t.table.as_of.day} {t.table.as_of:%B %Y}" for t in tables
        )
        notes.append(
            f"The tables come from different years ({dated}). Salaries and exchange rates have "
            "moved in between; no figure here is adjusted for that."
        )
    notes.append(
        "Converted amounts use market exchange rates only. They are not adjusted for cost of "
        "living, so the same converted amount buys different things in different countries."
    )
    notes.extend(
        f"{row.label}: the document prints “{row.as_stated}” without naming the currency; "
        f"this page reads it as {row.get_currency_display()} ({row.currency})."
        for t in tables
        for row in t.table.rows.all()
        if row.currency_assumed
    )
    notes.append(
        "The midpoint is halfway between a range's two ends, worked out on this page; "
        "the documents do not give it."
    )
    return notes


@require_safe
# Like the other pages it carries the visitor's token and account links: no cache keeps it.
@cache_control(private=True, no_store=True)
@vary_on_headers("HX-Request")
def salaries(request: HttpRequest, career_slug: str) -> HttpResponse:
    career = get_object_or_404(Career, slug=career_slug)
    remembered = request.COOKIES.get(CURRENCY_COOKIE, "")
    defaults = {**DEFAULTS, "currency": remembered} if remembered in CURRENCY_CHOICES else DEFAULTS
    options, notices = read_options(request.GET, defaults)
    currency = options["currency"]
    book = RateBook(ExchangeRate.objects.all())
    tables = [
        convert_table(table, series, book, currency, options["rates"])
        for series, table in enumerate(
            career.salarytable_set.order_by("position").prefetch_related("rows", "sources"), 1
        )
    ]
    compared = [row for t in tables for row in t.rows if row.converted]
    compared.sort(key=lambda row: getattr(row, options["sort"]), reverse=True)
    rate_days = sorted({t.rates.date: t.rates for t in tables if t.rates}.items())
    context = {
        "career": career,
        "options": options,
        "notices": notices,
        "choices": CHOICES,
        "currency_label": CURRENCY_CHOICES[currency],
        "sort_label": SORT_CHOICES[options["sort"]].lower(),
        "tables": tables,
        "compared": compared,
        "lowest": compared[-1] if compared else None,
        "unconverted": [t for t in tables if t.rates is None and t.rows],
        "chart": chart_for(compared, currency) if compared else None,
        "periods": sorted({row.row.get_period_display() for row in compared}),
        "caveats": caveats(tables),
        "rate_days": [day for _, day in rate_days],
        "latest_rates_date": book.days[-1].date if book else None,
    }
    status = HTTPStatus.BAD_REQUEST if notices else HTTPStatus.OK
    # Boosted navigation and history restores need the whole page; only the form asks for less.
    if request.htmx and request.htmx.target == "comparison":
        template = "careers/salaries.html#comparison"
    else:
        template = "careers/salaries.html"
    return remember_currency(request, render(request, template, context, status=status))
