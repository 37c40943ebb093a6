from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from jiceng.whistles import rules

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_default_report_minutes_by_urgency_and_settings():
    assert rules.default_report_minutes("urgent") == 30
    assert rules.default_report_minutes("normal") == 24 * 60
    with override_settings(WHISTLE_REPORT_MINUTES_URGENT=15, WHISTLE_REPORT_MINUTES_NORMAL=120):
        assert rules.default_report_minutes("urgent") == 15
        assert rules.default_report_minutes("normal") == 120


@pytest.mark.parametrize(("minutes", "ok"), [(5, True), (10080, True), (4, False), (10081, False), ("30", False),
                                             (True, False), (None, False)])
def test_report_minutes_bounds(minutes, ok):
    assert (rules.report_minutes_error(minutes) is None) is ok


def test_on_time_at_the_deadline_minute_and_late_after():
    due = rules.report_due(T0, 30)
    assert due == T0 + timedelta(minutes=30)
    assert rules.is_on_time(due, due)
    assert not rules.is_on_time(due + timedelta(seconds=1), due)


def test_overdue_only_when_unreported_past_the_deadline():
    due = T0 + timedelta(minutes=30)
    assert rules.is_overdue(None, due, due + timedelta(seconds=1))
    assert not rules.is_overdue(None, due, due)
    assert not rules.is_overdue(T0, due, due + timedelta(hours=1))


def test_close_refusal_names_the_missing_departments_unless_a_reason():
    message = rules.close_refusal(unreported=["城管", "水务"], reason="  ")
    assert "城管、水务" in message and "事不完、人不撤" in message
    assert rules.close_refusal(unreported=["城管"], reason="部门已电话答复，无需到场") is None
    assert rules.close_refusal(unreported=[], reason="") is None


def test_uscc_valid_flagged_rejected_and_malformed():
    assert rules.check_uscc("91350100M000100Y43") == rules.UsccCheck("91350100M000100Y43", False)
    assert rules.check_uscc(" 91350100m000100y43 ").number == "91350100M000100Y43"
    assert rules.check_uscc("91350100M000100Y44", "warn") == rules.UsccCheck("91350100M000100Y44", True)
    with pytest.raises(ValueError, match="校验位应为3"):
        rules.check_uscc("91350100M000100Y44", "reject")
    with pytest.raises(ValueError, match="18位"):
        rules.check_uscc("91350100M000100Y4Z", "warn")  # Z is not in the GB 32100 alphabet
    with pytest.raises(ValueError, match="18位"):
        rules.check_uscc("9135010", "warn")


def test_uscc_setting_decides_by_default():
    with override_settings(USCC_CHECK="reject"):
        with pytest.raises(ValueError):
            rules.check_uscc("91350100M000100Y44")
    assert rules.check_uscc("91350100M000100Y44").flagged


def test_month_span_and_bad_periods():
    assert rules.month_span("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    for bad in ("2026-13", "2026-1", "26-11", "", "1999-01"):
        with pytest.raises(ValueError):
            rules.month_span(bad)


def test_percent_rounds_half_up_and_average_one_decimal():
    assert rules.percent(1, 8) == 13 and rules.percent(0, 0) is None and rules.percent(3, 3) == 100
    assert rules.average(9, 2) == Decimal("4.5") and rules.average(14, 3) == Decimal("4.7")
    assert rules.average(0, 0) is None
