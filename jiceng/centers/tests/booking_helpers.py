"""Shared set-up of the activities and bookings tests: a center, an activity, residents with tokens,
and a small HTTP client for tests against a live server."""

import hashlib
import http.client
import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone

from jiceng.centers.models import Center, Resident, ResidentToken
from jiceng.centers.services import activities as activity_services
from jiceng.centers.services.otp import TOKEN_PREFIX
from jiceng.core import crypto
from jiceng.testing import SYSTEM


def center(world, name="马家堡街道党群服务中心", area=None, level="street") -> Center:
    return Center.objects.create(name=name, level=level, area=area or world.majiabao, address="马家堡东路",
                                 lat=39.84, lng=116.37)


def activity(where: Center, *, capacity=30, hours_ahead=48, actor=SYSTEM, **extra):
    starts = timezone.localtime(timezone.now() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    data = activity_services.ActivityInput(center=where, title=extra.pop("title", "午间'驿'小时"), starts_at=starts,
                                           ends_at=starts + timedelta(hours=1), capacity=capacity, **extra)
    return activity_services.activity_create(actor, data=data)


def residents(count: int, prefix: str = "1380000") -> list[tuple[Resident, str]]:
    """``count`` residents with a token each (made in bulk: the OTP login is tested on its own)."""
    made = []
    for n in range(count):
        r = Resident(name=f"居民{n}")
        r.set_phone(f"{prefix}{n:04d}")
        made.append(r)
    made = Resident.objects.bulk_create(made)
    if made and made[0].pk is None:  # backends that do not return keys from bulk inserts
        made = list(Resident.objects.filter(phone_index__in=[crypto.blind_index(f"{prefix}{n:04d}")
                                                              for n in range(count)]).order_by("pk"))
    raws = [TOKEN_PREFIX + secrets.token_urlsafe(24) for _ in made]
    expires = timezone.now() + timedelta(days=1)
    ResidentToken.objects.bulk_create(ResidentToken(resident=r, digest=hashlib.sha256(raw.encode()).hexdigest(),
                                                    expires_at=expires) for r, raw in zip(made, raws, strict=True))
    return list(zip(made, raws, strict=True))


def call(base_url: str, method: str, path: str, token: str | None = None, body: dict | None = None):
    """One HTTP request on a fresh connection: (status, parsed JSON body)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()

