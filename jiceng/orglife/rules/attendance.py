"""Attendance and sign-in, as pure functions (RULES §2).

支部工作条例 (2018) Art. 16–19 list who attends each kind of organizational life; the regulation
counts attendance but does not define a rate. Ours (documented in docs/orglife.md):

    出席率 = 出席人数 ÷ (应到人数 − 准假人数)

A member whose leave was approved (请假获准) is not held against the rate; both figures are shown with
it (``出席 8 / 应到 10，请假 1`` → 8 ÷ 9 = 88.9%), and the plain share of the roll (8 ÷ 10) beside it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

CODE_LENGTH = 6
SIGNIN_EARLY_MINUTES = 60  # sign-in opens this long before the start (setting)
SIGNIN_DEFAULT_HOURS = 4  # a meeting without an end time closes sign-in this long after the start


@dataclass(frozen=True)
class Rate:
    expected: int
    excused: int
    present: int

    @property
    def base(self) -> int:
        return max(self.expected - self.excused, 0)

    @property
    def rate(self) -> Decimal | None:
        """出席人数 ÷ (应到 − 准假), a percentage with one decimal place; None with nobody to count."""
        if not self.base:
            return None
        return (Decimal(self.present) * 100 / self.base).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def share(self) -> Decimal | None:
        """出席人数 ÷ 应到人数 (the plain share of those expected)."""
        if not self.expected:
            return None
        return (Decimal(self.present) * 100 / self.expected).quantize(Decimal("0.1"), ROUND_HALF_UP)


def attendance_rate(*, expected: int, excused: int, present: int) -> Rate:
    if min(expected, excused, present) < 0 or excused + present > expected:
        raise ValueError("impossible attendance numbers")
    return Rate(expected, excused, present)


def new_code() -> str:
    """A short numeric sign-in code (shown on the meeting page and in its QR code)."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def signin_window(starts_at: datetime, ends_at: datetime | None, *, early_minutes: int = SIGNIN_EARLY_MINUTES
                  ) -> tuple[datetime, datetime]:
    """When members may sign in with the code: from ``early_minutes`` before the start until the end
    (or ``SIGNIN_DEFAULT_HOURS`` after the start when no end is recorded)."""
    end = ends_at or starts_at + timedelta(hours=SIGNIN_DEFAULT_HOURS)
    return starts_at - timedelta(minutes=early_minutes), end
