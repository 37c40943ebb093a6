"""Endpoints of centers: the public list (nearest first with ``?near=lat,lng``), a center, its
services and rota; staff create and change centers and rooms. Thin: selectors and services work."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from jiceng.centers.selectors import places as selectors
from jiceng.centers.services import places as services
from jiceng.core.api import ERRORS
from jiceng.core.selectors.territory import area_for_field

router = Router(tags=["centers"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # a larger id would be a database error, not a 404


class HoursOut(Schema):
    weekday: int
    opens: time
    closes: time


class TodayOut(Schema):
    date: date
    open: bool
    opens: time | None = None
    closes: time | None = None
    note: str = ""


class RoomOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    capacity: int
    floor_area: int | None
    description: str
    is_bookable: bool
    needs_approval: bool
    is_active: bool

    @staticmethod
    def resolve_kind_name(obj):
        return obj.get_kind_display()


class CenterOut(Schema):
    id: int
    name: str
    level: str
    level_name: str
    area: str = Field(description="code of the territory node")
    area_name: str
    address: str
    lat: float | None
    lng: float | None
    floor_area: int | None
    phone: str
    is_active: bool
    distance_m: int | None = Field(None, description="with ?near=: metres from that point")

    @staticmethod
    def resolve_level_name(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_area(obj):
        return obj.area.code

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_distance_m(obj):
        distance = getattr(obj, "distance", None)
        return round(distance) if distance is not None else None


class CenterDetailOut(CenterOut):
    description: str
    closed_on_holidays: bool
    hours: list[HoursOut] = Field(alias="weekly_hours")
    today: TodayOut = Field(alias="today_hours")
    rooms: list[RoomOut] = Field(alias="room_list")


class CenterIn(Schema):
    name: str = Field(..., max_length=80)
    level: str
    area: str = Field(..., description="code of the territory node", max_length=24)
    address: str = Field("", max_length=160)
    lat: float | None = None
    lng: float | None = None
    floor_area: int | None = None
    phone: str = Field("", max_length=20)
    description: str = Field("", max_length=4000)
    closed_on_holidays: bool = True
    is_active: bool = True


class CenterPatch(Schema):
    name: str | None = Field(None, max_length=80)
    level: str | None = None
    area: str | None = Field(None, max_length=24)
    address: str | None = Field(None, max_length=160)
    lat: float | None = None
    lng: float | None = None
    floor_area: int | None = None
    phone: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=4000)
    closed_on_holidays: bool | None = None
    is_active: bool | None = None


class HoursIn(Schema):
    hours: list[HoursOut] = Field(..., description="one entry per open weekday (0 = Monday); others closed")


class RoomIn(Schema):
    name: str = Field(..., max_length=60)
    kind: str = "meeting"
    capacity: int = Field(0, ge=0, le=10_000)
    floor_area: int | None = None
    description: str = Field("", max_length=200)
    is_bookable: bool = True
    needs_approval: bool = False
    is_active: bool = True


class RoomPatch(Schema):
    name: str | None = Field(None, max_length=60)
    kind: str | None = None
    capacity: int | None = Field(None, ge=0, le=10_000)
    floor_area: int | None = None
    description: str | None = Field(None, max_length=200)
    is_bookable: bool | None = None
    needs_approval: bool | None = None
    is_active: bool | None = None


class CenterQuery(Schema):
    near: str = Field("", description="lat,lng: nearest first", max_length=40)
    level: str = ""
    q: str = Field("", max_length=40)


def _detail(center):
    day = selectors.today()
    hours = selectors.hours_on(center, day)
    center.today_hours = {"date": day, "open": hours is not None, "opens": hours.opens if hours else None,
                    "closes": hours.closes if hours else None, "note": hours.note if hours else ""}
    center.weekly_hours = selectors.weekly_hours(center)
    center.room_list = list(selectors.public_rooms(center))
    return center


def _center_data(data: dict) -> dict:
    if "area" in data:
        data["area"] = area_for_field(data["area"], "area") if data["area"] else None
    return data


@router.get("/centers", response={200: list[CenterOut], **ERRORS}, auth=None)
def center_list(request, filters: Query[CenterQuery]):
    """Active centers and stations (public). With ``near=lat,lng`` nearest first, with ``distance_m``."""
    return selectors.public_center_list(near=selectors.parse_near(filters.near), level=filters.level, q=filters.q)


@router.get("/centers/{center_id}", response={200: CenterDetailOut, **ERRORS}, auth=None)
def center_get(request, center_id: Id):
    """A center (public): hours, today's hours (holidays and exceptions applied) and rooms."""
    return _detail(selectors.public_center_get(center_id))


@router.post("/centers", response={201: CenterDetailOut, **ERRORS})
def center_create(request, payload: CenterIn):
    """Create a center on a territory node where the caller holds ``centers.add_center``."""
    center = services.center_create(request.user, **_center_data(payload.dict()))
    return Status(201, _detail(center))


@router.patch("/centers/{center_id}", response={200: CenterDetailOut, **ERRORS})
def center_update(request, center_id: Id, payload: CenterPatch):
    center = selectors.center_get(request.user, center_id)
    data = _center_data(payload.dict(exclude_unset=True))
    return _detail(services.center_update(request.user, center=center, **data))


@router.put("/centers/{center_id}/hours", response={200: CenterDetailOut, **ERRORS})
def center_hours(request, center_id: Id, payload: HoursIn):
    """Replace the regular weekly hours; weekdays not listed are closed."""
    center = selectors.center_get(request.user, center_id)
    weekly = {}
    for h in payload.hours:
        if h.weekday in weekly:
            raise ValidationError({"hours": [_("每个星期几只能有一段开放时间")]})
        weekly[h.weekday] = (h.opens, h.closes)
    return _detail(services.hours_set(request.user, center=center, weekly=weekly))


@router.post("/centers/{center_id}/rooms", response={201: RoomOut, **ERRORS})
def room_create(request, center_id: Id, payload: RoomIn):
    center = selectors.center_get(request.user, center_id)
    return Status(201, services.room_create(request.user, center=center, **payload.dict()))


@router.patch("/rooms/{room_id}", response={200: RoomOut, **ERRORS})
def room_update(request, room_id: Id, payload: RoomPatch):
    room = selectors.room_get(request.user, room_id)
    return services.room_update(request.user, room=room, **payload.dict(exclude_unset=True))
