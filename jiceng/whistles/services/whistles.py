"""Writes of 吹哨报到: blow a whistle, summon one more department, report in, record an action, rate,
close. Each service checks the actor (403 when the actor sees the whistle but may not act, 404 when
it cannot see it), validates, writes in one transaction and records the audit trail; a refusal
changes nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Area, Department
from jiceng.whistles import rules
from jiceng.whistles.models import CALLER_LEVELS, Urgency, Whistle, WhistleAction, WhistleCall, WhistleStatus
from jiceng.whistles.selectors import whistles as selectors
from jiceng.whistles.selectors.whistles import BLOW


def _text(value, field: str, limit: int, message: str, errors: dict, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        errors[field] = [message]
    return value


def _check_open(whistle: Whistle, message: str) -> None:
    if whistle.status != WhistleStatus.OPEN:
        raise Conflict({"status": [message]})


def _departments_error(caller: Area, departments: list[Department]) -> str | None:
    serving = set(selectors.departments_for(caller).values_list("pk", flat=True))
    stray = [d.name for d in departments if d.pk not in serving]
    if stray:
        return _("%(names)s不负责%(unit)s所在辖区，请从列表中选择") % {"names": "、".join(stray), "unit": caller.name}
    return None


def _summon(actor, whistle: Whistle, department: Department, now) -> WhistleCall:
    return WhistleCall.objects.create(
        whistle=whistle, department=department, summoned_at=now, summoned_by=audit.user_of(actor),
        report_due_at=rules.report_due(now, whistle.report_minutes))


@transaction.atomic
def whistle_blow(actor, *, caller: Area | None, title: str, matter: str, departments: list[Department],
                 urgency: str = Urgency.NORMAL, report_minutes: int | None = None, location: str = "",
                 latitude: float | None = None, longitude: float | None = None, appeals: list | None = None
                 ) -> Whistle:
    """吹哨: the caller unit (street, community, park, business district or building within the actor's
    reach) names the matter and the departments; each must report in within ``report_minutes``
    (default by urgency, see ``rules.default_report_minutes``)."""
    if not scope.holds(actor, BLOW):
        raise PermissionDenied(_("您没有吹哨的权限。"))
    errors: dict[str, list] = {}
    if caller is None or caller.level not in CALLER_LEVELS:
        errors["caller"] = [_("吹哨单位应为街道、社区或园区、商圈、楼宇")]
    elif not scope.reach(actor, BLOW).covers(area_path=caller.path):
        errors["caller"] = [_("只能以您管辖的单位吹哨")]
    title = _text(title, "title", 120, _("请填写事项（不超过120个字）"), errors)
    matter = _text(matter, "matter", 4000, _("请填写情况说明（不超过4000个字）"), errors)
    location = _text(location, "location", 200, _("地点不超过200个字"), errors, required=False)
    if urgency not in Urgency.values:
        errors["urgency"] = [_("紧急程度应为“紧急”或“一般”")]
    elif report_minutes is None:
        report_minutes = rules.default_report_minutes(urgency)
    if urgency in Urgency.values and (message := rules.report_minutes_error(report_minutes)):
        errors["report_minutes"] = [message]
    departments = list(dict.fromkeys(departments or []))
    if not departments:
        errors["departments"] = [_("请至少召集一个部门")]
    elif "caller" not in errors and (message := _departments_error(caller, departments)):
        errors["departments"] = [message]
    if (latitude is None) != (longitude is None) or (
            latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)):
        errors["latitude"] = [_("请同时填写有效的纬度和经度，或都不填")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    whistle = Whistle.objects.create(
        title=title, matter=matter, caller=caller, urgency=urgency, report_minutes=report_minutes,
        location=location, latitude=latitude, longitude=longitude, created_by=audit.user_of(actor))
    for department in departments:
        _summon(actor, whistle, department, now)
    if appeals:
        whistle.appeals.add(*appeals)
    audit.record(actor, "whistle.blow", whistle, node_path=caller.path, summary={
        "urgency": urgency, "report_minutes": report_minutes, "departments": [d.name for d in departments],
        "appeals": [a.ticket_no for a in appeals or []]})
    return whistle


@transaction.atomic
def whistle_link_appeals(actor, *, whistle: Whistle, appeals: list) -> Whistle:
    """Link appeals (诉求, already resolved through ``selectors.appeals_for_field``) to the whistle blown
    on them; linking one already linked changes nothing."""
    selectors.require(actor, selectors.can_manage(actor, whistle), whistle)
    if not appeals:
        raise ValidationError({"appeals": [_("请填写要关联的诉求工单编号")]})
    before = set(whistle.appeals.values_list("pk", flat=True))
    added = [a for a in appeals if a.pk not in before]
    whistle.appeals.add(*added)
    if added:
        audit.record(actor, "whistle.appeals", whistle, node_path=whistle.caller.path,
                     summary={"appeals": [a.ticket_no for a in added]})
    return whistle


@transaction.atomic
def whistle_call_add(actor, *, whistle: Whistle, department: Department | None) -> WhistleCall:
    """Summon one more department onto an open whistle (its own deadline counts from now)."""
    selectors.require(actor, selectors.can_manage(actor, whistle), whistle)
    _check_open(whistle, _("该吹哨已结束，不能再召集部门"))
    if department is None:
        raise ValidationError({"department": [_("请选择部门")]})
    if message := _departments_error(whistle.caller, [department]):
        raise ValidationError({"department": [message]})
    if WhistleCall.objects.filter(whistle=whistle, department=department).exists():
        raise ValidationError({"department": [_("%(name)s已被召集") % {"name": department.name}]})
    call = _summon(actor, whistle, department, timezone.now())
    audit.record(actor, "whistle.call_add", whistle, node_path=whistle.caller.path,
                 summary={"department": department.name})
    return call


@transaction.atomic
def whistle_report_in(actor, *, whistle: Whistle, call: WhistleCall, note: str = "") -> WhistleCall:
    """报到: a handler of the summoned department reports in, once. A conditional UPDATE (only while
    not yet reported and the whistle open) makes a double press, or two handlers at once, report once."""
    selectors.require(actor, selectors.can_report(actor, call), whistle)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": [_("说明不超过2000个字")]})
    # The whistle's row lock orders a report-in against a concurrent close; the UPDATE's condition is
    # on the call's own columns only (a condition through a join becomes a subquery that PostgreSQL
    # evaluates on its snapshot, so two presses would both pass it).
    status = Whistle.objects.select_for_update().filter(pk=whistle.pk).values_list("status", flat=True).first()
    if status != WhistleStatus.OPEN:
        raise Conflict({"status": [_("该吹哨已结束，不能再报到")]})
    now = timezone.now()
    on_time = rules.is_on_time(now, call.report_due_at)
    updated = WhistleCall.objects.filter(pk=call.pk, reported_at__isnull=True).update(
        reported_at=now, reporter=audit.user_of(actor), on_time=on_time)
    if not updated:
        call.refresh_from_db()
        raise Conflict({"status": [_("%(dept)s已于%(at)s报到，无需重复报到") % {
            "dept": call.department.name, "at": f"{timezone.localtime(call.reported_at):%m-%d %H:%M}"}]})
    call.refresh_from_db()
    if note:
        WhistleAction.objects.create(call=call, text=note, by=audit.user_of(actor))
    audit.record(actor, "whistle.report", whistle, node_path=whistle.caller.path, summary={
        "department": call.department.name, "on_time": on_time, "due": call.report_due_at.isoformat()})
    return call


@transaction.atomic
def whistle_action_add(actor, *, whistle: Whistle, call: WhistleCall, text: str) -> WhistleAction:
    """处置记录: the summoned department (after reporting in) or the caller's staff records what was done."""
    handler = selectors.can_report(actor, call)
    selectors.require(actor, handler or selectors.can_manage(actor, whistle), whistle)
    _check_open(whistle, _("该吹哨已结束，不能再记录处置情况"))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError({"text": [_("请填写处置情况（不超过2000个字）")]})
    if handler and call.reported_at is None:
        raise ValidationError({"text": [_("请先报到，再记录处置情况")]})
    action = WhistleAction.objects.create(call=call, text=text, by=audit.user_of(actor))
    audit.record(actor, "whistle.action", whistle, node_path=whistle.caller.path,
                 summary={"department": call.department.name})
    return action


@transaction.atomic
def whistle_rate(actor, *, whistle: Whistle, call: WhistleCall, rating, comment: str = "") -> WhistleCall:
    """The caller unit's staff rates a department (1–5) once it has reported in; a new rating replaces
    the old one (both stay in the audit trail)."""
    selectors.require(actor, selectors.can_manage(actor, whistle), whistle)
    errors: dict[str, list] = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = [_("评价应为1至5分")]
    comment = _text(comment, "comment", 300, _("评价意见不超过300个字"), errors, required=False)
    if call.reported_at is None:
        errors["rating"] = [_("%(dept)s尚未报到，报到后才能评价") % {"dept": call.department.name}]
    if errors:
        raise ValidationError(errors)
    before = call.rating
    call.rating, call.rating_comment = rating, comment
    call.rated_at, call.rated_by = timezone.now(), audit.user_of(actor)
    call.save(update_fields=["rating", "rating_comment", "rated_at", "rated_by"])
    audit.record(actor, "whistle.rate", whistle, node_path=whistle.caller.path, summary={
        "department": call.department.name, "rating": [before, rating]})
    return call


@transaction.atomic
def whistle_close(actor, *, whistle: Whistle, result: str, reason: str = "") -> Whistle:
    """结束: the matter is done. Refused while a summoned department has not reported in ("事不完、
    人不撤"), unless the caller records why."""
    selectors.require(actor, selectors.can_manage(actor, whistle), whistle)
    Whistle.objects.select_for_update().filter(pk=whistle.pk).values_list("pk", flat=True).first()
    whistle.refresh_from_db(fields=["status"])
    _check_open(whistle, _("该吹哨已结束"))
    errors: dict[str, list] = {}
    result = _text(result, "result", 2000, _("请填写办理结果（不超过2000个字）"), errors)
    reason = _text(reason, "reason", 300, _("原因不超过300个字"), errors, required=False)
    unreported = [c.department.name for c in WhistleCall.objects.filter(whistle=whistle, reported_at__isnull=True)
                  .select_related("department").order_by("pk")]
    if message := rules.close_refusal(unreported=unreported, reason=reason):
        errors["reason"] = [message]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    updated = Whistle.objects.filter(pk=whistle.pk, status=WhistleStatus.OPEN).update(
        status=WhistleStatus.CLOSED, closed_at=now, closed_by=audit.user_of(actor), result=result,
        close_reason=reason if unreported else "")
    if not updated:
        raise Conflict({"status": [_("该吹哨已结束")]})
    whistle.refresh_from_db()
    audit.record(actor, "whistle.close", whistle, node_path=whistle.caller.path,
                 summary={"unreported": unreported, "reason": whistle.close_reason})
    return whistle
