"""Writes to a center's service catalogue (服务清单), one by one or from a spreadsheet."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.centers.models import Center, CenterService, Channel
from jiceng.centers.selectors.places import departments_for
from jiceng.core import audit, scope
from jiceng.core.models import Department
from jiceng.core.spreadsheets import SheetReader, SpreadsheetError

CHANGE = "centers.change_center"
FIELDS = ("name", "category", "description", "channel", "department", "is_active")
CHANNEL_WORDS = {str(label): value for value, label in Channel.choices} | {
    "现场": Channel.WALK_IN, "窗口": Channel.WALK_IN, "预约": Channel.BOOKING, "网上": Channel.ONLINE,
    "线上": Channel.ONLINE, "自助": Channel.TERMINAL, "自助机": Channel.TERMINAL}
ALIASES = {"name": ["服务名称", "事项名称", "名称"], "category": ["类别", "服务类别", "分类"],
           "description": ["服务内容", "说明", "描述"], "channel": ["办理方式", "方式"],
           "department": ["提供部门", "部门", "责任部门"]}


def service_clean(data: dict) -> dict:
    errors: dict[str, list] = {}
    clean = dict(data)
    for f, limit, message in (("name", 80, _("请填写服务名称（不超过80个字）")),
                              ("category", 40, _("请填写类别（不超过40个字）"))):
        clean[f] = (data.get(f) or "").strip()
        if not clean[f] or len(clean[f]) > limit:
            errors[f] = [message]
    clean["description"] = (data.get("description") or "").strip()[:2000]
    if data.get("channel") not in Channel.values:
        errors["channel"] = [_("办理方式应为：现场办理、预约办理、网上办理或自助终端")]
    department = data.get("department")
    if department is not None and not isinstance(department, Department):
        errors["department"] = [_("提供部门不存在")]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def service_create(actor, *, center: Center, **data) -> CenterService:
    scope.require(actor, CHANGE, center)
    clean = service_clean({"channel": Channel.WALK_IN, "department": None, "is_active": True, **data})
    if center.services.filter(name=clean["name"]).exists():
        raise ValidationError({"name": [_("本中心已有同名服务事项")]})
    service = CenterService.objects.create(center=center, **{f: clean[f] for f in FIELDS})
    audit.record(actor, "service.create", service, node_path=center.area.path)
    return service


@transaction.atomic
def service_update(actor, *, service: CenterService, **data) -> CenterService:
    scope.require(actor, CHANGE, service)
    before = {f: getattr(service, f) for f in FIELDS}
    clean = service_clean({**before, **data})
    if service.center.services.filter(name=clean["name"]).exclude(pk=service.pk).exists():
        raise ValidationError({"name": [_("本中心已有同名服务事项")]})
    for f in FIELDS:
        setattr(service, f, clean[f])
    service.save()
    audit.record(actor, "service.update", service, node_path=service.center.area.path,
                 summary=audit.changes(before, {f: getattr(service, f) for f in FIELDS}))
    return service


def _departments(center: Center) -> dict[str, Department]:
    """Names and kinds a spreadsheet row may use for the providing department."""
    found = {}
    for dept in departments_for(center).order_by("-area__depth"):
        found.setdefault(dept.name, dept)
        found.setdefault(dept.kind, dept)
    return found


def services_import(actor, *, center: Center, file, name: str = "", commit: bool = False) -> dict:
    """Read a service list (.xlsx or .csv); report every bad row with its line number and reason. With
    ``commit`` the good rows are created (existing names are updated) in one transaction; without it
    nothing is written (the preview). Returns ``{"rows", "errors": [(line, message)], "created", "updated"}``."""
    scope.require(actor, CHANGE, center)
    departments = _departments(center)
    existing = {s.name: s for s in center.services.all()}
    good, errors, seen = [], [], set()
    try:
        with SheetReader(file, name=name, aliases=ALIASES, required=["name", "category"]) as sheet:
            for line, row in sheet:
                data = {k: str(row.get(k) or "").strip() for k in ALIASES}
                channel_text = data.pop("channel")
                data["channel"] = CHANNEL_WORDS.get(channel_text, channel_text or Channel.WALK_IN)
                dept_text = data.pop("department")
                data["department"] = departments.get(dept_text) if dept_text else None
                try:
                    if dept_text and data["department"] is None:
                        raise ValidationError({"department": [_("没有名为“%(d)s”的部门") % {"d": dept_text}]})
                    clean = service_clean({**data, "is_active": True})
                    if clean["name"] in seen:
                        raise ValidationError({"name": [_("与前面的行重复")]})
                except ValidationError as exc:
                    errors.append((line, "；".join(m for ms in exc.message_dict.values() for m in ms)))
                    continue
                seen.add(clean["name"])
                good.append(clean)
    except SpreadsheetError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    report = {"rows": len(good) + len(errors), "errors": errors, "created": 0, "updated": 0}
    if commit and good:
        with transaction.atomic():
            for clean in good:
                if clean["name"] in existing:
                    service_update(actor, service=existing[clean["name"]], **clean)
                    report["updated"] += 1
                else:
                    service_create(actor, center=center, **clean)
                    report["created"] += 1
            audit.record(actor, "service.import", center, node_path=center.area.path,
                         summary={k: report[k] for k in ("rows", "created", "updated")} | {"bad": len(errors)})
    return report
