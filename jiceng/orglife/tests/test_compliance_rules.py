"""The rules of RULES §2 as pure functions: periods, first period, states, where a rule applies."""

from datetime import date

import pytest

from jiceng.orglife.rules import compliance as rules
from jiceng.orglife.rules.compliance import MONTH, QUARTER, YEAR, Span


def test_quarter_and_year_spans_cover_their_months():
    q4 = Span.of(QUARTER, 2026, 4)
    assert (q4.start, q4.end, q4.months, q4.key) == (date(2026, 10, 1), date(2026, 12, 31), (10, 11, 12), "2026Q4")
    q1 = Span.of(QUARTER, 2026, 1)
    assert (q1.end, q1.label) == (date(2026, 3, 31), "2026年第1季度")
    assert Span.of(MONTH, 2024, 2).end == date(2024, 2, 29)
    assert Span.of(YEAR, 2026, 1).months == tuple(range(1, 13))
    assert [s.key for s in rules.spans_of_year(QUARTER, 2026)] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert rules.spans_of_year("none", 2026) == []


@pytest.mark.parametrize(("day", "quarter"), [(date(2026, 3, 31), 1), (date(2026, 4, 1), 2), (date(2026, 12, 31), 4),
                                              (date(2027, 1, 1), 1)])
def test_the_period_containing_a_day(day, quarter):
    span = rules.span_containing(QUARTER, day)
    assert (span.year, span.index) == (day.year, quarter)


def test_committee_exists_from_seven_full_members_or_elected_posts():
    assert not rules.committee_exists(full_members=6, committee_posts=0)
    assert rules.committee_exists(full_members=7, committee_posts=0)
    assert rules.committee_exists(full_members=5, committee_posts=2)


def test_committee_meetings_only_with_a_committee_and_group_meetings_only_with_groups():
    assert not rules.applies(needs_committee=True, per_group=False, has_committee=False, groups=2)
    assert rules.applies(needs_committee=True, per_group=False, has_committee=True, groups=0)
    assert not rules.applies(needs_committee=False, per_group=True, has_committee=True, groups=0)
    assert rules.applies(needs_committee=False, per_group=True, has_committee=False, groups=1)


def test_first_period_exempt_or_due_pro_rata():
    q1 = Span.of(QUARTER, 2026, 1)
    set_up = date(2026, 2, 15)
    assert rules.required_times(times=1, span=q1, established_on=set_up, first_period="exempt") == 0
    assert rules.required_times(times=1, span=q1, established_on=set_up, first_period="due") == 1
    assert rules.required_times(times=4, span=q1, established_on=set_up, first_period="due") == 2  # 45 of 90 days
    assert rules.required_times(times=1, span=Span.of(MONTH, 2026, 1), established_on=set_up,
                                first_period="due") is None  # not there yet
    assert rules.required_times(times=1, span=Span.of(QUARTER, 2026, 2), established_on=set_up,
                                first_period="exempt") == 1
    assert rules.required_times(times=1, span=q1, established_on=date(2026, 1, 1), first_period="exempt") == 1
    assert rules.required_times(times=1, span=q1, established_on=None, first_period="exempt") == 1


@pytest.mark.parametrize(("held", "required", "today", "state"), [
    (1, 1, date(2026, 3, 5), rules.MET),
    (0, 1, date(2026, 4, 1), rules.MISSING),
    (0, 1, date(2026, 3, 25), rules.DUE_SOON),  # 6 days left < 10
    (0, 1, date(2026, 3, 5), rules.OPEN),
    (0, 1, date(2026, 2, 28), rules.FUTURE),
    (0, 0, date(2026, 4, 1), rules.EXEMPT),
    (0, None, date(2026, 4, 1), rules.NOT_APPLICABLE),
    (1, 2, date(2026, 4, 1), rules.MISSING),
])
def test_cell_states(held, required, today, state):
    span = Span.of(MONTH, 2026, 3)
    assert rules.cell_state(held=held, required=required, span=span, today=today, due_soon_days=10) == state


def test_rate_counts_met_and_missed_periods_only():
    assert rules.rate(3, 1) == 0.75
    assert rules.rate(0, 0) is None


def test_percent_rounds_half_up_and_is_none_without_a_whole():
    assert rules.percent(1, 8) == 13  # 12.5: half up, not Python's banker's 12
    assert rules.percent(3, 8) == 38  # 37.5
    assert rules.percent(2, 3) == 67
    assert rules.percent(0, 0) is None


@pytest.mark.parametrize("period", [MONTH, QUARTER, YEAR])
def test_period_index_agrees_with_the_spans(period):
    for month in range(1, 13):
        assert rules.period_index(period, month) == rules.span_of_month(period, 2026, month).index
