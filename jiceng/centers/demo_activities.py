"""Demo: a week of activities at the demo centers (after the centers' demo, order 70), a few bookings
and three past weeks for the statistics.

- 马家堡街道党群服务中心: 午间"驿"小时 every workday 12:00–13:00, 30 places, one a day per person —
  today's session is full with two people waiting; 健身区 evening sessions; a past weekly 党课 with
  visits and no-shows;
- the 马家堡 building station: 职工书屋读书会 for the building's employees (a small roster);
- 八角街道党群服务中心: 太极拳 every morning.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from jiceng.centers.models import Activity, Booking, BookingStatus, Center, Session
from jiceng.centers.services import activities
from jiceng.centers.services import bookings as booking_services
from jiceng.centers.services.otp import resident_for_phone

NAMES = ["王秀英", "李建国", "张丽", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴强", "徐明", "孙悦",
         "马丽", "朱峰", "胡雪", "郭涛", "何琳", "高远", "林晨", "罗佳", "郑凯", "梁爽", "谢冰", "宋雨",
         "唐宁", "许诺", "韩梅", "冯军", "邓超", "曹阳", "彭丹", "曾勇"]


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def _publish(actor, center, title, day, start, end, capacity, **extra) -> Activity:
    data = activities.ActivityInput(center=center, title=title, starts_at=_at(day, *start), ends_at=_at(day, *end),
                                    capacity=capacity, **extra)
    try:
        return activities.activity_create(actor, data=data)
    except ValidationError:  # a week into a year whose holidays are not published yet: Monday to Friday
        data.repeat, data.weekdays = "weekly", [0, 1, 2, 3, 4]
        return activities.activity_create(actor, data=data)


def load_activities_demo(actor, made, out) -> list:
    majiabao = Center.objects.filter(name="马家堡街道党群服务中心").first()
    if majiabao is None:  # the centers' demo did not run
        return []
    out("生成 活动与预约 …")
    today = timezone.localdate()
    week = today + timedelta(days=7)
    lunch = _publish(actor, majiabao, "午间'驿'小时", today, (12, 0), (13, 0), 30, repeat="workdays",
                     repeat_until=week, limit_count=1, limit_period="day", cancel_minutes_before=60,
                     description="午休一小时：微党课、插花、手工、颈椎操轮换进行，楼宇白领和居民均可预约。")
    gym = _publish(actor, majiabao, "健身区·晚间时段", today, (19, 0), (20, 30), 12, repeat="daily", repeat_until=week,
                   room_id=majiabao.rooms.filter(name="健身区").values_list("pk", flat=True).first(),
                   limit_count=2, limit_period="week")
    station = Center.objects.filter(level="building", area__parent=majiabao.area).first()
    if station is not None:
        activities.employees_replace(actor, center=station, lines="\n".join(
            f"{name} 1370000{n:04d}" for n, name in enumerate(NAMES[:10])))
        _publish(actor, majiabao, "职工书屋读书会", today + timedelta(days=2), (18, 30), (20, 0), 20,
                 audience="building", audience_center=station, description="本楼宇员工专场。")
    bajiao = Center.objects.filter(name="八角街道党群服务中心").first()
    if bajiao is not None:
        _publish(actor, bajiao, "太极拳晨练", today + timedelta(days=1), (7, 30), (8, 30), 25, repeat="daily",
                 repeat_until=week, waitlist=False)

    people = [resident_for_phone(f"1380000{n:04d}", name=name) for n, name in enumerate(NAMES)]
    first_lunch = lunch.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    if first_lunch is not None:
        for person in people:  # 30 places: the last two wait in line
            booking_services.booking_create(person, session=first_lunch, resident=person)
    for session in gym.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")[:2]:
        for person in people[:5]:
            booking_services.booking_create(person, session=session, resident=person)
    _past_weeks(actor, majiabao, people, today)
    return []


def _past_weeks(actor, center, people, today: date) -> None:
    """A weekly 党课 over the three past weeks, with visits and no-shows, for the statistics page."""
    first = today - timedelta(days=21)
    lesson = activities.activity_create(actor, data=activities.ActivityInput(
        center=center, title="周三微党课", starts_at=_at(first, 14), ends_at=_at(first, 15), capacity=20,
        repeat="weekly", repeat_until=today - timedelta(days=1)))
    for n, session in enumerate(lesson.sessions.order_by("starts_at")):
        booked = people[: 12 + 3 * n]
        Booking.objects.bulk_create(
            Booking(session=session, resident=p, code=booking_services.new_code(),
                    status=BookingStatus.NO_SHOW if i % 6 == 5 else BookingStatus.ATTENDED,
                    checked_in_at=None if i % 6 == 5 else session.starts_at)
            for i, p in enumerate(booked))
        Session.objects.filter(pk=session.pk).update(confirmed=F("confirmed") + len(booked),
                                                     no_shows_marked_at=session.ends_at)
