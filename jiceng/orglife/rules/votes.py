"""Votes at branch meetings (RULES §2), on top of ``members.rules.votes.vote_outcome``.

支部工作条例 (2018) Art. 12: 党员大会“表决必须有半数以上有表决权的党员到会方可进行，赞成人数超过应到会
有表决权的党员的半数为通过”. 发展党员工作细则 Art. 20 (接收预备党员) and Art. 28 (转正): the same strict
rule. 党章 Art. 4, 7 and 40: only full members not under 留党察看 vote. Elections (选举工作条例 Art. 21):
more than four fifths present; elected with more than half of those present.

Written opinions (书面意见) of entitled members who cannot attend count as votes, not as attendance:
they never make a quorum, but their yes counts towards the majority (细则 Art. 20 “因故不能到会的
有表决权的党员，在会前正式向党支部提出书面意见的，应当统计在票数内”). Elections take no written
opinions (ballots are cast in person).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jiceng.members.rules.votes import ADMISSION, ELECTION, ORDINARY, vote_outcome

# Which arithmetic of ``vote_outcome`` decides each kind of vote.
# 一般决议 at a 支部党员大会: Art. 12 counts the yes votes against all entitled members, which is the
# arithmetic ``vote_outcome`` calls ADMISSION; elsewhere (a committee) the majority of those present.
ARITHMETIC = {"admission": ADMISSION, "full_membership": ADMISSION, "election": ELECTION}


def arithmetic_for(rule: str, meeting_kind_code: str) -> str:
    if rule in ARITHMETIC:
        return ARITHMETIC[rule]
    return ADMISSION if meeting_kind_code == "assembly" else ORDINARY


def written_refusal(rule: str) -> str | None:
    if rule == "election":
        return _("选举须到会投票，不接受书面意见")
    return None


@dataclass(frozen=True)
class Decision:
    quorum: bool
    passed: bool
    needed_present: int
    needed_yes: int
    explanation: str


def decide(rule: str, meeting_kind_code: str, *, entitled: int, present: int, written: int, yes: int
           ) -> Decision:
    """Quorum from those present only; the majority over the votes cast, written opinions included."""
    kind = arithmetic_for(rule, meeting_kind_code)
    if written and written_refusal(rule):
        raise ValueError("written opinions in an election")
    if present + written > entitled or yes > present + written or min(present, written, yes) < 0:
        raise ValueError("impossible vote numbers")
    attendance = vote_outcome(kind, entitled=entitled, present=present, yes=0)
    counted = vote_outcome(kind, entitled=entitled, present=present + written, yes=yes)
    passed = attendance.quorum and yes >= counted.needed_yes
    rule_words = counted.explanation.split("。", 1)[0]
    if not attendance.quorum:
        verdict = _("到会%(n)d人，不足法定人数，表决无效") % {"n": present}
    else:
        verdict = _("到会%(p)d人，赞成%(y)d票，%(v)s") % {
            "p": present, "y": yes, "v": _("通过") if passed else _("未通过")}
    if written:
        verdict += _("（含书面意见%(w)d份：计入票数，不计入到会人数）") % {"w": written}
    return Decision(attendance.quorum, passed, attendance.needed_present, counted.needed_yes,
                    f"{rule_words}。{verdict}")
