"""Roll import (党员名册导入) as a background job, and the template to fill in.

1. ``import_start``: the upload becomes a ``Job(kind="members.import")``; the task ``import_validate``
   reads the file once, streaming, and checks every row with ``member_clean`` (ID number and dates,
   mobile, a known branch within the importer's scope, party group, residence, formula cells),
   duplicates inside the file and, by blind index in batches, against the roll. Each bad row is
   reported with its line, column and reason; the good rows are staged (encrypted) for step 3 and
   the uploaded file is deleted. State ``validated``.
2. ``import_confirm``: the importer chooses "import the good rows" or "import nothing".
3. The task ``import_insert`` checks ``add_member`` once per distinct branch, then inserts the staged
   rows with ``member_bulk_create``, one transaction (and audit line) per ``INSERT_CHUNK`` rows, so the
   progress bar moves and memory stays flat. State ``done`` with the counts.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core import crypto, scope
from jiceng.core.errors import Conflict
from jiceng.core.identity import InvalidIdNumber, parse_resident_id
from jiceng.core.models import Area, Job, JobState, Org
from jiceng.core.selectors.territory import normalize_code
from jiceng.core.services.jobs import job_finish, job_progress
from jiceng.core.spreadsheets import Sheet, SheetReader, SpreadsheetError, looks_like_formula, parse_date, write_xlsx
from jiceng.members.models import DuesCategory, Education, Member, MemberStatus, Sex
from jiceng.members.services.roll import ADD, member_bulk_create, member_clean, today

log = logging.getLogger(__name__)

KIND = "members.import"
IMPORT = "members.import_member"
CHUNK = 1000  # rows per progress update, per duplicate look-up and per staged block
INSERT_CHUNK = 5000  # rows per insert transaction
MAX_REPORTED = 5000  # error lines kept in the report (the counts are always complete)
MAX_TEMPLATE_BRANCHES = 5000
EXTENSIONS = (".xlsx", ".csv")
CHOICES = ("good_rows", "nothing")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool
    help: str
    example: object = ""


COLUMNS = [
    Column("seq", "序号", ("编号",), False, gettext_lazy("可留空，不导入"), 1),
    Column("name", "姓名", (), True, gettext_lazy("不超过50个字"), "张三"),
    Column("sex", "性别", (), False, gettext_lazy("男或女；可留空，按身份证号判断"), "男"),
    Column("ethnicity", "民族", (), False, gettext_lazy("如 汉族；留空按汉族"), "汉族"),
    Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "公民身份证号", "公民身份证号码", "证件号码"), True,
           gettext_lazy("18位（末位可为X）或15位旧号码；请把该列设为“文本”格式，否则Excel会改掉末几位"),
           "110106198807010011"),
    Column("birth_date", "出生日期", ("出生年月日",), False,
           gettext_lazy("可留空；填写时须与身份证号一致"), date(1988, 7, 1)),
    Column("education", "学历", ("文化程度",), False,
           gettext_lazy("研究生、大学本科、大学专科、中专、高中、初中及以下（也可写 本科、大专、硕士 等）"),
           "大学本科"),
    Column("phone", "手机号码", ("手机号", "手机", "联系电话"), False,
           gettext_lazy("11位手机号，可带 +86"), "13800138000"),
    Column("branch", "所在党支部", ("党支部", "所在支部", "组织关系所在支部", "支部名称"), True,
           gettext_lazy("党支部全称，或“可选支部”表中的支部编号；须在您的管辖范围内"), "嘉园一里第1网格党支部"),
    Column("party_group", "党小组", ("所在党小组",), False,
           gettext_lazy("可留空；填写时须为该支部下的党小组"), ""),
    Column("category", "党员类别", ("党费类别", "人员类别"), False,
           gettext_lazy("在岗职工、年薪制人员、个体经营者、离退休人员、农民、学生、下岗失业人员、享受低保人员；"
                        "留空按在岗职工"), "在岗职工"),
    Column("status", "党籍状态", ("党员状态", "党员类型"), False,
           gettext_lazy("正式党员或预备党员；留空按正式党员"), "正式党员"),
    Column("joined_on", "入党时间", ("入党日期",), True,
           gettext_lazy("日期，如 2015-07-01、2015/7/1、2015.07.01 或 20150701"), date(2015, 7, 1)),
    Column("full_on", "转正时间", ("转正日期",), False,
           gettext_lazy("正式党员填写；留空按入党满一年"), date(2016, 7, 1)),
    Column("work_unit", "工作单位", ("单位",), False, gettext_lazy("不超过120个字"), "北京市某某有限公司"),
    Column("job_title", "职务", ("职务/岗位", "岗位"), False, gettext_lazy("不超过60个字"), "职员"),
    Column("residence", "居住社区", ("所在社区", "居住地"), False,
           gettext_lazy("社区（村）名称或12位区划代码；可留空"), "嘉园一里社区"),
    Column("note", "备注", (), False, gettext_lazy("可留空"), ""),
]
HEADERS = {c.key: c.header for c in COLUMNS}
ALIASES = {c.key: (c.header, *c.aliases) for c in COLUMNS}
REQUIRED = [c.key for c in COLUMNS if c.required]
FORMULA = gettext_lazy("单元格以 = + - @ 开头，可能是公式（公式注入），请改为普通文字")
_SPACES = re.compile(r"\s+")
_AREA_SUFFIX = re.compile(r"(居民委员会|居委会|村民委员会|村委会)$")

# What a staged row holds, in order (after its line number and the ID number's blind index); dates as
# ISO text, orgs and areas as ids.
STAGED = ("name", "id_number", "sex", "birth_date", "phone", "branch", "party_group", "category", "status",
          "joined_on", "full_on", "ethnicity", "education", "work_unit", "job_title", "residence", "is_cadre", "note")
DATES = {"birth_date", "joined_on", "full_on"}
ORGS = {"branch", "party_group"}
REFERENCES = {*ORGS, "residence"}


def _text(value) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))


@cache
def _vocabulary() -> dict[str, dict[str, str]]:
    """The words a roll uses for each coded column, to the stored codes (labels in Chinese, codes too)."""
    def table(choices, **extra):
        with translation.override("zh-hans"):
            words = {str(label): code for code, label in choices.choices}
        return {**words, **{code: code for code in choices.values}, **extra}

    return {
        "sex": table(Sex, 男性="male", 女性="female"),
        "category": table(DuesCategory, 在职="in_service", 在职职工="in_service", 离休="retired", 退休="retired",
                          离退休="retired", 离退休干部="retired", 个体="self_employed", 失业="unemployed",
                          下岗="unemployed", 低保="relief"),
        "status": table(MemberStatus, 正式="full", 预备="probationary"),
        "education": table(Education, 博士="postgraduate", 硕士="postgraduate", 博士研究生="postgraduate",
                           硕士研究生="postgraduate", 本科="bachelor", 大学="bachelor", 大专="college", 专科="college",
                           中技="secondary", 技校="secondary", 中等专科="secondary", 职高="high_school", 初中="junior",
                           小学="junior", 初中以下="junior"),
    }


def _importable(actor, orgs):
    """The organizations among ``orgs`` the actor may import into: within ``import_member`` and ``add_member``."""
    return scope.visible(actor, ADD, scope.visible(actor, IMPORT, orgs))


class _Lookups:
    """Branches, party groups and communities named in the file, looked up once per distinct value."""

    def __init__(self, actor):
        self.branches = _importable(actor, Org.objects.select_related("area"))
        self._branch: dict[str, tuple] = {}
        self._group: dict[tuple, tuple] = {}
        self._area: dict[tuple, tuple] = {}

    def branch(self, text: str) -> tuple[Org | None, str | None]:
        if text not in self._branch:
            digits = text.isdecimal() and len(text) < 19
            found = list(self.branches.filter(**{"pk": int(text)} if digits else {"name": text})[:10])
            if len(found) > 1:
                found = [o for o in found if o.kind == "branch" and o.is_active]
            problem = None
            if not found:
                problem = _("找不到党支部“%(name)s”，或该支部不在您可以导入的范围内") % {"name": text}
            elif len(found) > 1:
                problem = _("有多个名为“%(name)s”的党支部，请改填支部编号（见模板中的“可选支部”表）") % {"name": text}
            self._branch[text] = (found[0] if len(found) == 1 else None, problem)
        return self._branch[text]

    def group(self, branch: Org, text: str) -> tuple[Org | None, str | None]:
        key = (branch.pk, text)
        if key not in self._group:
            group = Org.objects.filter(parent=branch, kind="group", name=text).first()
            problem = None if group else _("“%(branch)s”下没有党小组“%(name)s”") % {"branch": branch.name, "name": text}
            self._group[key] = (group, problem)
        return self._group[key]

    def residence(self, text: str, branch: Org | None) -> tuple[Area | None, str | None]:
        """A community by its code, or by its name; among namesakes, the one nearest the branch."""
        near = branch.area.path if branch is not None and branch.area_id else ""
        key = (text, near)
        if key not in self._area:
            if text.isdigit():
                found = list(Area.objects.filter(code=normalize_code(text)))
            else:
                names = {text, _AREA_SUFFIX.sub("", text)}
                found = list(Area.objects.filter(name__in=names, level__in=("community", "grid"))[:50])
            if len(found) > 1 and near:
                closeness = {a.pk: len(os.path.commonpath([a.path, near])) for a in found}
                best = max(closeness.values())
                found = [a for a in found if closeness[a.pk] == best]
            problem = None
            if not found:
                problem = _("找不到居住社区“%(name)s”，请填写社区名称或12位区划代码") % {"name": text}
            elif len(found) > 1:
                problem = _("有多个名为“%(name)s”的社区，请改填12位区划代码") % {"name": text}
            self._area[key] = (found[0] if len(found) == 1 else None, problem)
        return self._area[key]


def check_row(row: dict, lookups: _Lookups, day: date) -> tuple[dict | None, list[tuple[str, str]]]:
    """One row of the file: ``(cleaned fields, [])`` or ``(None, [(column key, reason), …])``."""
    problems: dict[str, str] = {key: str(FORMULA) for key, value in row.items() if looks_like_formula(value)}
    words = _vocabulary()
    fields: dict = {}
    for key in ("sex", "category", "status", "education"):
        value = row.get(key, "")
        if key in problems or value == "":
            continue
        code = words[key].get(value) or words[key].get(_text(value))
        if code is None:
            problems[key] = _("“%(value)s”不是有效的%(column)s") % {"value": value, "column": HEADERS[key]}
        else:
            fields[key] = code
    for key in DATES:
        if key in problems:
            continue
        try:
            fields[key] = parse_date(row.get(key, ""))
        except ValueError as exc:
            problems[key] = str(exc)
    branch = None
    if "branch" not in problems and row.get("branch"):
        branch, problem = lookups.branch(str(row["branch"]).strip())
        if problem:
            problems["branch"] = problem
    for key, find in (("party_group", lookups.group), ("residence", lookups.residence)):
        value = row.get(key, "")
        if key in problems or not value or (key == "party_group" and branch is None):
            continue
        value = str(value).strip()
        found, problem = find(branch, value) if key == "party_group" else find(value, branch)
        if problem:
            problems[key] = problem
        fields[key] = found
    text = {k: ("" if k in problems else str(row.get(k, ""))) for k in ("name", "ethnicity", "work_unit",
                                                                          "job_title", "note")}
    try:
        cleaned = member_clean(
            name=text["name"], id_number="" if "id_number" in problems else str(row.get("id_number", "")),
            branch=branch, joined_on=fields.pop("joined_on", None),
            phone="" if "phone" in problems else str(row.get("phone", "")),
            ethnicity=text["ethnicity"] or "汉族", work_unit=text["work_unit"], job_title=text["job_title"],
            note=text["note"], day=day, **{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            problems.setdefault(key, "；".join(messages))
        cleaned = None
    if problems:
        return None, sorted(problems.items(), key=lambda item: list(HEADERS).index(item[0])
                            if item[0] in HEADERS else len(HEADERS))
    return cleaned, []


# --- staging the good rows between validation and insert ----------------------------------------

def _encode(line: int, index: str, cleaned: dict) -> list:
    out: list = [line, index]
    for key in STAGED:
        value = cleaned[key]
        if value is not None and key in REFERENCES:
            value = value.pk
        elif value is not None and key in DATES:
            value = value.isoformat()
        out.append(value)
    return out


def _decode(row: list, orgs: dict, areas: dict) -> tuple[int, str, dict]:
    fields = dict(zip(STAGED, row[2:], strict=True))
    for key in DATES:
        if fields[key] is not None:
            fields[key] = date.fromisoformat(fields[key])
    for key in ORGS:
        fields[key] = orgs[fields[key]] if fields[key] is not None else None
    fields["residence"] = areas[fields["residence"]] if fields["residence"] is not None else None
    return row[0], row[1], fields


class _Stage:
    """The good rows, in blocks of ``CHUNK``, each block one line of SM4-encrypted JSON, so no ID
    number rests in plain text; kept in the default storage until the importer decides."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.block: list = []
        self.orgs: set[int] = set()
        self.branches: set[int] = set()
        self.areas: set[int] = set()

    def add(self, line: int, index: str, cleaned: dict) -> None:
        self.block.append(_encode(line, index, cleaned))
        self.branches.add(cleaned["branch"].pk)
        if cleaned["party_group"] is not None:
            self.orgs.add(cleaned["party_group"].pk)
        if cleaned["residence"] is not None:
            self.areas.add(cleaned["residence"].pk)
        if len(self.block) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.block:
            self.file.write(crypto.encrypt(json.dumps(self.block, ensure_ascii=False)).encode("ascii") + b"\n")
            self.block = []

    def save(self, job: Job) -> dict:
        self.flush()
        self.file.seek(0)
        name = default_storage.save(f"jobs/stage/import-{job.pk}-{secrets.token_hex(8)}.txt", File(self.file))
        self.file.close()
        return {"stage": name, "branches": sorted(self.branches), "orgs": sorted(self.orgs | self.branches),
                "areas": sorted(self.areas)}


def _staged_blocks(name: str) -> Iterator[list]:
    with default_storage.open(name, "rb") as f:
        for raw in f:
            if raw.strip():
                yield json.loads(crypto.decrypt(raw.decode("ascii").strip()))


def _drop_upload(job: Job) -> None:
    """The uploaded file holds ID numbers in plain text: it goes as soon as it has been read."""
    if job.file:
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="")


def _drop_stage(job_id: int) -> None:
    """The staged rows go once the importer has decided and the insert has run (or been refused)."""
    job = Job.objects.get(pk=job_id)
    stage = job.options.pop("stage", None)
    if stage:
        if default_storage.exists(stage):
            default_storage.delete(stage)
        Job.objects.filter(pk=job.pk).update(options=job.options)


# --- the steps ----------------------------------------------------------------------------------

def import_start(actor, *, upload) -> Job:
    """上传: keep the file and queue its validation. The actor needs ``import_member`` somewhere."""
    if scope.reach(actor, IMPORT).nowhere:
        raise PermissionDenied(_("您没有导入党员名册的权限。"))
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EXTENSIONS:
        raise ValidationError({"file": [_("请上传 .xlsx 或 .csv 文件（可先下载模板填写）")]})
    from jiceng.core.spreadsheets import MAX_BYTES

    if not upload.size:
        raise ValidationError({"file": [_("文件是空的")]})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": [_("文件超过 %(mb)d MB，请拆分后分批导入") % {"mb": MAX_BYTES // 1024 // 1024}]})
    job = Job(kind=KIND, created_by=actor, file_name=name[:200], state=JobState.PENDING)
    job.file.save(f"import-{secrets.token_hex(8)}{extension}", upload, save=False)
    job.save()
    from jiceng.members.tasks import import_validate

    transaction.on_commit(partial(import_validate.enqueue, job.pk))
    return job


def import_validate_run(job_id: int) -> None:
    """Task body of step 1 (see the module docstring)."""
    job = Job.objects.filter(pk=job_id, kind=KIND, state=JobState.PENDING).select_related("created_by").first()
    if job is None:
        return
    job_progress(job, state=JobState.VALIDATING)
    try:
        with job.file.open("rb") as f, SheetReader(f, name=job.file_name, aliases=ALIASES,
                                                   required=REQUIRED) as sheet:
            job_progress(job, total=sheet.estimated_rows)
            report, result, options = _validate(job, sheet)
        job_finish(job, JobState.VALIDATED, report=report, result=result, options=options,
                total=result["rows"], done=result["rows"])
    except SpreadsheetError as exc:
        job_finish(job, JobState.FAILED, error=str(exc))
    except Exception:
        log.exception("import job %s: validation failed", job.pk)
        job_finish(job, JobState.FAILED, error=_("校验时发生意外错误，未导入任何数据。请重试，或联系管理员。"))
    finally:
        _drop_upload(job)


def _validate(job: Job, sheet: SheetReader) -> tuple[dict, dict, dict]:
    lookups, day = _Lookups(job.created_by), today()
    stage = _Stage()
    seen: dict[str, int] = {}  # blind index of each ID number → first line
    errors: list[dict] = []
    counts = {"rows": 0, "bad": 0, "errors": 0}
    pending: list[tuple[int, str, dict]] = []

    def bad(line: int, name, problems: list[tuple[str, str]]) -> None:
        counts["bad"] += 1
        counts["errors"] += len(problems)
        for key, message in problems:
            if len(errors) < MAX_REPORTED:
                errors.append({"line": line, "field": key, "column": sheet.columns.get(key, HEADERS.get(key, key)),
                               "message": message, "name": str(name)[:50]})

    def against_roll() -> None:
        taken = set(Member.objects.filter(id_index__in=[index for _l, index, _c in pending])
                    .values_list("id_index", flat=True))
        for line, index, cleaned in pending:
            if index in taken:
                bad(line, cleaned["name"], [("id_number", _("该身份证号已在党员名册中"))])
            else:
                stage.add(line, index, cleaned)
        pending.clear()

    for line, row in sheet:
        counts["rows"] += 1
        cleaned, problems = check_row(row, lookups, day)
        number = cleaned["id_number"] if cleaned else _id_or_none(row.get("id_number"))
        if number:
            index = crypto.blind_index(number)
            first = seen.setdefault(index, line)
            if first != line:
                problems = [*problems, ("id_number", _("与第%(line)d行的身份证号重复") % {"line": first})]
        if problems:
            bad(line, row.get("name", ""), problems)
        else:
            pending.append((line, index, cleaned))
            if len(pending) >= CHUNK:
                against_roll()
        if counts["rows"] % CHUNK == 0:
            job_progress(job, done=counts["rows"], total=max(job.total, counts["rows"]))
    against_roll()
    if counts["rows"] == 0:
        raise SpreadsheetError(_("表头下面没有数据行"))
    options = stage.save(job)
    errors.sort(key=lambda e: e["line"])  # rows found on the roll are reported a block later
    good = counts["rows"] - counts["bad"]
    report = {"errors": errors, "truncated": counts["errors"] > len(errors), "columns": sheet.columns,
              "ignored_columns": sheet.ignored, "error_count": counts["errors"]}
    return report, {"rows": counts["rows"], "good": good, "bad": counts["bad"]}, options


def _id_or_none(value) -> str | None:
    try:
        return parse_resident_id(str(value or "")).number
    except InvalidIdNumber:
        return None


@transaction.atomic
def import_confirm(actor, *, job: Job, choice: str) -> Job:
    """The importer's decision on a validated job: ``good_rows`` (insert them) or ``nothing``."""
    if choice not in CHOICES:
        raise ValidationError({"choice": [_("请选择“导入无误的行”或“全部不导入”")]})
    if job.created_by_id != getattr(actor, "pk", None) or job.kind != KIND:
        raise Http404
    if choice == "good_rows" and not job.result.get("good"):
        raise ValidationError({"choice": [_("没有可以导入的行")]})
    target = JobState.RUNNING if choice == "good_rows" else JobState.CANCELLED
    changed = Job.objects.filter(pk=job.pk, state=JobState.VALIDATED).update(
        state=target, done=0, total=job.result.get("good", 0) if choice == "good_rows" else job.total,
        finished_at=None if choice == "good_rows" else timezone.now(), updated_at=timezone.now())
    if not changed:
        raise Conflict({"choice": [_("该导入已经处理过，不能再次选择")]})
    job.refresh_from_db()
    if choice == "nothing":
        transaction.on_commit(partial(_drop_stage, job.pk))
    else:
        from jiceng.members.tasks import import_insert

        transaction.on_commit(partial(import_insert.enqueue, job.pk))
    return job


class _Refused(Exception):
    pass


def import_insert_run(job_id: int) -> None:
    """Task body of step 3 (see the module docstring)."""
    job = Job.objects.filter(pk=job_id, kind=KIND, state=JobState.RUNNING).select_related("created_by").first()
    if job is None:
        return
    created, late = 0, []
    try:
        orgs, areas = _check_targets(job)
        blocks = _staged_blocks(job.options["stage"])
        while batch := [row for _n, block in zip(range(INSERT_CHUNK // CHUNK), blocks, strict=False)
                        for row in block]:
            rows = [_decode(row, orgs, areas) for row in batch]
            taken = set(Member.objects.filter(id_index__in=[index for _l, index, _f in rows])
                        .values_list("id_index", flat=True))
            keep = []
            for line, index, fields in rows:
                if index not in taken:
                    keep.append(fields)
                else:  # registered by someone else since the validation
                    late.append({"line": line, "field": "id_number", "column": HEADERS["id_number"],
                                 "message": _("校验之后该身份证号已被登记入册，本行未导入"), "name": fields["name"]})
            created += member_bulk_create(job.created_by, keep, batch_size=CHUNK, source=job.file_name)
            job_progress(job, done=job.done + len(rows))
        report = {**job.report, "errors": job.report.get("errors", []) + late[:MAX_REPORTED]} if late else job.report
        job_finish(job, JobState.DONE, result={**job.result, "created": created, "skipped": len(late)}, report=report)
    except _Refused as exc:
        job_finish(job, JobState.FAILED, error=str(exc))
    except Exception:
        log.exception("import job %s: insert failed", job.pk)
        job_finish(job, JobState.FAILED, result={**job.result, "created": created},
                error=_("导入中断：已导入 %(n)d 行，其余未导入。请在名册中核对后，把未导入的行重新导入。")
                % {"n": created})
    finally:
        _drop_stage(job.pk)


def _check_targets(job: Job) -> tuple[dict, dict]:
    """Before anything is written: every branch still a branch and still the importer's to add to."""
    orgs = Org.objects.select_related("area").in_bulk(job.options.get("orgs", []))
    areas = Area.objects.in_bulk(job.options.get("areas", []))
    if len(orgs) < len(job.options.get("orgs", [])) or len(areas) < len(job.options.get("areas", [])):
        raise _Refused(_("校验之后有党组织或社区被删除，未导入任何数据，请重新上传"))
    for pk in job.options.get("branches", []):
        branch = orgs[pk]
        if branch.kind != "branch" or not branch.is_active:
            raise _Refused(_("“%(name)s”已不是有效的党支部，未导入任何数据，请重新上传") % {"name": branch.name})
        try:
            scope.require(job.created_by, ADD, branch)
        except (PermissionDenied, Http404):
            raise _Refused(_("您已不能向“%(name)s”登记党员，未导入任何数据") % {"name": branch.name}) from None
    return orgs, areas


# --- the template ---------------------------------------------------------------------------------

def import_template(actor) -> bytes:
    """模板: the headers with one example row, a sheet explaining each column, and the branches the
    actor may import into (name and number, for namesakes)."""
    if scope.reach(actor, IMPORT).nowhere:
        raise PermissionDenied(_("您没有导入党员名册的权限。"))
    branches = (_importable(actor, Org.objects.select_related("parent")).filter(kind="branch", is_active=True)
                .order_by("path")[:MAX_TEMPLATE_BRANCHES])
    buffer = io.BytesIO()
    write_xlsx(buffer, [
        Sheet(_("党员花名册"), [c.header for c in COLUMNS], [[c.example for c in COLUMNS]],
              widths=[max(8, len(c.header) * 2 + 2) for c in COLUMNS]),
        Sheet(_("填写说明"), [_("列名"), _("必填"), _("说明"), _("也可用的列名")],
              [[c.header, _("是") if c.required else "", str(c.help), "、".join(c.aliases)] for c in COLUMNS]
              + [["", "", _("表头须在前几行之内；空行会跳过；以 = + - @ 开头的单元格会被拒绝（防止公式注入）。"), ""]],
              widths=[16, 6, 80, 40]),
        Sheet(_("可选支部"), [_("支部编号"), _("党支部"), _("上级党组织")],
              ([b.pk, b.name, b.parent.name if b.parent_id else ""] for b in branches), widths=[10, 40, 40]),
    ])
    return buffer.getvalue()


def import_error_report(job: Job) -> bytes:
    """The bad rows of a validated import as .xlsx (line, name, column, reason), to correct the file."""
    rows = ([e["line"], e.get("name", ""), e["column"], e["message"]] for e in job.report.get("errors", []))
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet(_("错误行"), [_("行号"), _("姓名"), _("列"), _("原因")], rows, widths=[8, 12, 16, 80])])
    return buffer.getvalue()
