"""Reads of the working-day calendar's entered years (``CalendarYear``). The calendar is global: the
pages check ``core.view_calendaryear`` before they read it; the days themselves are read by
``jiceng.core.workdays``."""

from __future__ import annotations

from jiceng.core.models import CalendarYear


def entered_years() -> dict[int, CalendarYear]:
    """Every year an administrator entered, by year."""
    return {y.year: y for y in CalendarYear.objects.all()}


def entered_year(year: int) -> CalendarYear | None:
    """The entered ``year``, or ``None`` when its schedule comes from the library or is unknown."""
    return CalendarYear.objects.filter(year=year).first()
