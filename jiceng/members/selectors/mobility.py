"""Reads of member mobility: the floating members of a branch, the lost-contact list (the 停止党籍 review
list, RULES §5) and the in-service members who reported to a community (双报到). Each starts from what
the actor may see: floating and lost members by their branch, reports by the community."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jiceng.core import crypto, scope
from jiceng.core.identity import InvalidIdNumber, parse_resident_id
from jiceng.core.models import Area, Org
from jiceng.members.models import ACTIVE_STATUSES, FloatingRecord, Member, ServiceReport
from jiceng.members.rules import mobility as rules
from jiceng.members.services.roll import today

VIEW_MEMBER = "members.view_member"
VIEW_REPORT = "members.view_servicereport"


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _floating(actor) -> QuerySet[FloatingRecord]:
    """Each record tells whether the member has been away six months (the relationship should be
    transferred) and whether the last contact is six months old (a 停止党籍 review is due once the
    branch marks them lost)."""
    day = today()
    return scope.visible(actor, VIEW_MEMBER, FloatingRecord.objects.select_related(
        "member", "member__branch", "member__branch__area", "local_org", "area")).annotate(
        should_transfer=_flag(Q(returned_on__isnull=True, left_on__lte=rules.floating_transfer_cutoff(day))),
        contact_overdue=_flag(Q(returned_on__isnull=True, last_contact_on__lte=rules.lost_review_cutoff(day))))


def floating_list(actor, *, branch: Org | None = None, state: str = "away", q: str = "") -> QuerySet[FloatingRecord]:
    """流动党员 of the branches the actor sees: ``state`` ``away`` (not back yet), ``returned`` or ``all``."""
    qs = _floating(actor)
    if branch is not None:
        qs = qs.filter(member__branch__path__subtree=branch.path)
    if state == "away":
        qs = qs.filter(returned_on__isnull=True)
    elif state == "returned":
        qs = qs.filter(returned_on__isnull=False)
    if q.strip():
        qs = qs.filter(Q(member__name__contains=q.strip()) | Q(place__contains=q.strip()))
    return qs.order_by("member__branch__path", "-left_on", "-id")


def floating_get(actor, record_id) -> FloatingRecord:
    try:
        return _floating(actor).get(pk=record_id)
    except (FloatingRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def lost_list(actor, *, branch: Org | None = None, review: bool = False, q: str = "") -> QuerySet[Member]:
    """失联党员 and 组织关系未转接 members. ``review_due`` marks those out of contact six months or more:
    the 停止党籍 review list (RULES §5), which the organization decides; ``review=True`` keeps only them."""
    cutoff = rules.lost_review_cutoff(today())
    qs = scope.visible(actor, VIEW_MEMBER, Member.objects.select_related("branch", "branch__area")).filter(
        is_lost=True, status__in=ACTIVE_STATUSES)
    if branch is not None:
        qs = qs.filter(branch__path__subtree=branch.path)
    if review:
        qs = qs.filter(lost_since__lte=cutoff)
    if q.strip():
        qs = qs.filter(name__contains=q.strip())
    return qs.annotate(review_due=_flag(Q(lost_since__lte=cutoff))).order_by("lost_since", "branch__path", "id")


def service_report_list(actor, *, community: Area | None = None, state: str = "open", q: str = "",
                        skill: str = "") -> QuerySet[ServiceReport]:
    """在职党员报到: who has reported to the communities the actor sees, their skills and availability."""
    qs = scope.visible(actor, VIEW_REPORT, ServiceReport.objects.select_related(
        "member", "member__branch", "community", "unit_org"))
    if community is not None:
        qs = qs.filter(community__path__subtree=community.path)
    if state == "open":
        qs = qs.filter(ended_on__isnull=True)
    elif state == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if q.strip():
        qs = qs.filter(Q(member__name__contains=q.strip()) | Q(member__work_unit__contains=q.strip()))
    if skill.strip():
        qs = qs.filter(Q(skills__contains=skill.strip()) | Q(availability__contains=skill.strip()))
    return qs.order_by("community__path", "-reported_on", "-id")


def service_report_get(actor, report_id) -> ServiceReport:
    return scope.get_or_404(actor, VIEW_REPORT, ServiceReport.objects.select_related("member", "community"),
                            pk=report_id)


def communities(actor, perm: str) -> QuerySet[Area]:
    """The communities (社区、村) where ``perm`` reaches: those a member may report to, or whose reports are read."""
    return scope.visible(actor, perm, Area.objects.filter(level="community")).order_by("code")


def member_by_id_number(text: str) -> Member | None:
    """The member holding this full ID number, wherever their branch is: an in-service member reports
    in person with their ID card, usually to a community outside their branch's scope. Exact match on
    the blind index only; callers show masked fields, and the registration service checks scope."""
    try:
        number = parse_resident_id((text or "").strip()).number
    except InvalidIdNumber:
        return None
    return Member.objects.select_related("branch").filter(id_index=crypto.blind_index(number)).first()


def local_org_get(org_id, field: str = "local_org") -> Org:
    """An organization of the system a floating member joins for organizational life, wherever it is
    (the directory is not scoped: the floating member's branch names its host)."""
    org = Org.objects.filter(pk=org_id, is_active=True).first() if str(org_id).isdigit() else None
    if org is None:
        raise ValidationError({field: [_("党组织不存在")]})
    return org
