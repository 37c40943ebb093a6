"""The state machine of an appeal as data (北京市接诉即办工作条例, 2021; RULES §7).

Each action names the statuses it may start from and the status it leads to (``None``: the status stays).
Services look the action up here before they change anything, so an illegal transition is refused with
one clear message and nothing is written.

- 第十四条 (派单): the 12345 platform dispatches an appeal to the responsible unit; a unit that finds it
  is not theirs returns it (退单) with its reason, and the platform dispatches again.
- 第十六条 (首接负责制): the first receiving unit answers for the appeal until another unit has accepted it.
- 第十八条–第十九条 (办理时限): a unit answers within the deadline; a complex case may be extended once
  approved; a case that cannot be solved now is kept on the books (挂账) with a plan and a date.
- 第二十条 (回访): the platform calls the filer back; contact, solution and satisfaction are rated.
- 咨询 answered on the spot by the first receiving unit is 办结 at once (直接答复).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.appeals.models.appeals import OPEN_STATUSES, AppealType, Status

S = Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: object  # lazy Chinese word
    sources: tuple[str, ...]
    target: str | None  # None: the status stays


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("categorize", gettext_lazy("确认类别"), (S.RECEIVED, S.RETURNED, S.DISPATCHED), None),
    Transition("place", gettext_lazy("确定属地"), (S.RECEIVED, S.RETURNED), None),
    Transition("dispatch", gettext_lazy("派单"), (S.RECEIVED, S.RETURNED), S.DISPATCHED),
    Transition("accept", gettext_lazy("签收"), (S.DISPATCHED,), S.ACCEPTED),
    Transition("accept_assist", gettext_lazy("协办签收"), (S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS), None),
    Transition("return", gettext_lazy("退单"), (S.DISPATCHED, S.ACCEPTED), S.RETURNED),
    Transition("return_assist", gettext_lazy("协办退单"), (S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS), None),
    Transition("progress", gettext_lazy("报告办理进展"), (S.ACCEPTED, S.IN_PROGRESS), S.IN_PROGRESS),
    Transition("progress_parked", gettext_lazy("报告挂账进展"), (S.PARKED,), None),
    Transition("resolve", gettext_lazy("办结"), (S.ACCEPTED, S.IN_PROGRESS, S.PARKED), S.RESOLVED),
    Transition("answer", gettext_lazy("直接答复办结"), (S.RECEIVED,), S.RESOLVED),
    Transition("extension_request", gettext_lazy("申请延期"), (S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS), None),
    Transition("extension_decide", gettext_lazy("审批延期"), (S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS), None),
    Transition("merge", gettext_lazy("合并"), (S.RECEIVED, S.RETURNED, S.DISPATCHED), S.MERGED),
    Transition("park", gettext_lazy("挂账"), (S.ACCEPTED, S.IN_PROGRESS), S.PARKED),
    Transition("unpark", gettext_lazy("取消挂账"), (S.PARKED,), S.IN_PROGRESS),
    Transition("callback", gettext_lazy("回访"), (S.RESOLVED,), S.VISITED),
    Transition("close", gettext_lazy("关闭"), (S.VISITED, S.RESOLVED), S.CLOSED),
]}

# The statuses a merge may fold duplicates into: the main appeal must still be open or finished (not merged).
MERGE_MAIN_STATUSES = (S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.PARKED, S.RESOLVED,
                       S.VISITED)


def allowed(action: str, status: str) -> bool:
    """Whether ``action`` may be taken on an appeal in ``status``."""
    return status in TRANSITIONS[action].sources


def target(action: str, status: str) -> str:
    """The status after ``action`` taken from ``status`` (the same status when the action keeps it)."""
    return TRANSITIONS[action].target or status


def refusal(action: str, status: str) -> str:
    """The message refusing ``action`` on an appeal in ``status``, naming both and the allowed statuses."""
    t = TRANSITIONS[action]
    return _("诉求当前状态为“%(status)s”，不能%(action)s（仅限%(allowed)s状态）") % {
        "status": S(status).label, "action": t.label, "allowed": "、".join(str(S(s).label) for s in t.sources)}


def actions_from(status: str) -> list[str]:
    """Every action that may start from ``status`` (to offer the right buttons)."""
    return [a for a, t in TRANSITIONS.items() if status in t.sources]


def may_answer_directly(appeal_type: str) -> bool:
    """Only a 咨询 may be 办结 by the first receiving unit without dispatch (answered on the spot)."""
    return appeal_type == AppealType.CONSULT


def responded_on_time(responded_at, response_due_at) -> bool | None:
    """响应 on time: accepted (签收) no later than the response deadline; unknown without a deadline."""
    return None if response_due_at is None else responded_at <= response_due_at


def completed_on_time(resolved_at, complete_due_at) -> bool | None:
    """办结 on time: resolved no later than the (possibly extended) completion deadline."""
    return None if complete_due_at is None else resolved_at <= complete_due_at


def is_overdue(status: str, now, *, responded_at, response_due_at, complete_due_at) -> bool:
    """Overdue: still open (``OPEN_STATUSES``, parked included: parking never stops the clock) and past
    the completion deadline, or past the response deadline while not yet accepted."""
    if status not in OPEN_STATUSES:
        return False
    if complete_due_at is not None and now > complete_due_at:
        return True
    return responded_at is None and response_due_at is not None and now > response_due_at
