"""The working-day calendar (RULES §8), public: no sign-in needed. A date in a year whose official
schedule is unknown is refused with 422 naming the input, never answered with a Monday–Friday guess."""

import datetime as dt

from django.conf import settings
from ninja import Field, Query, Router, Schema

from jiceng.core import workdays
from jiceng.core.api import ERRORS

router = Router(tags=["calendar"])

DAYS_MAX = 3660


class WorkdaysOut(Schema):
    start: dt.date
    days: int
    count_start: bool = Field(description="whether the start day is day 1 (setting WORKDAY_COUNT_START)")
    end: dt.date = Field(description="the days-th working day")


class IsWorkdayOut(Schema):
    date: dt.date
    workday: bool


class CalendarDayOut(Schema):
    date: dt.date
    workday: bool = Field(description="true: a make-up workday (班); false: a holiday (休)")
    name: str
    source: str = Field(description="entered (by an administrator) or library (chinesecalendar)")


@router.get("/calendar/workdays", response={200: WorkdaysOut, **ERRORS}, auth=None)
def calendar_workdays(request, start: dt.date, days: int = Query(..., ge=1, le=DAYS_MAX),
                      count_start: bool | None = None):
    """The ``days``-th working day from ``start``; the start day is not counted unless ``count_start``
    (default: the setting)."""
    if count_start is None:
        count_start = settings.WORKDAY_COUNT_START
    try:
        end = workdays.add_working_days(start, days, count_start=count_start)
    except workdays.UnknownCalendar as exc:
        raise exc.as_error("start" if exc.year == start.year else "days") from exc
    return {"start": start, "days": days, "count_start": count_start, "end": end}


@router.get("/calendar/is-workday", response={200: IsWorkdayOut, **ERRORS}, auth=None)
def calendar_is_workday(request, date: dt.date):
    try:
        return {"date": date, "workday": workdays.is_workday(date)}
    except workdays.UnknownCalendar as exc:
        raise exc.as_error("date") from exc


@router.get("/calendar/{int:year}", response={200: list[CalendarDayOut], **ERRORS}, auth=None)
def calendar_year(request, year: int):
    """The days ``year``'s schedule names: holidays (weekends inside a break included) and make-up
    workdays; every other day follows Monday–Friday."""
    try:
        days = workdays.year_schedule(year)
    except workdays.UnknownCalendar as exc:
        raise exc.as_error("year") from exc
    source = workdays.year_source(year)
    return [{"date": d.date, "workday": d.is_workday, "name": d.name, "source": source} for d in days]
