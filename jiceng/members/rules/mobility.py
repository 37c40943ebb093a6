"""Relationship transfers, floating members and lost contact, as pure functions (RULES §5).

中共中央组织部关于党员组织关系转接的规定 (as distilled in RULES §5): a member changing work unit or
residence, or away six months or more at one place, transfers their relationship; the sending
organization stays responsible until the receiving one accepts; receiving may not be refused (a letter
can only be sent back with a reason the sender sees); the introduction letter (介绍信) is valid for a
set time (default three months, a setting) and a letter not received when it expires flags the member
as a lost relationship (口袋党员) for follow-up. Dues are paid up to the month of departure before the
letter is issued. 流动党员 (away under six months, or unable to transfer) join organizational life where
they are. A member out of contact for six months or more despite searching is put up for 停止党籍
review, which the organization decides: nothing here changes a status by itself.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from jiceng.core.periods import add_months, month_start

DRAFT, SUBMITTED, APPROVED, ISSUED = "draft", "submitted", "approved", "issued"
ACCEPTED, RETURNED, CANCELLED = "accepted", "returned", "cancelled"

# What each transition leads to, and from which states it may be taken.
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "submit": (SUBMITTED, (DRAFT,)),
    "approve": (APPROVED, (SUBMITTED,)),
    "issue": (ISSUED, (APPROVED, ISSUED)),  # from ISSUED only to re-issue an expired letter
    "accept": (ACCEPTED, (ISSUED,)),
    "return": (RETURNED, (ISSUED,)),
    "cancel": (CANCELLED, (DRAFT, SUBMITTED)),
}
OPEN_STATES = (DRAFT, SUBMITTED, APPROVED, ISSUED)
CLOSED_STATES = (ACCEPTED, RETURNED, CANCELLED)
# The receiving side sees a transfer once a letter exists: what the sender drafts is its own business.
RECEIVER_STATES = (ISSUED, ACCEPTED, RETURNED)

DEFAULT_LETTER_MONTHS = 3
LOST_REVIEW_MONTHS = 6
FLOATING_TRANSFER_MONTHS = 6


def transition_refusal(action: str, state: str, *, valid_until: date | None = None,
                       day: date | None = None) -> str | None:
    """Why ``action`` may not be taken on a transfer in ``state`` (None when it may)."""
    if action not in TRANSITIONS:
        return _("未知的办理环节")
    if state not in TRANSITIONS[action][1]:
        return _("当前状态下不能办理此环节：转接流程为 草稿 → 提交 → 转出方审批 → 开具介绍信 → 接收或退回；"
                 "草稿和已提交的可以撤销")
    if action == "issue" and state == ISSUED and not letter_expired(valid_until, day):
        return _("介绍信仍在有效期内，不能重复开具；介绍信过期未转接的，可由转出方重新开具")
    if action == "accept" and letter_expired(valid_until, day):
        return _("介绍信已过有效期（至%(d)s），请转出方重新开具后再接收") % {"d": valid_until.isoformat()}
    return None


def acting_side(action: str, direction: str) -> tuple[str, str]:
    """Which organization takes ``action`` (``from`` or ``to``) and the permission it needs there.

    The sender drafts, submits and cancels; its 党委 approves and issues the letter; the receiver
    accepts or sends the letter back. For a letter to an organization outside the system, the
    sender records the receipt (回执) or the letter coming back."""
    if action in ("submit", "cancel"):
        return "from", "members.change_transfer"
    if action in ("approve", "issue") or direction == "outgoing":
        return "from", "members.approve_transfer"
    return "to", "members.receive_transfer"


def letter_valid_until(issued_on: date, months: int = DEFAULT_LETTER_MONTHS) -> date:
    """介绍信有效期: ``months`` calendar months from the issue date (RULES §5, default three)."""
    return add_months(issued_on, months)


def letter_expired(valid_until: date | None, day: date | None) -> bool:
    """The letter is spent once the day after ``valid_until`` arrives (届满 includes the last day)."""
    return bool(valid_until and day and day > valid_until)


def dues_refusal(paid_through: date | None, departure: date) -> str | None:
    """Dues must be paid up to the month of departure before the letter is issued (RULES §5).

    ``paid_through`` is a month (its first day), as the roll records 党费交至 until the dues ledger exists."""
    if paid_through is not None and month_start(paid_through) >= month_start(departure):
        return None
    through = _("未登记") if paid_through is None else _("%(y)d年%(m)d月") % {"y": paid_through.year,
                                                                            "m": paid_through.month}
    return _("党费应交至转出当月（%(y)d年%(m)d月）后才能开具介绍信；目前党费交至：%(through)s") % {
        "y": departure.year, "m": departure.month, "through": through}


def return_refusal(reason: str) -> str | None:
    """Receiving may not be refused: a letter goes back only with a reason the sender sees (RULES §5)."""
    if not (reason or "").strip():
        return _("接收方不得拒收；确需退回的，应写明退回原因，转出方将看到该原因")
    return None


def lost_review_due(last_contact: date | None, day: date) -> bool:
    """Out of contact six months or more despite searching → a 停止党籍 review is raised (RULES §5).
    The review is listed for the organization to decide; the status never changes by itself."""
    return last_contact is not None and last_contact <= lost_review_cutoff(day)


def lost_review_cutoff(day: date) -> date:
    """Members whose last contact is on or before this day are due for the 停止党籍 review."""
    return add_months(day, -LOST_REVIEW_MONTHS)


def floating_transfer_cutoff(day: date) -> date:
    """Away six months or more at one place (left on or before this day): the relationship should be
    transferred rather than kept as a 流动党员 (RULES §5)."""
    return add_months(day, -FLOATING_TRANSFER_MONTHS)
