"""Writes of member development (发展党员): the application (step 1), each later step, the 预备期's
extension, disqualification and stopping. Every step is checked against RULES §4 (``rules.development``
through ``development_checks``); a step that breaks a rule is refused with the rule's words and article
and writes nothing, unless an actor with ``members.except_development`` records it as a justified
exception (audited as such; hard rules cannot be excepted).
"""

from __future__ import annotations

import os
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiceng.core import audit, crypto, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Org
from jiceng.core.pinyin import initials
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
from jiceng.members.rules.standing import probation_end
from jiceng.members.services import development_checks as checks
from jiceng.members.services import roll

ADD = "members.add_applicant"
CHANGE = "members.change_applicant"
EXCEPT = "members.except_development"


# --- writes -------------------------------------------------------------------------------------

def _raise(refusals: list[checks.Refusal]) -> None:
    errors: dict[str, list] = {}
    for r in refusals:
        errors.setdefault(r.field, []).append(r.message)
    raise ValidationError(errors)


def _exception(actor, applicant: Applicant, refusals: list[checks.Refusal], reason: str) -> bool:
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
    name, parsed, mobile = roll.person_clean(name, id_number, phone, errors, roll.today())
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
    files = checks.clean_documents(documents)
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
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError as exc:  # registered by someone else since the check above
        raise Conflict({"id_number": [_("此人已有正在进行的发展党员档案")]}) from exc
    step = ApplicantStep.objects.create(
        applicant=applicant, number=1, done_on=applied_on, responsible=(responsible or "")[:100], note=note or "",
        data={"category": category, "received_by": (received_by or "").strip()[:100]},
        recorded_by=audit.user_of(actor))
    checks.save_documents(step, files)
    audit.record(actor, "applicant.create", applicant, node_path=branch.path,
                 summary={"branch": branch.name, "applied_on": applied_on})
    return applicant


def _locked(applicant: Applicant) -> Applicant:
    return Applicant.objects.select_for_update(of=("self",)).select_related("branch", "branch__area", "member").get(
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
    cleaned = checks.clean_data(step, data)
    files = checks.clean_documents(documents)
    refusals = checks.step_checks(actor, applicant, step, done_on, cleaned, previous_on)
    excepted = _exception(actor, applicant, refusals, exception_reason)
    row = ApplicantStep.objects.create(
        applicant=applicant, number=step.number, done_on=done_on, responsible=(responsible or "").strip()[:100],
        note=note or "", data=cleaned, exception_reason=(exception_reason or "").strip() if excepted else "",
        recorded_by=audit.user_of(actor))
    checks.save_documents(row, files)
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
    step = ApplicantStep.objects.select_for_update().select_related("applicant__branch").get(pk=step.pk)
    files = checks.clean_documents(documents)  # the count below holds while the step is locked
    if not files:
        raise ValidationError({"documents": [_("请选择要上传的文件")]})
    if step.documents.count() + len(files) > checks.MAX_FILES:
        raise ValidationError({"documents": [_("每个步骤最多上传%(n)d个文件") % {"n": checks.MAX_FILES}]})
    checks.save_documents(step, files)
    audit.record(actor, "applicant.step", step.applicant, node_path=step.applicant.branch.path,
                 summary={"number": step.number, "documents": [os.path.basename(f.name) for f in files]})
    return list(step.documents.all())
