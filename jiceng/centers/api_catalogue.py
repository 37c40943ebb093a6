"""Endpoints of a center's service catalogue and department rota (public reads, staff writes)."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from jiceng.centers.api_places import Id
from jiceng.centers.selectors import places as selectors
from jiceng.centers.services import catalogue, rota
from jiceng.core.api import ERRORS
from jiceng.core.models import Department

router = Router(tags=["centers"])


class ServiceOut(Schema):
    id: int
    name: str
    category: str
    description: str
    channel: str
    channel_name: str
    department: int | None = Field(None, alias="department_id")
    department_name: str | None

    @staticmethod
    def resolve_channel_name(obj):
        return obj.get_channel_display()

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name if obj.department_id else None


class ServiceIn(Schema):
    name: str = Field(..., max_length=80)
    category: str = Field(..., max_length=40)
    description: str = Field("", max_length=2000)
    channel: str = "walk_in"
    department: Id | None = None


class ShiftOut(Schema):
    id: int
    department: int = Field(alias="department_id")
    department_name: str
    weekday: int
    weekday_name: str
    starts: time
    ends: time
    valid_from: date
    valid_until: date | None
    matters: str

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name

    @staticmethod
    def resolve_weekday_name(obj):
        return obj.get_weekday_display()


class ShiftIn(Schema):
    department: Id
    weekday: int = Field(..., ge=0, le=6)
    starts: time
    ends: time
    valid_from: date
    valid_until: date | None = None
    matters: str = Field("", max_length=200)


def department_for_field(center, department_id: int | None) -> Department | None:
    """A department of the center's area or above it (those that may serve or sit in there)."""
    if department_id is None:
        return None
    department = selectors.departments_for(center).filter(pk=department_id).first()
    if department is None:
        raise ValidationError({"department": [_("部门不存在，或不属于本中心所在区域")]})
    return department


@router.get("/centers/{center_id}/services", response={200: list[ServiceOut], **ERRORS}, auth=None)
def service_list(request, center_id: Id):
    """The center's service catalogue (public), by category."""
    return selectors.active_services(selectors.public_center_get(center_id))


@router.post("/centers/{center_id}/services", response={201: ServiceOut, **ERRORS})
def service_create(request, center_id: Id, payload: ServiceIn):
    center = selectors.center_get(request.user, center_id)
    data = payload.dict()
    data["department"] = department_for_field(center, data["department"])
    return Status(201, catalogue.service_create(request.user, center=center, **data))


@router.get("/centers/{center_id}/rota", response={200: list[ShiftOut], **ERRORS}, auth=None)
def rota_list(request, center_id: Id, on: date | None = None):
    """The departments sitting in (坐班) on ``on`` (default today), by weekday and time (public)."""
    return selectors.current_rota(selectors.public_center_get(center_id), on)


@router.post("/centers/{center_id}/rota", response={201: ShiftOut, **ERRORS})
def rota_create(request, center_id: Id, payload: ShiftIn):
    """Add a rota shift; the center's staff find a notice of it on their page."""
    center = selectors.center_get(request.user, center_id)
    data = payload.dict()
    data["department"] = department_for_field(center, data["department"])
    return Status(201, rota.shift_create(request.user, center=center, **data))
