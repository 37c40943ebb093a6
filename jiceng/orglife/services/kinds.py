"""Kinds of organizational life and their frequency rules (RULES §2 defaults, editable per deployment).

Kinds are deployment-wide: adding or changing one needs the permission with a grant over the whole
system (``scope.require_global``). Built-in kinds are never deleted; they are edited or deactivated.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.orglife.models import Audience, MeetingKind, Period

ADD = "orglife.add_meetingkind"
CHANGE = "orglife.change_meetingkind"
EDITABLE = ("name", "period", "times", "audience", "per_group", "needs_committee", "rule_text", "is_active",
            "order")
MAX_TIMES = 31


def _clean(data: dict, errors: dict) -> dict:
    out = dict(data)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"] or len(out["name"]) > 40:
            errors["name"] = [_("请填写名称（不超过40个字）")]
    if "period" in out and out["period"] not in Period.values:
        errors["period"] = [_("频次周期应为每月、每季度、每年或不定期")]
    if "times" in out and not (isinstance(out["times"], int) and 1 <= out["times"] <= MAX_TIMES):
        errors["times"] = [_("每周期次数应为1到%(n)d") % {"n": MAX_TIMES}]
    if "audience" in out and out["audience"] not in Audience.values:
        errors["audience"] = [_("参加人员无效")]
    if "rule_text" in out:
        out["rule_text"] = (out["rule_text"] or "").strip()
        if len(out["rule_text"]) > 200:
            errors["rule_text"] = [_("规定原文不能超过200个字")]
    if "order" in out and not (isinstance(out["order"], int) and 0 <= out["order"] <= 32767):
        errors["order"] = [_("排序应为0到32767的整数")]
    if out.get("per_group") and out.get("audience", Audience.GROUP) != Audience.GROUP:
        errors["per_group"] = [_("只有参加人员为党小组成员的类型才能按党小组分别计算")]
    return out


@transaction.atomic
def kind_create(actor, *, code: str, name: str, period: str = Period.NONE, times: int = 1,
                audience: str = Audience.ALL, per_group: bool = False, needs_committee: bool = False,
                rule_text: str = "", order: int = 100) -> MeetingKind:
    scope.require_global(actor, ADD)
    errors: dict = {}
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
        errors["code"] = [_("代码应为2到40位小写字母、数字或下划线，以字母开头")]
    data = _clean({"name": name, "period": period, "times": times, "audience": audience, "per_group": per_group,
                   "needs_committee": needs_committee, "rule_text": rule_text, "order": order}, errors)
    if errors:
        raise ValidationError(errors)
    if MeetingKind.objects.filter(code=code).exists() or MeetingKind.objects.filter(name=data["name"]).exists():
        raise Conflict({"code": [_("已有相同代码或名称的类型")]})
    try:
        with transaction.atomic():
            kind = MeetingKind.objects.create(code=code, is_builtin=False, **data)
    except IntegrityError as exc:
        raise Conflict({"code": [_("已有相同代码或名称的类型")]}) from exc
    audit.record(actor, "meetingkind.create", kind, summary={"code": code, "name": kind.name})
    return kind


@transaction.atomic
def kind_update(actor, *, kind: MeetingKind, **changes) -> MeetingKind:
    """Edit a kind's name and frequency rule, or deactivate it (built-in kinds too; codes never change)."""
    scope.require_global(actor, CHANGE)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: [_("该字段不能修改")] for f in sorted(unknown)})
    kind = MeetingKind.objects.select_for_update().get(pk=kind.pk)
    errors: dict = {}
    merged = _clean({**{f: getattr(kind, f) for f in EDITABLE}, **changes}, errors)
    if "name" in changes and MeetingKind.objects.filter(name=merged["name"]).exclude(pk=kind.pk).exists():
        errors["name"] = [_("已有同名的类型")]
    if errors:
        raise ValidationError(errors)
    before = {f: getattr(kind, f) for f in changes}
    for field in changes:
        setattr(kind, field, merged[field])
    kind.save()
    diff = audit.changes(before, {f: getattr(kind, f) for f in changes})
    if diff:
        audit.record(actor, "meetingkind.update", kind, summary=diff)
    return kind


def kind_delete(actor, *, kind: MeetingKind) -> None:
    """Delete an added kind that no meeting uses; built-in kinds and used kinds are deactivated instead."""
    scope.require_global(actor, CHANGE)
    if kind.is_builtin:
        raise ValidationError({"kind": [_("内置类型不能删除，可以停用")]})
    with transaction.atomic():
        kind = MeetingKind.objects.select_for_update().get(pk=kind.pk)
        if kind.meetings.exists():
            raise ValidationError({"kind": [_("该类型已有会议记录，不能删除，可以停用")]})
        audit.record(actor, "meetingkind.delete", kind, summary={"code": kind.code})
        kind.delete()
