"""Writes of member mobility (RULES §5): 流动党员 (where they are, the local organization whose life they
join, their return), lost relationships (失联), and in-service members reporting to their home
community (双报到). Each keeps the flags on ``Member`` in step with its records, in one transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Area, Org
from jiceng.members.models import EventKind, FloatingRecord, Member, ServiceReport
from jiceng.members.services.roll import member_event, today

CHANGE = "members.change_member"


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("branch").get(pk=member.pk)


def _date_error(value: date | None, label: str, *, not_before: date | None = None) -> list | None:
    if value is None or value > today():
        return [_("请填写%(label)s（不能晚于今天）") % {"label": label}]
    if not_before and value < not_before:
        return [_("%(label)s不能早于%(d)s") % {"label": label, "d": not_before.isoformat()}]
    return None


def _text_errors(errors: dict, limits: dict[str, tuple[str, int, bool]], values: dict) -> dict:
    """``limits``: field → (label, max length, required)."""
    for field, (label, most, required) in limits.items():
        value = (values.get(field) or "").strip()
        if required and not value:
            errors[field] = [_("请填写%(label)s") % {"label": label}]
        elif len(value) > most:
            errors[field] = [_("%(label)s不能超过%(n)d个字") % {"label": label, "n": most}]
    return errors


@transaction.atomic
def floating_register(actor, *, member: Member, left_on: date, place: str, area: Area | None = None,
                      local_org: Org | None = None, local_org_name: str = "", reason: str = "",
                      contact: str = "") -> FloatingRecord:
    """登记流动党员: where the member is and the organization whose life they join there (RULES §5:
    dues stay with the home branch; no vote where they visit)."""
    scope.require(actor, CHANGE, member)
    member = _lock(member)
    values = {"place": place, "local_org_name": local_org_name, "reason": reason, "contact": contact}
    errors = _text_errors({}, {"place": (_("流入地"), 120, True), "local_org_name": (_("流入地党组织名称"), 150, False),
                               "reason": (_("外出原因"), 120, False), "contact": (_("联系方式"), 120, False)}, values)
    if problem := _date_error(left_on, _("外出日期")):
        errors["left_on"] = problem
    if not member.is_active_member:
        errors["member"] = [_("只有预备党员和正式党员登记为流动党员")]
    if errors:
        raise ValidationError(errors)
    if member.is_floating:
        raise Conflict({"member": [_("该党员已登记外出（%(place)s），登记返回后才能再次登记") % {
            "place": member.floating_place}]})
    record = FloatingRecord.objects.create(
        member=member, left_on=left_on, place=place.strip(), area=area, local_org=local_org,
        local_org_name=local_org.name if local_org else local_org_name.strip(), reason=reason.strip(),
        contact=contact.strip(), last_contact_on=left_on)
    member.is_floating, member.floating_place, member.floating_since = True, record.place, left_on
    if member.last_contact_on is None or member.last_contact_on < left_on:
        member.last_contact_on = left_on
    member.save(update_fields=["is_floating", "floating_place", "floating_since", "last_contact_on", "updated_at"])
    text = _("外出流动：%(place)s") % {"place": record.place}
    if record.local_org_name:
        text += _("，参加%(org)s的组织生活") % {"org": record.local_org_name}
    member_event(member, actor, EventKind.FLOATING, text, on=left_on, data={"floating": record.pk})
    audit.record(actor, "floating.register", member, node_path=member.branch.path,
                 summary={"place": record.place, "left_on": left_on, "local_org": record.local_org_name})
    return record


def _open_record(actor, record: FloatingRecord) -> FloatingRecord:
    scope.require(actor, CHANGE, record)
    record = FloatingRecord.objects.select_for_update().get(pk=record.pk)
    if record.returned_on is not None:
        raise Conflict({"returned_on": [_("该次外出已登记返回")]})
    return record


@transaction.atomic
def floating_contact(actor, *, record: FloatingRecord, on: date, note: str = "") -> FloatingRecord:
    """记录联系: the branch reached the floating member (党员找组织、组织找党员)."""
    record = _open_record(actor, record)
    errors = _text_errors({}, {"note": (_("联系情况"), 200, False)}, {"note": note})
    if problem := _date_error(on, _("联系日期"), not_before=record.left_on):
        errors["on"] = problem
    if errors:
        raise ValidationError(errors)
    member = _lock(record.member)
    before = record.last_contact_on
    record.last_contact_on = max(on, record.last_contact_on or on)
    record.save(update_fields=["last_contact_on"])
    if member.last_contact_on is None or member.last_contact_on < on:
        member.last_contact_on = on
        member.save(update_fields=["last_contact_on", "updated_at"])
    text = _("与流动党员取得联系") + (_("：%(note)s") % {"note": note.strip()} if note.strip() else "")
    member_event(member, actor, EventKind.FLOATING, text, on=on, data={"floating": record.pk})
    audit.record(actor, "floating.contact", member, node_path=member.branch.path,
                 summary={"last_contact_on": [before, record.last_contact_on]})
    return record


@transaction.atomic
def floating_return(actor, *, record: FloatingRecord, returned_on: date) -> FloatingRecord:
    """登记返回: the member is home again; the floating flags are cleared."""
    record = _open_record(actor, record)
    if problem := _date_error(returned_on, _("返回日期"), not_before=record.left_on):
        raise ValidationError({"returned_on": problem})
    member = _lock(record.member)
    record.returned_on = record.last_contact_on = returned_on
    record.save(update_fields=["returned_on", "last_contact_on"])
    member.is_floating, member.floating_place, member.floating_since = False, "", None
    member.last_contact_on = max(returned_on, member.last_contact_on or returned_on)
    member.save(update_fields=["is_floating", "floating_place", "floating_since", "last_contact_on", "updated_at"])
    member_event(member, actor, EventKind.FLOATING, _("外出返回（%(place)s）") % {"place": record.place},
                 on=returned_on, data={"floating": record.pk})
    audit.record(actor, "floating.return", member, node_path=member.branch.path,
                 summary={"place": record.place, "returned_on": returned_on})
    return record


@transaction.atomic
def member_mark_lost(actor, *, member: Member, since: date, note: str = "") -> Member:
    """登记失联: the branch cannot reach the member. Six months on, a 停止党籍 review is listed
    (``selectors.mobility.lost_list``); the status itself is changed only by the organization."""
    scope.require(actor, CHANGE, member)
    member = _lock(member)
    errors = _text_errors({}, {"note": (_("情况说明"), 200, False)}, {"note": note})
    if problem := _date_error(since, _("失联日期")):
        errors["since"] = problem
    if not member.is_active_member:
        errors["member"] = [_("该党员已不在党内")]
    if errors:
        raise ValidationError(errors)
    if member.is_lost:
        raise Conflict({"member": [_("该党员已登记失联（自%(d)s）") % {"d": member.lost_since}]})
    member.is_lost, member.lost_since = True, since
    member.save(update_fields=["is_lost", "lost_since", "updated_at"])
    text = _("登记失联") + (_("：%(note)s") % {"note": note.strip()} if note.strip() else "")
    member_event(member, actor, EventKind.LOST, text, on=since)
    audit.record(actor, "member.lost", member, node_path=member.branch.path,
                 summary={"is_lost": [False, True], "lost_since": since})
    return member


@transaction.atomic
def member_mark_found(actor, *, member: Member, on: date, note: str = "") -> Member:
    """恢复联系: the lost flag is cleared and the contact date recorded."""
    scope.require(actor, CHANGE, member)
    member = _lock(member)
    if not member.is_lost:
        raise Conflict({"member": [_("该党员没有登记失联")]})
    errors = _text_errors({}, {"note": (_("情况说明"), 200, False)}, {"note": note})
    if problem := _date_error(on, _("恢复联系日期"), not_before=member.lost_since):
        errors["on"] = problem
    if errors:
        raise ValidationError(errors)
    member.is_lost, member.lost_since, member.last_contact_on = False, None, on
    member.save(update_fields=["is_lost", "lost_since", "last_contact_on", "updated_at"])
    text = _("恢复联系") + (_("：%(note)s") % {"note": note.strip()} if note.strip() else "")
    member_event(member, actor, EventKind.LOST, text, on=on)
    audit.record(actor, "member.found", member, node_path=member.branch.path,
                 summary={"is_lost": [True, False], "last_contact_on": on})
    return member


@transaction.atomic
def service_report_register(actor, *, member: Member, community: Area, unit_org: Org | None = None,
                            skills: str = "", availability: str = "", reported_on: date) -> ServiceReport:
    """在职党员到社区报到 (双报到): the member, with their unit's organization, registers with the home
    community, which then sees their skills (特长) and when they can serve. One open report each."""
    report = ServiceReport(member=member, community=community, unit_org=unit_org, skills=(skills or "").strip(),
                           availability=(availability or "").strip(), reported_on=reported_on)
    scope.require(actor, "members.add_servicereport", report)
    member = _lock(member)
    errors = _text_errors({}, {"skills": (_("特长"), 200, False), "availability": (_("可服务时间"), 200, False)},
                          {"skills": skills, "availability": availability})
    if community.level != "community":
        errors["community"] = [_("报到社区应为社区（村）")]
    if problem := _date_error(reported_on, _("报到日期")):
        errors["reported_on"] = problem
    if not member.is_active_member:
        errors["member"] = [_("只有预备党员和正式党员到社区报到")]
    if errors:
        raise ValidationError(errors)
    current = ServiceReport.objects.filter(member=member, ended_on__isnull=True).select_related("community").first()
    if current is not None:
        raise Conflict({"member": [_("该党员已在%(c)s报到，结束后才能到其他社区报到") % {"c": current.community.name}]})
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # a concurrent registration won
        raise Conflict({"member": [_("该党员已在其他社区报到")]}) from exc
    member.reports_to = community
    member.save(update_fields=["reports_to", "updated_at"])
    text = _("到%(c)s报到") % {"c": community.name}
    if report.skills:
        text += _("，特长：%(s)s") % {"s": report.skills}
    member_event(member, actor, EventKind.REPORT, text, on=reported_on, data={"report": report.pk})
    audit.record(actor, "report.register", report, node_path=community.path,
                 summary={"community": community.code, "unit_org": unit_org.name if unit_org else ""})
    return report


@transaction.atomic
def service_report_end(actor, *, report: ServiceReport, ended_on: date) -> ServiceReport:
    """结束报到 (moved house, changed job …): the member no longer reports to that community."""
    scope.require(actor, "members.change_servicereport", report)
    report = ServiceReport.objects.select_for_update().select_related("community").get(pk=report.pk)
    if report.ended_on is not None:
        raise Conflict({"ended_on": [_("该报到已结束")]})
    if problem := _date_error(ended_on, _("结束日期"), not_before=report.reported_on):
        raise ValidationError({"ended_on": problem})
    member = _lock(report.member)
    report.ended_on = ended_on
    report.save(update_fields=["ended_on"])
    if member.reports_to_id == report.community_id:
        member.reports_to = None
        member.save(update_fields=["reports_to", "updated_at"])
    member_event(member, actor, EventKind.REPORT, _("结束在%(c)s的报到") % {"c": report.community.name},
                 on=ended_on, data={"report": report.pk})
    audit.record(actor, "report.end", report, node_path=report.community.path, summary={"ended_on": ended_on})
    return report
