"""The progress chart's geometry, as pure functions: weeks replayed from the history, and scales:
across in percentages of the plot's width, down in pixels."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from progress.chart import (
    BOTTOM,
    HEIGHT,
    LABEL_BASELINE,
    LEFT,
    RIGHT,
    TOP,
    Week,
    draw,
    monday,
    scale,
    weekly_done,
)

MONDAY = date(2026, 11, 2)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_weeks_count_items_done_at_each_weeks_end_from_the_first_change():
    changes = [
        (at(MONDAY + timedelta(days=2)), 1, "learning"),
        (at(MONDAY + timedelta(days=3)), 1, "done"),
        (at(MONDAY + timedelta(days=9)), 2, "done"),
        (at(MONDAY + timedelta(days=10)), 1, "learning"),
    ]
    weeks = weekly_done(changes, today=MONDAY + timedelta(days=20), counted={1, 2})

    assert weeks == [
        Week(MONDAY, 1),
        Week(MONDAY + timedelta(days=7), 1),
        Week(MONDAY + timedelta(days=14), 1),
    ]


def test_weeks_are_those_of_the_sites_time_zone_as_today_is(settings):
    settings.TIME_ZONE = "America/New_York"
    sunday = MONDAY + timedelta(days=6)
    # Sunday evening in New York, Monday in UTC.
    changes = [(at(sunday + timedelta(days=1), hour=2), 1, "done")]

    assert weekly_done(changes, today=sunday, counted={1}) == [Week(MONDAY, 1)]


def test_no_history_gives_no_weeks():
    assert weekly_done([], today=MONDAY, counted={1}) == []


def test_no_week_counts_an_item_the_total_no_longer_counts():
    # Item 2 was done in the first week, then skipped or taken off the roadmap.
    changes = [(at(MONDAY), 1, "done"), (at(MONDAY), 2, "done")]

    weeks = weekly_done(changes, today=MONDAY + timedelta(days=7), counted={1})

    assert weeks == [Week(MONDAY, 1), Week(MONDAY + timedelta(days=7), 1)]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_a_weeks_monday_is_a_monday_on_or_before_the_day(day):
    start = monday(day)
    assert start.weekday() == 0 and timedelta(0) <= day - start < timedelta(days=7)


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=10_000),
    st.sampled_from([(LEFT, RIGHT), (BOTTOM, TOP)]),
)
def test_a_scale_keeps_every_value_between_its_ends_and_in_order(value, largest, ends):
    value = min(value, largest)
    low, high = ends
    position = scale(value, largest, low, high)
    assert min(low, high) <= position <= max(low, high)
    assert scale(0, largest, low, high) == low and scale(largest, largest, low, high) == high
    if value < largest:
        step = scale(value + 1, largest, low, high)
        assert position <= step if low < high else position >= step


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60))
def test_every_point_is_inside_the_plot_and_later_weeks_are_further_right(counts):
    total = max(max(counts), 1)
    weeks = [Week(MONDAY + timedelta(weeks=n), done) for n, done in enumerate(counts)]
    chart = draw(weeks, total)

    for point in chart.points:
        assert 0 <= LEFT <= point.x <= RIGHT <= 100 and TOP <= point.y <= BOTTOM
    assert [p.x for p in chart.points] == sorted(p.x for p in chart.points)
    assert chart.target is None


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60))
def test_the_line_runs_through_every_week_in_order(counts):
    weeks = [Week(MONDAY + timedelta(weeks=n), done) for n, done in enumerate(counts)]
    chart = draw(weeks, max(max(counts), 1))

    assert [start for start, _ in chart.segments] == chart.points[:-1]
    assert [end for _, end in chart.segments] == chart.points[1:]


@given(
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=500),
    st.one_of(st.none(), st.integers(min_value=-10, max_value=400)),
)
def test_the_counts_sit_on_the_plot_and_the_weeks_at_its_two_ends_below_it(length, total, target):
    weeks = [Week(MONDAY + timedelta(weeks=n), 0) for n in range(length)]
    target_date = MONDAY + timedelta(weeks=target) if target is not None else None
    chart = draw(weeks, total, target_date)

    assert [t.label for t in chart.y_ticks] == [str(v) for v in sorted({0, total // 2, total})]
    assert all(TOP <= t.position <= BOTTOM for t in chart.y_ticks)
    assert [t.position for t in chart.x_ticks] == (
        [LEFT, RIGHT] if length > 1 or chart.target else [LEFT]
    )
    assert chart.bottom < chart.label_baseline == LABEL_BASELINE < chart.height == HEIGHT


def test_a_later_target_date_draws_the_pace_from_now_to_every_item_done():
    weeks = [Week(MONDAY, 2), Week(MONDAY + timedelta(days=7), 4)]
    chart = draw(weeks, total=10, target_date=MONDAY + timedelta(days=30))

    start, end = chart.target
    assert start == chart.points[-1]
    assert end.x == RIGHT and end.y == TOP and end.week.done == 10
    assert chart.points[-1].x < RIGHT


def test_the_weeks_at_the_two_ends_name_their_years_only_when_the_chart_crosses_one():
    within = draw([Week(MONDAY, 1), Week(MONDAY + timedelta(days=14), 2)], total=5)
    december = date(2026, 12, 28)
    across = draw([Week(december, 1)], total=5, target_date=date(2027, 1, 13))

    assert [t.label for t in within.x_ticks] == ["2 Nov", "16 Nov"]
    assert [t.label for t in across.x_ticks] == ["28 Dec 2026", "11 Jan 2027"]
