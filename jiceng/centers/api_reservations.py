"""Endpoints of room reservations: a room's timetable, reserve (201, 409 on an overlap, 422 on bad
input), approve, refuse, cancel, and the caller's list."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Query, Router, Schema, Status

from jiceng.centers.api_places import Id
from jiceng.centers.selectors import places as place_selectors
from jiceng.centers.selectors import reservations as selectors
from jiceng.centers.services import reservations as services
from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.selectors.orgs import org_for_field

router = Router(tags=["rooms"])


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    title: str | None = Field(None, description="only where the caller sees the reservation's details")
    applicant: str | None = None

    @staticmethod
    def resolve_title(obj):
        return obj.title if obj.detail_visible else None

    @staticmethod
    def resolve_applicant(obj):
        return obj.applicant_name if obj.detail_visible else None


class ReservationOut(Schema):
    id: int
    room: int = Field(alias="room_id")
    room_name: str
    center: int
    center_name: str
    org: int | None = Field(None, alias="org_id")
    applicant: str = Field(alias="applicant_name")
    contact_name: str
    contact_phone: str = Field(alias="contact_phone_masked", description="masked: 139****1234")
    purpose: str
    purpose_name: str
    title: str
    attendees: int
    starts_at: datetime
    ends_at: datetime
    status: str
    status_name: str
    meeting: int | None = Field(None, alias="meeting_id")
    decision_note: str

    @staticmethod
    def resolve_room_name(obj):
        return obj.room.name

    @staticmethod
    def resolve_center(obj):
        return obj.room.center_id

    @staticmethod
    def resolve_center_name(obj):
        return obj.room.center.name

    @staticmethod
    def resolve_purpose_name(obj):
        return obj.get_purpose_display()

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()


class ReservationIn(Schema):
    org: Id | None = Field(None, description="id of the reserving organization")
    applicant: str = Field("", max_length=100, description="name of an applicant not in the system")
    contact_name: str = Field(..., max_length=50)
    contact_phone: str = Field("", max_length=20)
    purpose: str = Field(..., description="three_meetings, party_day, meeting, event, training, other")
    title: str = Field(..., max_length=120)
    attendees: int = Field(0, ge=0, le=100_000)
    starts_at: datetime
    ends_at: datetime
    meeting: Id | None = Field(None, description="id of the orglife meeting record")


class NoteIn(Schema):
    note: str = Field("", max_length=200)


class SpanQuery(Schema):
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")


class ListQuery(Schema):
    status: str = ""
    center: Id | None = None
    upcoming: bool = False


@router.get("/rooms/{room_id}/reservations", response={200: list[SlotOut], **ERRORS})
def room_reservations(request, room_id: Id, span: Query[SpanQuery]):
    """Pending and confirmed reservations of the room between ``from`` and ``to`` (default: 14 days);
    who and why only for the center's staff and the reserving organization."""
    room = place_selectors.public_room_get(room_id)
    return selectors.room_timetable(request.user, room, start=span.start, end=span.end)


@router.post("/rooms/{room_id}/reservations", response={201: ReservationOut, 409: ErrorOut, **ERRORS})
def reservation_create(request, room_id: Id, payload: ReservationIn):
    """Reserve the room. 201 with ``status`` confirmed (``approved``) or ``pending`` (the room needs the
    center's approval); 409 when the time overlaps another reservation; 422 names the bad field."""
    room = place_selectors.public_room_get(room_id)
    data = payload.dict()
    data["org"] = org_for_field(request.user, data["org"], "org")
    data["meeting"] = selectors.meeting_for_field(request.user, data["meeting"])
    return Status(201, services.reservation_create(request.user, room=room, **data))


@router.get("/reservations", response={200: list[ReservationOut], **ERRORS})
def reservation_list(request, filters: Query[ListQuery]):
    """Reservations in the caller's scope (the center's staff: their centers; a branch: its own)."""
    return selectors.reservation_list(request.user, **filters.dict())[:500]


@router.post("/reservations/{reservation_id}/approve", response={200: ReservationOut, 409: ErrorOut, **ERRORS})
def reservation_approve(request, reservation_id: Id, payload: NoteIn):
    reservation = selectors.reservation_get(request.user, reservation_id)
    return services.reservation_approve(request.user, reservation=reservation, note=payload.note)


@router.post("/reservations/{reservation_id}/refuse", response={200: ReservationOut, 409: ErrorOut, **ERRORS})
def reservation_refuse(request, reservation_id: Id, payload: NoteIn):
    reservation = selectors.reservation_get(request.user, reservation_id)
    return services.reservation_refuse(request.user, reservation=reservation, note=payload.note)


@router.post("/reservations/{reservation_id}/cancel", response={200: ReservationOut, 409: ErrorOut, **ERRORS})
def reservation_cancel(request, reservation_id: Id, payload: NoteIn):
    reservation = selectors.reservation_get(request.user, reservation_id)
    return services.reservation_cancel(request.user, reservation=reservation, note=payload.note)


class MeetingIn(Schema):
    meeting: Id | None = Field(None, description="id of the orglife meeting record; null unlinks")


@router.post("/reservations/{reservation_id}/meeting", response={200: ReservationOut, **ERRORS})
def reservation_meeting(request, reservation_id: Id, payload: MeetingIn):
    """Link the reservation to the meeting record (三会一课 …) of the same organization."""
    reservation = selectors.reservation_get(request.user, reservation_id)
    meeting = selectors.meeting_for_field(request.user, payload.meeting)
    return services.reservation_link_meeting(request.user, reservation=reservation, meeting=meeting)
