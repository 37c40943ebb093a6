"""Attendance rate, sign-in window and the vote rules, including the RULES §9 vote examples."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from jiceng.orglife.rules.attendance import attendance_rate, new_code, signin_window
from jiceng.orglife.rules.votes import arithmetic_for, decide


def test_rate_excludes_approved_leave_and_keeps_the_plain_share():
    r = attendance_rate(expected=10, excused=1, present=8)
    assert (r.base, r.rate, r.share) == (9, Decimal("88.9"), Decimal("80.0"))


def test_rate_with_nobody_to_count_is_none_not_zero():
    assert attendance_rate(expected=2, excused=2, present=0).rate is None
    assert attendance_rate(expected=0, excused=0, present=0).share is None


@pytest.mark.parametrize("numbers", [(5, 3, 3), (5, -1, 0), (5, 0, 6)])
def test_impossible_attendance_numbers_are_refused(numbers):
    with pytest.raises(ValueError):
        attendance_rate(expected=numbers[0], excused=numbers[1], present=numbers[2])


def test_codes_are_six_digits():
    assert all(len(c) == 6 and c.isdigit() for c in (new_code() for _ in range(50)))


def test_signin_window_opens_before_the_start_and_closes_at_the_end_or_four_hours_later():
    start = datetime(2026, 11, 27, 9, 0)
    assert signin_window(start, start + timedelta(hours=2)) == (start - timedelta(hours=1), start + timedelta(hours=2))
    assert signin_window(start, None, early_minutes=30) == (start - timedelta(minutes=30), start + timedelta(hours=4))


@pytest.mark.parametrize(("present", "yes", "quorum", "passed"), [(5, 5, False, False), (6, 5, True, False),
                                                                   (6, 6, True, True)])
def test_rules_9_admission_vote_with_ten_entitled(present, yes, quorum, passed):
    d = decide("admission", "assembly", entitled=10, present=present, written=0, yes=yes)
    assert (d.quorum, d.passed) == (quorum, passed)
    assert "有表决权的党员10人" in d.explanation


@pytest.mark.parametrize(("present", "yes", "quorum", "passed"), [(16, 16, False, False), (17, 9, True, True),
                                                                   (18, 9, True, False)])
def test_rules_9_election_with_twenty_entitled(present, yes, quorum, passed):
    d = decide("election", "assembly", entitled=20, present=present, written=0, yes=yes)
    assert (d.quorum, d.passed) == (quorum, passed)


def test_written_opinions_count_as_votes_not_as_attendance():
    no_quorum = decide("full_membership", "assembly", entitled=10, present=5, written=3, yes=8)
    assert (no_quorum.quorum, no_quorum.passed) == (False, False)
    passed = decide("admission", "assembly", entitled=10, present=6, written=2, yes=6)
    assert (passed.quorum, passed.passed) == (True, True)
    assert "书面意见2份" in passed.explanation


def test_an_ordinary_resolution_of_the_assembly_needs_half_of_the_entitled_a_committee_half_of_those_present():
    assert arithmetic_for("ordinary", "assembly") == "admission"
    assert not decide("ordinary", "assembly", entitled=10, present=6, written=0, yes=5).passed
    assert arithmetic_for("ordinary", "committee") == "ordinary"
    assert decide("ordinary", "committee", entitled=10, present=6, written=0, yes=4).passed


def test_elections_take_no_written_opinions_and_numbers_must_be_possible():
    with pytest.raises(ValueError):
        decide("election", "assembly", entitled=20, present=17, written=1, yes=10)
    with pytest.raises(ValueError):
        decide("admission", "assembly", entitled=10, present=6, written=0, yes=7)
