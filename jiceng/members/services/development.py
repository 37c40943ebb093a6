"""Writes of member development (发展党员): the application (step 1), each later step, the 预备期's
extension, disqualification and stopping. Every step is checked against RULES §4 (``rules.development``);
a step that breaks a rule is refused with the rule's words and article and writes nothing, unless an
actor with ``members.except_development`` records it as a justified exception (audited as such).

Settings (read with defaults): ``PUBLICITY_WORKDAYS`` (5), ``ACTIVIST_ANNIVERSARY_QUALIFIES`` (True),
``DEVELOPMENT_UPLOAD_MAX_MB`` (10).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core import audit, crypto, scope
from jiceng.core import paths as tree_paths
from jiceng.core.errors import Conflict
from jiceng.core.identity import InvalidIdNumber, parse_resident_id
from jiceng.core.models import Org
from jiceng.core.pinyin import initials
from jiceng.core.rules import COMMITTEES, approval_power_refusal
from jiceng.core.validators import normalize_mobile
from jiceng.core.workdays import UnknownCalendar, add_working_days, period_end
from jiceng.members.models import (
    Applicant,
    ApplicantOutcome,
    ApplicantStep,
    DuesCategory,
    Education,
    EventKind,
    Member,
    MemberStatus,
    StepDocument,
)
from jiceng.members.rules import development as rules
from jiceng.members.rules.standing import probation_end, under_probation_discipline
from jiceng.members.services import roll

ADD = "members.add_applicant"
CHANGE = "members.change_applicant"
EXCEPT = "members.except_development"
UPLOAD_TYPES = {  # extension → accepted leading bytes
    ".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".ofd": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",),
}
MAX_FILES = 10


def setting(name: str, default):
    return getattr(settings, name, default)


def publicity_workdays() -> int:
    return int(setting("PUBLICITY_WORKDAYS", rules.PUBLICITY_WORKDAYS))


def anniversary_qualifies() -> bool:
    return bool(setting("ACTIVIST_ANNIVERSARY_QUALIFIES", True))


@dataclass(frozen=True)
class Refusal:
    field: str
    message: str
    hard: bool = False  # no exception can override it (age, introducers' standing, the vote, approval power …)


def deadline(nominal: date) -> date:
    """A period ending on a rest day ends on the next working day (民法典 Art. 203); where the year's
    calendar is unknown the nominal day stands (the stricter reading, never a guess in the applicant's favour)."""
    try:
        return period_end(nominal)
    except UnknownCalendar:
        return nominal


# --- input cleaning ---------------------------------------------------------------------------

def _clean_documents(files) -> list:
    files = list(files or [])
    limit = int(setting("DEVELOPMENT_UPLOAD_MAX_MB", 10))
    errors = []
    if len(files) > MAX_FILES:
        errors.append(_("每个步骤最多上传%(n)d个文件") % {"n": MAX_FILES})
    for f in files:
        name = os.path.basename(getattr(f, "name", "") or "")
        ext = os.path.splitext(name)[1].lower()
        if ext not in UPLOAD_TYPES:
            errors.append(_("%(name)s：只能上传 PDF、OFD、Word、Excel 或 JPG/PNG 图片") % {"name": name})
            continue
        if f.size > limit * 1024 * 1024:
            errors.append(_("%(name)s：文件不能超过%(n)dMB") % {"name": name, "n": limit})
            continue
        f.seek(0)
        head = f.read(8)
        f.seek(0)
        if not any(head.startswith(sig) for sig in UPLOAD_TYPES[ext]):
            errors.append(_("%(name)s：文件内容与扩展名不符") % {"name": name})
    if errors:
        raise ValidationError({"documents": errors})
    return files


def _save_documents(step: ApplicantStep, files) -> None:
    for f in files:
        name = os.path.basename(f.name)[:200]
        StepDocument.objects.create(step=step, file=f, name=name)


def _clean_value(field: rules.StepField, value, errors: dict):
    """One item of a step's data, by kind; malformed input is a field error."""
    missing = value is None or value == "" or value == []
    if missing:
        if field.required:
            errors.setdefault(field.name, []).append(_("请填写%(label)s") % {"label": field.label})
        return None
    kind = field.kind
    try:
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind == "int":
            number = int(value)
            if number < 0 or number > 100_000:
                raise ValueError
            return number
        if kind == "number":
            number = float(value)
            if not 0 <= number <= 10_000:
                raise ValueError
            return number
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return str(value).lower() in {"1", "true", "on", "yes", "是"}
        if kind == "members":
            ids = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
            return [int(v) for v in ids if str(v).strip()]
        if kind == "org":
            return int(value)
        text = str(value).strip()
        if kind == "choice" and field.choices and text not in {c[0] for c in field.choices}:
            raise ValueError
        if len(text) > 500:
            errors.setdefault(field.name, []).append(_("不能超过500个字"))
        return text
    except (TypeError, ValueError):
        errors.setdefault(field.name, []).append(_("%(label)s的格式不正确") % {"label": field.label})
        return None


def _clean_data(step: rules.Step, data: dict | None) -> dict:
    data = data or {}
    if not isinstance(data, dict):
        raise ValidationError({"data": [_("步骤数据格式不正确")]})
    errors: dict[str, list] = {}
    cleaned = {f.name: _clean_value(f, data.get(f.name), errors) for f in step.fields}
    if step.number == 17 and cleaned.get("category") and cleaned["category"] not in DuesCategory.values:
        errors.setdefault("category", []).append(_("党费类别无效"))
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- per-step checks ----------------------------------------------------------------------------

def _publicity(cleaned: dict, done_on: date, previous_on: date | None, refusals: list) -> None:
    start = cleaned["publicity_start"]
    if start > done_on or (previous_on and start < previous_on):
        refusals.append(Refusal("publicity_start", _("公示开始日期应在上一步骤之后、本步骤之前"), hard=True))
        return
    n = publicity_workdays()
    try:
        end = add_working_days(start, n)
    except UnknownCalendar as exc:
        refusals.append(Refusal("publicity_start", str(exc), hard=True))
        return
    cleaned["publicity_end"] = end.isoformat()
    cleaned["publicity_start"] = start.isoformat()
    message = rules.publicity_refusal(publicity_start=start, publicity_end=end, decided_on=done_on, workdays=n)
    if message:
        refusals.append(Refusal("publicity_start", message))


def _members(actor, ids: list[int], field: str, role: str, day: date, refusals: list, *,
             check_discipline: bool) -> list[dict]:
    """Resolve member ids the actor can see; each must be a full member (and, for introducers, not
    under 留党察看)."""
    found = {m.pk: m for m in scope.visible(actor, "members.view_member", Member.objects.prefetch_related(
        "disciplines")).filter(pk__in=ids)}
    if len(set(ids)) != len(ids):
        refusals.append(Refusal(field, _("同一名党员不能重复填写"), hard=True))
    out = []
    for pk in ids:
        member = found.get(pk)
        if member is None:
            refusals.append(Refusal(field, _("党员（编号%(id)s）不存在或不在您的管辖范围内") % {"id": pk}, hard=True))
            continue
        message = rules.member_party_refusal(
            name=member.name, status=member.status, role=role,
            under_probation=check_discipline and under_probation_discipline(member.disciplines.all(), day))
        if message:
            refusals.append(Refusal(field, message, hard=True))
        out.append({"id": member.pk, "name": member.name})
    return out


def ancestors(branch: Org) -> list[Org]:
    """The organizations above ``branch``, nearest first (one query; parents attached for the power check)."""
    paths = tree_paths.ancestors(branch.path)[:-1]
    by_path = {o.path: o for o in Org.objects.select_related("area").filter(path__in=paths)}
    chain = [by_path[p] for p in paths if p in by_path]
    for parent, child in itertools.pairwise(chain):
        child.parent = parent
    return list(reversed(chain))


def power_refusal(org: Org) -> str | None:
    """Whether ``org`` may approve 预备党员 (细则 Art. 24 and the power recorded on the organization)."""
    parent = org.parent
    reason = approval_power_refusal(
        kind=org.kind, is_temporary=org.is_temporary,
        parent_is_street_committee=bool(parent and parent.kind in COMMITTEES and parent.area_id
                                        and parent.area.level == "street"),
        area_level=org.area.level if org.area_id else None, sector=org.sector)
    if reason:
        return reason
    if not org.may_approve_admission or not org.is_active:
        return _("%(org)s没有审批预备党员的权限（须经上级党委授权）") % {"org": org.name}
    return None


def approver_for(branch: Org) -> Org | None:
    """The nearest organization above the branch that may approve 预备党员."""
    return next((o for o in ancestors(branch) if power_refusal(o) is None), None)


def _approver(applicant: Applicant, cleaned: dict, field: str, refusals: list) -> None:
    above = ancestors(applicant.branch)
    if cleaned.get(field):
        org = next((o for o in above if o.pk == cleaned[field]), None)
        if org is None:
            refusals.append(Refusal(field, _("应为培养支部的上级党委"), hard=True))
            return
        message = power_refusal(org)
    else:
        org = next((o for o in above if power_refusal(o) is None), None)
        message = None if org else _(
            "培养支部的上级党组织中没有具有审批预备党员权限的基层党委（发展党员工作细则第二十四条）")
    if message:
        refusals.append(Refusal(field, message, hard=True))
        return
    cleaned[field] = org.pk
    cleaned[f"{field}_name"] = org.name


def entitled_voters(branch: Org, day: date) -> int:
    """Members of the branch with a vote on ``day``: full members (full by then), not under 留党察看."""
    from django.db.models import Q

    members = Member.objects.filter(branch=branch, status=MemberStatus.FULL).filter(
        Q(full_on__isnull=True) | Q(full_on__lte=day)).prefetch_related("disciplines")
    return sum(1 for m in members if not under_probation_discipline(m.disciplines.all(), day))


def _vote(applicant: Applicant, cleaned: dict, done_on: date, what: str, refusals: list) -> None:
    entitled = entitled_voters(applicant.branch, done_on)
    cleaned["entitled"] = entitled
    message = rules.vote_refusal(entitled=entitled, present=cleaned["present"], yes=cleaned["yes"],
                                 written_yes=cleaned.get("written_yes") or 0, what=what)
    if message:
        refusals.append(Refusal("yes", message, hard=True))


def _step_date(applicant: Applicant, number: int) -> date | None:
    row = applicant.steps.filter(number=number).order_by("-done_on").first()
    return row.done_on if row else None


def _checks(actor, applicant: Applicant, step: rules.Step, done_on: date, cleaned: dict,
            previous_on: date | None) -> list[Refusal]:
    refusals: list[Refusal] = []
    n = step.number
    if n == 2:
        message = rules.talk_refusal(applicant.applied_on, done_on, due=deadline(rules.talk_due(applicant.applied_on)))
        if message:
            refusals.append(Refusal("done_on", message))
    elif n == 5:
        cleaned["contacts"] = _members(actor, cleaned["contacts"], "contacts", _("培养联系人"), done_on, refusals,
                                       check_discipline=False)
        message = rules.contacts_refusal(len(cleaned["contacts"]))
        if message:
            refusals.append(Refusal("contacts", message))
    elif n == 7:
        message = rules.activist_year_refusal(applicant.activist_on, done_on,
                                              anniversary_qualifies=anniversary_qualifies())
        if message:
            refusals.append(Refusal("done_on", message))
        _publicity(cleaned, done_on, previous_on, refusals)
    elif n == 9:
        cleaned["introducers"] = _members(actor, cleaned["introducers"], "introducers", _("入党介绍人"), done_on,
                                          refusals, check_discipline=True)
        message = rules.introducer_count_refusal(len(cleaned["introducers"]))
        if message:
            refusals.append(Refusal("introducers", message, hard=True))
    elif n == 10:
        qualified = True if cleaned.get("qualified") is None else cleaned["qualified"]
        cleaned["qualified"] = qualified
        message = rules.political_review_refusal(cleaned["conclusion"], qualified)
        if message:
            refusals.append(Refusal("conclusion" if qualified else "qualified", message, hard=True))
    elif n == 11:
        message = rules.training_refusal(cleaned.get("days"), cleaned.get("hours"))
        if message:
            refusals.append(Refusal("days", message))
    elif n == 12:
        _publicity(cleaned, done_on, previous_on, refusals)
    elif n == 13:
        _reviewer(applicant, cleaned, refusals)
        message = rules.leaving_refusal(bool(cleaned.get("leaving_soon")))
        if message:
            refusals.append(Refusal("leaving_soon", message))
    elif n == 15:
        _vote(applicant, cleaned, done_on, _("接收预备党员"), refusals)
    elif n == 17:
        admitted = applicant.admitted_on
        message, hard = rules.approval_refusal(
            admitted, done_on, delay_reason=cleaned.get("delay_reason") or "",
            due=deadline(rules.approval_due(admitted)), limit=deadline(rules.approval_limit(admitted)))
        if message:
            refusals.append(Refusal("done_on", message, hard=hard))
        _approver(applicant, cleaned, "approver", refusals)
    elif n == 19 and cleaned.get("party_group"):
        group = Org.objects.filter(pk=cleaned["party_group"], kind="group", parent=applicant.branch).first()
        if group is None:
            refusals.append(Refusal("party_group", _("党小组应属于培养支部"), hard=True))
        else:
            cleaned["party_group_name"] = group.name
    elif n == 23:
        end = rules.full_on(applicant.probation_ends_on, applicant.extended_to)
        message = rules.full_meeting_refusal(end, done_on)
        if message:
            refusals.append(Refusal("done_on", message))
        _vote(applicant, cleaned, done_on, _("预备党员转正"), refusals)
    elif n == 24:
        meeting_on = _step_date(applicant, 23)
        message = rules.full_approval_refusal(meeting_on, done_on,
                                              due=deadline(rules.add_months(meeting_on, rules.APPROVAL_MONTHS)))
        if message:
            refusals.append(Refusal("done_on", message))
        _approver(applicant, cleaned, "approver", refusals)
    return refusals


def _reviewer(applicant: Applicant, cleaned: dict, refusals: list) -> None:
    """预审 by a 基层党委 above the branch (the one with approval power by default)."""
    above = ancestors(applicant.branch)
    if cleaned.get("reviewer"):
        org = next((o for o in above if o.pk == cleaned["reviewer"]), None)
        if org is None:
            refusals.append(Refusal("reviewer", _("应为培养支部的上级党委"), hard=True))
            return
    else:
        org = next((o for o in above if power_refusal(o) is None), None)
    message = rules.pre_review_refusal(reviewer_is_committee=bool(org and org.kind in COMMITTEES))
    if message:
        refusals.append(Refusal("reviewer", message))
    if org:
        cleaned["reviewer"], cleaned["reviewer_name"] = org.pk, org.name


# --- writes -------------------------------------------------------------------------------------

def _raise(refusals: list[Refusal]) -> None:
    errors: dict[str, list] = {}
    for r in refusals:
        errors.setdefault(r.field, []).append(r.message)
    raise ValidationError(errors)


def _exception(actor, applicant: Applicant, refusals: list[Refusal], reason: str) -> bool:
    """Whether a refused step may be recorded as an exception; raises when it may not."""
    reason = (reason or "").strip()
    if not refusals:
        if reason:
            raise ValidationError({"exception_reason": [_("本步骤符合规定，无需登记例外情形")]})
        return False
    if not reason:
        _raise(refusals)
    if not scope.can(actor, EXCEPT, applicant):
        raise PermissionDenied(_("您没有登记发展党员例外情形的权限"))
    hard = [r for r in refusals if r.hard]
    if hard:
        _raise(hard)
    return True


def _identity(name: str, id_number: str, phone: str, applied_on: date | None, errors: dict):
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("请填写姓名"))
    elif len(name) > 50:
        errors.setdefault("name", []).append(_("姓名不能超过50个字"))
    parsed = None
    try:
        parsed = parse_resident_id(id_number, today=roll.today())
    except InvalidIdNumber as exc:
        errors.setdefault("id_number", []).append(str(exc))
    mobile = ""
    if phone:
        mobile = normalize_mobile(phone) or ""
        if not mobile:
            errors.setdefault("phone", []).append(_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对"))
    if applied_on is None:
        errors.setdefault("applied_on", []).append(_("请填写递交申请日期"))
    elif applied_on > roll.today():
        errors.setdefault("applied_on", []).append(_("递交申请日期不能晚于今天"))
    elif parsed:
        message = rules.age_refusal(parsed.birth_date, applied_on)
        if message:
            errors.setdefault("applied_on", []).append(message)
    return name, parsed, mobile


@transaction.atomic
def applicant_create(actor, *, branch: Org, name: str, id_number: str, applied_on: date | None, phone: str = "",
                     ethnicity: str = "汉族", education: str = "", work_unit: str = "",
                     category: str = DuesCategory.IN_SERVICE, responsible: str = "", note: str = "",
                     received_by: str = "", documents=()) -> Applicant:
    """登记入党申请 (step 1): a person applies to ``branch``; the actor needs ``add_applicant`` there."""
    scope.require(actor, ADD, branch)
    errors: dict[str, list] = {}
    name, parsed, mobile = _identity(name, id_number, phone, applied_on, errors)
    roll._check_branch(branch, errors)
    if education and education not in Education.values:
        errors.setdefault("education", []).append(_("学历无效"))
    if category not in DuesCategory.values:
        errors.setdefault("category", []).append(_("党费类别无效"))
    if errors:
        raise ValidationError(errors)
    files = _clean_documents(documents)
    index = crypto.blind_index(parsed.number)
    if Member.objects.filter(id_index=index, status__in=[MemberStatus.PROBATIONARY, MemberStatus.FULL]).exists():
        raise Conflict({"id_number": [_("此人已是党员")]})
    if Applicant.objects.filter(id_index=index, outcome=ApplicantOutcome.OPEN).exists():
        raise Conflict({"id_number": [_("此人已有正在进行的发展党员档案")]})
    applicant = Applicant(name=name, pinyin=initials(name)[:50], sex=parsed.sex, birth_date=parsed.birth_date,
                          ethnicity=(ethnicity or "汉族").strip()[:20], education=education or "",
                          work_unit=(work_unit or "").strip()[:120], branch=branch, applied_on=applied_on,
                          last_step=1, stage=rules.APPLICANT)
    applicant.set_id_number(parsed.number)
    applicant.set_phone(mobile)
    applicant.save()
    step = ApplicantStep.objects.create(
        applicant=applicant, number=1, done_on=applied_on, responsible=(responsible or "")[:100], note=note or "",
        data={"category": category, "received_by": (received_by or "").strip()[:100]},
        recorded_by=_user(actor))
    _save_documents(step, files)
    audit.record(actor, "applicant.create", applicant, node_path=branch.path,
                 summary={"branch": branch.name, "applied_on": applied_on})
    return applicant


def _user(actor):
    return actor if getattr(actor, "pk", None) is not None and not getattr(actor, "is_system", False) else None


def _locked(applicant: Applicant) -> Applicant:
    return Applicant.objects.select_for_update().select_related("branch", "branch__area", "member").get(
        pk=applicant.pk)


@transaction.atomic
def applicant_step(actor, *, applicant: Applicant, number: int, done_on: date | None, responsible: str = "",
                   note: str = "", data: dict | None = None, documents=(), exception_reason: str = "") -> ApplicantStep:
    """记录发展步骤 ``number`` (2–25). Refused steps raise a field-level ``ValidationError`` and write nothing."""
    scope.require(actor, CHANGE, applicant)
    applicant = _locked(applicant)
    step = rules.step_for(number) if isinstance(number, int) else None
    if step is None or step.number == 1:
        raise ValidationError({"number": [_("步骤应为2至25")]})
    open_for = ApplicantOutcome.ADMITTED if step.number == rules.LAST_STEP else ApplicantOutcome.OPEN
    if applicant.outcome not in (ApplicantOutcome.OPEN, open_for) or (
            applicant.outcome == ApplicantOutcome.ADMITTED and step.number != rules.LAST_STEP):
        raise ValidationError({"number": [_("该发展党员档案已%(o)s，不能再登记步骤") % {
            "o": applicant.get_outcome_display()}]})
    message = rules.order_refusal(number=step.number, last_step=applicant.last_step,
                                  repeatable_last=rules.BY_NUMBER[applicant.last_step].repeatable)
    if message:
        raise ValidationError({"number": [message]})
    previous_on = applicant.steps.order_by("-number", "-done_on").values_list("done_on", flat=True).first()
    if done_on is None:
        raise ValidationError({"done_on": [_("请填写日期")]})
    message = rules.date_refusal(done_on=done_on, previous_on=previous_on, today=roll.today())
    if message:
        raise ValidationError({"done_on": [message]})
    cleaned = _clean_data(step, data)
    files = _clean_documents(documents)
    refusals = _checks(actor, applicant, step, done_on, cleaned, previous_on)
    excepted = _exception(actor, applicant, refusals, exception_reason)
    row = ApplicantStep.objects.create(
        applicant=applicant, number=step.number, done_on=done_on, responsible=(responsible or "").strip()[:100],
        note=note or "", data=cleaned, exception_reason=(exception_reason or "").strip() if excepted else "",
        recorded_by=_user(actor))
    _save_documents(row, files)
    _advance(actor, applicant, step, row, cleaned)
    summary = {"number": step.number, "step": str(step.name), "done_on": done_on}
    if excepted:
        summary |= {"rules": [r.message for r in refusals], "reason": row.exception_reason}
        audit.record(actor, "applicant.exception", applicant, node_path=applicant.branch.path, summary=summary)
    else:
        audit.record(actor, "applicant.step", applicant, node_path=applicant.branch.path, summary=summary)
    return row


def _advance(actor, applicant: Applicant, step: rules.Step, row: ApplicantStep, cleaned: dict) -> None:
    """What a recorded step changes beyond its own row."""
    n, day = step.number, row.done_on
    if n == 3:
        applicant.activist_on = day
    elif n == 7:
        applicant.candidate_on = day
    elif n == 15:
        applicant.admitted_on = day
        applicant.probation_ends_on = probation_end(day)
    elif n == 17:
        applicant.member = _admit(actor, applicant, row, cleaned)
    elif n == 19 and cleaned.get("party_group") and applicant.member_id:
        Member.objects.filter(pk=applicant.member_id).update(party_group_id=cleaned["party_group"])
    elif n == 20 and applicant.member_id:
        roll.member_event(applicant.member, actor, EventKind.DEVELOPMENT, _("入党宣誓"), on=day)
    elif n == 24:
        _make_full(actor, applicant, row)
        applicant.outcome = ApplicantOutcome.ADMITTED
    if n > applicant.last_step:
        applicant.last_step = n
    applicant.stage = rules.standing_after(applicant.last_step)
    applicant.save()


def _admit(actor, applicant: Applicant, row: ApplicantStep, cleaned: dict) -> Member:
    """Step 17: the 党委 approves; the person enters the roll as 预备党员 from the branch meeting date."""
    first = applicant.steps.filter(number=1).first()
    category = cleaned.get("category") or (first.data.get("category") if first else "") or DuesCategory.IN_SERVICE
    member = roll.member_create(
        actor, branch=applicant.branch, name=applicant.name, id_number=applicant.id_number, phone=applicant.phone,
        joined_on=applicant.admitted_on, status=MemberStatus.PROBATIONARY, category=category, sex=applicant.sex,
        birth_date=applicant.birth_date, ethnicity=applicant.ethnicity, education=applicant.education,
        work_unit=applicant.work_unit)
    roll.member_event(member, actor, EventKind.DEVELOPMENT, _(
        "支部大会%(m)s讨论通过，%(org)s%(d)s批准为预备党员，预备期至%(end)s") % {
        "m": applicant.admitted_on.isoformat(), "org": cleaned.get("approver_name", ""), "d": row.done_on.isoformat(),
        "end": applicant.probation_ends_on.isoformat()}, on=applicant.admitted_on, data={"applicant": applicant.pk})
    return member


def _make_full(actor, applicant: Applicant, row: ApplicantStep) -> None:
    """Step 24: 转正. 转正时间 = the end of the 预备期 (extended or not), whatever the approval date."""
    member = Member.objects.select_for_update().get(pk=applicant.member_id)
    full_on = rules.full_on(applicant.probation_ends_on, applicant.extended_to)
    member.status, member.full_on, member.status_changed_on = MemberStatus.FULL, full_on, row.done_on
    member.save(update_fields=["status", "full_on", "status_changed_on", "updated_at"])
    applicant.full_on = full_on
    roll.member_event(member, actor, EventKind.STATUS, _("预备党员 → 正式党员：%(d)s批准，转正时间%(f)s") % {
        "d": row.done_on.isoformat(), "f": full_on.isoformat()}, on=full_on, data={"status": MemberStatus.FULL})


def _transition_checks(applicant: Applicant, on: date | None, reason: str, *, need_member: bool) -> None:
    errors: dict[str, list] = {}
    if applicant.outcome != ApplicantOutcome.OPEN:
        errors["outcome"] = [_("该发展党员档案已%(o)s") % {"o": applicant.get_outcome_display()}]
    elif need_member and not applicant.member_id:
        errors["outcome"] = [_("只有已批准的预备党员才能延长预备期或取消预备党员资格")]
    elif not need_member and applicant.member_id:
        errors["outcome"] = [_("已是预备党员的，请办理延长预备期或取消预备党员资格")]
    if on is None or on > roll.today():
        errors["on"] = [_("日期不能为空，也不能晚于今天")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写依据或原因")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def applicant_extend(actor, *, applicant: Applicant, on: date | None, extended_to: date | None,
                     reason: str) -> Applicant:
    """延长预备期: once, by six months to one year (细则 Art. 32), decided by the branch meeting and approved."""
    scope.require(actor, CHANGE, applicant)
    applicant = _locked(applicant)
    _transition_checks(applicant, on, reason, need_member=True)
    if extended_to is None:
        raise ValidationError({"extended_to": [_("请填写延长至的日期")]})
    message = rules.extension_refusal(probation_ends_on=applicant.probation_ends_on, extended_to=extended_to,
                                      already_extended=applicant.extended_to is not None)
    if message:
        raise ValidationError({"extended_to": [message]})
    applicant.extended_to = extended_to
    applicant.save(update_fields=["extended_to", "updated_at"])
    Member.objects.filter(pk=applicant.member_id).update(probation_extended_to=extended_to)
    roll.member_event(applicant.member, actor, EventKind.DEVELOPMENT, _("延长预备期至%(d)s：%(r)s") % {
        "d": extended_to.isoformat(), "r": reason.strip()}, on=on, data={"extended_to": extended_to.isoformat()})
    audit.record(actor, "applicant.step", applicant, node_path=applicant.branch.path,
                 summary={"transition": "extend", "on": on, "extended_to": extended_to, "reason": reason})
    return applicant


@transaction.atomic
def applicant_disqualify(actor, *, applicant: Applicant, on: date | None, reason: str,
                         document_no: str = "") -> Applicant:
    """取消预备党员资格 (党章 Art. 7, 细则 Art. 32): the member's status becomes 取消预备党员资格."""
    scope.require(actor, CHANGE, applicant)
    applicant = _locked(applicant)
    _transition_checks(applicant, on, reason, need_member=True)
    roll.member_set_status(actor, member=applicant.member, status=MemberStatus.DISQUALIFIED, on=on,
                           reason=reason.strip(), document_no=document_no)
    applicant.outcome = ApplicantOutcome.DISQUALIFIED
    applicant.save(update_fields=["outcome", "updated_at"])
    audit.record(actor, "applicant.step", applicant, node_path=applicant.branch.path,
                 summary={"transition": "disqualify", "on": on, "reason": reason})
    return applicant


@transaction.atomic
def applicant_stop(actor, *, applicant: Applicant, on: date | None, reason: str) -> Applicant:
    """终止培养: the file of someone not (yet) a 预备党员 is closed, with the reason."""
    scope.require(actor, CHANGE, applicant)
    applicant = _locked(applicant)
    _transition_checks(applicant, on, reason, need_member=False)
    applicant.outcome = ApplicantOutcome.STOPPED
    applicant.save(update_fields=["outcome", "updated_at"])
    audit.record(actor, "applicant.step", applicant, node_path=applicant.branch.path,
                 summary={"transition": "stop", "on": on, "reason": reason})
    return applicant


@transaction.atomic
def step_documents_add(actor, *, step: ApplicantStep, documents) -> list[StepDocument]:
    """Attach documents to a recorded step (申请书, 思想汇报, 政审材料 …)."""
    scope.require(actor, CHANGE, step.applicant)
    files = _clean_documents(documents)
    if not files:
        raise ValidationError({"documents": [_("请选择要上传的文件")]})
    if step.documents.count() + len(files) > MAX_FILES:
        raise ValidationError({"documents": [_("每个步骤最多上传%(n)d个文件") % {"n": MAX_FILES}]})
    _save_documents(step, files)
    audit.record(actor, "applicant.step", step.applicant, node_path=step.applicant.branch.path,
                 summary={"number": step.number, "documents": [os.path.basename(f.name) for f in files]})
    return list(step.documents.all())
