"""Booking rules of a 党群服务中心 as pure functions: which days a recurring activity meets, when
booking opens, the per-person limit period, the cancellation deadline and the no-show pause.

None of these is a national regulation; each default is a setting (RULES.md calls them the center's
own rules): ``JICENG_NO_SHOW_LIMIT`` no-shows within ``JICENG_NO_SHOW_WINDOW_DAYS`` pause booking for
``JICENG_NO_SHOW_PAUSE_DAYS`` (3 in 90 days → 30 days).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

MAX_SESSIONS = 400  # one activity's sessions generated at once (a bit more than a year of workdays)


def session_days(first: date, *, repeat: str, until: date | None, weekdays: Iterable[int] = (),
                 is_workday: Callable[[date], bool]) -> list[date]:
    """The days a recurring activity meets, from ``first`` up to ``until`` inclusive.

    ``workdays``: every 工作日 of the official schedule (statutory holidays skipped, make-up
    workdays included — ``is_workday`` is ``core.workdays.is_workday``); ``daily``: every day;
    ``weekly``: the given weekdays (0 = Monday), or the weekday of ``first``; ``once``: ``first``.
    """
    if repeat == "once" or until is None:
        return [first]
    chosen = set(weekdays) or {first.weekday()}
    days, day = [], first
    while day <= until and len(days) <= MAX_SESSIONS:  # past the maximum the caller refuses anyway
        if (repeat == "daily" or (repeat == "weekly" and day.weekday() in chosen)
                or (repeat == "workdays" and is_workday(day))):
            days.append(day)
        if day == date.max:
            break
        day += timedelta(days=1)
    return days


def opens_at(starts_at: datetime, *, days_before: int | None, at: time | None) -> datetime | None:
    """When booking of a session opens: ``days_before`` days before its day at ``at`` (midnight when
    no time is given); None (open as soon as published) without ``days_before``."""
    if days_before is None:
        return None
    day = starts_at.date() - timedelta(days=days_before)
    return datetime.combine(day, at or time(0, 0), tzinfo=starts_at.tzinfo)


def limit_window(day: date, period: str) -> tuple[date, date] | None:
    """The days (first, last) a per-person limit counts bookings in for a session on ``day``;
    None for the whole activity."""
    if period == "day":
        return day, day
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return None


def cancel_deadline(starts_at: datetime, minutes_before: int) -> datetime:
    """A booking may be cancelled until ``minutes_before`` minutes before the session starts."""
    return starts_at - timedelta(minutes=minutes_before)


def pause_until(no_show_days: Iterable[date], *, today: date, limit: int, window_days: int,
                pause_days: int) -> date | None:
    """The last day booking stays paused, or None.

    ``limit`` no-shows within ``window_days`` days (the latest no-show counts as day 1 of the window
    backwards) pause booking for ``pause_days`` days counted from the day after the latest no-show;
    a pause that has already run out is None. With the defaults: the third no-show within 90 days on
    3 March pauses booking through 2 April.
    """
    if limit < 1:
        return None
    days = sorted(no_show_days)
    until = None
    for i in range(limit - 1, len(days)):
        if (days[i] - days[i - limit + 1]).days < window_days:
            end = days[i] + timedelta(days=pause_days)
            until = end if until is None or end > until else until
    return until if until is not None and until >= today else None
