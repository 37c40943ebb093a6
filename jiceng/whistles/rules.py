"""The rules of 吹哨报到 as pure functions: no database, no request.

- Report-in deadline (报到时限): "街乡吹哨、部门报到" asks departments to arrive at once on an emergency;
  the defaults are settings: ``WHISTLE_REPORT_MINUTES_URGENT`` (30 minutes) and
  ``WHISTLE_REPORT_MINUTES_NORMAL`` (24 hours), each overridable per whistle within
  ``REPORT_MINUTES_MIN``–``REPORT_MINUTES_MAX``.
- "事不完、人不撤": a whistle does not close while a summoned department has not reported in, unless
  the caller records why.
- Unified social credit code (GB 32100-2015, RULES §6): 18 characters from ``0-9A-HJ-NPQRTUWXY``,
  check character by MOD 31 (``stdnum.cn.uscc``); some real codes issued before the standard fail
  the checksum, so ``USCC_CHECK`` (setting ``JICENG_USCC_CHECK``) is ``warn`` (default: accept and
  flag) or ``reject``.
- Rates per department and period: report-in rate = reported / summoned; on-time rate = reported
  by the deadline / summoned (an unreported call counts as not on time); average rating of the
  rated calls.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc

URGENT, NORMAL = "urgent", "normal"
REPORT_MINUTES_MIN = 5
REPORT_MINUTES_MAX = 7 * 24 * 60
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_RE = re.compile(f"^[{USCC_ALPHABET}]{{18}}$")
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def setting(name: str, default: str) -> str:
    """A deployment knob: ``settings.NAME``, else the environment's ``JICENG_NAME``, else the default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(f"JICENG_{name}", default)
    return str(value)


def default_report_minutes(urgency: str) -> int:
    """The default report-in time limit in minutes for ``urgency`` (settings, see the module doc)."""
    if urgency == URGENT:
        return int(setting("WHISTLE_REPORT_MINUTES_URGENT", "30"))
    return int(setting("WHISTLE_REPORT_MINUTES_NORMAL", str(24 * 60)))


def report_minutes_error(minutes) -> str | None:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not (
            REPORT_MINUTES_MIN <= minutes <= REPORT_MINUTES_MAX):
        return _("报到时限应为%(lo)d分钟至%(hi)d分钟（7天）之间的整数") % {
            "lo": REPORT_MINUTES_MIN, "hi": REPORT_MINUTES_MAX}
    return None


def report_due(summoned_at: datetime, minutes: int) -> datetime:
    return summoned_at + timedelta(minutes=minutes)


def is_on_time(reported_at: datetime, due_at: datetime) -> bool:
    """Reported by the deadline: a report at the very minute of the deadline is on time."""
    return reported_at <= due_at


def is_overdue(reported_at: datetime | None, due_at: datetime, now: datetime) -> bool:
    """Not reported and the deadline has passed (the board shows it red, with words)."""
    return reported_at is None and now > due_at


def close_refusal(*, unreported: list[str], reason: str) -> str | None:
    """"事不完、人不撤": closing with departments not yet reported needs the caller's reason."""
    if unreported and not (reason or "").strip():
        return _("尚有部门未报到（%(names)s）。事不完、人不撤：请等待报到，或填写未报到即结束的原因") % {
            "names": "、".join(unreported)}
    return None


@dataclass(frozen=True)
class UsccCheck:
    number: str
    flagged: bool  # the format is right but the check character (or stdnum's stricter form) is not


def check_uscc(value: str, mode: str | None = None) -> UsccCheck:
    """Normalise and check a unified social credit code; ``ValueError`` with the message to show.

    The format (18 characters of the GB 32100 alphabet) is always required; a failing check
    character is flagged (``warn``) or refused (``reject``) as ``mode`` (default: the setting)."""
    number = re.sub(r"[\s-]", "", str(value or "")).upper()
    if not USCC_RE.match(number):
        raise ValueError(_("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V），请核对"))
    mode = mode or setting("USCC_CHECK", "warn")
    try:
        stdnum_uscc.validate(number)
        return UsccCheck(number, False)
    except stdnum_errors.ValidationError as exc:
        if mode == "reject":
            if isinstance(exc, stdnum_errors.InvalidChecksum):
                raise ValueError(_("统一社会信用代码校验位应为%(c)s，请核对") % {
                    "c": stdnum_uscc.calc_check_digit(number)}) from exc
            raise ValueError(_("统一社会信用代码前8位应为登记管理部门、机构类别和行政区划代码，请核对")) from exc
        return UsccCheck(number, True)


def month_span(period: str) -> tuple[date, date]:
    """``YYYY-MM`` → (first day, first day of the next month); ``ValueError`` with the message."""
    match = PERIOD_RE.match(period or "")
    if not match or not (1 <= int(match.group(2)) <= 12) or int(match.group(1)) < 2000:
        raise ValueError(_("统计月份应写作 YYYY-MM，例如 2026-11"))
    year, month = int(match.group(1)), int(match.group(2))
    start = date(year, month, 1)
    return start, date(year + (month == 12), month % 12 + 1, 1)


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage rounded half up; ``None`` when nothing counts."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def average(total: int, count: int) -> Decimal | None:
    """The mean rating with one decimal, rounded half up; ``None`` when nothing was rated."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
