"""Handling an order (派单) by its unit: 签收, 退单, 办理进展, 办结, 申请延期 / 审批延期, 挂账."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import workflow_rules as wr
from jiceng.appeals.models import (
    Appeal,
    AppealEvent,
    Extension,
    ExtensionStatus,
    Order,
    OrderStatus,
    Status,
)
from jiceng.appeals.services import workflow_base as b
from jiceng.core.errors import Conflict


def _order_for(actor, appeal: Appeal, order: Order | int | None, statuses) -> Order:
    """The order the actor acts on: the one named (it must be the appeal's), else the actor's own order
    in ``statuses`` (the lead first)."""
    orders = Order.objects.filter(appeal=appeal).select_related("department", "area")
    if order is not None:
        found = orders.filter(pk=order.pk if isinstance(order, Order) else int(order)).first()
        if found is None:
            raise ValidationError({"order": [_("该派单不属于此诉求")]})
        return found
    candidates = [o for o in orders.filter(status__in=statuses) if b.acts_for(actor, o)]
    candidates.sort(key=lambda o: (o.role not in b.LEAD_ROLES, o.dispatched_at, o.pk))
    if candidates:
        return candidates[0]
    if any(b.acts_for(actor, o) for o in orders):
        mine = next(o for o in orders.order_by("-pk") if b.acts_for(actor, o))
        raise Conflict({"order": [_("本单位的派单当前为“%(status)s”，不能重复操作") % {
            "status": mine.get_status_display()}]})
    raise PermissionDenied(_("此诉求没有派给您所在单位的派单"))


@transaction.atomic
def appeal_accept(actor, appeal: Appeal, *, order: Order | int | None = None, now: datetime | None = None
                  ) -> Appeal:
    """签收 (respond to) an order by its unit. The lead order's acceptance is the appeal's response:
    ``responded_at``, ``responded_on_time``, status 签收, and the accepting unit becomes the owner (首接负责制)."""
    now = b.now_or(now)
    appeal = b.lock(appeal)
    b.require(actor, b.HANDLE, appeal)
    if not (wr.allowed("accept", appeal.status) or wr.allowed("accept_assist", appeal.status)):
        b.check("accept", appeal)
    order = _order_for(actor, appeal, order, (OrderStatus.PENDING,))
    if not b.acts_for(actor, order):
        raise PermissionDenied(_("该派单应由%(unit)s签收") % {"unit": order.unit_name})
    if order.status != OrderStatus.PENDING:
        raise Conflict({"order": [_("该派单已由%(unit)s处理（%(status)s），不能重复签收") % {
            "unit": order.unit_name, "status": order.get_status_display()}]})
    lead = order.role in b.LEAD_ROLES
    b.check("accept" if lead else "accept_assist", appeal)
    before = appeal.status
    order.status, order.accepted_at, order.accepted_by = OrderStatus.ACCEPTED, now, b.audit.user_of(actor)
    order.save(update_fields=["status", "accepted_at", "accepted_by"])
    if lead:
        appeal.status = Status.ACCEPTED
        appeal.responded_at = now
        appeal.responded_on_time = wr.responded_on_time(now, appeal.response_due_at)
        appeal.owner_department_id, appeal.owner_area_id = order.department_id, order.area_id
        appeal.save(update_fields=["status", "responded_at", "responded_on_time", "owner_department",
                                   "owner_area", "updated_at"])
    b.event(appeal, "accept", actor, from_status=before, public=lead, unit_name=order.unit_name, at=now,
            note=_("%(unit)s已签收（%(role)s）") % {"unit": order.unit_name, "role": order.get_role_display()})
    b.record(actor, "accept", appeal, order=order.pk, role=order.role, unit=order.unit_name,
             on_time=appeal.responded_on_time if lead else None)
    return appeal


@transaction.atomic
def appeal_return(actor, appeal: Appeal, *, reason: str, order: Order | int | None = None,
                  now: datetime | None = None) -> Appeal:
    """退单: the unit says the order is not theirs, with a reason. The lead's return sends the appeal back to
    the dispatcher (status 退单) and withdraws the assists; the returning unit and its reason are shown to
    the filer on the tracking page."""
    now = b.now_or(now)
    reason = b.text(reason, "reason", required=True, limit=300, message=_("请填写退单理由"))
    appeal = b.lock(appeal)
    b.require(actor, b.HANDLE, appeal)
    if not (wr.allowed("return", appeal.status) or wr.allowed("return_assist", appeal.status)):
        b.check("return", appeal)
    order = _order_for(actor, appeal, order, (OrderStatus.PENDING, OrderStatus.ACCEPTED))
    if not b.acts_for(actor, order):
        raise PermissionDenied(_("该派单应由%(unit)s退单") % {"unit": order.unit_name})
    if order.status not in (OrderStatus.PENDING, OrderStatus.ACCEPTED):
        raise Conflict({"order": [_("该派单当前为“%(status)s”，不能退单") % {"status": order.get_status_display()}]})
    lead = order.role in b.LEAD_ROLES
    b.check("return" if lead else "return_assist", appeal)
    before = appeal.status
    order.status, order.returned_at, order.return_reason = OrderStatus.RETURNED, now, reason
    order.save(update_fields=["status", "returned_at", "return_reason"])
    if lead:
        Order.objects.filter(appeal=appeal, status__in=[OrderStatus.PENDING, OrderStatus.ACCEPTED]).update(
            status=OrderStatus.CANCELLED)
        appeal.status = Status.RETURNED
        appeal.lead_department = None
        if appeal.owner_department_id == order.department_id and order.department_id is not None:
            appeal.owner_department = None
            appeal.owner_area_id = appeal.owner_area_id or appeal.street_id or appeal.district_id
        appeal.save(update_fields=["status", "lead_department", "owner_department", "owner_area", "updated_at"])
    b.event(appeal, "return", actor, from_status=before, public=lead, unit_name=order.unit_name, at=now,
            note=_("%(unit)s退单，理由：%(reason)s") % {"unit": order.unit_name, "reason": reason})
    b.record(actor, "return", appeal, order=order.pk, role=order.role, unit=order.unit_name, reason=reason)
    return appeal


@transaction.atomic
def appeal_progress(actor, appeal: Appeal, *, note: str, public: bool = False, now: datetime | None = None
                    ) -> Appeal:
    """办理进展: a note of what was done; ``public`` shows it to the filer."""
    now = b.now_or(now)
    note = b.text(note, "note", required=True, limit=1000, message=_("请填写办理进展"))
    appeal = b.lock(appeal)
    b.require(actor, b.VIEW, appeal)
    action = "progress_parked" if appeal.status == Status.PARKED else "progress"
    b.check(action, appeal)
    _progress_allowed(actor, appeal)
    before = appeal.status
    if appeal.status != (target := wr.target(action, appeal.status)):
        appeal.status = target
        appeal.save(update_fields=["status", "updated_at"])
    b.event(appeal, "progress", actor, from_status=before, public=bool(public), note=note, at=now)
    b.record(actor, "progress", appeal, public=bool(public))
    return appeal


def _progress_allowed(actor, appeal: Appeal) -> None:
    """The lead unit, an assisting unit with an accepted order, or a dispatcher."""
    orders = Order.objects.filter(appeal=appeal, status=OrderStatus.ACCEPTED).select_related("department", "area")
    if any(b.acts_for(actor, o) for o in orders) or b.is_dispatcher(actor, appeal):
        return
    raise PermissionDenied(_("只有承办单位或派单人员可以办理此诉求"))


@transaction.atomic
def appeal_resolve(actor, appeal: Appeal, *, solution: str, now: datetime | None = None) -> Appeal:
    """办结 with the solution: ``resolved_at``, ``completed_on_time``; the orders are done. A 咨询 still at
    受理 may be answered directly by the first receiving unit. Filers of merged duplicates are told too."""
    now = b.now_or(now)
    solution = b.text(solution, "solution", required=True, limit=2000, message=_("请填写办理结果"))
    appeal = b.lock(appeal)
    b.require(actor, b.VIEW, appeal)
    before = appeal.status
    if appeal.status == Status.RECEIVED:
        if not wr.may_answer_directly(appeal.type):
            raise Conflict({"status": [_("诉求当前状态为“受理”，只有咨询类诉求可以直接答复办结，其他诉求请先派单")]})
        if not (b.is_owner(actor, appeal) and (b.sel.can(actor, b.HANDLE, appeal) or b.is_dispatcher(actor, appeal))):
            raise PermissionDenied(_("只有首接单位可以直接答复办结"))
        b.check("answer", appeal)
        appeal.responded_at = now
        appeal.responded_on_time = wr.responded_on_time(now, appeal.response_due_at)
    else:
        b.check("resolve", appeal)
        b.require_handler(actor, appeal)
    appeal.status, appeal.resolved_at, appeal.solution = Status.RESOLVED, now, solution
    appeal.completed_on_time = wr.completed_on_time(now, appeal.complete_due_at)
    appeal.save(update_fields=["status", "resolved_at", "solution", "completed_on_time", "responded_at",
                               "responded_on_time", "updated_at"])
    Order.objects.filter(appeal=appeal, status=OrderStatus.ACCEPTED).update(status=OrderStatus.DONE)
    Order.objects.filter(appeal=appeal, status=OrderStatus.PENDING).update(status=OrderStatus.CANCELLED)
    Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED, decided_at=now, decision_note=_("诉求已办结"))
    b.event(appeal, "resolve", actor, from_status=before, public=True, at=now,
            note=_("已办结：%(solution)s") % {"solution": solution})
    for child in Appeal.objects.filter(merged_into=appeal):
        AppealEvent.objects.create(appeal=child, action="resolve", actor=b.audit.user_of(actor),
                                   actor_name=b.actor_name(actor)[:60], public=True, at=now,
                                   note=_("合并办理的工单 %(no)s 已办结：%(solution)s") % {
                                       "no": appeal.ticket_no, "solution": solution})
    b.record(actor, "resolve", appeal, on_time=appeal.completed_on_time, direct=before == Status.RECEIVED)
    return appeal


def _max_days() -> int:
    return int(getattr(settings, "APPEAL_EXTENSION_MAX_DAYS", 30))


@transaction.atomic
def appeal_extension_request(actor, appeal: Appeal, *, days: int, reason: str, now: datetime | None = None
                             ) -> Extension:
    """申请延期: the handling unit asks for ``days`` more calendar days; one pending request at a time."""
    now = b.now_or(now)
    reason = b.text(reason, "reason", required=True, limit=300, message=_("请填写延期理由"))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= _max_days():
        raise ValidationError({"days": [_("延期天数应为1到%(n)d之间的整数") % {"n": _max_days()}]})
    appeal = b.lock(appeal)
    b.require(actor, b.HANDLE, appeal)
    b.check("extension_request", appeal)
    orders = Order.objects.filter(appeal=appeal, role__in=b.LEAD_ROLES,
                                  status__in=[OrderStatus.PENDING, OrderStatus.ACCEPTED]).select_related("department",
                                                                                                       "area")
    if not any(b.acts_for(actor, o) for o in orders) and not b.is_dispatcher(actor, appeal):
        raise PermissionDenied(_("只有主办单位可以申请延期"))
    if Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).exists():
        raise Conflict({"days": [_("已有一份延期申请待审批，请等待审批结果")]})
    old = appeal.complete_due_at
    extension = Extension.objects.create(appeal=appeal, reason=reason, days=days, old_due_at=old,
                                         new_due_at=(old or now) + timedelta(days=days),
                                         requested_by=b.audit.user_of(actor), requested_at=now)
    b.event(appeal, "extension_request", actor, from_status=appeal.status, at=now,
            note=_("申请延期%(days)d天：%(reason)s") % {"days": days, "reason": reason})
    b.record(actor, "extension_request", appeal, extension=extension.pk, days=days)
    return extension


@transaction.atomic
def appeal_extension_decide(actor, extension: Extension | int, *, approve: bool, note: str = "",
                            now: datetime | None = None) -> Extension:
    """延期批准 (or refusal) by a dispatcher; approval moves ``complete_due_at`` to the requested date and
    re-arms the reminder."""
    now = b.now_or(now)
    pk = extension.pk if isinstance(extension, Extension) else int(extension)
    appeal_id = Extension.objects.filter(pk=pk).values_list("appeal_id", flat=True).first()
    if appeal_id is None:
        raise b.Http404
    note = b.text(note, "note", required=False, limit=300, message="")
    appeal = b.lock(appeal_id)
    b.require(actor, b.DISPATCH, appeal)
    extension = Extension.objects.get(pk=pk)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict({"approve": [_("该延期申请已审批（%(status)s）") % {"status": extension.get_status_display()}]})
    b.check("extension_decide", appeal)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = b.audit.user_of(actor), now, note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        appeal.complete_due_at = extension.new_due_at
        appeal.reminded_at = None
        appeal.save(update_fields=["complete_due_at", "reminded_at", "updated_at"])
        due = f"{timezone.localtime(extension.new_due_at):%Y-%m-%d %H:%M}"
        message = _("延期已批准，办结期限延至%(due)s") % {"due": due}
    else:
        message = _("延期申请未批准") + (f"：{note}" if note else "")
    b.event(appeal, "extension_decide", actor, from_status=appeal.status, public=approve, at=now, note=message)
    b.record(actor, "extension_decide", appeal, extension=extension.pk, approved=bool(approve))
    return extension


@transaction.atomic
def appeal_park(actor, appeal: Appeal, *, plan: str, until: date, now: datetime | None = None) -> Appeal:
    """挂账: a problem that cannot be solved now is kept on the books with a plan and a target date."""
    now = b.now_or(now)
    plan = b.text(plan, "plan", required=True, limit=1000, message=_("请填写挂账计划"))
    if not isinstance(until, date) or isinstance(until, datetime) or until <= timezone.localdate(now):
        raise ValidationError({"until": [_("计划解决日期应晚于今天")]})
    appeal = b.lock(appeal)
    b.require(actor, b.VIEW, appeal)
    b.check("park", appeal)
    b.require_handler(actor, appeal)
    before = appeal.status
    appeal.status, appeal.park_plan, appeal.parked_until = Status.PARKED, plan, until
    appeal.save(update_fields=["status", "park_plan", "parked_until", "updated_at"])
    b.event(appeal, "park", actor, from_status=before, public=True, at=now,
            note=_("挂账办理，计划%(until)s前解决：%(plan)s") % {"until": f"{until:%Y-%m-%d}", "plan": plan})
    b.record(actor, "park", appeal, until=until.isoformat())
    return appeal


@transaction.atomic
def appeal_unpark(actor, appeal: Appeal, *, note: str = "", now: datetime | None = None) -> Appeal:
    """Back from 挂账 to 办理中."""
    now = b.now_or(now)
    note = b.text(note, "note", required=False, limit=300, message="")
    appeal = b.lock(appeal)
    b.require(actor, b.VIEW, appeal)
    b.check("unpark", appeal)
    b.require_handler(actor, appeal)
    before = appeal.status
    appeal.status = Status.IN_PROGRESS
    appeal.save(update_fields=["status", "updated_at"])
    b.event(appeal, "unpark", actor, from_status=before, public=True, at=now, note=note or _("恢复办理"))
    b.record(actor, "unpark", appeal)
    return appeal
