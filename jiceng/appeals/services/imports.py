"""Batch import of 12345 hotline work orders (.xlsx or .csv) with a row-level report.

Columns (header names as in the template; aliases accepted): 12345工单号, 受理时间, 诉求类型, 诉求类别 (code
or name), 诉求内容, 地址, 联系人, 联系电话, 办结期限 (optional: the hotline's own deadline; a date means the
end of that day), 紧急程度 (optional). Each row is checked by ``appeal_clean`` (the same rules as every
channel) and created by ``appeal_create`` with channel ``hotline`` in its own transaction: a row is
created whole or refused whole with its field errors, never half. A 12345 number seen before (in the
database or higher up in the file) is reported as a duplicate and not created again. Without ``commit``
nothing is written (the check).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals.models import Category, Channel, Routed
from jiceng.appeals.selectors import catalogue
from jiceng.appeals.services.intake import appeal_clean, appeal_create
from jiceng.core import audit, scope
from jiceng.core.spreadsheets import Sheet, SheetReader, SpreadsheetError, looks_like_formula, write_xlsx

MAX_ROWS = 5000  # one page request; split bigger files
ALIASES = {
    "hotline_no": ["12345工单号", "工单号", "热线工单号", "工单编号"],
    "received_at": ["受理时间", "来电时间", "接收时间"],
    "type": ["诉求类型", "类型"],
    "category": ["诉求类别", "类别", "类别编码", "分类"],
    "content": ["诉求内容", "内容", "问题描述"],
    "address": ["地址", "诉求地址", "事发地址"],
    "name": ["联系人", "诉求人", "姓名"],
    "phone": ["联系电话", "手机号", "电话"],
    "deadline": ["办结期限", "期限", "处理时限"],
    "urgency": ["紧急程度"],
}
REQUIRED = ["hotline_no", "received_at", "type", "category", "content", "phone"]
FIELD_WORDS = {"hotline_no": "12345工单号", "received_at": "受理时间", "type": "诉求类型", "category": "诉求类别",
               "content": "诉求内容", "address": "地址", "name": "联系人", "phone": "联系电话", "deadline": "办结期限",
               "urgency": "紧急程度", "lat": "地址", "community": "地址"}


@dataclass
class RowResult:
    line: int
    hotline_no: str
    status: str  # "created" | "ok" (checked, not written) | "refused"
    errors: list[str] = field(default_factory=list)
    ticket_no: str = ""
    place: str = ""


@dataclass
class ImportReport:
    commit: bool
    rows: list[RowResult] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(r.status == "created" for r in self.rows)

    @property
    def good(self) -> int:
        return sum(r.status in ("created", "ok") for r in self.rows)

    @property
    def refused(self) -> int:
        return sum(r.status == "refused" for r in self.rows)


def _moment(value, *, end_of_day: bool = False) -> datetime | None:
    """A cell as an aware datetime: a date/datetime cell or text ``2026-11-20 09:30[:00]``."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59, 59) if end_of_day else time(0))
    else:
        text = str(value or "").strip().replace("/", "-").replace("T", " ")
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_("时间格式应为 2026-11-20 09:30 或 2026-11-20")) from None
        if len(text) <= 10 and end_of_day:
            moment = datetime.combine(moment.date(), time(23, 59, 59))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _categories() -> dict[str, Category | None]:
    """Codes and names a row may use; a name two categories share maps to None (ambiguous)."""
    found: dict[str, Category | None] = {}
    for c in catalogue.active_categories():
        found[c.code] = c
        found[c.name] = None if c.name in found and found[c.name] != c else c
    return found


def _row_data(row: dict, categories: dict, errors: dict) -> tuple[dict, datetime | None, datetime | None]:
    data = {k: str(row.get(k) or "").strip() if not isinstance(row.get(k), date) else row.get(k) for k in ALIASES}
    for key, value in data.items():
        if isinstance(value, str) and looks_like_formula(value):
            errors[key] = [_("不能以 = + - @ 开头（公式）")]
    received = due = None
    try:
        received = _moment(data["received_at"])
    except ValueError as exc:
        errors["received_at"] = [str(exc)]
    if received is None and "received_at" not in errors:
        errors["received_at"] = [_("请填写受理时间")]
    elif received is not None and received > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = [_("受理时间不能晚于现在")]
    try:
        due = _moment(data["deadline"], end_of_day=True)
    except ValueError as exc:
        errors["deadline"] = [str(exc)]
    if due is not None and received is not None and due <= received:
        errors["deadline"] = [_("办结期限应晚于受理时间")]
    if not data["hotline_no"]:
        errors["hotline_no"] = [_("请填写12345工单号")]
    text = data["category"]
    category = categories.get(text) if isinstance(text, str) else None
    if text and category is None and text in categories:
        errors["category"] = [_("有多个类别名为“%(name)s”，请填写类别编码") % {"name": text}]
    service_data = {"type": data["type"], "category": category.code if category else text,
                    "content": data["content"], "address": data["address"], "name": data["name"],
                    "phone": data["phone"], "hotline_no": data["hotline_no"], "urgency": data["urgency"] or "normal"}
    return service_data, received, due


def _messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [f"{FIELD_WORDS.get(f, f)}：{m}" for f, msgs in exc.message_dict.items() for m in msgs]


def _place(appeal) -> str:
    return " ".join(a.name for a in (appeal.street, appeal.community, appeal.grid) if a) or _("未定位")


def hotline_import(actor, *, file, name: str = "", commit: bool = False) -> ImportReport:
    """Check (``commit`` False: nothing written) or import the rows of ``file``; a result per row."""
    if not scope.holds(actor, "appeals.dispatch_appeal"):
        raise ValidationError({"file": [_("您没有导入热线工单的权限。")]})
    report = ImportReport(commit=commit)
    categories = _categories()
    seen: dict[str, int] = {}
    try:
        with SheetReader(file, name=name, aliases=ALIASES, required=REQUIRED, max_rows=MAX_ROWS) as sheet:
            for line, row in sheet:
                errors: dict[str, list] = {}
                data, received, due = _row_data(row, categories, errors)
                result = RowResult(line, data["hotline_no"], "refused")
                report.rows.append(result)
                if data["hotline_no"] in seen:
                    errors["hotline_no"] = [_("与第 %(n)d 行的12345工单号重复") % {"n": seen[data["hotline_no"]]}]
                elif data["hotline_no"]:
                    seen[data["hotline_no"]] = line
                try:
                    if errors:
                        raise ValidationError(errors)
                    if commit:
                        appeal, _created = appeal_create(actor, data, channel=Channel.HOTLINE, received_at=received,
                                                         complete_due_at=due)
                        result.status, result.ticket_no, result.place = "created", appeal.ticket_no, _place(appeal)
                    else:
                        clean = appeal_clean(data, channel=Channel.HOTLINE)
                        result.status = "ok"
                        result.place = str(Routed(clean["routed_by"]).label)
                except ValidationError as exc:
                    result.errors = _messages(exc)
    except SpreadsheetError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    if commit and report.rows:
        audit.record(actor, "appeal.import", None, summary={
            "file": name[:100], "rows": len(report.rows), "created": report.created, "refused": report.refused})
    return report


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    headers = [ALIASES[k][0] for k in ALIASES]
    example = ["BJ12345-20261120-0001", "2026-11-20 09:30", "投诉", "city.manhole",
               "嘉园一里7号楼东侧井盖丢失，夜间很危险", "嘉园一里社区7号楼", "王女士", "13800138000",
               "2026-11-23", "一般"]
    write_xlsx(buffer, [Sheet(_("热线工单"), headers, [example], widths=[22, 18, 10, 16, 40, 24, 10, 14, 12, 10])])
    return buffer.getvalue()
