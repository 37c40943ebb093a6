"""The formulas of the three rates with worked examples (rules_rates; issue 6, RULES §7)."""

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from jiceng.appeals import rules_rates as rr

P = rr.Parameters()
NOW = datetime(2026, 10, 31, 12, 0)


def row(status="closed", responded=True, on_time=True, due_passed=True, done_on_time=True, solved="", satisfied="",
        overdue=False):
    received = NOW - timedelta(days=10)
    return SimpleNamespace(
        status=status, responded_at=received if responded else None, responded_on_time=on_time if responded else None,
        response_due_at=NOW - timedelta(hours=1) if due_passed else NOW + timedelta(hours=1),
        complete_due_at=NOW - timedelta(days=1) if overdue else NOW + timedelta(days=1),
        completed_on_time=done_on_time if status in rr.FINISHED else None, cb_solved=solved, cb_satisfied=satisfied)


def total(rows):
    out = rr.Counts()
    for r in rows:
        out += rr.contribution(r, NOW)
    return out


def test_worked_example_of_the_three_rates_and_the_composite_score():
    counts = rr.Counts(received=12, due_response=10, responded_on_time=8, solved_rated=8, solved=6,
                       satisfied_rated=8, satisfied=5, basic=2, finished=9, finished_on_time=7, open_overdue=1)
    r = rr.rates(counts, P)
    # 8/10; 6/8; (5 + 2 × 0.8)/8 = 6.6/8; 7/(9 + 1)
    assert r.as_dict() == {"response": 80.0, "solution": 75.0, "satisfaction": 82.5, "on_time": 70.0,
                           "score": 78.88}  # 0.1×80 + 0.45×75 + 0.45×82.5 = 78.875 → 78.88 (half up)


def test_the_basic_satisfied_weight_is_a_setting():
    counts = rr.Counts(satisfied_rated=4, satisfied=2, basic=2)
    assert rr.rates(counts, P).as_dict()["satisfaction"] == 90.0
    half = rr.parameters_from(SimpleNamespace(APPEAL_BASIC_SATISFIED_WEIGHT="0.5", APPEAL_SCORE_WEIGHTS="0,0,1"))
    assert rr.rates(counts, half).as_dict()["satisfaction"] == 75.0
    assert rr.rates(counts, half).as_dict()["score"] == 75.0  # only 满意率 weighs


def test_percentages_round_half_up_not_to_even():
    assert rr.percent(Fraction(1, 16)) == Decimal("6.3")  # 6.25: banker's rounding would give 6.2
    assert rr.percent(Fraction(2, 3)) == Decimal("66.7")
    assert rr.round_score(Fraction(78875, 1000)) == Decimal("78.88")


def test_empty_denominators_are_none_and_drop_out_of_the_score():
    r = rr.rates(rr.Counts(received=3, solved_rated=2, solved=1), P)
    assert (r.response, r.satisfaction, r.on_time) == (None, None, None)
    assert r.as_dict()["solution"] == 50.0
    assert r.as_dict()["score"] == 50.0  # the only weighted rate with a denominator
    assert rr.rates(rr.Counts(), P).as_dict() == dict.fromkeys((*rr.RATE_KEYS, "score"))


def test_open_overdue_appeals_lower_on_time_completion():
    done = [row(done_on_time=True) for _ in range(3)]
    assert rr.rates(total(done), P).as_dict()["on_time"] == 100.0
    left_open = [*done, row(status="in_progress", overdue=True)]
    assert rr.rates(total(left_open), P).as_dict()["on_time"] == 75.0
    not_yet_due = [*done, row(status="in_progress", overdue=False)]
    assert rr.rates(total(not_yet_due), P).as_dict()["on_time"] == 100.0
    # finishing it late still counts against the rate: leaving it open never looked better
    finished_late = [*done, row(done_on_time=False)]
    assert rr.rates(total(finished_late), P).as_dict()["on_time"] == 75.0


def test_response_counts_unresponded_appeals_once_their_deadline_passed():
    rows = [row(), row(on_time=False), row(status="dispatched", responded=False, due_passed=True),
            row(status="dispatched", responded=False, due_passed=False)]
    c = total(rows)
    assert (c.responded_on_time, c.due_response) == (1, 3)
    assert rr.rates(c, P).as_dict()["response"] == 33.3


def test_merged_duplicates_count_for_nothing():
    assert total([row(status="merged", solved="solved", satisfied="satisfied")]) == rr.Counts()


def test_ranks_share_ties_and_skip_units_without_a_score():
    assert rr.competition_ranks([Fraction(80), None, Fraction(90), Fraction(80), Fraction(70)]) == [2, None, 1, 2, 4]


@pytest.mark.parametrize(("score", "previous", "rank", "prev_rank", "expected"), [
    (95, None, 1, None, rr.ADVANCED),
    (55, 40, 9, 10, rr.GOVERN),  # still below the line: rising does not lift it out
    (70, 60, 5, 9, rr.RECTIFY),
    (80, 74, 5, 6, rr.PROGRESS),  # +6 points
    (80, 79, 3, 6, rr.PROGRESS),  # up 3 places
    (80, 79, 4, 6, ""),
    (None, 80, None, 2, ""),
])
def test_classes(score, previous, rank, prev_rank, expected):
    def to(v):
        return (None if v is None else Fraction(v))
    assert rr.classify(to(score), rank, to(previous), prev_rank, P) == expected


def test_bad_weights_are_refused_at_start():
    for raw in ("10,45", "0,0,0", "a,b,c", "10,-1,45"):
        with pytest.raises(ImproperlyConfigured):
            rr.parse_weights(raw)
    with pytest.raises(ImproperlyConfigured):
        rr.parameters_from(SimpleNamespace(APPEAL_BASIC_SATISFIED_WEIGHT="1.5"))


def test_definitions_show_the_weights_in_force():
    text = rr.definitions(P)
    assert "0.8" in text["satisfaction"] and "响应 10" in text["score"] and "满意 45" in text["score"]
