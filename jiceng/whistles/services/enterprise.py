"""企业吹哨: an enterprise's public request to its service unit (no login; the contact phone encrypted at
rest like ``centers`` reservations), turned into a whistle by the unit's staff or declined with a
reason. A retried submission with the same ``Idempotency-Key`` returns the first request."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, crypto, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Area, Department
from jiceng.core.validators import normalize_mobile
from jiceng.whistles import rules
from jiceng.whistles.models import EnterpriseRequest, RequestStatus, Urgency, Whistle
from jiceng.whistles.services.whistles import whistle_blow

SERVICE_UNIT_LEVELS = ("street", "park", "business_district", "building")
HANDLE = "whistles.change_enterpriserequest"


class Throttled(ValidationError):
    """Too many submissions from one address (the API answers 429)."""


def per_ip_hour() -> int:
    return int(rules.setting("WHISTLE_ENTERPRISE_PER_IP_HOUR", "20"))


def _clean(*, enterprise_name, uscc, contact_name, phone, matter, unit) -> dict:
    errors: dict[str, list] = {}
    name = (enterprise_name or "").strip()
    if not name or len(name) > 120:
        errors["enterprise_name"] = [_("请填写企业名称（不超过120个字）")]
    code, flagged = "", False
    try:
        checked = rules.check_uscc(uscc)
        code, flagged = checked.number, checked.flagged
    except ValueError as exc:
        errors["uscc"] = [str(exc)]
    contact = (contact_name or "").strip()
    if not contact or len(contact) > 50:
        errors["contact_name"] = [_("请填写联系人（不超过50个字）")]
    mobile = normalize_mobile(phone or "")
    if not mobile:
        errors["phone"] = [_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对")]
    matter = (matter or "").strip()
    if not matter or len(matter) > 4000:
        errors["matter"] = [_("请填写诉求内容（不超过4000个字）")]
    if unit is None or unit.level not in SERVICE_UNIT_LEVELS:
        errors["unit"] = [_("请选择服务单位（街道、园区、商圈或楼宇）")]
    if errors:
        raise ValidationError(errors)
    return {"enterprise_name": name, "uscc": code, "uscc_flagged": flagged, "contact_name": contact,
            "contact_phone_cipher": crypto.encrypt(mobile), "contact_phone_masked": crypto.mask_mobile(mobile),
            "contact_phone_index": crypto.blind_index(mobile), "matter": matter, "unit": unit}


def enterprise_request_create(actor, *, enterprise_name: str, uscc: str, contact_name: str, phone: str, matter: str,
                              unit: Area | None, idempotency_key: str = "", ip: str | None = None
                              ) -> tuple[EnterpriseRequest, bool]:
    """Public (no login). Returns ``(request, created)``: a retry with the same ``idempotency_key``
    returns the first request and creates nothing."""
    key = (idempotency_key or "").strip()[:64]
    if key and (existing := EnterpriseRequest.objects.filter(idempotency_key=key).first()):
        return existing, False
    clean = _clean(enterprise_name=enterprise_name, uscc=uscc, contact_name=contact_name, phone=phone,
                   matter=matter, unit=unit)
    if ip and EnterpriseRequest.objects.filter(ip=ip, created_at__gte=timezone.now() - timedelta(hours=1)
                                               ).count() >= per_ip_hour():
        raise Throttled(_("提交过于频繁，请一小时后再试，或直接致电服务单位"))
    try:
        with transaction.atomic():
            request = EnterpriseRequest.objects.create(idempotency_key=key, ip=ip, **clean)
            audit.record(actor, "enterprise_request.create", request, node_path=unit.path,
                         summary={"uscc_flagged": clean["uscc_flagged"]})
    except IntegrityError:
        existing = EnterpriseRequest.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, False
    return request, True


def _require_handle(actor, request: EnterpriseRequest) -> None:
    scope.require(actor, HANDLE, request)


@transaction.atomic
def enterprise_request_convert(actor, *, request: EnterpriseRequest, departments: list[Department],
                               title: str = "", urgency: str = Urgency.NORMAL,
                               report_minutes: int | None = None) -> Whistle:
    """The service unit blows a whistle on the enterprise's matter and links it to the request."""
    _require_handle(actor, request)
    if request.status != RequestStatus.NEW:
        raise Conflict({"status": [_("该企业诉求已处理（%(s)s）") % {"s": request.get_status_display()}]})
    if not scope.reach(actor, "whistles.add_whistle").covers(area_path=request.unit.path):
        raise PermissionDenied(_("您没有以该服务单位吹哨的权限。"))
    matter = _("%(matter)s\n\n企业：%(name)s（统一社会信用代码 %(code)s），联系人：%(contact)s %(phone)s") % {
        "matter": request.matter, "name": request.enterprise_name, "code": request.uscc,
        "contact": request.contact_name, "phone": request.contact_phone_masked}
    whistle = whistle_blow(actor, caller=request.unit, title=(title or "").strip() or _(
        "企业吹哨：%(name)s") % {"name": request.enterprise_name[:100]}, matter=matter[:4000],
        departments=departments, urgency=urgency, report_minutes=report_minutes)
    updated = EnterpriseRequest.objects.filter(pk=request.pk, status=RequestStatus.NEW).update(
        status=RequestStatus.CONVERTED, whistle=whistle, handled_by=audit.user_of(actor), handled_at=timezone.now())
    if not updated:
        raise Conflict({"status": [_("该企业诉求已被他人处理")]})
    request.refresh_from_db()
    audit.record(actor, "enterprise_request.convert", request, node_path=request.unit.path,
                 summary={"whistle": whistle.pk})
    return whistle


@transaction.atomic
def enterprise_request_decline(actor, *, request: EnterpriseRequest, reason: str) -> EnterpriseRequest:
    _require_handle(actor, request)
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationError({"reason": [_("请填写不予吹哨的理由（不超过300个字），企业来电时据此答复")]})
    updated = EnterpriseRequest.objects.filter(pk=request.pk, status=RequestStatus.NEW).update(
        status=RequestStatus.DECLINED, decline_reason=reason, handled_by=audit.user_of(actor),
        handled_at=timezone.now())
    if not updated:
        request.refresh_from_db(fields=["status"])
        raise Conflict({"status": [_("该企业诉求已处理（%(s)s）") % {"s": request.get_status_display()}]})
    request.refresh_from_db()
    audit.record(actor, "enterprise_request.decline", request, node_path=request.unit.path,
                 summary={"reason": reason})
    return request
