"""Whether a branch holds its organizational life as often as the rules ask (RULES §2).

支部工作条例（试行）2018 and the local roadmap (路线图) fix the frequency of each kind: 支部党员大会
一般每季度1次, 支部委员会会议一般每月1次, 党小组会一般每月1次, 党课每季度至少1次, 主题党日每月1次,
组织生活会和民主评议党员一般每年1次, 谈心谈话每年至少1次. The numbers live on ``MeetingKind``
(``period``, ``times``); these functions only decide, for one period, whether the rule is met.

Pure functions: no database, no request. Periods are calendar months, quarters and years in
Asia/Shanghai; a meeting counts in the period that contains its local start date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from jiceng.members.rules.organization import committee_required

MONTH, QUARTER, YEAR, NONE = "month", "quarter", "year", "none"
FIRST_PERIOD_EXEMPT, FIRST_PERIOD_DUE = "exempt", "due"

# Cell states, from the secretary's point of view.
MET = "met"  # held ≥ required
MISSING = "missing"  # the period has ended and the rule was not met
DUE_SOON = "due_soon"  # the period ends within N days and the rule is not met yet
OPEN = "open"  # the period runs, not met yet, not close to its end
FUTURE = "future"  # the period has not begun
EXEMPT = "exempt"  # the branch was set up during this period and JICENG_COMPLIANCE_FIRST_PERIOD=exempt
NOT_APPLICABLE = "n/a"  # the branch did not exist yet, or the rule does not apply to it

COMMITTEE_POST_TITLES = ("secretary", "deputy_secretary", "organization", "publicity", "discipline", "youth",
                         "united_front", "member")


@dataclass(frozen=True)
class Span:
    """One period of a rule: ``start`` and ``end`` are both inclusive local dates (``Span.of`` makes one)."""

    period: str
    year: int
    index: int  # month 1–12, quarter 1–4, or 1 for the year
    start: date
    end: date
    months: tuple[int, ...]  # the months (1–12) of the year the period covers

    @classmethod
    def of(cls, period: str, year: int, index: int) -> Span:
        first, last = {MONTH: (index, index), QUARTER: (3 * index - 2, 3 * index)}.get(period, (1, 12))
        end = date(year, 12, 31) if last == 12 else date(year, last + 1, 1) - timedelta(days=1)
        return cls(period, year, index, date(year, first, 1), end, tuple(range(first, last + 1)))

    @property
    def key(self) -> str:
        if self.period == MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.period == QUARTER:
            return f"{self.year}Q{self.index}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.period == MONTH:
            return f"{self.year}年{self.index}月"
        if self.period == QUARTER:
            return f"{self.year}年第{self.index}季度"
        return f"{self.year}年"


def spans_of_year(period: str, year: int) -> list[Span]:
    """The periods of ``year`` for a rule of ``period`` (none for kinds without a frequency)."""
    count = {MONTH: 12, QUARTER: 4, YEAR: 1}.get(period, 0)
    return [Span.of(period, year, i) for i in range(1, count + 1)]


def period_index(period: str, month: int) -> int:
    """The index (``Span.index``) of the period of ``period`` that contains month ``month``."""
    return month if period == MONTH else (month + 2) // 3 if period == QUARTER else 1


def span_of_month(period: str, year: int, month: int) -> Span | None:
    """The period of ``period`` that contains month ``month`` of ``year``."""
    if period == MONTH:
        return Span.of(MONTH, year, month)
    if period == QUARTER:
        return Span.of(QUARTER, year, (month + 2) // 3)
    if period == YEAR:
        return Span.of(YEAR, year, 1)
    return None


def span_containing(period: str, day: date) -> Span | None:
    return span_of_month(period, day.year, day.month)


def committee_exists(*, full_members: int, committee_posts: int) -> bool:
    """支部工作条例 Art. 8: 正式党员7人以上的党支部设立支部委员会. A branch below 7 that has
    elected committee members (委员 posts other than the secretary) holds committee meetings too."""
    return committee_required(full_members) or committee_posts > 0


def applies(*, needs_committee: bool, per_group: bool, has_committee: bool, groups: int) -> bool:
    """支部委员会会议 only where a 支部委员会 exists; 党小组会 only where the branch has 党小组."""
    if needs_committee and not has_committee:
        return False
    return not (per_group and groups == 0)


def required_times(*, times: int, span: Span, established_on: date | None, first_period: str) -> int | None:
    """How many meetings ``span`` asks for: ``times``, or for the period in which the branch was set
    up, nothing (``exempt``, the default) or ``times`` pro rata to the days left, rounded up
    (``due``). ``None``: the branch did not exist in this period."""
    if established_on is None or established_on <= span.start:
        return times
    if established_on > span.end:
        return None
    if first_period != FIRST_PERIOD_DUE:
        return 0
    total = (span.end - span.start).days + 1
    left = (span.end - established_on).days + 1
    return max(1, math.ceil(times * left / total))


def cell_state(*, held: int, required: int | None, span: Span, today: date, due_soon_days: int) -> str:
    """The state of one (organization, kind, period): met, missing, due soon, open, future, exempt (a
    first period that ``required_times`` exempted shows as met when a meeting was held all the same)."""
    if required is None:
        return NOT_APPLICABLE
    if required == 0:  # exempt, unless the new branch met the rule anyway
        return MET if held else EXEMPT
    if held >= required:
        return MET
    if span.end < today:
        return MISSING
    if span.start > today:
        return FUTURE
    if (span.end - today).days < due_soon_days:
        return DUE_SOON
    return OPEN


COUNTED = (MET, MISSING)  # the states a compliance rate is made of


def rate(met: int, missing: int) -> float | None:
    """Share of the periods that count (met, or ended and missed) that were met; ``None`` when none count."""
    total = met + missing
    return None if total == 0 else met / total


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, rounded half up as reports are (1 of 8 is 13%, not
    Python's banker's 12%); ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


STATE_LABELS = {
    MET: _("已达标"), MISSING: _("缺项"), DUE_SOON: _("即将到期"), OPEN: _("进行中"), FUTURE: _("未开始"),
    EXEMPT: _("新建免计"), NOT_APPLICABLE: _("不适用"),
}
STATE_SIGNS = {MET: "✓", MISSING: "✗", DUE_SOON: "!", OPEN: "…", FUTURE: "", EXEMPT: "—", NOT_APPLICABLE: ""}
