"""The checks of each development step (RULES §4) and the parsing of its input, for
``services.development``: a step's data is cleaned by the kinds its ``StepField``s declare, then the
step's rules run and return ``Refusal``s (soft ones an organizer may override as a justified exception,
hard ones never). Reads only; writes are the service's.

Settings (read with defaults): ``PUBLICITY_WORKDAYS`` (5), ``ACTIVIST_ANNIVERSARY_QUALIFIES`` (True),
``DEVELOPMENT_UPLOAD_MAX_MB`` (10).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from jiceng.core import paths as tree_paths
from jiceng.core import scope
from jiceng.core.models import Org
from jiceng.core.rules import COMMITTEES, approval_power_refusal
from jiceng.core.workdays import UnknownCalendar, add_working_days, period_end
from jiceng.members.models import Applicant, ApplicantStep, DuesCategory, Member, MemberStatus, StepDocument
from jiceng.members.rules import development as rules
from jiceng.members.rules.standing import under_probation_discipline, voting_refusal

UPLOAD_TYPES = {  # extension → accepted leading bytes
    ".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".ofd": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",),
}
MAX_FILES = 10
MAX_ID = 2**62  # ids beyond a bigint would be a database error, not a field error


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

def clean_documents(files) -> list:
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


def save_documents(step: ApplicantStep, files) -> None:
    for f in files:
        name = os.path.basename(f.name)[:200]
        StepDocument.objects.create(step=step, file=f, name=name)


def _record_id(value) -> int:
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError
    return number


def _clean_value(field: rules.StepField, value, errors: dict):
    """One item of a step's data, by kind; malformed input is a field error."""
    missing = value is None or value == "" or value == []
    if missing and field.default is not None:
        return field.default
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
            ids = [_record_id(v) for v in ids if str(v).strip()]
            if len(ids) > 10:
                raise ValueError
            return ids
        if kind == "org":
            return _record_id(value)
        text = str(value).strip()
        if kind == "choice" and field.choices and text not in {c[0] for c in field.choices}:
            raise ValueError
        if len(text) > 500:
            errors.setdefault(field.name, []).append(_("不能超过500个字"))
        return text
    except (TypeError, ValueError):
        errors.setdefault(field.name, []).append(_("%(label)s的格式不正确") % {"label": field.label})
        return None


def clean_data(step: rules.Step, data: dict | None) -> dict:
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


def _org_above(applicant: Applicant, cleaned: dict, field: str, refusals: list) -> Org | None:
    """The organization named in ``field``, which must be above the branch (else a hard refusal and
    ``None``); unnamed, the nearest one above that may approve 预备党员 (``None`` if there is none)."""
    above = ancestors(applicant.branch)
    if not cleaned.get(field):
        return next((o for o in above if power_refusal(o) is None), None)
    org = next((o for o in above if o.pk == cleaned[field]), None)
    if org is None:
        refusals.append(Refusal(field, _("应为培养支部的上级党委"), hard=True))
    return org


def _name_org(cleaned: dict, field: str, org: Org) -> None:
    cleaned[field], cleaned[f"{field}_name"] = org.pk, org.name


def _approver(applicant: Applicant, cleaned: dict, field: str, refusals: list) -> None:
    named = bool(cleaned.get(field))
    org = _org_above(applicant, cleaned, field, refusals)
    if org is None:
        if not named:
            refusals.append(Refusal(field, _(
                "培养支部的上级党组织中没有具有审批预备党员权限的基层党委（发展党员工作细则第二十四条）"), hard=True))
        return
    message = power_refusal(org) if named else None
    if message:
        refusals.append(Refusal(field, message, hard=True))
        return
    _name_org(cleaned, field, org)


def entitled_voters(branch: Org, day: date) -> int:
    """Members of the branch with a vote on ``day``: full members (full by then), not under 留党察看."""
    members = Member.objects.filter(branch=branch, status=MemberStatus.FULL).filter(
        Q(full_on__isnull=True) | Q(full_on__lte=day)).prefetch_related("disciplines")
    return sum(1 for m in members if voting_refusal(status=m.status, disciplines=m.disciplines.all(), day=day) is None)


def _vote(applicant: Applicant, cleaned: dict, done_on: date, what: str, refusals: list) -> None:
    entitled = entitled_voters(applicant.branch, done_on)
    cleaned["entitled"] = entitled
    message = rules.vote_refusal(entitled=entitled, present=cleaned["present"], yes=cleaned["yes"],
                                 written_yes=cleaned.get("written_yes") or 0, what=what)
    if message:
        refusals.append(Refusal("yes", message, hard=True))


def step_date(applicant: Applicant, number: int) -> date | None:
    row = applicant.steps.filter(number=number).order_by("-done_on").first()
    return row.done_on if row else None


def step_checks(actor, applicant: Applicant, step: rules.Step, done_on: date, cleaned: dict,
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
        qualified = cleaned["qualified"]
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
    elif n == 24 and not applicant.member_id:
        refusals.append(Refusal("number", _("党员名册中没有此人的预备党员记录，不能办理转正"), hard=True))
    elif n == 24:
        meeting_on = step_date(applicant, 23)
        message = rules.full_approval_refusal(meeting_on, done_on,
                                              due=deadline(rules.approval_due(meeting_on)))
        if message:
            refusals.append(Refusal("done_on", message))
        _approver(applicant, cleaned, "approver", refusals)
    return refusals


def _reviewer(applicant: Applicant, cleaned: dict, refusals: list) -> None:
    """预审 by a 基层党委 above the branch (the one with approval power by default)."""
    named = bool(cleaned.get("reviewer"))
    org = _org_above(applicant, cleaned, "reviewer", refusals)
    if named and org is None:
        return
    message = rules.pre_review_refusal(reviewer_is_committee=bool(org and org.kind in COMMITTEES))
    if message:
        refusals.append(Refusal("reviewer", message))
    if org:
        _name_org(cleaned, "reviewer", org)
