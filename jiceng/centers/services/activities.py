"""Writes of activities: publish (one-off or recurring, generating the sessions), cancel a session,
and the employee roster of a building station (the audience of 楼宇员工 activities)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.centers import rules_bookings as rules
from jiceng.centers.models import Activity, Audience, BookingStatus, BuildingEmployee, Center, Session
from jiceng.centers.models.activities import LimitPeriod, Repeat
from jiceng.core import audit, crypto, notify, scope, workdays
from jiceng.core.errors import Conflict
from jiceng.core.validators import normalize_mobile

MANAGE = "centers.add_activity"
YEARS = (2000, 2100)


@dataclass
class ActivityInput:
    center: Center
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description: str = ""
    room_id: int | None = None
    repeat: str = Repeat.ONCE
    repeat_until: date | None = None
    weekdays: list[int] = field(default_factory=list)
    audience: str = Audience.ALL
    audience_center: Center | None = None
    waitlist: bool = True
    limit_count: int = 0
    limit_period: str = LimitPeriod.DAY
    opens_days_before: int | None = None
    opens_at_time: time | None = None
    cancel_minutes_before: int = 120


def _validate(data: ActivityInput) -> list[date]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("请填写活动名称")]
    if data.capacity < 1 or data.capacity > 100_000:
        errors["capacity"] = [_("每场名额应为 1 至 100000 之间的整数")]
    if timezone.is_naive(data.starts_at) or timezone.is_naive(data.ends_at):
        errors["starts_at"] = [_("请写明时区，例如 2026-12-01T12:00:00+08:00")]
    elif not (YEARS[0] <= data.starts_at.year <= YEARS[1] and YEARS[0] <= data.ends_at.year <= YEARS[1]):
        errors["starts_at"] = [_("活动时间应在 %(a)d 年至 %(b)d 年之间") % {"a": YEARS[0], "b": YEARS[1]}]
    elif data.ends_at <= data.starts_at:
        errors["ends_at"] = [_("结束时间应晚于开始时间")]
    elif timezone.localtime(data.ends_at).date() != timezone.localtime(data.starts_at).date():
        errors["ends_at"] = [_("一场活动应在同一天内结束")]
    if data.repeat not in Repeat.values:
        errors["repeat"] = [_("重复方式应为 once、daily、workdays 或 weekly")]
    elif data.repeat != Repeat.ONCE and data.repeat_until is None:
        errors["repeat_until"] = [_("重复的活动请填写“重复至”日期")]
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in data.weekdays):
        errors["weekdays"] = [_("每周哪几天应为 0（周一）至 6（周日）")]
    if data.audience not in Audience.values:
        errors["audience"] = [_("面向应为 all、members 或 building")]
    elif data.audience == Audience.BUILDING and (data.audience_center is None
                                                 or data.audience_center.level != "building"):
        errors["audience_center"] = [_("面向楼宇员工的活动请选择一个楼宇服务站")]
    if data.limit_period not in LimitPeriod.values:
        errors["limit_period"] = [_("限约周期应为 day、week、month 或 activity")]
    if data.room_id is not None and not data.center.rooms.filter(pk=data.room_id).exists():
        errors["room"] = [_("该中心没有这个功能室")]
    if errors:
        raise ValidationError(errors)
    first = timezone.localtime(data.starts_at).date()
    if data.repeat != Repeat.ONCE and data.repeat_until < first:
        raise ValidationError({"repeat_until": [_("“重复至”不能早于第一场的日期")]})
    if data.repeat == Repeat.WORKDAYS:  # say which year is missing even when the range is too long anyway
        for year in range(first.year, min(data.repeat_until.year, first.year + 3) + 1):
            if workdays.year_source(year) == workdays.UNKNOWN:
                raise workdays.UnknownCalendar(year).as_error("repeat_until")
    try:
        days = rules.session_days(first, repeat=data.repeat, until=data.repeat_until, weekdays=data.weekdays,
                                  is_workday=workdays.is_workday)
    except workdays.UnknownCalendar as exc:
        raise exc.as_error("repeat_until") from exc
    if not days:
        raise ValidationError({"repeat_until": [_("这段时间内没有符合重复规则的日期")]})
    if len(days) > rules.MAX_SESSIONS:
        message = _("一次最多生成 %(n)d 场，请缩短重复时间") % {"n": rules.MAX_SESSIONS}
        raise ValidationError({"repeat_until": [message]})
    return days


@transaction.atomic
def activity_create(actor, *, data: ActivityInput) -> Activity:
    """Publish an activity at ``data.center`` and generate its sessions."""
    scope.require(actor, MANAGE, Activity(center=data.center))  # the center's unit
    days = _validate(data)
    activity = Activity.objects.create(
        center=data.center, room_id=data.room_id, title=data.title.strip(), description=data.description.strip(),
        capacity=data.capacity, repeat=data.repeat, repeat_until=data.repeat_until if data.repeat != "once" else None,
        weekdays=sorted(set(data.weekdays)), audience=data.audience,
        audience_center=data.audience_center if data.audience == Audience.BUILDING else None,
        waitlist=data.waitlist, limit_count=data.limit_count, limit_period=data.limit_period,
        opens_days_before=data.opens_days_before, opens_at_time=data.opens_at_time,
        cancel_minutes_before=data.cancel_minutes_before, created_by=audit.user_of(actor))
    start, end = timezone.localtime(data.starts_at), timezone.localtime(data.ends_at)
    sessions = []
    for day in days:
        starts = start.replace(year=day.year, month=day.month, day=day.day)
        starts = timezone.make_aware(starts.replace(tzinfo=None))  # the wall-clock time on that day
        ends = timezone.make_aware(end.replace(year=day.year, month=day.month, day=day.day, tzinfo=None))
        sessions.append(Session(activity=activity, starts_at=starts, ends_at=ends, capacity=data.capacity,
                                opens_at=rules.opens_at(starts, days_before=data.opens_days_before,
                                                        at=data.opens_at_time)))
    Session.objects.bulk_create(sessions)
    audit.record(actor, "activity.create", activity, node_path=data.center.area.path,
                 summary={"center": data.center.name, "sessions": len(sessions), "capacity": data.capacity,
                          "repeat": data.repeat})
    return activity


@transaction.atomic
def session_cancel(actor, *, session: Session, reason: str = "") -> Session:
    """Call a session off: everyone booked or waiting is told; their bookings are cancelled."""
    session = Session.objects.select_for_update().select_related("activity__center__area").get(pk=session.pk)
    scope.require(actor, "centers.change_activity", session)
    if session.cancelled_at is not None:
        raise Conflict({"session": [_("该场次已取消")]})
    now = timezone.now()
    session.cancelled_at = now
    session.save(update_fields=["cancelled_at"])
    live = session.bookings.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED])
    when = timezone.localtime(session.starts_at)
    text = _("【基层】很抱歉，您预约的“%(t)s”（%(d)s）已取消。%(r)s") % {
        "t": session.activity.title, "d": f"{when:%m-%d %H:%M}", "r": reason.strip()}
    for booking in live.select_related("resident"):
        notify.send_on_commit(booking.resident.phone, text, kind="session_cancelled")
    count = live.update(status=BookingStatus.CANCELLED, cancelled_at=now)
    audit.record(actor, "session.cancel", session, node_path=session.activity.center.area.path,
                 summary={"bookings": count, "reason": reason.strip()[:200]})
    return session


@transaction.atomic
def employees_replace(actor, *, center: Center, lines: str) -> int:
    """Replace a building station's employee roster with ``lines`` ("姓名 手机号" or "手机号" a line)."""
    scope.require(actor, "centers.change_activity", Activity(center=center))
    if center.level != "building":
        raise ValidationError({"center": [_("只有楼宇服务站有员工名单")]})
    rows, bad = {}, []
    for number, line in enumerate(lines.splitlines(), start=1):
        parts = line.replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        mobile = normalize_mobile(parts[-1])
        if mobile is None:
            bad.append(str(number))
            continue
        rows[crypto.blind_index(mobile)] = (" ".join(parts[:-1])[:50], crypto.mask_mobile(mobile))
    if bad:
        raise ValidationError({"lines": [_("第 %(rows)s 行的手机号不正确") % {"rows": "、".join(bad[:20])}]})
    center.employees.all().delete()
    BuildingEmployee.objects.bulk_create(BuildingEmployee(center=center, name=name, phone_index=index,
                                                          phone_masked=masked)
                                         for index, (name, masked) in rows.items())
    audit.record(actor, "center.employees", center, node_path=center.area.path, summary={"employees": len(rows)})
    return len(rows)
