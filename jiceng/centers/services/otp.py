"""The one-time-code login of residents (手机号 + 短信验证码) and the tokens it issues.

Codes are six digits, stored only as a keyed hash (HMAC with the secret key, salted by the number's
blind index), expire after ``OTP_TTL_SECONDS`` and allow ``OTP_MAX_ATTEMPTS`` tries. Requests are
rate-limited per number (one per ``OTP_INTERVAL_SECONDS``, ``OTP_PER_PHONE_HOUR`` an hour) and per
client address (``OTP_PER_IP_HOUR``). The code goes out through ``core.notify``; in demo mode
(``OTP_SHOW_CODES``, on for JICENG_ENV=local) it is also returned so the page can show it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from jiceng.centers.models import OneTimeCode, Resident, ResidentToken
from jiceng.core import crypto, notify
from jiceng.core.errors import Conflict
from jiceng.core.validators import normalize_mobile

TOKEN_PREFIX = "jr_"  # noqa: S105 (a prefix, not a secret)


class TooManyRequests(Conflict):
    """Rate limit of code requests (the API answers 429)."""


def mobile_or_error(phone: str, field: str = "phone") -> str:
    mobile = normalize_mobile(phone or "")
    if mobile is None:
        raise ValidationError({field: [_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对")]})
    return mobile


def _code_hash(phone_index: str, code: str) -> str:
    return salted_hmac("jiceng.centers.otp", f"{phone_index}:{code}").hexdigest()


@dataclass
class CodeSent:
    expires_in: int
    demo_code: str | None


@transaction.atomic
def code_request(*, phone: str, ip: str | None = None) -> CodeSent:
    mobile = mobile_or_error(phone)
    index = crypto.blind_index(mobile)
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    recent = OneTimeCode.objects.filter(created_at__gte=hour_ago)
    by_phone = list(recent.filter(phone_index=index).values_list("created_at", flat=True))
    if by_phone and max(by_phone) > now - timedelta(seconds=settings.OTP_INTERVAL_SECONDS):
        wait = settings.OTP_INTERVAL_SECONDS - int((now - max(by_phone)).total_seconds())
        raise TooManyRequests({"phone": [_("验证码已发送，请%(s)d秒后再试") % {"s": max(wait, 1)}]})
    if len(by_phone) >= settings.OTP_PER_PHONE_HOUR or (
            ip and recent.filter(ip=ip).count() >= settings.OTP_PER_IP_HOUR):
        raise TooManyRequests({"phone": [_("获取验证码过于频繁，请一小时后再试")]})
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(phone_index=index, code_hash=_code_hash(index, code), ip=ip,
                               expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS))
    minutes = max(settings.OTP_TTL_SECONDS // 60, 1)
    text = _("【基层】您的预约验证码为%(code)s，%(m)d分钟内有效。") % {"code": code, "m": minutes}
    notify.send_on_commit(mobile, text, kind="otp")
    return CodeSent(settings.OTP_TTL_SECONDS, code if settings.OTP_SHOW_CODES else None)


def code_verify(*, phone: str, code: str, name: str = "") -> Resident:
    """The resident behind ``phone`` once ``code`` matches its latest live code (created on first login).
    A wrong code uses up one attempt, also when the request fails."""
    mobile = mobile_or_error(phone)
    index = crypto.blind_index(mobile)
    now = timezone.now()
    wrong = ValidationError({"code": [_("验证码不正确或已过期，请重新获取")]})
    with transaction.atomic():
        live = (OneTimeCode.objects.filter(phone_index=index, used_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at").first())
        if live is None:
            raise wrong
        # The attempt is counted by a conditional UPDATE: parallel guesses cannot exceed the limit.
        counted = OneTimeCode.objects.filter(pk=live.pk, used_at__isnull=True,
                                             attempts__lt=settings.OTP_MAX_ATTEMPTS).update(attempts=F("attempts") + 1)
        matches = counted and constant_time_compare(live.code_hash, _code_hash(index, (code or "").strip()))
        if matches:
            matches = OneTimeCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now)
    if not counted:
        raise ValidationError({"code": [_("验证码错误次数过多，请重新获取")]})
    if not matches:
        raise wrong
    return resident_for_phone(mobile, name=name)


def resident_for_phone(mobile: str, *, name: str = "") -> Resident:
    """The resident with this (valid) mobile number, created on first use; a given name is kept."""
    index = crypto.blind_index(mobile)
    resident = Resident.objects.filter(phone_index=index).first()
    if resident is None:
        resident = Resident(name=name.strip()[:50])
        resident.set_phone(mobile)
        try:
            with transaction.atomic():
                resident.save()
        except IntegrityError:  # the same number signed up in a parallel request
            resident = Resident.objects.get(phone_index=index)
    if name.strip() and resident.name != name.strip()[:50]:
        Resident.objects.filter(pk=resident.pk).update(name=name.strip()[:50])
        resident.name = name.strip()[:50]
    return resident


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def token_issue(*, resident: Resident) -> tuple[ResidentToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ResidentToken.objects.create(resident=resident, digest=_digest(raw),
                                         expires_at=timezone.now() + timedelta(days=settings.RESIDENT_TOKEN_DAYS))
    return token, raw


def token_resident(raw: str) -> Resident | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (ResidentToken.objects.select_related("resident")
             .filter(Q(digest=_digest(raw)), expires_at__gt=timezone.now()).first())
    return token.resident if token else None
