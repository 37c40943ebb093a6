"""Booking a session, cancelling with promotion from the waitlist, check-in at the door, and the
no-show count with its pause.

Under load (hundreds pressing the button in the same second) three things must hold, and each is
held by the database rather than by counting first:

- the quota: a place is taken by ``UPDATE session SET confirmed = confirmed + 1 WHERE confirmed <
  capacity`` (one row updated: confirmed; none: full);
- the waitlist order: ``UPDATE session SET waitlisted = waitlisted + 1, queue_seq = queue_seq + 1``
  — the session row stays locked until commit, so the numbers read back are this request's own;
- the person: one live booking per person and session is a unique constraint, and the booking row
  is inserted before a place is taken, so a second press fails before it counts; where the activity
  has a per-person limit, the person's ``Resident`` row is locked (``select_for_update``) while it is
  counted.

A cancellation locks the session row, so a promotion and a parallel booking never both take the
freed place.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.centers import rules_bookings as rules
from jiceng.centers.models import Activity, Audience, Booking, BookingStatus, BuildingEmployee, Resident, Session
from jiceng.centers.models.activities import LIVE_STATUSES
from jiceng.core import audit, notify, scope
from jiceng.core.errors import Conflict

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud at the door


@dataclass
class Booked:
    booking: Booking
    position: int | None  # place in the waitlist, None when confirmed


class _ResidentActor:
    """How a resident acting for themself appears in the audit trail (no user account)."""

    pk = None

    def __init__(self, resident: Resident):
        self.username = resident.username


def _audit_actor(actor):
    return _ResidentActor(actor) if isinstance(actor, Resident) else actor


def _refuse(reason: str, message: str):
    return Conflict({"booking": [ValidationError(message, code=reason)]})


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _check_may_book(session: Session, resident: Resident, now: datetime) -> None:
    activity: Activity = session.activity
    if session.cancelled_at is not None:
        raise _refuse("cancelled", _("该场次已取消"))
    if session.starts_at <= now:
        raise _refuse("started", _("活动已开始，不能再预约"))
    if session.opens_at and session.opens_at > now:
        raise _refuse("not_open", _("尚未开放预约，%(t)s 开放") % {
            "t": f"{timezone.localtime(session.opens_at):%Y-%m-%d %H:%M}"})
    if resident.paused_until and resident.paused_until >= timezone.localdate(now):
        raise _refuse("paused", _("您近期多次预约未到场，预约功能暂停至 %(d)s") % {"d": resident.paused_until})
    if activity.audience == Audience.MEMBERS and not _is_member(resident):
        raise _refuse("audience", _("本活动仅面向党员，您的手机号不在党员名册中"))
    if activity.audience == Audience.BUILDING and not BuildingEmployee.objects.filter(
            center_id=activity.audience_center_id, phone_index=resident.phone_index).exists():
        raise _refuse("audience", _("本活动仅面向本楼宇员工，您的手机号不在员工名单中"))


def _is_member(resident: Resident) -> bool:
    from jiceng.members.models import Member
    from jiceng.members.models.roll import ACTIVE_STATUSES

    return Member.objects.filter(phone_index=resident.phone_index, status__in=ACTIVE_STATUSES).exists()


def _check_limit(session: Session, resident: Resident) -> None:
    """The activity's per-person limit, counted under the lock of the resident's row (so that one
    person pressing two sessions at once cannot pass it twice)."""
    activity = session.activity
    Resident.objects.select_for_update().filter(pk=resident.pk).values_list("pk", flat=True).get()
    counted = Booking.objects.filter(resident=resident, status__in=LIVE_STATUSES, session__activity=activity)
    window = rules.limit_window(timezone.localtime(session.starts_at).date(), activity.limit_period)
    if window:
        counted = counted.filter(session__starts_at__date__range=window)
    if counted.count() >= activity.limit_count:
        raise _refuse("limit", _("本活动每人%(p)s限约 %(n)d 场，您已约满") % {
            "p": activity.get_limit_period_display(), "n": activity.limit_count})


def _take_place(session: Session) -> tuple[str, int | None, int | None]:
    """(status, waitlist position, queue number): a place if one is free, else the end of the line.

    The last statements of the booking's transaction: the session row is locked from here to the
    commit, so everything else (checks, the booking row, the audit row) is written before."""
    took = Session.objects.filter(pk=session.pk, confirmed__lt=F("capacity"), cancelled_at__isnull=True).update(
        confirmed=F("confirmed") + 1)
    if took:
        return BookingStatus.CONFIRMED, None, None
    if not session.activity.waitlist:
        raise _refuse("full", _("名额已满，本活动不设候补"))
    with connection.cursor() as cursor:  # one round trip: the new counters are this request's own
        cursor.execute(f"UPDATE {Session._meta.db_table} SET waitlisted = waitlisted + 1, "  # noqa: S608
                       "queue_seq = queue_seq + 1 WHERE id = %s AND cancelled_at IS NULL "
                       "RETURNING waitlisted, queue_seq", [session.pk])
        row = cursor.fetchone()
    if row is None:  # called off since the checks (the cancellation held the row lock)
        raise _refuse("cancelled", _("该场次已取消"))
    waitlisted, seq = row
    return BookingStatus.WAITLISTED, waitlisted, seq


def booking_create(actor, *, session: Session, resident: Resident, staff=None) -> Booked:
    """Book ``session`` for ``resident``: confirmed while places last, then waitlisted (if the activity
    has a waitlist). ``actor`` is the resident themself or, at the desk, a staff user (``staff``),
    who needs ``centers.add_booking`` at the center. Refusals are ``Conflict`` with a reason code.
    ``session`` comes with ``activity__center__area`` (the selectors fetch it so)."""
    if staff is not None:
        scope.require(staff, "centers.add_booking", session)
    try:
        with transaction.atomic():
            return _book(actor, session, resident, staff)
    except IntegrityError as exc:  # a parallel request of the same person got there first
        raise _refuse("already_booked", _("您已预约本场次")) from exc


def _book(actor, session: Session, resident: Resident, staff) -> Booked:
    """The booking row first (the same person and session twice is refused by the unique constraint,
    before any place is taken), then the audit row, then the place: the session row is locked last."""
    _check_may_book(session, resident, timezone.now())
    if session.activity.limit_count:
        _check_limit(session, resident)
    booking = Booking.objects.create(session=session, resident=resident, status=BookingStatus.CONFIRMED,
                                     code=new_code(), booked_by=audit.user_of(staff) if staff else None)
    audit.record(_audit_actor(actor), "booking.create", booking, node_path=session.activity.center.area.path,
                 object_repr=f"{session} {resident.phone_masked}", summary={"desk": staff is not None})
    status, position, queue_no = _take_place(session)
    if status == BookingStatus.WAITLISTED:
        Booking.objects.filter(pk=booking.pk).update(status=status, queue_no=queue_no)
        booking.status, booking.queue_no = status, queue_no
    return Booked(booking, position)


def waitlist_position(booking: Booking) -> int | None:
    if booking.status != BookingStatus.WAITLISTED:
        return None
    return Booking.objects.filter(session_id=booking.session_id, status=BookingStatus.WAITLISTED,
                                  queue_no__lte=booking.queue_no).count()


@transaction.atomic
def booking_cancel(actor, *, booking: Booking, resident: Resident | None = None) -> Booking:
    """Cancel: by the resident themself (``resident``, before the cancellation deadline) or by staff with
    ``centers.change_booking``. A freed place goes to the first in line, who is told."""
    session = Session.objects.select_for_update().select_related("activity__center__area").get(
        pk=booking.session_id)
    booking = Booking.objects.select_related("resident").get(pk=booking.pk)
    if resident is not None:
        if booking.resident_id != resident.pk:
            raise _refuse("not_yours", _("这不是您的预约"))
        deadline = rules.cancel_deadline(session.starts_at, session.activity.cancel_minutes_before)
        if timezone.now() > deadline:
            raise _refuse("deadline", _("已过取消截止时间（%(t)s），如不能到场请联系中心") % {
                "t": f"{timezone.localtime(deadline):%m-%d %H:%M}"})
    else:
        scope.require(actor, "centers.change_booking", booking)
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED):
        raise _refuse("not_live", _("该预约已%(s)s，不能取消") % {"s": booking.get_status_display()})
    was = booking.status
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if was == BookingStatus.WAITLISTED:
        Session.objects.filter(pk=session.pk).update(waitlisted=F("waitlisted") - 1)
    else:
        promoted = _promote_first(session)
        if promoted is None:
            Session.objects.filter(pk=session.pk).update(confirmed=F("confirmed") - 1)
    audit.record(_audit_actor(actor), "booking.cancel", booking, node_path=session.activity.center.area.path,
                 object_repr=f"{session} {booking.resident.phone_masked}",
                 summary={"was": was, "promoted": promoted.pk if promoted else None})
    return booking


def _promote_first(session: Session) -> Booking | None:
    """Under the session's lock: the first in line takes the freed place (and is told)."""
    first = (Booking.objects.select_related("resident").filter(session=session, status=BookingStatus.WAITLISTED)
             .order_by("queue_no").first())
    if first is None or session.cancelled_at is not None or session.starts_at <= timezone.now():
        return None
    first.status, first.promoted_at = BookingStatus.CONFIRMED, timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    Session.objects.filter(pk=session.pk).update(waitlisted=F("waitlisted") - 1)
    when = timezone.localtime(session.starts_at)
    text = _("【基层】您候补的“%(t)s”（%(d)s）已有名额，预约成功，预约码 %(c)s。") % {
        "t": session.activity.title, "d": f"{when:%m-%d %H:%M}", "c": first.code}
    notify.send_on_commit(first.resident.phone, text, kind="promoted")
    return first


@transaction.atomic
def booking_check_in(actor, *, booking: Booking) -> tuple[Booking, bool]:
    """签到 at the door (by booking code or QR code) or at the desk. Returns (booking, newly checked in);
    checking in twice is harmless. Only a confirmed booking of a session today may check in."""
    scope.require(actor, "centers.checkin_booking", booking)
    session = booking.session
    now = timezone.now()
    if booking.status == BookingStatus.ATTENDED:
        return booking, False
    if booking.status != BookingStatus.CONFIRMED:
        raise _refuse("not_confirmed", _("该预约%(s)s，不能签到") % {"s": booking.get_status_display()})
    if now < session.starts_at - timedelta(minutes=settings.CHECKIN_EARLY_MINUTES) or now > session.ends_at:
        raise _refuse("not_now", _("不在签到时间内：本场 %(t)s 开始") % {
            "t": f"{timezone.localtime(session.starts_at):%Y-%m-%d %H:%M}"})
    done = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.ATTENDED, checked_in_at=now)
    booking.refresh_from_db()
    if done:
        audit.record(actor, "booking.check_in", booking, node_path=session.activity.center.area.path,
                     object_repr=f"{session} {booking.resident.phone_masked}")
    return booking, bool(done)


def no_shows_mark(actor, *, now: datetime | None = None) -> dict:
    """After sessions end: confirmed bookings nobody checked in become no-shows, and a resident with
    ``NO_SHOW_LIMIT`` of them within the window is paused. Idempotent: each session is marked once."""
    now = now or timezone.now()
    marked = no_shows = 0
    paused: set[int] = set()
    ended = Session.objects.filter(ends_at__lte=now, no_shows_marked_at__isnull=True).values_list("pk", flat=True)
    for session_id in list(ended):
        with transaction.atomic():
            if not Session.objects.filter(pk=session_id, no_shows_marked_at__isnull=True).update(
                    no_shows_marked_at=now):
                continue  # another run took this session
            rows = Booking.objects.filter(session_id=session_id, status=BookingStatus.CONFIRMED)
            residents = list(rows.values_list("resident_id", flat=True))
            no_shows += rows.update(status=BookingStatus.NO_SHOW)
            marked += 1
            for resident_id in residents:
                if _pause_if_due(resident_id, now):
                    paused.add(resident_id)
    if marked:
        audit.record(actor, "booking.no_shows", summary={"sessions": marked, "no_shows": no_shows,
                                                         "paused": len(paused)})
    return {"sessions": marked, "no_shows": no_shows, "paused": len(paused)}


def _pause_if_due(resident_id: int, now: datetime) -> bool:
    today = timezone.localdate(now)
    since = now - timedelta(days=settings.NO_SHOW_WINDOW_DAYS + settings.NO_SHOW_PAUSE_DAYS)
    days = [timezone.localtime(t).date() for t in Booking.objects.filter(
        resident_id=resident_id, status=BookingStatus.NO_SHOW, session__starts_at__gte=since).values_list(
        "session__starts_at", flat=True)]
    until = rules.pause_until(days, today=today, limit=settings.NO_SHOW_LIMIT,
                              window_days=settings.NO_SHOW_WINDOW_DAYS, pause_days=settings.NO_SHOW_PAUSE_DAYS)
    if until is None:
        return False
    return bool(Resident.objects.filter(pk=resident_id).exclude(paused_until__gte=until).update(paused_until=until))
