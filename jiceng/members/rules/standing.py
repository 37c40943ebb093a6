"""A member's standing, as pure functions (RULES §1, §4, §5).

党章 Art. 7: a 预备党员's 预备期 is one year, counted from the day the branch meeting admits them (入党
时间); 党龄 is counted from the day they become a full member (转正时间, the end of the 预备期,
whatever the approval date). 党章 Art. 6 and Art. 40: 预备党员 and members under 留党察看 have no
vote, no right to elect and no candidacy.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from jiceng.core.identity import age_on
from jiceng.core.periods import add_years

ACTIVE = {"probationary", "full"}


def probation_end(joined_on: date) -> date:
    """预备期满 = 转正时间: one year from the branch meeting (党章 Art. 7)."""
    return add_years(joined_on, 1)


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
