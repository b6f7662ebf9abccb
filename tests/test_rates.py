import datetime
from decimal import Decimal
from http import HTTPStatus
from io import StringIO

import pytest
import yaml
from currency_converter import CurrencyConverter
from django.core.management import CommandError, call_command
from django.urls import reverse

from careers.content import ContentError, dump_rates, load_content
from careers.models import ExchangeRate
from tests.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db

CODES = ("AUD", "CAD", "GBP", "INR", "USD")


def fetch(directory, *args) -> str:
    out = StringIO()
    call_command("fetch_rates", *args, "--dir", str(directory), stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def converter():
    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def test_fetch_writes_the_ecb_rates_of_the_day_in_the_dumpers_format(
    content_copy, converter, snapshot
):
    (content_copy / "rates.yaml").unlink()
    before = snapshot()
    fetch(content_copy, "--date", "2025-01-06")
    assert snapshot() == before, "fetching rates changed the database"

    text = (content_copy / "rates.yaml").read_text(encoding="utf-8")
    load_content(content_copy)
    assert dump_rates() == text
    day = datetime.date(2025, 1, 6)
    for code in CODES:
        rate = ExchangeRate.objects.get(date=day, currency=code)
        assert rate.per_euro == Decimal(str(converter.convert(1, "EUR", code, day)))
        assert "European Central Bank" in rate.source


def test_fetch_reads_and_writes_files_without_touching_the_database(
    content_copy, django_assert_num_queries
):
    before = (content_copy / "rates.yaml").read_text(encoding="utf-8")
    with django_assert_num_queries(0):
        fetch(content_copy, "--date", "2025-01-06", "--date", "2024-06-03")
    after = (content_copy / "rates.yaml").read_text(encoding="utf-8")
    assert after != before
    assert "2024-06-03" in after


def test_dump_of_unsaved_rates_equals_the_dump_of_the_same_rates_saved(django_assert_num_queries):
    rates = [
        ExchangeRate(date=datetime.date(2025, 1, 6), currency=code, per_euro=Decimal(per_euro))
        for code, per_euro in (("USD", "1.0426"), ("INR", "89.2605"), ("GBP", "0.83"))
    ]
    rates.append(ExchangeRate(date=datetime.date(2023, 9, 5), currency="USD", per_euro=1))
    for rate in rates:
        rate.source = "European Central Bank"
    with django_assert_num_queries(0):
        text = dump_rates(rates)
    ExchangeRate.objects.bulk_create(rates)
    assert text == dump_rates()
    days = yaml.safe_load(text)["rates"]
    assert [day["date"] for day in days] == [datetime.date(2023, 9, 5), datetime.date(2025, 1, 6)]
    assert list(days[1]["per_euro"]) == ["GBP", "INR", "USD"]


def test_fetch_keeps_the_days_already_in_the_file(content_copy):
    (content_copy / "rates.yaml").unlink()
    fetch(content_copy, "--date", "2023-09-05")
    fetch(content_copy, "--date", "2025-01-06")
    days = yaml.safe_load((content_copy / "rates.yaml").read_text(encoding="utf-8"))["rates"]
    assert [day["date"] for day in days] == [datetime.date(2023, 9, 5), datetime.date(2025, 1, 6)]
    assert sorted(days[0]["per_euro"]) == list(CODES)


def test_fetch_on_a_day_without_rates_uses_the_nearest_earlier_day_and_says_so(content_copy):
    # 5 January 2025 was a Sunday; the last rates before it are Friday's.
    out = fetch(content_copy, "--date", "2025-01-05")
    assert "2025-01-05: no rates published that day; using those of 2025-01-03." in out
    days = yaml.safe_load((content_copy / "rates.yaml").read_text(encoding="utf-8"))["rates"]
    sunday = next(day for day in days if day["date"] == datetime.date(2025, 1, 5))
    assert (
        "of 2025-01-03, the nearest earlier day with rates (none for 2025-01-05)"
        in (sunday["source"])
    )


def test_fetch_latest_writes_the_last_day_the_data_holds(content_copy, converter):
    fetch(content_copy, "--latest")
    days = yaml.safe_load((content_copy / "rates.yaml").read_text(encoding="utf-8"))["rates"]
    assert days[-1]["date"] == min(converter.bounds[code].last_date for code in CODES)


def test_the_projects_rates_file_matches_the_package_data_it_was_fetched_from(
    content_dir, converter
):
    days = yaml.safe_load((content_dir / "rates.yaml").read_text(encoding="utf-8"))["rates"]
    dates = {day["date"] for day in days}
    assert {datetime.date(2025, 1, 6), datetime.date(2023, 9, 5)} <= dates
    for day in days:
        for code, value in day["per_euro"].items():
            assert Decimal(str(value)) == Decimal(
                str(converter.convert(1, "EUR", code, day["date"]))
            )


@pytest.mark.parametrize("argument", ["2025-13-01", "yesterday"])
def test_fetch_refuses_a_date_it_cannot_read(content_copy, argument):
    with pytest.raises(CommandError, match="is not a date"):
        fetch(content_copy, "--date", argument)


def test_fetch_needs_a_day(content_copy):
    with pytest.raises(CommandError, match="at least one day"):
        fetch(content_copy)


def test_fetch_before_the_data_begins_fails_without_writing(content_copy):
    original = (content_copy / "rates.yaml").read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="holds no rates"):
        fetch(content_copy, "--date", "1990-01-01")
    assert (content_copy / "rates.yaml").read_text(encoding="utf-8") == original


def test_fetch_refuses_to_merge_into_an_invalid_rates_file(content_copy):
    path = content_copy / "rates.yaml"
    path.write_text("rates:\n  - date: 2025-01-06\n    per_euro:\n      XYZ: 1.5\n")
    with pytest.raises(CommandError, match="(?s)rates.yaml.*'XYZ'.*Nothing was written"):
        fetch(content_copy, "--date", "2023-09-05")
    assert "XYZ" in path.read_text()


def write_rates(directory, per_euro: str) -> None:
    (directory / "rates.yaml").write_text(
        "rates:\n"
        "  - date: 2025-01-06\n"
        "    source: European Central Bank\n"
        "    per_euro:\n"
        f"      {per_euro}\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("per_euro", "message"),
    [
        ("JPY: 160.5", "unknown currency code"),
        ("USD: 0", "A rate must be above zero"),
        ("USD: -1.04", "A rate must be above zero"),
    ],
)
def test_loader_rejects_a_bad_rate_naming_file_date_and_currency_and_changes_nothing(
    loaded, content_copy, snapshot, per_euro, message
):
    before = snapshot()
    write_rates(content_copy, per_euro)
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    text = str(error.value)
    assert str(content_copy / "rates.yaml") in text
    assert "2025-01-06" in text
    assert per_euro.split(":")[0] in text
    assert message in text
    assert snapshot() == before


@pytest.fixture
def rate() -> ExchangeRate:
    return ExchangeRateFactory(
        date=datetime.date(2025, 1, 6), currency="INR", per_euro=Decimal("89.2605")
    )


def test_staff_see_the_rates_in_the_admin_list_and_change_page(admin_client, rate):
    response = admin_client.get(reverse("admin:careers_exchangerate_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert "89.2605" in response.content.decode()
    response = admin_client.get(reverse("admin:careers_exchangerate_change", args=[rate.pk]))
    assert response.status_code == HTTPStatus.OK
    assert rate.source in response.content.decode()


def test_admin_refuses_a_non_positive_rate(admin_client, rate):
    response = admin_client.post(
        reverse("admin:careers_exchangerate_change", args=[rate.pk]),
        {"date": "2025-01-06", "currency": "INR", "per_euro": "0", "source": rate.source},
    )
    assert response.status_code == HTTPStatus.OK
    assert "A rate must be above zero" in response.content.decode()
    rate.refresh_from_db()
    assert rate.per_euro == Decimal("89.2605")


def test_visitors_cannot_open_the_rates_admin(client, rate):
    response = client.get(reverse("admin:careers_exchangerate_changelist"))
    assert response.status_code == HTTPStatus.FOUND
