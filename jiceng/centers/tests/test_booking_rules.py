from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from chinese_calendar import is_workday

from jiceng.centers import rules_bookings as rules

SH = ZoneInfo("Asia/Shanghai")


def test_workday_sessions_skip_the_national_day_break_and_include_its_make_up_saturday():
    days = rules.session_days(date(2025, 9, 26), repeat="workdays", until=date(2025, 10, 12), weekdays=(),
                              is_workday=is_workday)
    # 2025: 10-01..10-08 off; Sun 09-28 and Sat 10-11 are make-up workdays
    assert days == [date(2025, 9, 26), date(2025, 9, 28), date(2025, 9, 29), date(2025, 9, 30), date(2025, 10, 9),
                    date(2025, 10, 10), date(2025, 10, 11)]


def test_weekly_and_daily_and_once():
    assert rules.session_days(date(2026, 12, 1), repeat="weekly", until=date(2026, 12, 14), weekdays=[1, 3],
                              is_workday=is_workday) == [date(2026, 12, 1), date(2026, 12, 3),
                                                                  date(2026, 12, 8), date(2026, 12, 10)]
    assert len(rules.session_days(date(2026, 12, 1), repeat="daily", until=date(2026, 12, 7), is_workday=bool)) == 7
    assert rules.session_days(date(2026, 12, 1), repeat="once", until=None, is_workday=bool) == [date(2026, 12, 1)]


def test_opening_time_and_cancel_deadline():
    starts = datetime(2026, 12, 3, 12, 0, tzinfo=SH)
    assert rules.opens_at(starts, days_before=1, at=time(9, 0)) == datetime(2026, 12, 2, 9, 0, tzinfo=SH)
    assert rules.opens_at(starts, days_before=None, at=None) is None
    assert rules.cancel_deadline(starts, 120) == datetime(2026, 12, 3, 10, 0, tzinfo=SH)


def test_limit_windows():
    assert rules.limit_window(date(2026, 12, 3), "day") == (date(2026, 12, 3), date(2026, 12, 3))
    assert rules.limit_window(date(2026, 12, 3), "week") == (date(2026, 11, 30), date(2026, 12, 6))
    assert rules.limit_window(date(2026, 12, 3), "month") == (date(2026, 12, 1), date(2026, 12, 31))
    assert rules.limit_window(date(2026, 12, 3), "activity") is None


def test_three_no_shows_within_90_days_pause_for_30_days():
    kw = {"limit": 3, "window_days": 90, "pause_days": 30}
    shows = [date(2026, 1, 5), date(2026, 2, 10), date(2026, 3, 3)]
    assert rules.pause_until(shows, today=date(2026, 3, 3), **kw) == date(2026, 4, 2)
    assert rules.pause_until(shows, today=date(2026, 4, 3), **kw) is None  # served
    assert rules.pause_until(shows[:2], today=date(2026, 3, 3), **kw) is None
    spread = [date(2026, 1, 1), date(2026, 3, 1), date(2026, 4, 1)]  # 90 days apart: not within the window
    assert rules.pause_until(spread, today=date(2026, 4, 1), **kw) is None
