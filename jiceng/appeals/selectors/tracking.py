"""The filer's view of an appeal (tracking page, photo upload, Open311 reads): found by the ticket number
and the last four digits of the phone, with a lockout after repeated wrong guesses (``throttle``).
Nothing here shows the phone number or a handler's name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from jiceng.appeals import throttle
from jiceng.appeals.models import Appeal, AppealEvent, Order, OrderRole, OrderStatus
from jiceng.core import crypto


class TrackingLocked(ValidationError):
    """Too many wrong guesses for this ticket or from this address."""


def _wrong() -> ValidationError:
    return ValidationError({"phone_last4": [_("工单编号或手机号后四位不正确，请核对后重试")]})


def appeal_for_filer(ticket_no, last4, ip: str | None) -> Appeal:
    """The appeal whose ticket is ``ticket_no`` and whose phone ends in ``last4``; ValidationError otherwise
    (the same words whether the ticket exists or not), ``TrackingLocked`` once locked out."""
    ticket = str(ticket_no or "").strip().upper()
    digits = str(last4 or "").strip()
    errors = {}
    if not re.fullmatch(r"[0-9A-Z-]{6,20}", ticket):
        errors["ticket_no"] = [_("请填写受理时告知的工单编号")]
    if not re.fullmatch(r"\d{4}", digits):
        errors["phone_last4"] = [_("请填写提交诉求时所留手机号的后四位数字")]
    if errors:
        raise ValidationError(errors)
    if throttle.tracking_locked(ticket, ip):
        raise TrackingLocked({"phone_last4": [_("核对错误次数过多，请 %(n)d 分钟后再试") % {
            "n": settings.APPEAL_TRACK_LOCK_MINUTES}]})
    appeal = Appeal.objects.select_related("category", "grid", "community", "street").filter(ticket_no=ticket).first()
    phone = crypto.decrypt(appeal.phone_cipher) if appeal is not None and appeal.phone_cipher else ""
    if appeal is None or not phone or not constant_time_compare(phone[-4:], digits):
        throttle.tracking_failed(ticket, ip)
        raise _wrong()
    return appeal


@dataclass
class Returned:
    unit: str
    reason: str
    at: object


def public_timeline(appeal: Appeal) -> list[AppealEvent]:
    return list(AppealEvent.objects.filter(appeal=appeal, public=True).order_by("at", "pk"))


def returns(appeal: Appeal) -> list[Returned]:
    """Which unit returned the appeal (退单) and why, oldest first."""
    orders = (Order.objects.filter(appeal=appeal, status=OrderStatus.RETURNED)
              .select_related("department", "area").order_by("returned_at", "pk"))
    return [Returned(o.unit_name, o.return_reason, o.returned_at) for o in orders]


def lead_unit(appeal: Appeal) -> str:
    """The unit handling the appeal now: the live lead order's, else the first receiving unit's."""
    order = (Order.objects.filter(appeal=appeal, role=OrderRole.LEAD)
             .exclude(status__in=[OrderStatus.RETURNED, OrderStatus.CANCELLED])
             .select_related("department", "area").order_by("-dispatched_at", "-pk").first())
    if order is not None:
        return order.unit_name
    owner = appeal.owner_department or appeal.owner_area
    return str(owner) if owner else ""
