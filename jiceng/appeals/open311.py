"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2).

- ``discovery``, ``services`` (the dispatch catalogue's leaves: ``service_code`` = category code,
  ``group`` = the parent's name, ``metadata`` false, ``type`` realtime) and ``services/{code}`` (no
  attributes), in ``.json`` and ``.xml``.
- ``POST requests`` with an ``api_key`` (``manage.py issue_open311_key NAME``; only its SHA-256 is kept):
  ``service_code``, ``lat``/``long`` or ``address_string``, ``description``, ``first_name``/``last_name``,
  ``phone`` (a mobile number: required here, as on every channel), optional ``type`` (咨询/求助/投诉/举报/建议,
  default 求助) and ``urgency``; ``email``, ``device_id``, ``account_id``, ``media_url`` and ``attribute[…]``
  are accepted and ignored. The appeal is created through ``appeal_create`` with channel ``open311``.
- ``GET requests`` (``service_request_id``, ``service_code``, ``start_date``, ``end_date``, ``status``;
  by default the last 90 days, at most 1,000 newest first) and ``GET requests/{id}``.
  ``service_request_id`` is the ticket number. Internal states map to ``open``/``closed`` with
  ``status_notes`` (the state in Chinese and the last public step); ``agency_responsible`` is the lead
  unit; ``expected_datetime`` the completion deadline. Phone numbers and names are never shown; the
  description and address only to a caller that sends a valid ``api_key``.

Errors are the specification's error list with the HTTP status as ``code``: 400 bad input, 403 a missing
or wrong ``api_key``, 404 an unknown service or request.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jiceng.appeals.models import (
    FINISHED_STATUSES,
    Appeal,
    AppealEvent,
    Category,
    Channel,
    Open311Key,
    Order,
    OrderRole,
    OrderStatus,
    Status,
)
from jiceng.appeals.open311_render import errors, iso, respond
from jiceng.appeals.selectors import catalogue
from jiceng.appeals.services.intake import appeal_create
from jiceng.core.scope import system_actor

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
CLOSED = (*FINISHED_STATUSES, Status.MERGED)
CHANGESET = "2026-11-24T00:00:00+08:00"


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_for(raw) -> Open311Key | None:
    """The live key ``raw`` names (its last use noted at most once a minute), or None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    key = Open311Key.objects.filter(key_hash=key_hash(raw.strip()), revoked_at__isnull=True).first()
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
            Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


# --- discovery and services ----------------------------------------------------------------------

@require_GET
def discovery(request, fmt: str):
    url = request.build_absolute_uri(reverse("appeals:open311_root"))
    return respond(fmt, "discovery", {
        "changeset": CHANGESET, "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_CONTACT,
        "endpoints": [{"specification": SPEC, "url": url, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}]})


def _leaves() -> list[Category]:
    rows = list(catalogue.active_categories().order_by("sort", "code"))
    parents = {c.parent_id for c in rows if c.parent_id}
    return [c for c in rows if c.pk not in parents]


def _service(category: Category) -> dict:
    return {"service_code": category.code, "service_name": category.name,
            "description": category.description or category.name, "metadata": False, "type": "realtime",
            "keywords": ",".join(category.keyword_list), "group": category.parent.name if category.parent else ""}


@require_GET
def services(request, fmt: str):
    return respond(fmt, "services", [_service(c) for c in _leaves()])


@require_GET
def service_definition(request, code: str, fmt: str):
    category = next((c for c in _leaves() if c.code == code), None)
    if category is None:
        return errors(fmt, 404, [_("未找到服务类型 %(code)s") % {"code": code}])
    return respond(fmt, "service_definition", {"service_code": category.code, "attributes": []})


# --- requests ------------------------------------------------------------------------------------

def _name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    if (first + last).isascii():
        return f"{first} {last}".strip()
    return f"{last}{first}"  # 姓 + 名


FIELD_NAMES = {"lat": "lat", "lng": "long", "content": "description", "category": "service_code",
               "address": "address_string", "name": "first_name", "phone": "phone", "community": "lat"}


def _create(request, fmt: str):
    post = request.POST
    key = key_for(post.get("api_key") or request.GET.get("api_key"))
    if key is None:
        return errors(fmt, 403, [_("api_key 无效或已吊销，无法提交")])
    data = {"type": post.get("type") or "求助", "category": post.get("service_code", ""),
            "content": post.get("description", ""), "phone": post.get("phone", ""),
            "name": _name(post.get("first_name", ""), post.get("last_name", "")),
            "address": post.get("address_string", ""), "urgency": post.get("urgency") or "normal"}
    if post.get("lat") or post.get("long"):
        data.update(lat=post.get("lat") or None, lng=post.get("long") or None)
    try:
        appeal, _created = appeal_create(system_actor(f"open311:{key.name}"), data, channel=Channel.OPEN311)
    except ValidationError as exc:
        items = [(FIELD_NAMES.get(f, f), m) for f, msgs in exc.message_dict.items() for m in msgs]
        return errors(fmt, 400, items)
    notice = _("已受理，工单编号 %(no)s；办结期限 %(due)s") % {
        "no": appeal.ticket_no, "due": iso(appeal.complete_due_at) or _("待定")}
    return respond(fmt, "requests", [{"service_request_id": appeal.ticket_no, "service_notice": notice,
                                      "account_id": None}], 201)


def _bad_date(fmt: str, name: str):
    return errors(fmt, 400, [(name, _("应为带时区的 ISO 8601 时间，如 2026-11-01T00:00:00+08:00"))])


def _date(value: str) -> datetime | bool | None:
    """A w3 datetime (a bare date is its midnight, local time); False when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value) or (datetime.fromisoformat(value) if len(value) == 10 else None)
    except ValueError:
        return False
    if moment is None:
        return False
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _listing(request, fmt: str):
    q = request.GET
    rows = _queryset()
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the other parameters are ignored (the specification)
        rows = rows.filter(ticket_no__in=ids[:MAX_REQUESTS])
    else:
        start, end = _date(q.get("start_date", "")), _date(q.get("end_date", ""))
        if start is False:
            return _bad_date(fmt, "start_date")
        if end is False:
            return _bad_date(fmt, "end_date")
        if start is None and end is None:
            start = timezone.now() - timedelta(days=DEFAULT_DAYS)
        if start is not None:
            rows = rows.filter(received_at__gte=start)
        if end is not None:
            rows = rows.filter(received_at__lte=end)
        codes = [c.strip() for c in q.get("service_code", "").split(",") if c.strip()]
        if codes:
            rows = rows.filter(category__code__in=codes)
        states = {s.strip().lower() for s in q.get("status", "").split(",") if s.strip()}
        if states - {"open", "closed"}:
            return errors(fmt, 400, [("status", _("应为 open 或 closed（可用逗号同时列出）"))])
        if states == {"open"}:
            rows = rows.exclude(status__in=CLOSED)
        elif states == {"closed"}:
            rows = rows.filter(status__in=CLOSED)
    detailed = key_for(q.get("api_key")) is not None
    return respond(fmt, "requests", [request_row(a, detailed) for a in rows.order_by("-received_at", "-pk")
                                     [:MAX_REQUESTS]])


def _queryset():
    live_leads = (Order.objects.filter(role=OrderRole.LEAD)
                  .exclude(status__in=[OrderStatus.RETURNED, OrderStatus.CANCELLED])
                  .select_related("department", "area").order_by("-dispatched_at", "-pk"))
    return (Appeal.objects.select_related("category", "owner_area", "owner_department")
            .prefetch_related(Prefetch("orders", queryset=live_leads, to_attr="live_leads"),
                              Prefetch("events", queryset=AppealEvent.objects.filter(public=True)
                                       .order_by("-at", "-pk"), to_attr="public_events")))


def request_row(appeal: Appeal, detailed: bool = False) -> dict:
    """One appeal as an Open311 service request (no phone, no name)."""
    closed = appeal.status in CLOSED
    last = appeal.public_events[0] if appeal.public_events else None
    notes = str(appeal.get_status_display())
    if last is not None and last.note:
        notes = f"{notes}：{last.note}"
    lead = appeal.live_leads[0].unit_name if appeal.live_leads else str(
        appeal.owner_department or appeal.owner_area or "")
    return {
        "service_request_id": appeal.ticket_no, "status": "closed" if closed else "open",
        "status_notes": notes[:500], "service_name": appeal.category.name if appeal.category else "",
        "service_code": appeal.category.code if appeal.category else "",
        "description": appeal.content if detailed else "", "agency_responsible": lead, "service_notice": "",
        "requested_datetime": iso(appeal.received_at), "updated_datetime": iso(appeal.updated_at),
        "expected_datetime": iso(appeal.complete_due_at), "address": appeal.address if detailed else "",
        "address_id": "", "zipcode": "", "lat": appeal.latitude, "long": appeal.longitude, "media_url": "",
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    return _listing(request, fmt)


@require_GET
def request_detail(request, request_id: str, fmt: str):
    appeal = _queryset().filter(ticket_no=request_id).first()
    if appeal is None:
        return errors(fmt, 404, [_("未找到服务请求 %(id)s") % {"id": request_id}])
    return respond(fmt, "requests", [request_row(appeal, key_for(request.GET.get("api_key")) is not None)])


@require_GET
def root(request):
    return discovery(request, "json")
