"""Counting periods in calendar months and years (民法典 Arts. 201–203, RULES preamble).

The start day is not counted; a month or year period ends on the corresponding day of the last
month, or on the last day of that month when there is no such day (2025-01-31 + 1 month →
2025-02-28). Working-day periods and the "ends on a rest day → next working day" rule are in
``jiceng.core.workdays``.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The day ``months`` calendar months after ``start`` (negative goes back)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (0 when less than one month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)
