"""Amounts of money: conversion through the euro, rounding, and formatting for readers.

Every amount is a ``Decimal``; a float never touches one.

Rounding rule: ROUND_HALF_UP (a half goes away from zero), the rule a reader uses when checking a
figure by hand. A converted amount is rounded once to the currency's smallest unit (the cent or
paisa, two decimals); salary figures are then shown in whole units, rounded from that amount with
the same rule.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

EURO = "EUR"
ROUNDING = ROUND_HALF_UP
SMALLEST_UNIT = Decimal("0.01")
WHOLE_UNIT = Decimal("1")
LAKH = Decimal("100000")
CRORE = Decimal("10000000")

SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "CAD": "C$", "AUD": "A$"}


def to_smallest_unit(amount: Decimal) -> Decimal:
    return amount.quantize(SMALLEST_UNIT, rounding=ROUNDING)


def to_whole_units(amount: Decimal) -> Decimal:
    return amount.quantize(WHOLE_UNIT, rounding=ROUNDING)


def convert(amount: Decimal, source: str, target: str, per_euro: Mapping[str, Decimal]) -> Decimal:
    """The amount in the target currency, through the euro, rounded to the smallest unit.

    ``per_euro`` maps currency codes to units per euro; the euro itself is 1 whether listed or not.
    """
    rates = {EURO: Decimal(1), **per_euro}
    if source == target:
        return to_smallest_unit(amount)
    return to_smallest_unit(amount / rates[source] * rates[target])


def plain(number: Decimal) -> str:
    """A number without trailing zeros or exponent: 1.685900 is "1.6859", 100.00 is "100"."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def group_digits(digits: str, indian: bool = False) -> str:
    """Commas between groups: 1,234,567 or, in the Indian system, 12,34,567."""
    if len(digits) <= 3:
        return digits
    head, last_three = digits[:-3], digits[-3:]
    size = 2 if indian else 3
    groups = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return ",".join([*groups, last_three])


def format_money(amount: Decimal, currency: str, *, cents: bool = False) -> str:
    """The symbol and grouped digits, in whole units unless ``cents``: "₹5,60,000", "C$65,000"."""
    rounded = to_smallest_unit(amount) if cents else to_whole_units(amount)
    sign = "-" if rounded < 0 else ""
    units, _, fraction = f"{abs(rounded):f}".partition(".")
    text = group_digits(units, indian=currency == "INR")
    if fraction:
        text += f".{fraction}"
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{text}"


def format_indian_words(amount: Decimal) -> str:
    """An amount in lakh or crore, as Indian readers say it: "5.6 lakh", "1.02 crore"."""
    unit, name = (CRORE, "crore") if abs(amount) >= CRORE else (LAKH, "lakh")
    value = (amount / unit).quantize(SMALLEST_UNIT, rounding=ROUNDING)
    text = f"{value:f}".rstrip("0").rstrip(".")
    return f"{text} {name}"


def format_compact(amount: Decimal, currency: str) -> str:
    """Short labels for a chart axis: "₹10 lakh", "€40k", "$120k"."""
    if currency == "INR" and amount:
        return SYMBOLS["INR"] + format_indian_words(amount)
    if amount and amount % 1000 == 0:
        return f"{SYMBOLS.get(currency, currency + ' ')}{group_digits(f'{amount // 1000:f}')}k"
    return format_money(amount, currency)


_MONEY = re.compile(r"^(-?)(₹|\$|€|£|C\$|A\$)([0-9]{1,3}(?:,[0-9]{2,3})*)(\.[0-9]+)?$")


def parse_money(text: str) -> tuple[Decimal, str]:
    """The amount and currency of a string written by ``format_money``; ValueError otherwise."""
    match = _MONEY.match(text)
    if not match:
        raise ValueError(f"not an amount of money: {text!r}")
    sign, symbol, units, fraction = match.groups()
    currency = next(code for code, known in SYMBOLS.items() if known == symbol)
    return Decimal(f"{sign}{units.replace(',', '')}{fraction or ''}"), currency


class Rate(Protocol):
    date: datetime.date
    currency: str
    per_euro: Decimal
    source: str


@dataclass(frozen=True)
class RateDay:
    """The rates published for one day: units of each currency per euro."""

    date: datetime.date
    source: str
    per_euro: Mapping[str, Decimal]

    @property
    def listed(self) -> list[tuple[str, str]]:
        """Each currency's rate as the ECB prints it, without trailing zeros."""
        return [(code, plain(rate)) for code, rate in sorted(self.per_euro.items())]

    def covers(self, currencies: Iterable[str]) -> bool:
        return all(code == EURO or code in self.per_euro for code in currencies)

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal:
        return convert(amount, source, target, self.per_euro)


class RateBook:
    """Exchange rates by day, to pick the day a conversion uses."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        days: dict[datetime.date, dict[str, Decimal]] = {}
        sources: dict[datetime.date, str] = {}
        for rate in rates:
            days.setdefault(rate.date, {})[rate.currency] = rate.per_euro
            sources.setdefault(rate.date, rate.source)
        self.days = [RateDay(date, sources[date], days[date]) for date in sorted(days)]

    def __bool__(self) -> bool:
        return bool(self.days)

    def on_or_before(self, date: datetime.date, currencies: Iterable[str]) -> RateDay | None:
        """The last day up to ``date`` with a rate for every currency, else the first after it."""
        wanted = set(currencies)
        usable = [day for day in self.days if day.covers(wanted)]
        earlier = [day for day in usable if day.date <= date]
        if earlier:
            return earlier[-1]
        return usable[0] if usable else None

    def latest(self, currencies: Iterable[str]) -> RateDay | None:
        wanted = set(currencies)
        usable = [day for day in self.days if day.covers(wanted)]
        return usable[-1] if usable else None
