"""Test helpers: a center with rooms built through the services, a center-staff account, and a future
day on which the center is open."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jiceng.centers.selectors.places import hours_on
from jiceng.centers.services import places
from jiceng.core.models import Role
from jiceng.core.services import accounts
from jiceng.testing import PASSWORD, SYSTEM

EVERY_DAY = {d: (time(8, 0), time(21, 0)) for d in range(7)}


def center(area, name="马家堡街道党群服务中心", level="street", **extra):
    made = places.center_create(SYSTEM, name=name, level=level, area=area, lat=39.8465, lng=116.372,
                                address="马家堡东路", floor_area=1200, **extra)
    places.hours_set(SYSTEM, center=made, weekly=EVERY_DAY)
    return made


def room(center_, name="第一会议室", **extra):
    return places.room_create(SYSTEM, center=center_, name=name, kind="meeting", capacity=20, **extra)


def staff(area, username="center"):
    number = 90 + sum(map(ord, username)) % 10
    user = accounts.user_create(SYSTEM, username=username, display_name=username, password=PASSWORD,
                                mobile=f"139123400{number:02d}")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="center_staff"), area=area)
    return user


def open_day(center_, after: int = 2) -> date:
    day = timezone.localdate() + timedelta(days=after)
    while hours_on(center_, day) is None:
        day += timedelta(days=1)
    return day


def at(day: date, hhmm: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(hhmm)))
