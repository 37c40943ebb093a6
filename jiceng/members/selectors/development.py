"""Reads of member development: the ledger (台账), one file, what is due, statistics. Every function
starts from what the actor may see (``scope.visible``); out of scope is 404."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.core import scope
from jiceng.core.models import AuditEvent, Org
from jiceng.members.models import Applicant, ApplicantOutcome, ApplicantStep, Education, Sex, Stage, StepDocument
from jiceng.members.rules import development as rules
from jiceng.members.selectors.roll import person_text_condition
from jiceng.members.services.development_checks import anniversary_qualifies, deadline
from jiceng.members.services.roll import today

VIEW = "members.view_applicant"


@dataclass
class ApplicantFilter:
    q: str = ""  # name, pinyin initials, a full ID number, the masked number's suffix
    org: int | None = None  # an organization: files of branches at or below it (a 党委's ledger)
    stage: str = ""
    outcome: str = ""  # an ApplicantOutcome value; "" = all
    year: int | None = None  # year of application


def _step_date(number: int):
    """The date of the latest row of step ``number`` of each file."""
    rows = ApplicantStep.objects.filter(applicant=OuterRef("pk"), number=number)
    return Subquery(rows.order_by("-done_on").values("done_on")[:1])


def with_due_dates(qs: QuerySet) -> QuerySet:
    """Annotate what ``next_due`` needs beyond the file's own dates."""
    return qs.annotate(last_assessed_on=_step_date(6), full_meeting_on=_step_date(23))


def applicant_list(actor, filters: ApplicantFilter | None = None) -> QuerySet[Applicant]:
    f = filters or ApplicantFilter()
    qs = scope.visible(actor, VIEW, Applicant.objects.select_related("branch", "member"))
    if f.q:
        qs = qs.filter(person_text_condition(f.q, exact_phone=False))  # applicants have no phone index
    if f.org:
        org = Org.objects.filter(pk=f.org).only("path").first()
        qs = qs.filter(branch__path__subtree=org.path) if org else qs.none()
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.year:
        qs = qs.filter(applied_on__year=f.year)
    return with_due_dates(qs).order_by("branch__path", "-applied_on", "id")


def applicant_get(actor, applicant_id) -> Applicant:
    qs = with_due_dates(Applicant.objects.select_related("branch", "branch__area", "member"))
    return scope.get_or_404(actor, VIEW, qs, pk=applicant_id)


def applicant_steps(applicant: Applicant) -> list[ApplicantStep]:
    return list(applicant.steps.prefetch_related("documents").order_by("number", "done_on", "id"))


def step_get(actor, applicant: Applicant, number: int) -> ApplicantStep:
    """The latest recorded row of step ``number`` of a file the actor already holds (404 if none)."""
    row = applicant.steps.filter(number=number).order_by("-done_on", "-id").first()
    if row is None:
        raise Http404
    return row


def document_get(actor, document_id) -> StepDocument:
    """A document of a step of a file the actor sees (404 otherwise)."""
    files = scope.visible(actor, VIEW, Applicant.objects.all())
    return get_object_or_404(StepDocument.objects.filter(step__applicant__in=files), pk=document_id)


def transitions(applicant: Applicant) -> list[dict]:
    """Extension, disqualification and stopping, with their reasons, from the file's audit rows."""
    rows = AuditEvent.objects.filter(object_type="members.applicant", object_id=str(applicant.pk),
                                     action="applicant.step", summary__has_key="transition").order_by("at")
    labels = {"extend": _("延长预备期"), "disqualify": _("取消预备党员资格"), "stop": _("终止培养")}
    return [{"kind": r.summary["transition"], "label": labels.get(r.summary["transition"], ""),
             "on": r.summary.get("on"), "reason": r.summary.get("reason", ""),
             "extended_to": r.summary.get("extended_to"), "actor": r.actor_label} for r in rows]


def next_due(applicant: Applicant) -> rules.Due | None:
    """The next step and its deadline (moved past rest days where the calendar is known)."""
    due = rules.next_due(
        outcome=applicant.outcome, last_step=applicant.last_step, applied_on=applicant.applied_on,
        activist_on=applicant.activist_on, last_assessed_on=getattr(applicant, "last_assessed_on", None),
        admitted_on=applicant.admitted_on, probation_ends_on=applicant.probation_ends_on,
        extended_to=applicant.extended_to, full_meeting_on=getattr(applicant, "full_meeting_on", None),
        anniversary_qualifies=anniversary_qualifies())
    if due and due.due_on and due.kind in {"talk", "approval", "full_approval"}:
        due = rules.Due(due.kind, due.number, due.name, deadline(due.due_on), due.earliest_on)
    return due


@dataclass
class DueItem:
    applicant: Applicant
    kind: str
    label: str
    step: int
    due_on: date
    overdue: bool


DUE_LABELS = {
    "talk": _l("入党申请谈话"), "assessment": _l("积极分子半年考察"), "approval": _l("接收预备党员待审批"),
    "full_discussion": _l("预备期满讨论转正"), "full_approval": _l("转正待审批"),
}


def due_list(actor, *, org: int | None = None, day: date | None = None, horizon_days: int | None = None
             ) -> list[DueItem]:
    """What is due within the horizon (setting ``DEVELOPMENT_DUE_DAYS``, 30) or overdue, soonest first:
    talks, half-yearly assessments of activists, 转正 discussions, approvals (3 months)."""
    day = day or today()
    horizon = day + timedelta(days=horizon_days if horizon_days is not None
                              else int(getattr(settings, "DEVELOPMENT_DUE_DAYS", 30)))
    qs = applicant_list(actor, ApplicantFilter(org=org, outcome=ApplicantOutcome.OPEN)).filter(
        Q(last_step=1) | Q(last_step__gte=3, last_step__lte=6) | Q(last_step__in=(15, 16))
        | Q(last_step__gte=17, last_step__lte=23))
    items = []
    for applicant in qs:
        due = next_due(applicant)
        if due is None or due.due_on is None or due.kind not in DUE_LABELS or due.due_on > horizon:
            continue
        items.append(DueItem(applicant, due.kind, str(DUE_LABELS[due.kind]), due.number, due.due_on,
                             due.due_on < day))
    return sorted(items, key=lambda i: (i.due_on, i.applicant.pk))


def ledger_rows(qs) -> list[dict]:
    """One ledger line per file: the file, its next step with deadline, its 25-step progress."""
    return [{"applicant": a, "due": next_due(a), "progress": progress(a)} for a in qs]


def progress(applicant: Applicant) -> list[dict]:
    """The five stage segments: how many of their steps are done."""
    out = []
    for segment in rules.stage_segments():
        steps = segment["steps"]
        done = sum(1 for n in steps if n <= applicant.last_step)
        out.append({**segment, "done": done, "total": len(steps),
                    "percent": round(100 * done / len(steps)), "first": steps[0], "last": steps[-1]})
    return out


def stats(actor, *, org: int | None = None, year: int | None = None, day: date | None = None) -> dict:
    """Counts of files by year of application, stage, sex, age band and education (the scope's files,
    optionally those of one organization's subtree and one year)."""
    day = day or today()
    qs = applicant_list(actor, ApplicantFilter(org=org, year=year)).values_list(
        "applied_on", "stage", "sex", "birth_date", "education", "outcome", "admitted_on")
    by_year, by_stage, by_sex, by_age, by_edu = Counter(), Counter(), Counter(), Counter(), Counter()
    admitted_by_year = Counter()
    total = 0
    for applied_on, stage, sex, birth, education, outcome, admitted_on in qs:
        total += 1
        by_year[applied_on.year] += 1
        if admitted_on:
            admitted_by_year[admitted_on.year] += 1
        if outcome in (ApplicantOutcome.OPEN, ApplicantOutcome.ADMITTED):
            by_stage[stage] += 1
        by_sex[sex] += 1
        by_age[rules.age_band(birth, day)] += 1
        by_edu[education or ""] += 1
    years = sorted(set(by_year) | set(admitted_by_year))
    edu_labels = dict(Education.choices) | {"": _("未填写")}
    return {
        "total": total,
        "by_year": [{"key": str(y), "label": str(y), "count": by_year[y], "admitted": admitted_by_year[y]}
                    for y in years],
        "by_stage": [{"key": k, "label": str(v), "count": by_stage[k]} for k, v in Stage.choices],
        "by_sex": [{"key": k, "label": str(v), "count": by_sex[k]} for k, v in Sex.choices],
        "by_age": [{"key": str(label), "label": str(label), "count": by_age[str(label)]}
                   for _low, _high, label in rules.AGE_BANDS],
        "by_education": [{"key": k, "label": str(edu_labels[k]), "count": by_edu[k]}
                         for k in [*Education.values, ""] if by_edu[k] or k],
    }


def ledger_orgs(actor) -> QuerySet[Org]:
    """Organizations whose files the actor may narrow the ledger to (党小组 hold no files)."""
    return scope.visible(actor, VIEW, Org.objects.exclude(kind="group").filter(is_active=True)).order_by("path")


def party_groups(actor, branch: Org) -> QuerySet[Org]:
    """The 党小组 of ``branch``, where step 19 may place the new member."""
    return scope.visible(actor, VIEW, Org.objects.filter(parent=branch, kind="group", is_active=True)).order_by("name")
