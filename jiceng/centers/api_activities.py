"""Endpoints of activities and bookings, and the residents' one-time-code login. Thin: selectors and
services do the work.

Residents authenticate with ``Authorization: Bearer jr_…`` from ``POST /otp/verify``; staff with their
personal token or session. Booking answers: 201 confirmed, 202 waitlisted with the position, 409 with
the reason in words (``detail``) and as a code in ``errors[0].field`` (``full``, ``limit``,
``already_booked``, ``paused``, ``not_open``, ``audience`` …).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from jiceng.centers.models import Center, Resident
from jiceng.centers.selectors import activities as selectors
from jiceng.centers.services import activities as activity_services
from jiceng.centers.services import bookings as services
from jiceng.centers.services import otp
from jiceng.core import scope
from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.errors import Conflict
from jiceng.core.http import client_ip
from jiceng.core.services.accounts import token_authenticate

router = Router(tags=["activities"])


class PersonBearer(HttpBearer):
    """A resident's token (``jr_…``: sets ``request.resident``) or a staff user's personal token."""

    def authenticate(self, request, token):
        if token.startswith(otp.TOKEN_PREFIX):
            resident = otp.token_resident(token)
            request.resident = resident
            return resident
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


PERSON_AUTH = [PersonBearer(), SessionAuth()]


def _resident_of(request) -> Resident | None:
    resident = getattr(request, "resident", None)
    if resident is not None:
        return resident
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return otp.token_resident(header[7:].strip())
    return None


def _staff_of(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and _resident_of(request) is None else None


# --- the one-time-code login ---------------------------------------------------------------------

class CodeRequestIn(Schema):
    phone: str = Field(..., max_length=20)


class CodeSentOut(Schema):
    sent: bool = True
    expires_in: int
    demo_code: str | None = Field(None, description="only in demo mode (JICENG_OTP_SHOW_CODES)")


class CodeVerifyIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=10)
    name: str = Field("", max_length=50)


class ResidentOut(Schema):
    id: int
    name: str
    phone: str = Field(alias="phone_masked")
    paused_until: date | None


class TokenOut(Schema):
    token: str
    expires_at: datetime
    resident: ResidentOut


@router.post("/otp/request", auth=None, response={202: CodeSentOut, 422: ErrorOut, 429: ErrorOut}, tags=["otp"])
def otp_request(request, payload: CodeRequestIn):
    """Send a one-time code to a mobile number (rate-limited per number and per client address)."""
    try:
        sent = otp.code_request(phone=payload.phone, ip=client_ip(request))
    except otp.TooManyRequests as exc:
        message = exc.message_dict["phone"][0]
        return Status(429, {"detail": message, "errors": [{"field": "phone", "message": message}]})
    return Status(202, {"expires_in": sent.expires_in, "demo_code": sent.demo_code})


@router.post("/otp/verify", auth=None, response={200: TokenOut, 422: ErrorOut}, tags=["otp"])
def otp_verify(request, payload: CodeVerifyIn):
    """Exchange the code for a resident token (``Authorization: Bearer jr_…``)."""
    resident = otp.code_verify(phone=payload.phone, code=payload.code, name=payload.name)
    token, raw = otp.token_issue(resident=resident)
    return {"token": raw, "expires_at": token.expires_at, "resident": resident}


# --- activities ----------------------------------------------------------------------------------

class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int
    waitlisted: int
    remaining: int
    opens_at: datetime | None
    cancelled: bool

    @staticmethod
    def resolve_cancelled(obj):
        return obj.cancelled_at is not None


class ActivityOut(Schema):
    id: int
    center: int = Field(alias="center_id")
    center_name: str
    title: str
    description: str
    capacity: int
    repeat: str
    repeat_until: date | None
    weekdays: list[int]
    audience: str
    audience_center: int | None = Field(None, alias="audience_center_id")
    waitlist: bool
    limit_count: int
    limit_period: str
    opens_days_before: int | None
    opens_at_time: time | None
    cancel_minutes_before: int
    sessions: list[SessionOut]

    @staticmethod
    def resolve_center_name(obj):
        return obj.center.name

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.sessions.all())


class RecurrenceIn(Schema):
    rule: str = Field("workdays", description="daily | workdays (official 工作日 with make-up days) | weekly")
    until: date
    weekdays: list[int] = Field(default_factory=list, description="weekly: 0 = Monday … 6 = Sunday")


class LimitIn(Schema):
    count: int = Field(1, ge=0, le=100)
    period: str = Field("day", description="day | week | month | activity")


class ActivityIn(Schema):
    center: int
    title: str = Field(..., max_length=80)
    starts_at: datetime
    ends_at: datetime
    capacity: int
    description: str = Field("", max_length=4000)
    room: int | None = None
    recurrence: RecurrenceIn | None = None
    limit: LimitIn | None = Field(None, description="per-person limit, e.g. one booking a day")
    audience: str = Field("all", description="all | members | building")
    audience_center: int | None = Field(None, description="the building station whose employees may book")
    waitlist: bool = True
    opens_days_before: int | None = Field(None, ge=0, le=365)
    opens_at_time: time | None = None
    cancel_minutes_before: int = Field(120, ge=0, le=60 * 24 * 30)


def _center(center_id, field: str) -> Center:
    center = Center.objects.select_related("area").filter(pk=center_id).first()
    if center is None:
        raise ValidationError({field: [_("没有这个服务中心")]})
    return center


@router.post("/activities", response={201: ActivityOut, **ERRORS})
def activity_create(request, payload: ActivityIn):
    """Publish an activity (staff of the center's unit); a recurrence generates its sessions."""
    rec, limit = payload.recurrence, payload.limit
    data = activity_services.ActivityInput(
        center=_center(payload.center, "center"), title=payload.title, starts_at=payload.starts_at,
        ends_at=payload.ends_at, capacity=payload.capacity, description=payload.description, room_id=payload.room,
        repeat=rec.rule if rec else "once", repeat_until=rec.until if rec else None,
        weekdays=rec.weekdays if rec else [], audience=payload.audience,
        audience_center=_center(payload.audience_center, "audience_center") if payload.audience_center else None,
        waitlist=payload.waitlist, limit_count=limit.count if limit else 0,
        limit_period=limit.period if limit else "day", opens_days_before=payload.opens_days_before,
        opens_at_time=payload.opens_at_time, cancel_minutes_before=payload.cancel_minutes_before)
    activity = activity_services.activity_create(request.user, data=data)
    return Status(201, activity)


class CalendarItemOut(SessionOut):
    activity: int = Field(alias="activity_id")
    title: str
    center: int
    center_name: str

    @staticmethod
    def resolve_title(obj):
        return obj.activity.title

    @staticmethod
    def resolve_center(obj):
        return obj.activity.center_id

    @staticmethod
    def resolve_center_name(obj):
        return obj.activity.center.name


@router.get("/activities", auth=None, response={200: list[CalendarItemOut], 404: ErrorOut})
def session_calendar(request, center: int | None = None, start: date | None = None, days: int = 14):
    """Public calendar: upcoming sessions (of one center), each with its activity's id and title."""
    chosen = Center.objects.filter(pk=center, is_active=True).first() if center else None
    if center and chosen is None:
        raise Http404
    sessions = selectors.upcoming_sessions(center=chosen, start=start, days=min(max(days, 1), 62))
    return list(sessions[:500])


@router.get("/activities/{activity_id}", auth=None, response={200: ActivityOut, 404: ErrorOut})
def activity_detail(request, activity_id: int):
    return selectors.activity_get_public(activity_id)


class MyBookingOut(Schema):
    id: int
    status: str
    position: int | None
    code: str


class SessionDetailOut(SessionOut):
    activity: int = Field(alias="activity_id")
    title: str
    mine: MyBookingOut | None = Field(None, description="the signed-in resident's booking of this session")

    @staticmethod
    def resolve_title(obj):
        return obj.activity.title


@router.get("/activities/{activity_id}/sessions/{session_id}", auth=None,
            response={200: SessionDetailOut, 404: ErrorOut})
def session_detail(request, activity_id: int, session_id: int):
    """A session's places (public); with a resident token also that person's booking and place in line."""
    session = selectors.session_get_public(activity_id, session_id)
    state = selectors.my_state(session, _resident_of(request))
    session.mine = None
    if state.booking:
        session.mine = {"id": state.booking.pk, "status": state.status, "position": state.position,
                        "code": state.booking.code}
    return session


# --- bookings ------------------------------------------------------------------------------------

class BookingIn(Schema):
    phone: str | None = Field(None, max_length=20, description="staff at the desk: the person's mobile")
    name: str = Field("", max_length=50)


class BookedOut(Schema):
    id: int
    status: str
    position: int | None = None
    code: str


def _refused(exc: Conflict):
    message = exc.messages[0] if exc.messages else _("与已有记录冲突")
    reason = next(iter(exc.error_dict.values()))[0].code if hasattr(exc, "error_dict") else None
    return Status(409, {"detail": message, "errors": [{"field": reason or "booking", "message": message}]})


@router.post("/activities/{activity_id}/sessions/{session_id}/bookings", auth=PERSON_AUTH,
             response={201: BookedOut, 202: BookedOut, 409: ErrorOut, **ERRORS})
def booking_create(request, activity_id: int, session_id: int, payload: BookingIn | None = None):
    """Book: a resident with their token (no body), or staff for a person with ``{"phone", "name"}``."""
    session = selectors.session_for_booking(activity_id, session_id)
    resident = _resident_of(request)
    staff = None
    if resident is None:
        staff = request.user
        if payload is None or not payload.phone:
            raise ValidationError({"phone": [_("代居民预约请填写居民手机号")]})
        scope.require(staff, "centers.add_booking", session)  # before a resident record is made
        resident = otp.resident_for_phone(otp.mobile_or_error(payload.phone), name=payload.name)
    try:
        booked = services.booking_create(staff or resident, session=session, resident=resident, staff=staff)
    except Conflict as exc:
        return _refused(exc)
    body = {"id": booked.booking.pk, "status": booked.booking.status, "position": booked.position,
            "code": booked.booking.code}
    return Status(201 if booked.position is None else 202, body)


@router.delete("/activities/{activity_id}/sessions/{session_id}/bookings/{booking_id}", auth=PERSON_AUTH,
               response={200: BookedOut, 409: ErrorOut, **ERRORS})
def booking_cancel(request, activity_id: int, session_id: int, booking_id: int):
    """Cancel a booking (the resident before the deadline, or staff); the first in line moves up."""
    resident = _resident_of(request)
    if resident is not None:
        booking = selectors.my_booking_get(resident, booking_id)
    else:
        booking = selectors.booking_get(request.user, booking_id)
    if booking.session_id != session_id or booking.session.activity_id != activity_id:
        raise Http404
    try:
        booking = services.booking_cancel(resident or request.user, booking=booking, resident=resident)
    except Conflict as exc:
        return _refused(exc)
    return {"id": booking.pk, "status": booking.status, "position": None, "code": booking.code}


class MineOut(Schema):
    id: int
    status: str
    code: str
    position: int | None
    activity: int
    title: str
    session: int = Field(alias="session_id")
    starts_at: datetime
    center_name: str


@router.get("/me/bookings", auth=PERSON_AUTH, response={200: list[MineOut], **ERRORS}, tags=["otp"])
def my_bookings(request):
    """The signed-in resident's upcoming bookings (我的预约)."""
    resident = _resident_of(request)
    if resident is None:
        raise Http404
    return [{"id": b.pk, "status": b.status, "code": b.code, "position": services.waitlist_position(b),
             "activity": b.session.activity_id, "title": b.session.activity.title, "session_id": b.session_id,
             "starts_at": b.session.starts_at, "center_name": b.session.activity.center.name}
            for b in selectors.my_bookings(resident)]


class CheckInIn(Schema):
    code: str = Field(..., max_length=64)


class CheckedInOut(Schema):
    id: int
    status: str
    name: str
    phone: str
    title: str
    newly: bool


@router.post("/bookings/check-in", response={200: CheckedInOut, 409: ErrorOut, **ERRORS})
def booking_check_in(request, payload: CheckInIn):
    """签到: the booking code (or the QR code's text) shown at the door."""
    booking = selectors.booking_by_code(request.user, payload.code.rsplit("/", 1)[-1])
    try:
        booking, newly = services.booking_check_in(request.user, booking=booking)
    except Conflict as exc:
        return _refused(exc)
    return {"id": booking.pk, "status": booking.status, "name": booking.resident.name,
            "phone": booking.resident.phone_masked, "title": booking.session.activity.title, "newly": newly}
