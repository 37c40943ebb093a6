"""REST endpoints of appeals: intake (mounted under /api/v1/ by ``appeals.api``).

``POST /appeals`` is public: no token needed (an anonymous filer is rate-limited per client address and
per mobile number). A valid ``Authorization: Bearer`` token, or a signed-in session with its CSRF token,
of a user holding ``appeals.add_appeal`` makes the caller staff: not rate-limited, and the staff channels
(hotline, staff, grid) are open. ``Idempotency-Key`` makes a retry safe: the first answer is 201, a retry
with the same key and the same phone answers 200 with the same appeal and creates nothing; the same key
with another phone is a 409.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile
from ninja.utils import check_csrf

from jiceng.appeals.models import Appeal, Channel, PhotoStage
from jiceng.appeals.selectors import tracking
from jiceng.appeals.services import photos
from jiceng.appeals.services.intake import appeal_create
from jiceng.appeals.throttle import filing_allowed
from jiceng.core import crypto, scope
from jiceng.core.api import ErrorOut
from jiceng.core.errors import Conflict
from jiceng.core.http import client_ip
from jiceng.core.models import Area
from jiceng.core.validators import normalize_mobile

router = Router(tags=["appeals"])

ADD = "appeals.add_appeal"
PUBLIC_CHANNELS = (Channel.API, Channel.WEB)
STAFF_CHANNELS = (Channel.API, Channel.HOTLINE, Channel.STAFF, Channel.GRID)


class AppealIn(Schema):
    type: str | None = Field(None, description="咨询|求助|投诉|举报|建议 (or consult/help/complaint/report/suggest)")
    category: str | None = Field(None, description="category code of the dispatch catalogue")
    content: str | None = None
    name: str | None = Field(None, description="the filer's name")
    phone: str | None = Field(None, description="the filer's mobile number (required)")
    lat: float | str | None = Field(None, description="WGS84 latitude (with lng), or give community")
    lng: float | str | None = None
    community: str | None = Field(None, description="12-digit community code, instead of lat/lng")
    address: str | None = None
    urgency: str | None = Field(None, description="紧急|一般 (urgent/normal); default 一般")
    channel: str | None = Field(None, description="anonymous: api (default) or web; staff: api, hotline, staff, grid")
    hotline_no: str | None = Field(None, description="12345 ticket number (staff)")
    enterprise_name: str | None = None
    enterprise_code: str | None = None


class Ref(Schema):
    code: str
    name: str


class AppealCreatedOut(Schema):
    id: int
    ticket_no: str
    status: str
    status_name: str
    channel: str
    type: str
    urgency: str
    category: Ref | None
    grid: Ref | None = Field(description="the grid the location lies in; null when placed by community or not placed")
    community: Ref | None
    street: Ref | None
    routed_by: str = Field(description="grid | community | address | none")
    phone: str = Field(description="masked: 138****8000")
    received_at: datetime
    response_due_at: datetime | None
    complete_due_at: datetime | None
    deadline_uncertain: bool
    track_url: str = Field(description="the public tracking page (ticket number + last 4 digits of the phone)")


class PhotoOut(Schema):
    id: int
    appeal: int = Field(alias="appeal_id")
    stage: str
    content_type: str
    size: int


def _ref(area_or_category) -> dict | None:
    return {"code": area_or_category.code, "name": area_or_category.name} if area_or_category else None


def _places(appeal: Appeal) -> dict:
    """{area id: {"code", "name"}} of the appeal's grid, community and street: from the loaded relations, else
    in one query (a new appeal has only their ids)."""
    fields = {"grid": appeal.grid_id, "community": appeal.community_id, "street": appeal.street_id}
    loaded = appeal._state.fields_cache
    if all(name in loaded for name, pk in fields.items() if pk):
        return {pk: _ref(loaded[name]) for name, pk in fields.items() if pk}
    ids = [pk for pk in fields.values() if pk]
    return {pk: {"code": code, "name": name} for pk, code, name in
            Area.objects.filter(pk__in=ids).values_list("pk", "code", "name")} if ids else {}


def _local(moment):
    return timezone.localtime(moment) if moment else None


def appeal_out(appeal: Appeal) -> dict:
    """The answer of a create (also used by the public pages and the bench checks)."""
    from django.urls import reverse

    places = _places(appeal)
    return {
        "id": appeal.pk, "ticket_no": appeal.ticket_no, "status": appeal.status,
        "status_name": str(appeal.get_status_display()), "channel": appeal.channel, "type": appeal.type,
        "urgency": appeal.urgency, "category": _ref(appeal.category), "grid": places.get(appeal.grid_id),
        "community": places.get(appeal.community_id), "street": places.get(appeal.street_id),
        "routed_by": appeal.routed_by,
        "phone": appeal.phone_masked, "received_at": _local(appeal.received_at),
        "response_due_at": _local(appeal.response_due_at), "complete_due_at": _local(appeal.complete_due_at),
        "deadline_uncertain": appeal.deadline_uncertain,
        "track_url": reverse("appeals:public_track"),
    }


def api_caller(request):
    """The signed-in user behind a Bearer token or a session (with its CSRF token), or None.
    A token that is sent but not valid is refused (401) rather than taken for an anonymous filer."""
    from jiceng.core.services.accounts import token_authenticate

    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        user = token_authenticate(header[7:].strip())
        if user is None:
            raise AuthenticationError
        request.user = user
        return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and check_csrf(request) is None:
        return user
    return None


def _too_many(message: str):
    return Status(429, {"detail": message, "errors": [{"field": "__all__", "message": message}]})


@router.post("/appeals", auth=None, response={201: AppealCreatedOut, 200: AppealCreatedOut, 401: ErrorOut,
                                               409: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def appeal_file(request, payload: AppealIn):
    """File an appeal (诉求). Public; a staff token opens the staff channels. 201 with the ticket number
    and deadlines; 200 with the same body for a retry with the same ``Idempotency-Key``; 422 with field
    errors; 429 when an anonymous filer sends too many."""
    user = api_caller(request)
    staff = user is not None and scope.holds(user, ADD)
    data = payload.dict(exclude_none=True)
    channel = data.pop("channel", None) or Channel.API
    allowed = STAFF_CHANNELS if staff else PUBLIC_CHANNELS
    if channel not in allowed:
        raise ValidationError({"channel": [_("来源渠道应为 %(list)s 之一") % {"list": "、".join(allowed)}]})
    if not staff:
        data.pop("hotline_no", None)
    key = (request.headers.get("Idempotency-Key") or "").strip()[:80] or None
    phone = normalize_mobile(data.get("phone")) if isinstance(data.get("phone"), str) else None
    index = crypto.blind_index(phone) if phone else None
    if key:
        existing = Appeal.objects.filter(client_key=key).select_related("category", "grid", "community",
                                                                          "street").first()
        if existing is not None:
            return _replay(existing, index)
    if not staff and not filing_allowed(ip=client_ip(request), phone_index=index):
        return _too_many(_("提交过于频繁，请一小时后再试；紧急情况请拨打 12345 或 110"))
    appeal, created = appeal_create(user if user is not None else None, data, channel=channel, client_key=key)
    if not created:
        return _replay(appeal, index)
    return Status(201, appeal_out(appeal))


def _replay(appeal: Appeal, phone_index: str | None):
    if phone_index != appeal.phone_index:
        raise Conflict({"Idempotency-Key": [_("该 Idempotency-Key 已用于另一件诉求，请为新的诉求生成新的键")]})
    return Status(200, appeal_out(appeal))


@router.post("/appeals/{int:appeal_id}/photos", auth=None,
             response={201: PhotoOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def appeal_photo_add(request, appeal_id: int, photo: UploadedFile | None = File(None),  # noqa: B008
                     ticket_no: str = Form(""), phone_last4: str = Form(""),
                     stage: str = Form(PhotoStage.FILED)):
    """Add a photo (multipart field ``photo``: JPEG, PNG or WebP, checked by content). The filer proves
    ownership with ``ticket_no`` and ``phone_last4``; staff (token or session) need the appeal in scope."""
    user = api_caller(request)
    if user is not None and scope.holds(user, "appeals.view_appeal"):
        appeal = scope.get_or_404(user, "appeals.view_appeal", Appeal.objects.all(), pk=appeal_id)
        return Status(201, photos.photo_add(user, appeal, photo, stage))
    try:
        appeal = tracking.appeal_for_filer(ticket_no, phone_last4, client_ip(request))
    except tracking.TrackingLocked as exc:
        return _too_many(exc.message_dict["phone_last4"][0])
    if appeal.pk != appeal_id:
        raise ValidationError({"ticket_no": [_("工单编号与诉求不符")]})
    return Status(201, photos.photo_add(None, appeal, photo, stage, filer_verified=True))
