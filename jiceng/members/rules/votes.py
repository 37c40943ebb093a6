"""Quorum and majority of party votes (RULES §1, §2, §4).

党章 Art. 11 and 支部工作条例 Art. 12 / 发展党员工作细则 Art. 25: a branch meeting that admits a member
or decides 转正 needs more than half of the members with voting rights present, and the resolution
needs the yes votes of more than half of **all** entitled members (the strict rule). Elections
(党和国家机关基层组织工作条例 / 基层组织选举工作条例 Art. 21–22): more than four fifths of the
entitled voters present; elected with more than half of the voters present. Exactly half fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

ADMISSION = "admission"  # 接收预备党员、预备党员转正: strict
ELECTION = "election"  # 选举: 4/5 present, more than half of those present
ORDINARY = "ordinary"  # other resolutions: more than half present, more than half of those present


@dataclass(frozen=True)
class VoteOutcome:
    quorum: bool
    passed: bool
    needed_present: int
    needed_yes: int
    explanation: str


def _more_than(fraction_num: int, fraction_den: int, of: int) -> int:
    """The smallest whole number strictly greater than ``of × num / den``."""
    return of * fraction_num // fraction_den + 1


def vote_outcome(kind: str, *, entitled: int, present: int, yes: int) -> VoteOutcome:
    if entitled <= 0 or present < 0 or yes < 0 or present > entitled or yes > present:
        raise ValueError("impossible vote numbers")
    if kind == ELECTION:
        needed_present = _more_than(4, 5, entitled)
        needed_yes = _more_than(1, 2, present)
        rule = _("应到%(e)d人，实到须超过五分之四（至少%(p)d人）；得票须超过实到人数的半数（至少%(y)d票）")
    elif kind == ADMISSION:
        needed_present = _more_than(1, 2, entitled)
        needed_yes = _more_than(1, 2, entitled)
        rule = _("有表决权的党员%(e)d人，到会须超过半数（至少%(p)d人）；赞成票须超过应到会有表决权党员的半数"
                 "（至少%(y)d票）")
    elif kind == ORDINARY:
        needed_present = _more_than(1, 2, entitled)
        needed_yes = _more_than(1, 2, present)
        rule = _("应到%(e)d人，到会须超过半数（至少%(p)d人）；赞成票须超过到会人数的半数（至少%(y)d票）")
    else:
        raise ValueError(kind)
    quorum = present >= needed_present
    passed = quorum and yes >= needed_yes
    text = rule % {"e": entitled, "p": needed_present, "y": needed_yes}
    if not quorum:
        verdict = _("实到%(n)d人，不足法定人数，表决无效") % {"n": present}
    elif passed:
        verdict = _("赞成%(n)d票，通过") % {"n": yes}
    else:
        verdict = _("赞成%(n)d票，未通过") % {"n": yes}
    return VoteOutcome(quorum, passed, needed_present, needed_yes, f"{text}。{verdict}")
