"""Counters in Django's cache for the public side of appeals: the rate limit of anonymous filers and the
lockout of the tracking page after repeated wrong guesses.

- Filing: at most ``APPEAL_RATE_PER_HOUR`` appeals an hour from one client address and
  ``APPEAL_RATE_PER_PHONE_HOUR`` for one mobile number (0 lifts a limit). Staff callers are not counted.
- Tracking (and the filer's photo upload): ``APPEAL_TRACK_MAX_FAILURES`` wrong "last four digits" for one
  ticket, or from one client address, lock further tries for ``APPEAL_TRACK_LOCK_MINUTES`` — also when the
  next guess would be right, so guessing does not pay.

The counters are fixed windows started by the first hit (``cache.add`` then ``cache.incr``, atomic on
Redis and on the local-memory cache). With the local-memory cache each server process counts apart;
production uses Redis (``JICENG_REDIS_URL``), where all processes share one count. The cache is
cleared between tests (``jiceng/conftest.py``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

PREFIX = "jiceng:appeals:"
HOUR = 3600


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]  # no phone number in the cache's keys
    return f"{PREFIX}{kind}:{digest}"


def _count(key: str, window: int) -> int:
    """Add one to the counter at ``key`` (started with a life of ``window`` seconds); the new count."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1


def filing_allowed(*, ip: str | None, phone_index: str | None) -> bool:
    """Count one filing by ``ip`` and by the number behind ``phone_index``; False once over a limit."""
    allowed = True
    per_ip, per_phone = settings.APPEAL_RATE_PER_HOUR, settings.APPEAL_RATE_PER_PHONE_HOUR
    if ip and per_ip > 0 and _count(_key("ip", ip), HOUR) > per_ip:
        allowed = False
    if phone_index and per_phone > 0 and _count(_key("phone", phone_index), HOUR) > per_phone:
        allowed = False
    return allowed


def _failure_keys(ticket_no: str, ip: str | None) -> list[str]:
    keys = [_key("track-ticket", (ticket_no or "").strip().upper())]
    if ip:
        keys.append(_key("track-ip", ip))
    return keys


def tracking_locked(ticket_no: str, ip: str | None) -> bool:
    limit = settings.APPEAL_TRACK_MAX_FAILURES
    return limit > 0 and any((cache.get(k) or 0) >= limit for k in _failure_keys(ticket_no, ip))


def tracking_failed(ticket_no: str, ip: str | None) -> None:
    """One wrong guess for ``ticket_no`` from ``ip``."""
    window = settings.APPEAL_TRACK_LOCK_MINUTES * 60
    for key in _failure_keys(ticket_no, ip):
        _count(key, window)
