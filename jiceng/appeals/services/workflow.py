"""The workflow of an appeal after intake (北京市接诉即办工作条例; states in ``appeals.workflow_rules``).

Dispatcher's side here: 确认类别, 确定属地, 派单 (主办/协办/转办), 合并, 回访, 关闭. The handling unit's side
(签收, 退单, 进展, 办结, 延期, 挂账) lives in ``workflow_handling`` and is re-exported here, so callers import
every transition from this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.appeals import rules
from jiceng.appeals import workflow_rules as wr
from jiceng.appeals.models import (
    Appeal,
    Category,
    CategoryCorrection,
    Order,
    OrderRole,
    OrderStatus,
    Satisfied,
    Solved,
    Status,
)
from jiceng.appeals.selectors import catalogue
from jiceng.appeals.services import workflow_base as b
from jiceng.appeals.services.workflow_handling import (  # noqa: F401  (re-exported)
    appeal_accept,
    appeal_extension_decide,
    appeal_extension_request,
    appeal_park,
    appeal_progress,
    appeal_resolve,
    appeal_return,
    appeal_unpark,
)
from jiceng.core import scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Area, Department
from jiceng.core.models.territory import AreaLevel


def _category(value) -> Category:
    category = value if isinstance(value, Category) else catalogue.category_by_code(value)
    if category is None or not category.is_active:
        raise ValidationError({"category": [_("未知的诉求类别，请从派单目录中选择")]})
    return category


@transaction.atomic
def appeal_categorize(actor, appeal: Appeal, *, category, now: datetime | None = None) -> Appeal:
    """确认类别: the dispatcher confirms or corrects the category. A choice other than the suggested one is
    kept as a ``CategoryCorrection`` (training data); a changed category before dispatch recounts the
    deadlines from the receiving time."""
    now = b.now_or(now)
    category = _category(category)
    appeal = b.lock(appeal)
    b.require(actor, b.DISPATCH, appeal)
    b.check("categorize", appeal)
    old = appeal.category_id
    if appeal.suggested_category_id != category.pk:
        CategoryCorrection.objects.create(appeal=appeal, suggested_id=appeal.suggested_category_id, chosen=category,
                                          content=appeal.content, by=b.audit.user_of(actor))
    fields = ["category", "updated_at"]
    appeal.category = category
    if old != category.pk and appeal.status in (Status.RECEIVED, Status.RETURNED):
        response_hours, term = catalogue.terms(category, appeal.urgency)
        complete = rules.due(appeal.received_at, term)
        appeal.response_due_at = appeal.received_at + timedelta(hours=response_hours)
        appeal.complete_due_at, appeal.deadline_uncertain = complete.at, complete.uncertain
        fields += ["response_due_at", "complete_due_at", "deadline_uncertain"]
    appeal.save(update_fields=fields)
    b.event(appeal, "categorize", actor, from_status=appeal.status, at=now,
            note=_("类别确认为“%(name)s”") % {"name": category.name})
    b.record(actor, "categorize", appeal, category=category.code, corrected=appeal.suggested_category_id != category.pk)
    return appeal


@transaction.atomic
def appeal_place(actor, appeal: Appeal, *, community: str | None = None, lat=None, lng=None,
                 now: datetime | None = None) -> Appeal:
    """确定属地 of a call that came without one: a point (routed to its grid) or a community code."""
    from jiceng.appeals.services import intake

    now = b.now_or(now)
    appeal = b.lock(appeal)
    b.require(actor, b.DISPATCH, appeal)
    b.check("place", appeal)
    errors: dict = {}
    data = {"lat": lat, "lng": lng, "community": community}
    if lat is None and lng is None and not community:
        raise ValidationError({"community": [_("请在地图上选点，或选择所在社区")]})
    routed_by, place, coords = intake._place(data, appeal.channel, errors)
    if errors:
        raise ValidationError(errors)
    if place is None:
        raise ValidationError({"lat": [_("该位置不在本平台服务的网格和社区范围内，请重新选点或选择所在社区")]})
    if not scope.reach(actor, b.DISPATCH).covers(area_path=place.path):
        raise ValidationError({"community": [_("该位置不在您的管辖范围内，请转交上级派单")]})
    appeal.routed_by = routed_by
    appeal.grid_id, appeal.community_id = place.grid_id, place.community_id
    appeal.street_id, appeal.district_id, appeal.area_path = place.street_id, place.district_id, place.path
    if coords:
        appeal.longitude, appeal.latitude = coords
    if appeal.owner_area_id is None and appeal.owner_department_id is None:
        appeal.owner_area_id = place.street_id or place.district_id
    appeal.save(update_fields=["routed_by", "grid", "community", "street", "district", "area_path", "longitude",
                               "latitude", "owner_area", "updated_at"])
    names = Area.objects.filter(pk__in=[p for p in (place.street_id, place.community_id, place.grid_id) if p])
    b.event(appeal, "place", actor, from_status=appeal.status, at=now,
            note=_("属地确定为 %(place)s") % {"place": " ".join(a.name for a in names.order_by("depth"))})
    b.record(actor, "place", appeal, path=place.path, routed_by=routed_by)
    return appeal


def _unit_ok(appeal: Appeal, unit) -> bool:
    """A department of the appeal's district or above; a street or community of the appeal's district."""
    if isinstance(unit, Department):
        path = unit.area.path
        return not appeal.area_path or appeal.area_path.startswith(path)
    if isinstance(unit, Area) and unit.level in (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID):
        district = Area.objects.filter(pk=appeal.district_id).values_list("path", flat=True).first()
        return district is None or unit.path.startswith(district)
    return False


def _unit_fields(unit) -> dict:
    return {"department": unit} if isinstance(unit, Department) else {"area": unit}


@transaction.atomic
def appeal_dispatch(actor, appeal: Appeal, *, lead, assists=(), transfer: bool = False, note: str = "",
                    now: datetime | None = None) -> Appeal:
    """派单: one 主办 unit (a department, or a street or community), optional 协办 units; ``transfer`` sends
    it as 转办 (the unit takes the appeal over as its own). The deadlines already on the appeal run on."""
    now = b.now_or(now)
    note = b.text(note, "note", required=False, limit=300, message="")
    appeal = b.lock(appeal)
    b.require(actor, b.DISPATCH, appeal)
    b.check("dispatch", appeal)
    errors: dict = {}
    if lead is None or not _unit_ok(appeal, lead):
        errors["lead"] = [_("请选择主办单位：本区及以上的职能部门，或本区的街道、社区")]
    assists = list(assists or [])
    bad = [u for u in assists if not _unit_ok(appeal, u)]
    if bad:
        errors["assists"] = [_("协办单位应为本区及以上的职能部门，或本区的街道、社区")]
    keys = {(type(u).__name__, u.pk) for u in assists if u is not None}
    if lead is not None and (type(lead).__name__, lead.pk) in keys:
        errors["assists"] = [_("主办单位不能同时作为协办单位")]
    if appeal.category_id is None:
        errors["category"] = [_("请先确认类别")]
    if errors:
        raise ValidationError(errors)
    before = appeal.status
    role = OrderRole.TRANSFER if transfer else OrderRole.LEAD
    Order.objects.filter(appeal=appeal, status=OrderStatus.PENDING).update(status=OrderStatus.CANCELLED)
    user = b.audit.user_of(actor)
    Order.objects.create(appeal=appeal, role=role, note=note, dispatched_by=user, dispatched_at=now,
                         **_unit_fields(lead))
    for unit in {(type(u).__name__, u.pk): u for u in assists}.values():
        Order.objects.create(appeal=appeal, role=OrderRole.ASSIST, note=note, dispatched_by=user, dispatched_at=now,
                             **_unit_fields(unit))
    appeal.status = Status.DISPATCHED
    appeal.lead_department = lead if isinstance(lead, Department) else None
    appeal.save(update_fields=["status", "lead_department", "updated_at"])
    text = _("已%(how)s至%(unit)s") % {"how": OrderRole(role).label, "unit": lead.name}
    if assists:
        text += _("，协办：%(units)s") % {"units": "、".join(u.name for u in assists)}
    b.event(appeal, "dispatch", actor, from_status=before, public=True, at=now, note=text)
    b.record(actor, "dispatch", appeal, lead=lead.name, role=role, assists=[u.name for u in assists])
    return appeal


@transaction.atomic
def appeal_merge(actor, appeal: Appeal, *, into: Appeal, note: str = "", now: datetime | None = None) -> Appeal:
    """合并: ``appeal`` is a duplicate of ``into`` and is handled with it. Both timelines say so publicly
    (every filer keeps following), the duplicate's pending orders are withdrawn, and the main appeal's
    办结 is told to the duplicate's filer too."""
    now = b.now_or(now)
    note = b.text(note, "note", required=False, limit=300, message="")
    if into is None or into.pk == appeal.pk:
        raise ValidationError({"into": [_("请选择另一件诉求作为主工单")]})
    first, second = sorted([appeal.pk, into.pk])
    locked = {first: b.lock(first), second: b.lock(second)}  # in key order: two merges never deadlock
    appeal, main = locked[appeal.pk], locked[into.pk]
    b.require(actor, b.DISPATCH, appeal)
    b.require(actor, b.DISPATCH, main)
    b.check("merge", appeal)
    if main.status not in wr.MERGE_MAIN_STATUSES:
        raise Conflict({"into": [_("主工单当前状态为“%(status)s”，不能合并到该工单") % {
            "status": main.get_status_display()}]})
    before = appeal.status
    Order.objects.filter(appeal=appeal, status__in=[OrderStatus.PENDING, OrderStatus.ACCEPTED]).update(
        status=OrderStatus.CANCELLED)
    Appeal.objects.filter(merged_into=appeal).update(merged_into=main)
    appeal.status, appeal.merged_into = Status.MERGED, main
    appeal.save(update_fields=["status", "merged_into", "updated_at"])
    b.event(appeal, "merge", actor, from_status=before, public=True, at=now,
            note=_("与工单 %(no)s 反映的是同一问题，合并办理；办理结果将同步告知您。%(note)s") % {
                "no": main.ticket_no, "note": note})
    b.event(main, "merge", actor, from_status=main.status, public=True, at=now,
            note=_("合并了反映同一问题的工单 %(no)s") % {"no": appeal.ticket_no})
    b.record(actor, "merge", appeal, into=main.ticket_no)
    b.tell_filer(appeal, _("您的诉求%(no)s与工单%(main)s反映同一问题，已合并办理。") % {
        "no": appeal.ticket_no, "main": main.ticket_no}, kind="appeal.merge")
    return appeal


CALLBACK_CHANNELS = ("phone", "tracking")


def _choice(value, choices, field: str, message: str) -> str:
    if isinstance(value, str):
        value = value.strip()
        if value in choices.values:
            return value
        for code, label in choices.choices:
            if str(label) == value:
                return code
    raise ValidationError({field: [message]})


@transaction.atomic
def appeal_callback(actor, appeal: Appeal, *, contacted: bool, solved: str, satisfied: str, comment: str = "",
                    channel: str = "phone", now: datetime | None = None) -> Appeal:
    """回访: the filer's rating — 是否联系, 是否解决 (解决/部分解决/未解决), 是否满意 (满意/基本满意/不满意) —
    by phone (staff with ``callback_appeal``) or on the tracking page (``actor`` None, channel "tracking";
    the caller has checked the ticket number and the phone's last four digits)."""
    now = b.now_or(now)
    errors: dict = {}
    if channel not in CALLBACK_CHANNELS:
        errors["channel"] = [_("回访方式应为 phone 或 tracking")]
    if not isinstance(contacted, bool):
        errors["contacted"] = [_("请选择是否联系")]
    try:
        solved = _choice(solved, Solved, "solved", _("是否解决应为 解决、部分解决 或 未解决"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        satisfied = _choice(satisfied, Satisfied, "satisfied", _("是否满意应为 满意、基本满意 或 不满意"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not isinstance(comment, str) or len(comment.strip()) > 500:
        errors["comment"] = [_("回访意见不超过500个字")]
    if errors:
        raise ValidationError(errors)
    appeal = b.lock(appeal)
    if actor is None:
        if channel != "tracking":
            raise PermissionDenied(_("您没有执行此操作的权限。"))
    else:
        b.require(actor, b.CALLBACK, appeal)
    b.check("callback", appeal)
    before = appeal.status
    appeal.status = Status.VISITED
    appeal.cb_contacted, appeal.cb_solved, appeal.cb_satisfied = contacted, solved, satisfied
    appeal.cb_comment, appeal.cb_channel, appeal.cb_at = comment.strip(), channel, now
    appeal.save(update_fields=["status", "cb_contacted", "cb_solved", "cb_satisfied", "cb_comment", "cb_channel",
                               "cb_at", "updated_at"])
    b.event(appeal, "callback", actor, from_status=before, public=True, at=now,
            unit_name=None if actor is not None else "",
            note=_("回访：%(contacted)s，%(solved)s，%(satisfied)s") % {
                "contacted": _("已联系") if contacted else _("未联系"), "solved": Solved(solved).label,
                "satisfied": Satisfied(satisfied).label})
    b.record(actor, "callback", appeal, channel=channel, contacted=contacted, solved=solved, satisfied=satisfied)
    return appeal


@transaction.atomic
def appeal_close(actor, appeal: Appeal, *, note: str = "", now: datetime | None = None) -> Appeal:
    """关闭 after the callback; or straight after 办结 when the filer could not be reached (a note required)."""
    now = b.now_or(now)
    note = b.text(note, "note", required=False, limit=300, message="")
    appeal = b.lock(appeal)
    b.require(actor, b.CALLBACK, appeal)
    b.check("close", appeal)
    if appeal.status == Status.RESOLVED and not note:
        raise ValidationError({"note": [_("未回访即关闭时，请说明原因（如多次联系不上诉求人）")]})
    before = appeal.status
    appeal.status, appeal.closed_at = Status.CLOSED, now
    appeal.save(update_fields=["status", "closed_at", "updated_at"])
    b.event(appeal, "close", actor, from_status=before, public=True, at=now, note=note or _("已关闭"))
    b.record(actor, "close", appeal, without_callback=before == Status.RESOLVED)
    return appeal
