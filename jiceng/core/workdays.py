"""Working days (RULES §8) and the end of periods (民法典 Arts. 201–203).

工作日 = Monday–Friday that is not a statutory holiday, plus the make-up workdays (调休) of the State
Council's yearly schedule (国务院办公厅关于某年部分节假日安排的通知, published around November).

Where a year's schedule comes from, first match wins:

1. ``entered``: an administrator entered it (``CalendarYear`` / ``CalendarDay``), for a year the
   library does not know yet, or to correct it;
2. ``library``: the ``chinesecalendar`` package knows the year;
3. otherwise the year is **unknown** and every function here raises ``UnknownCalendar`` — never a
   silent Monday–Friday guess.

Whether the start day is day 1 of a working-day period is the setting ``WORKDAY_COUNT_START``
(environment ``JICENG_WORKDAY_COUNT_START``, default off: the start day is not counted, 民法典 Art. 201).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _LIBRARY_HOLIDAYS
from chinese_calendar.constants import workdays as _LIBRARY_WORKDAYS
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ENTERED, LIBRARY, UNKNOWN = "entered", "library", "unknown"
SOURCE_LABELS = {ENTERED: gettext_lazy("管理员录入"), LIBRARY: gettext_lazy("内置日历库"),
                 UNKNOWN: gettext_lazy("未知")}

CACHE_KEY = "jiceng:calendar:entered"
CACHE_SECONDS = 300
_ONE_DAY = timedelta(days=1)
LIBRARY_YEARS = range(min(_LIBRARY_HOLIDAYS).year, max(_LIBRARY_HOLIDAYS).year + 1)


class UnknownCalendar(Exception):
    """A date falls in a year whose official holiday schedule is neither in the library nor entered."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(_("%(year)d年的放假安排尚未公布或录入，无法按工作日计算") % {"year": year})

    def as_error(self, field: str) -> ValidationError:
        """The field-level error (422 in the API, a form error on pages) for the input ``field``."""
        return ValidationError({field: [str(self)]})


@dataclass(frozen=True)
class ScheduleDay:
    """A day a year's schedule names: a holiday (休, weekends inside a break included) or a make-up
    workday (班)."""

    date: date
    is_workday: bool
    name: str


def _library_name(value: str) -> str:
    try:
        return Holiday(value).chinese
    except ValueError:
        return value


def _load_entered() -> dict[int, dict[date, tuple[bool, str]]]:
    from jiceng.core.models import CalendarDay, CalendarYear

    table: dict[int, dict[date, tuple[bool, str]]] = {
        year: {} for year in CalendarYear.objects.values_list("year", flat=True)}
    for year, day, is_workday, name in CalendarDay.objects.values_list("year__year", "date", "is_workday", "name"):
        table[year][day] = (is_workday, name)
    return table


def _entered() -> dict[int, dict[date, tuple[bool, str]]]:
    """The entered years, cached between requests. Inside a transaction the table is read afresh and
    not cached, so a schedule that is rolled back never reaches other requests."""
    if connection.in_atomic_block:
        return _load_entered()
    table = cache.get(CACHE_KEY)
    if table is None:
        table = _load_entered()
        cache.set(CACHE_KEY, table, CACHE_SECONDS)
    return table


def forget_entered() -> None:
    """Drop the cached entered years (after an administrator changed one)."""
    cache.delete(CACHE_KEY)


def _after(day: date) -> date:
    """The next day; past ``date.max`` lies no known year."""
    if day == date.max:
        raise UnknownCalendar(day.year)
    return day + _ONE_DAY


class _Calendar:
    """One snapshot of the entered years, so a loop over many days reads them once."""

    def __init__(self):
        self.entered = _entered()

    def source(self, year: int) -> str:
        if year in self.entered:
            return ENTERED
        return LIBRARY if year in LIBRARY_YEARS else UNKNOWN

    def is_workday(self, day: date) -> bool:
        source = self.source(day.year)
        if source == ENTERED:
            listed = self.entered[day.year].get(day)
            return listed[0] if listed else day.weekday() < 5
        if source == LIBRARY:
            return day in _LIBRARY_WORKDAYS or (day.weekday() < 5 and day not in _LIBRARY_HOLIDAYS)
        raise UnknownCalendar(day.year)

    def schedule(self, year: int) -> list[ScheduleDay]:
        source = self.source(year)
        if source == ENTERED:
            days = [ScheduleDay(d, w, n) for d, (w, n) in self.entered[year].items()]
        elif source == LIBRARY:
            days = [ScheduleDay(d, False, _library_name(n)) for d, n in _LIBRARY_HOLIDAYS.items() if d.year == year]
            days += [ScheduleDay(d, True, _library_name(n)) for d, n in _LIBRARY_WORKDAYS.items() if d.year == year]
        else:
            raise UnknownCalendar(year)
        return sorted(days, key=lambda d: d.date)

    def next_working_day(self, day: date) -> date:
        while not self.is_workday(day):
            day = _after(day)
        return day


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day; ``UnknownCalendar`` if its year's schedule is unknown."""
    return _Calendar().is_workday(day)


def add_working_days(start: date, n: int, *, count_start: bool | None = None) -> date:
    """The ``n``-th working day counted from ``start`` (n ≥ 1).

    With ``count_start`` false (the default, setting ``WORKDAY_COUNT_START``) day 1 is the first
    working day after ``start``; with it true ``start`` itself is day 1 when it is a working day.
    RULES §9, start counted: 5 from Fri 2025-09-26 → 2025-10-09; from Thu 2026-02-12 → 2026-02-25.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if count_start is None:
        count_start = settings.WORKDAY_COUNT_START
    calendar = _Calendar()
    day = start if count_start else _after(start)
    while True:
        day = calendar.next_working_day(day)
        n -= 1
        if n == 0:
            return day
        day = _after(day)


def working_days_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier),
    so that ``working_days_between(s, add_working_days(s, n, count_start=False)) == n``."""
    if end < start:
        return -working_days_between(end, start)
    calendar = _Calendar()
    count, day = 0, start
    while day < end:
        day = _after(day)
        count += calendar.is_workday(day)
    return count


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    return _Calendar().next_working_day(day)


def period_end(day: date) -> date:
    """The real last day of a period whose nominal last day is ``day``.

    民法典 Art. 203: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。
    A make-up Saturday is a working day, so a period ending on one ends that day.
    """
    return next_working_day(day)


def known_years() -> set[int]:
    """The years whose schedule is known: the library's and the entered ones."""
    return set(LIBRARY_YEARS) | set(_entered())


def year_source(year: int) -> str:
    """Where ``year``'s schedule comes from: ``ENTERED``, ``LIBRARY`` or ``UNKNOWN``."""
    return _Calendar().source(year)


def year_schedule(year: int) -> list[ScheduleDay]:
    """The days ``year``'s schedule names, in date order; ``UnknownCalendar`` if it is unknown."""
    return _Calendar().schedule(year)
