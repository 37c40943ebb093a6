"""A member's standing, as pure functions (RULES §1, §4, §5).

党章 Art. 7: a 预备党员's 预备期 is one year, counted from the day the branch meeting admits them (入党
时间); 党龄 is counted from the day they become a full member (转正时间, the end of the 预备期,
whatever the approval date). 党章 Art. 6 and Art. 40: 预备党员 and members under 留党察看 have no
vote, no right to elect and no candidacy.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.identity import age_on
from jiceng.core.periods import add_years

ACTIVE = {"probationary", "full"}


def probation_end(joined_on: date) -> date:
    """预备期满 = 转正时间: one year from the branch meeting (党章 Art. 7)."""
    return add_years(joined_on, 1)


PROBATION_DUE_MONTHS = 1


def probation_due_joined_by(day: date) -> date:
    """预备期将满: the latest 入党时间 of a 预备党员 whose one-year 预备期 (党章 Art. 7) ends within
    ``PROBATION_DUE_MONTHS`` of ``day`` (or has ended: the 转正 discussion is due or late)."""
    from jiceng.core.periods import add_months

    return add_months(day, PROBATION_DUE_MONTHS - 12)


def party_standing(full_on: date | None, today: date) -> int | None:
    """党龄 in whole years, from 转正时间; ``None`` for a 预备党员 (no 党龄 yet)."""
    if full_on is None or full_on > today:
        return None
    return age_on(full_on, today)


def under_probation_discipline(disciplines, day: date) -> bool:
    """留党察看 in force on ``day``: decided on or before it, not ended (``ends_on`` exclusive), not lifted."""
    for d in disciplines:
        if d.kind != "probation" or d.decided_on > day:
            continue
        if d.lifted_on and d.lifted_on <= day:
            continue
        if d.ends_on is None or d.ends_on > day:
            return True
    return False


def voting_refusal(*, status: str, disciplines, day: date) -> str | None:
    """Why a member may not vote, elect or stand on ``day`` (None when they may)."""
    if status == "probationary":
        return _("预备党员没有表决权、选举权和被选举权（党章第七条）")
    if status != "full":
        return _("不是正式党员")
    if under_probation_discipline(disciplines, day):
        return _("受留党察看处分期间没有表决权、选举权和被选举权（党章第四十条）")
    return None


# Statuses reached only through another procedure: admission and 转正 (发展党员工作细则), leaving the
# system (组织关系转接).
_BY_OTHER_PROCEDURE = {
    "probationary": gettext_lazy("接收预备党员和转正请在“发展党员”中办理"),
    "transferred_out": gettext_lazy("转出系统外请在“关系转接”中办理"),
}


def status_change_refusal(current: str, new: str) -> str | None:
    """Why a member's status may not change from ``current`` to ``new`` by a direct record (RULES §5;
    党章 Arts. 7, 9, 39–40): 取消预备党员资格 only for a 预备党员; 恢复党籍 (back to 正式党员) only from
    停止党籍; nothing after an exit but 恢复党籍 from 停止党籍."""
    if new == current:
        return _("状态没有变化")
    if new in _BY_OTHER_PROCEDURE:
        return str(_BY_OTHER_PROCEDURE[new])
    if new == "full" and current != "suspended":
        return str(_BY_OTHER_PROCEDURE["probationary"])
    if new == "disqualified" and current != "probationary":
        return _("只有预备党员可以取消预备党员资格（党章第七条）")
    if current not in ACTIVE and current != "suspended":
        return _("该党员已不在党内，不能再变更状态")
    return None


PROBATION_YEARS = (1, 2)


def discipline_period_refusal(kind: str, decided_on: date, ends_on: date | None) -> tuple[str, str] | None:
    """党章 Art. 40: 留党察看 lasts one or two years; the other sanctions have no period.
    Returns (field, message) or None."""
    if kind == "probation":
        allowed = [add_years(decided_on, n) for n in PROBATION_YEARS]
        if ends_on not in allowed:
            return "ends_on", _("留党察看期为一年或两年（党章第四十条）：察看期满应为%(a)s或%(b)s") % {
                "a": allowed[0].isoformat(), "b": allowed[1].isoformat()}
    elif ends_on:
        return "ends_on", _("只有留党察看有察看期")
    return None


def joining_age_refusal(birth_date: date, joined_on: date) -> str | None:
    """党章 Art. 1: a member is at least eighteen years old (on the day of admission)."""
    from jiceng.members.rules.development import MIN_AGE

    if age_on(birth_date, joined_on) < MIN_AGE:
        return _("入党时须年满十八岁（党章第一条）")
    return None
