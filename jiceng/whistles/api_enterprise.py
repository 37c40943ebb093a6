"""Enterprise requests (企业吹哨): the public POST (no login, ``Idempotency-Key``, a per-address limit)
and the service unit's list, convert (into a whistle) and decline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.http import client_ip
from jiceng.core.models import Department
from jiceng.whistles.selectors import enterprise as selectors
from jiceng.whistles.services import enterprise as services

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
router = Router(tags=["whistles"])


class RequestIn(Schema):
    enterprise_name: str = Field(..., max_length=120)
    uscc: str = Field(..., max_length=30, description="统一社会信用代码 (18 characters, GB 32100)")
    contact_name: str = Field(..., max_length=50)
    phone: str = Field(..., max_length=20, description="mainland mobile number")
    matter: str = Field(..., max_length=4000)
    unit: str = Field(..., max_length=24, description="area code of the service unit (street, park, building …)")


class ReceiptOut(Schema):
    id: int
    reference: str
    status: str
    uscc_flagged: bool = Field(description="the credit code failed its checksum (accepted, flagged for the unit)")
    unit_name: str

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class RequestOut(Schema):
    id: int
    reference: str
    enterprise_name: str
    uscc: str
    uscc_flagged: bool
    contact_name: str
    contact_phone: str = Field(alias="contact_phone_masked", description="masked: 139****1234")
    matter: str
    unit: str
    unit_name: str
    status: str
    status_name: str
    whistle: int | None = Field(None, alias="whistle_id")
    decline_reason: str
    created_at: datetime
    handled_at: datetime | None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()


class ConvertIn(Schema):
    departments: list[Id] = Field(..., max_length=50)
    title: str = Field("", max_length=120)
    urgency: str = "normal"
    report_minutes: int | None = None


class DeclineIn(Schema):
    reason: str = Field(..., max_length=300)


class ConvertOut(Schema):
    request: RequestOut
    whistle: int


class ListQuery(Schema):
    status: str = ""


@router.post("/whistles/enterprise-requests", auth=None, response={200: ReceiptOut, 201: ReceiptOut, 429: ErrorOut,
                                                                   **ERRORS})
def request_create(request, payload: RequestIn, idempotency_key: str = Header("", alias="Idempotency-Key")):
    """Public: an enterprise raises a matter with its service unit. 201 with a reference number; a retry
    with the same ``Idempotency-Key`` answers 200 with the first request; 422 names the bad field; 429
    after too many submissions from one address within an hour."""
    unit = selectors.service_unit(payload.unit)
    data = payload.dict()
    data["unit"] = unit
    try:
        made, created = services.enterprise_request_create(request.user, idempotency_key=idempotency_key,
                                                           ip=client_ip(request), **data)
    except services.Throttled as exc:
        raise HttpError(429, exc.messages[0]) from exc
    return Status(201 if created else 200, made)


@router.get("/whistles/enterprise-requests", response={200: list[RequestOut], **ERRORS})
def request_list(request, filters: Query[ListQuery]):
    """Requests to the service units within the caller's reach, newest first."""
    return list(selectors.request_list(request.user, status=filters.status)[:500])


@router.get("/whistles/enterprise-requests/{request_id}", response={200: RequestOut, **ERRORS})
def request_get(request, request_id: Id):
    return selectors.request_get(request.user, request_id)


@router.post("/whistles/enterprise-requests/{request_id}/convert",
             response={201: ConvertOut, 409: ErrorOut, **ERRORS})
def request_convert(request, request_id: Id, payload: ConvertIn):
    """Blow a whistle on the request (the service unit is the caller); 409 when already handled."""
    item = selectors.request_get(request.user, request_id)
    found = {d.pk: d for d in Department.objects.filter(pk__in=payload.departments)}
    if missing := [str(i) for i in payload.departments if i not in found]:
        raise ValidationError({"departments": [_("部门不存在：%(ids)s") % {"ids": "、".join(missing)}]})
    whistle = services.enterprise_request_convert(
        request.user, request=item, departments=[found[i] for i in payload.departments], title=payload.title,
        urgency=payload.urgency, report_minutes=payload.report_minutes)
    return Status(201, {"request": selectors.request_get(request.user, request_id), "whistle": whistle.pk})


@router.post("/whistles/enterprise-requests/{request_id}/decline", response={200: RequestOut, 409: ErrorOut, **ERRORS})
def request_decline(request, request_id: Id, payload: DeclineIn):
    item = selectors.request_get(request.user, request_id)
    return services.enterprise_request_decline(request.user, request=item, reason=payload.reason)
