"""Checks of the organization tree against its members (RULES §1; 支部工作条例 Arts. 5, 8, 16).

- A 党支部 is set up where there are ≥ 3 full members; fewer → a joint branch (联合党支部).
- A branch with ≥ 7 full members sets up a 支部委员会 of 3–5 (generally ≤ 7); below 7, a secretary.
- A branch normally has ≤ 50 members; 50–99 members (all counted) → 党总支; ≥ 100 → 基层党委.
- Remind 6 months before a term ends; flag overdue terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from jiceng.core.periods import add_months

MIN_FULL_FOR_BRANCH = 3
COMMITTEE_AT_FULL = 7
BRANCH_MEMBERS_GUIDE = 50
GENERAL_BRANCH_FROM = 50
COMMITTEE_FROM = 100
COMMITTEE_SIZE = (3, 5)
COMMITTEE_SIZE_WARN = 8
TERM_REMINDER_MONTHS = 6


@dataclass(frozen=True)
class Check:
    code: str
    level: str  # "error" (must act), "warning" (should act), "info"
    message: str


def committee_required(full_members: int) -> bool:
    """支部工作条例 Art. 8: 正式党员 7 人以上的党支部设立支部委员会."""
    return full_members >= COMMITTEE_AT_FULL


def branch_checks(*, full: int, probationary: int, committee_size: int, is_joint: bool,
                  is_temporary: bool = False) -> list[Check]:
    """What a 党支部's numbers call for. ``committee_size`` counts committee posts held now."""
    total = full + probationary
    checks: list[Check] = []
    if full < MIN_FULL_FOR_BRANCH and not is_joint and not is_temporary:
        checks.append(Check("too_few_full", "warning", _(
            "正式党员%(n)d人，不足3人，应与邻近单位成立联合党支部（支部工作条例第五条）") % {"n": full}))
    if committee_required(full) and committee_size < COMMITTEE_SIZE[0]:
        checks.append(Check("committee_missing", "error", _(
            "正式党员%(n)d人，达到7人以上，应设立支部委员会（3至5人）（支部工作条例第八条）") % {"n": full}))
    if not committee_required(full) and committee_size > 2:
        checks.append(Check("committee_not_needed", "info", _(
            "正式党员不足7人，不设支部委员会，设书记1人、必要时设副书记1人（支部工作条例第八条）")))
    if committee_size >= COMMITTEE_SIZE_WARN:
        checks.append(Check("committee_too_large", "warning", _(
            "支部委员会%(n)d人，一般不超过7人（支部工作条例第八条）") % {"n": committee_size}))
    if total > BRANCH_MEMBERS_GUIDE:
        target = _("基层党委") if total >= COMMITTEE_FROM else _("党总支")
        checks.append(Check("too_many_members", "warning", _(
            "党员%(n)d人，超过50人，一般应分设支部或成立%(target)s（支部工作条例第五条）")
            % {"n": total, "target": target}))
    return checks


def term_check(term_ends_on: date | None, today: date) -> Check | None:
    """换届提醒: within 6 months of the end of the term, or overdue."""
    if term_ends_on is None:
        return None
    if term_ends_on < today:
        return Check("term_overdue", "error", _("任期已于%(d)s届满，应按期换届（延期不超过1年须经批准）")
                     % {"d": term_ends_on.isoformat()})
    if add_months(today, TERM_REMINDER_MONTHS) >= term_ends_on:
        return Check("term_ending", "warning", _("任期将于%(d)s届满，请提前做好换届准备")
                     % {"d": term_ends_on.isoformat()})
    return None
