"""Writes to the department rota (部门坐班). Every change leaves a notice for the center's staff."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.centers.models import Center, RotaShift
from jiceng.centers.services.places import notify
from jiceng.core import audit, scope
from jiceng.core.models import Department

CHANGE = "centers.change_center"
FIELDS = ("department", "weekday", "starts", "ends", "valid_from", "valid_until", "matters")


def shift_clean(data: dict) -> dict:
    errors: dict[str, list] = {}
    if not isinstance(data.get("department"), Department):
        errors["department"] = [_("请选择坐班部门")]
    if data.get("weekday") not in range(7):
        errors["weekday"] = [_("请选择星期")]
    starts, ends = data.get("starts"), data.get("ends")
    if not isinstance(starts, time) or not isinstance(ends, time):
        errors["starts"] = [_("请填写开始和结束时间")]
    elif ends <= starts:
        errors["ends"] = [_("结束时间应晚于开始时间")]
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if not isinstance(valid_from, date):
        errors["valid_from"] = [_("请填写起始日期")]
    elif valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("截止日期不能早于起始日期")]
    if errors:
        raise ValidationError(errors)
    return {**data, "matters": (data.get("matters") or "").strip()[:200]}


def _describe(shift: RotaShift) -> str:
    until = f"～{shift.valid_until:%Y-%m-%d}" if shift.valid_until else _("起长期")
    return _("%(dept)s %(day)s %(s)s–%(e)s（%(f)s%(u)s）") % {
        "dept": shift.department.name, "day": shift.get_weekday_display(), "s": f"{shift.starts:%H:%M}",
        "e": f"{shift.ends:%H:%M}", "f": f"{shift.valid_from:%Y-%m-%d}", "u": until}


@transaction.atomic
def shift_create(actor, *, center: Center, **data) -> RotaShift:
    scope.require(actor, CHANGE, center)
    clean = shift_clean({"valid_until": None, "matters": "", **data})
    shift = RotaShift.objects.create(center=center, **{f: clean[f] for f in FIELDS})
    audit.record(actor, "rota.create", shift, node_path=center.area.path)
    notify(center, actor, _("新增部门坐班：%(s)s") % {"s": _describe(shift)})
    return shift


@transaction.atomic
def shift_update(actor, *, shift: RotaShift, **data) -> RotaShift:
    scope.require(actor, CHANGE, shift)
    before = {f: getattr(shift, f) for f in FIELDS}
    was = _describe(shift)
    clean = shift_clean({**before, **data})
    for f in FIELDS:
        setattr(shift, f, clean[f])
    shift.save()
    audit.record(actor, "rota.update", shift, node_path=shift.center.area.path,
                 summary=audit.changes(before, {f: getattr(shift, f) for f in FIELDS}))
    notify(shift.center, actor, _("部门坐班调整：%(a)s → %(b)s") % {"a": was, "b": _describe(shift)})
    return shift


@transaction.atomic
def shift_delete(actor, *, shift: RotaShift) -> None:
    scope.require(actor, CHANGE, shift)
    center = shift.center
    audit.record(actor, "rota.delete", shift, node_path=center.area.path, object_repr=str(shift))
    notify(center, actor, _("取消部门坐班：%(s)s") % {"s": _describe(shift)})
    shift.delete()
