"""Intake: every channel (public form, staff entry of a hotline call, import, grid report, REST, Open311)
ends in ``appeal_create``: checked, placed (point → grid → community → street), given its deadlines and a
suggested category, and entered in the timeline — or refused with field errors and nothing written."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import routing, rules
from jiceng.appeals.models import Appeal, AppealEvent, Channel, Routed, Status
from jiceng.appeals.selectors import catalogue
from jiceng.core import audit, crypto
from jiceng.core.models import Area
from jiceng.core.models.territory import AreaLevel
from jiceng.core.validators import normalize_mobile

CONTENT_MAX = 2000
UNPLACED_OK = (Channel.HOTLINE, Channel.STAFF)  # a call may come without a place: the dispatcher sets it


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _coordinate(value, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _place(data: dict, channel: str, errors: dict) -> tuple[str, routing.Place | None, tuple | None]:
    """(how it was placed, the place, (lng, lat) or None)."""
    lat, lng, community_code = data.get("lat"), data.get("lng"), data.get("community")
    if lat is not None or lng is not None:
        latitude, longitude = _coordinate(lat, 3, 54), _coordinate(lng, 73, 136)
        if latitude is None:
            errors["lat"] = [_("纬度应为中国境内的数值（WGS84，3–54）")]
        if longitude is None:
            errors["lng"] = [_("经度应为中国境内的数值（WGS84，73–136）")]
        if latitude is None or longitude is None:
            return Routed.NONE, None, None
        index = routing.routing_index()
        place = index.locate([(longitude, latitude)])[0]
        if place is None and index.has_boundaries:
            errors["lat"] = [_("该位置不在本平台服务的网格和社区范围内，请重新选点或选择所在社区")]
            return Routed.NONE, None, None
        if place is not None:
            return (Routed.GRID if place.grid_id else Routed.COMMUNITY), place, (longitude, latitude)
        coords = (longitude, latitude)
    else:
        coords = None
    if community_code not in (None, ""):
        community = (Area.objects.filter(code=str(community_code).strip(), level=AreaLevel.COMMUNITY)
                     .select_related("parent__parent").first() if isinstance(community_code, str | int) else None)
        if community is None:
            errors["community"] = [_("社区代码应为已导入的12位社区代码")]
            return Routed.NONE, None, coords
        return Routed.COMMUNITY, _place_of(community), coords
    address = _text(data, "address")
    if address:
        communities = Area.objects.filter(level=AreaLevel.COMMUNITY).values_list("pk", "name")
        found = rules.community_from_address(address, communities)
        if found:
            community = Area.objects.select_related("parent__parent").get(pk=found)
            return Routed.ADDRESS, _place_of(community), coords
    if coords is None and channel not in UNPLACED_OK:
        errors["lat"] = [_("请在地图上选点，或选择所在社区")]
    return Routed.NONE, None, coords


def _place_of(community: Area) -> routing.Place:
    street = community.parent
    district = street.parent if street else None
    return routing.Place(None, community.pk, street.pk if street else None, district.pk if district else None,
                         community.path)


def appeal_clean(data: dict, *, channel: str) -> dict:
    """The appeal's fields from ``data`` (the REST contract's keys), or ``ValidationError`` per field."""
    errors: dict[str, list] = {}
    kind = rules.appeal_type_code(data.get("type"))
    if kind is None:
        errors["type"] = [_("诉求类型应为 咨询、求助、投诉、举报 或 建议")]
    urgency = rules.urgency_code(data.get("urgency") or "normal")
    if urgency is None:
        errors["urgency"] = [_("紧急程度应为 紧急 或 一般")]
    category = catalogue.category_by_code(data.get("category"))
    if category is None:
        errors["category"] = [_("未知的诉求类别，请从派单目录中选择（GET /api/v1/appeals/categories）")]
    content = _text(data, "content")
    if not content:
        errors["content"] = [_("请填写诉求内容")]
    elif len(content) > CONTENT_MAX:
        errors["content"] = [_("诉求内容不超过%(n)d个字") % {"n": CONTENT_MAX}]
    name = _text(data, "name")
    if len(name) > 50:
        errors["name"] = [_("姓名不超过50个字")]
    phone = normalize_mobile(data.get("phone")) if isinstance(data.get("phone"), str) else None
    if phone is None:
        errors["phone"] = [_("请填写手机号：11 位数字、以 1 开头、第二位为 3–9")]
    address = _text(data, "address")
    if len(address) > 200:
        errors["address"] = [_("地址不超过200个字")]
    hotline_no = _text(data, "hotline_no")
    if len(hotline_no) > 40:
        errors["hotline_no"] = [_("12345工单号不超过40个字符")]
    elif hotline_no and Appeal.objects.filter(hotline_no=hotline_no).exists():
        errors["hotline_no"] = [_("12345工单号 %(no)s 已登记") % {"no": hotline_no}]
    routed_by, place, coords = _place(data, channel, errors)
    if errors:
        raise ValidationError(errors)
    return {"channel": channel, "type": kind, "urgency": urgency, "category": category, "content": content,
            "name": name, "phone": phone, "address": address, "hotline_no": hotline_no,
            "routed_by": routed_by, "place": place, "coords": coords}


def _ticket(now: datetime) -> str:
    return f"{timezone.localtime(now):%Y%m%d}{secrets.randbelow(10**6):06d}"


def appeal_create(actor, data: dict, *, channel: str = Channel.WEB, client_key: str | None = None,
                  received_at: datetime | None = None, complete_due_at: datetime | None = None
                  ) -> tuple[Appeal, bool]:
    """Enter an appeal; (appeal, created). A retry with the same ``client_key`` (Idempotency-Key) returns
    the first appeal and creates nothing."""
    client_key = (client_key or "").strip()[:80] or None
    if client_key:
        existing = Appeal.objects.filter(client_key=client_key).first()
        if existing:
            return existing, False
    clean = appeal_clean(data, channel=channel)
    now = timezone.now()
    received_at = received_at or now
    category, place = clean["category"], clean["place"]
    response_hours, term = catalogue.terms(category, clean["urgency"])
    complete = rules.due(received_at, term)
    suggestion = rules.suggest_category(clean["content"], catalogue.keyword_table())
    user = audit.user_of(actor)
    department = getattr(user, "department", None) if user else None
    phone = clean["phone"]
    fields = dict(
        channel=channel, type=clean["type"], urgency=clean["urgency"], category=category,
        suggested_category_id=suggestion.category_id, suggestion_reason=suggestion.reason[:200],
        content=clean["content"], address=clean["address"], hotline_no=clean["hotline_no"],
        longitude=clean["coords"][0] if clean["coords"] else None,
        latitude=clean["coords"][1] if clean["coords"] else None, routed_by=clean["routed_by"],
        grid_id=place.grid_id if place else None, community_id=place.community_id if place else None,
        street_id=place.street_id if place else None, district_id=place.district_id if place else None,
        area_path=place.path if place else "", name=clean["name"],
        phone_cipher=crypto.encrypt(phone), phone_index=crypto.blind_index(phone),
        phone_masked=crypto.mask_mobile(phone),
        enterprise_name=_text(data, "enterprise_name")[:120],
        enterprise_code=_text(data, "enterprise_code")[:18],
        filer=user if channel in (Channel.WEB, Channel.API) and user and not user.is_staff else None,
        owner_department=department,
        owner_area_id=None if department else ((place.street_id or place.district_id) if place else None),
        received_at=received_at, response_due_at=received_at + timedelta(hours=response_hours),
        complete_due_at=complete_due_at or complete.at,
        deadline_uncertain=complete.uncertain and complete_due_at is None,
        created_by=user, client_key=client_key, status=Status.RECEIVED,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(ticket_no=_ticket(now), **fields)
                AppealEvent.objects.create(
                    appeal=appeal, action="receive", to_status=Status.RECEIVED, actor=user,
                    actor_name=getattr(user, "display_name", "") or "", at=now,
                    note=_("已受理，工单编号 %(no)s") % {"no": appeal.ticket_no})
                audit.record(actor, "appeal.create", appeal, node_path=appeal.area_path,
                             summary={"channel": channel, "category": category.code, "routed_by": appeal.routed_by})
            return appeal, True
        except IntegrityError:
            if client_key and Appeal.objects.filter(client_key=client_key).exists():
                return Appeal.objects.get(client_key=client_key), False
            if clean["hotline_no"] and Appeal.objects.filter(hotline_no=clean["hotline_no"]).exists():
                raise ValidationError({"hotline_no": [_("12345工单号 %(no)s 已登记") % {
                    "no": clean["hotline_no"]}]}) from None
            continue  # a ticket number drawn twice: draw again
    raise RuntimeError("could not draw a free ticket number")
