"""Pure rules of the centers app: opening hours on a given day, distance.

No database and no request here; the services and selectors feed these functions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time


@dataclass(frozen=True)
class DayHours:
    opens: time
    closes: time
    note: str = ""


def day_hours(day: date, *, weekly: dict[int, tuple[time, time]], exception: tuple | None = None,
              holiday: bool = False, makeup: bool = False, closed_on_holidays: bool = True) -> DayHours | None:
    """The hours a center is open on ``day``, or None when it is closed.

    First match wins: an explicit exception for the date (``(is_open, opens, closes, note)``); with
    ``closed_on_holidays``, a statutory holiday (法定节假日, weekends inside the break included) closes
    the center, and a make-up workday (调休上班日) opens it with the hours of the first open Monday–Friday;
    otherwise the weekday's regular hours.
    """
    if exception is not None:
        is_open, opens, closes, note = exception
        if not is_open:
            return None
        if opens is None or closes is None:
            regular = weekly.get(day.weekday()) or _first_workday_hours(weekly)
            if regular is None:
                return None
            opens, closes = regular
        return DayHours(opens, closes, note)
    if closed_on_holidays and holiday:
        return None
    if closed_on_holidays and makeup:
        regular = _first_workday_hours(weekly)
        return DayHours(*regular) if regular else None
    regular = weekly.get(day.weekday())
    return DayHours(*regular) if regular else None


def _first_workday_hours(weekly: dict[int, tuple[time, time]]) -> tuple[time, time] | None:
    return next((weekly[d] for d in range(5) if d in weekly), None)


EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine), enough to sort centers by nearness."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
