"""Sign-in lockout (等保 2.0): ``LOGIN_FAILURE_LIMIT`` failures within ``LOGIN_FAILURE_WINDOW`` lock
the account, and separately the client IP, for ``LOGIN_LOCKOUT``.

django-axes counts failures with a single cool-off period, which cannot say "5 within 15 minutes
lock for 30"; this module keeps the failure times and applies exactly that rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from jiceng.core.models import LoginFailure


def locked_until(times: Sequence[datetime], *, limit: int, window: timedelta, lockout: timedelta) -> datetime | None:
    """The end of the latest lock that ``times`` (failure times) cause, or None.

    A lock starts at a failure that is the ``limit``-th within ``window`` and lasts ``lockout``.
    """
    ordered = sorted(times)
    until = None
    for i in range(limit - 1, len(ordered)):
        if ordered[i] - ordered[i - limit + 1] <= window:
            end = ordered[i] + lockout
            until = end if until is None or end > until else until
    return until


def _params():
    return {"limit": settings.LOGIN_FAILURE_LIMIT, "window": settings.LOGIN_FAILURE_WINDOW,
            "lockout": settings.LOGIN_LOCKOUT}


def lock_end(username: str, ip: str | None, now: datetime | None = None) -> datetime | None:
    """When the lock on this account or this IP ends, or None when neither is locked."""
    now = now or timezone.now()
    p = _params()
    since = now - p["window"] - p["lockout"]
    rows = LoginFailure.objects.filter(at__gte=since).filter(Q(username=username) | Q(ip=ip) if ip else
                                                              Q(username=username))
    by_user, by_ip = [], []
    for row_user, row_ip, at in rows.values_list("username", "ip", "at"):
        if row_user == username:
            by_user.append(at)
        if ip and row_ip == ip:
            by_ip.append(at)
    ends = [e for e in (locked_until(by_user, **p), locked_until(by_ip, **p)) if e and e > now]
    return max(ends) if ends else None


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username, ip=ip, at=timezone.now())


def clear(username: str) -> None:
    """A successful sign-in forgets the account's failures (not the IP's)."""
    LoginFailure.objects.filter(username=username).delete()


def unlock(username: str) -> int:
    """A security officer lifts a lock."""
    return LoginFailure.objects.filter(username=username).delete()[0]
