import datetime
from decimal import Decimal
from pathlib import Path

import currency_converter
from currency_converter import CurrencyConverter, RateNotFoundError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from careers.content import ContentError, dump_rates, read_rates, read_yaml
from careers.models import Currency, ExchangeRate

EURO = Currency.EUR.value
# The ECB publishes no rates on weekends and TARGET holidays; the longest such gap is a few days.
LOOK_BACK_DAYS = 10


def publisher() -> str:
    return (
        "European Central Bank euro reference rates "
        f"(CurrencyConverter {currency_converter.__version__} data)"
    )


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Write the European Central Bank's reference rates for the given days into rates.yaml, "
        "from the data the CurrencyConverter package ships. Days already in the file are kept; "
        "load them with load_content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="dates",
            action="append",
            default=[],
            type=iso_date,
            help="A day (YYYY-MM-DD) to fetch the rates for; repeat for several days.",
        )
        parser.add_argument(
            "--latest", action="store_true", help="Also fetch the latest day the data holds."
        )
        parser.add_argument(
            "--dir", type=Path, default=settings.CONTENT_DIR, help="Folder holding rates.yaml."
        )

    def handle(self, *args, **options) -> None:
        converter = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
        codes = [code for code in Currency.values if code != EURO]
        dates = list(options["dates"])
        if options["latest"]:
            dates.append(min(converter.bounds[code].last_date for code in codes))
        if not dates:
            raise CommandError("Name at least one day with --date YYYY-MM-DD, or use --latest.")
        days = {date: self.rates_for(converter, date, codes) for date in dates}
        path = options["dir"] / "rates.yaml"
        text = self.render(path, days)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))

    def rates_for(
        self, converter: CurrencyConverter, date: datetime.date, codes: list[str]
    ) -> tuple[str, dict[str, Decimal]]:
        """The source text and rates for a day, from the nearest earlier day that has them."""
        for back in range(LOOK_BACK_DAYS + 1):
            day = date - datetime.timedelta(days=back)
            try:
                # The package parses rates into floats; repr gives back the digits the ECB printed.
                rates = {
                    code: Decimal(repr(converter.convert(1, EURO, code, day))) for code in codes
                }
            except RateNotFoundError:
                continue
            source = publisher()
            if day != date:
                source += f" of {day}, the nearest earlier day with rates (none for {date})"
                self.stdout.write(f"{date}: no rates published that day; using those of {day}.")
            else:
                self.stdout.write(f"{date}: rates found.")
            return source, rates
        raise CommandError(
            f"{date}: the data holds no rates for {', '.join(codes)} on that day or in the "
            f"{LOOK_BACK_DAYS} days before it."
        )

    def render(self, path: Path, days: dict[datetime.date, tuple[str, dict[str, Decimal]]]) -> str:
        """The file's new text: its days with the fetched ones, written by the content dumper so
        that it loads back unchanged. The database is not touched."""
        rates: dict[tuple[datetime.date, str], ExchangeRate] = {}
        if path.exists():
            try:
                kept = read_rates(read_yaml(path, str(path)), str(path))
            except ContentError as error:
                raise CommandError(f"{error}\nNothing was written.") from None
            rates = {(rate.date, rate.currency): rate for rate in kept}
        for date, (source, per_euro) in days.items():
            for code, value in per_euro.items():
                rate = ExchangeRate(date=date, currency=code, per_euro=value, source=source)
                try:
                    rate.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    raise CommandError(f"{date} {code}: {' '.join(error.messages)}") from None
                rates[date, code] = rate
        return dump_rates(rates.values())
