"""Deadlines after intake: reminders before the deadline, escalation once it has passed, and the recount
of deadlines that crossed a year whose holiday schedule was unknown (北京市接诉即办工作条例 第十八条; RULES §7–8).

- Reminder: an open appeal whose completion deadline (or response deadline, while not accepted) falls
  within ``APPEAL_REMIND_HOURS``; once per appeal (``reminded_at``; an approved extension re-arms it).
  The handling unit's staff get a message through ``core.notify``.
- Escalation: an overdue appeal is escalated to the unit above the one handling it — community → street →
  district — one level per ``APPEAL_ESCALATE_INTERVAL_HOURS`` (``escalation_level``, ``escalated_at``):
  an event on the timeline and a message to the dispatchers of that unit.
- Recount: appeals flagged ``deadline_uncertain`` get their completion deadline counted again once the
  year's official schedule is entered (hooked on the calendar's save; also ``check_appeal_deadlines``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import rules
from jiceng.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Extension,
    ExtensionStatus,
    Order,
    OrderStatus,
    Status,
)
from jiceng.appeals.selectors import appeals as sel
from jiceng.appeals.selectors import catalogue
from jiceng.core import audit, crypto, notify
from jiceng.core.models import Area, Grant, User
from jiceng.core.models.territory import AreaLevel
from jiceng.core.scope import system_actor

ACTOR = system_actor("check_appeal_deadlines")
LIVE = (Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED)


def _remind_hours() -> int:
    return int(getattr(settings, "APPEAL_REMIND_HOURS", 4))


def _interval() -> timedelta:
    return timedelta(hours=int(getattr(settings, "APPEAL_ESCALATE_INTERVAL_HOURS", 24)))


def _phones(users) -> list[str]:
    phones = []
    for cipher in users.exclude(mobile_cipher="").values_list("mobile_cipher", flat=True):
        try:
            phones.append(crypto.decrypt(cipher))
        except Exception:  # noqa: S112  (a rotated key: skip that one number)
            continue
    return phones


def _dispatchers_of(area: Area):
    """Users granted the power to dispatch appeals on exactly ``area`` (its own staff)."""
    ids = Grant.objects.filter(area=area, revoked_at__isnull=True,
                               role__permissions__codename="dispatch_appeal").values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids, is_active=True)


def _handlers_of(order: Order | None, appeal: Appeal):
    """The staff of the handling unit: a department's staff, else the dispatchers of the order's area,
    else of the owning area."""
    if order is not None and order.department_id:
        return User.objects.filter(department_id=order.department_id, is_active=True)
    area = order.area if order is not None else appeal.owner_area
    return _dispatchers_of(area) if area is not None else User.objects.none()


def _message(users, text: str, kind: str) -> int:
    phones = _phones(users)
    for phone in phones:
        notify.send_on_commit(phone, text, kind=kind)
    return len(phones)


def remind_due(now: datetime | None = None) -> int:
    """Remind the handling units of the appeals whose deadline comes within ``APPEAL_REMIND_HOURS``."""
    now = now or timezone.now()
    soon = now + timedelta(hours=_remind_hours())
    due = Q(complete_due_at__gt=now, complete_due_at__lte=soon) | Q(
        responded_at__isnull=True, response_due_at__gt=now, response_due_at__lte=soon)
    count = 0
    for pk in Appeal.objects.filter(due, status__in=LIVE, reminded_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update(of=("self",)).select_related("owner_area").get(pk=pk)
            if appeal.reminded_at is not None:
                continue
            waiting = appeal.responded_at is None and appeal.response_due_at and now < appeal.response_due_at <= soon
            deadline = appeal.response_due_at if waiting else appeal.complete_due_at
            what = _("响应") if waiting else _("办结")
            appeal.reminded_at = now
            appeal.save(update_fields=["reminded_at", "updated_at"])
            text = _("工单%(no)s距%(what)s期限（%(due)s）不足%(h)d小时，请抓紧办理") % {
                "no": appeal.ticket_no, "what": what, "due": f"{timezone.localtime(deadline):%m-%d %H:%M}",
                "h": _remind_hours()}
            AppealEvent.objects.create(appeal=appeal, action="remind", public=False, at=now, note=text,
                                       actor_name=_("系统"))
            order = sel.Order.objects.filter(appeal=appeal, role__in=("lead", "transfer"), status__in=(
                OrderStatus.PENDING, OrderStatus.ACCEPTED)).select_related("area").first()
            sent = _message(_handlers_of(order, appeal), text, "appeal.remind")
            audit.record(ACTOR, "appeal.remind", appeal, node_path=appeal.area_path,
                         summary={"deadline": deadline.isoformat(), "messages": sent})
            count += 1
    return count


def escalation_chain(appeal: Appeal, order: Order | None) -> list[Area]:
    """The units above the handler, nearest first: a community's (or grid's) order goes to the street and
    then the district; a street's or a department's (or an undispatched appeal) to the district."""
    street = appeal.street
    district = appeal.district
    level = order.area.level if order is not None and order.area_id else None
    if level in (AreaLevel.COMMUNITY, AreaLevel.GRID):
        chain = [street, district]
    else:
        chain = [district]
    return [a for a in chain if a is not None]


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate each overdue appeal one level up, at most once per ``APPEAL_ESCALATE_INTERVAL_HOURS``."""
    now = now or timezone.now()
    count = 0
    ready = Q(escalated_at__isnull=True) | Q(escalated_at__lte=now - _interval())
    for pk in Appeal.objects.filter(sel.overdue_condition(now)).filter(ready).values_list("pk", flat=True):
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update(of=("self",)).select_related("street", "district").get(pk=pk)
            if appeal.escalated_at is not None and appeal.escalated_at > now - _interval():
                continue
            order = (Order.objects.filter(appeal=appeal, role__in=("lead", "transfer"))
                     .exclude(status=OrderStatus.CANCELLED).select_related("area").order_by("-pk").first())
            chain = escalation_chain(appeal, order)
            if appeal.escalation_level >= len(chain):
                continue
            upper = chain[appeal.escalation_level]
            appeal.escalation_level += 1
            appeal.escalated_at = now
            appeal.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
            late = _("办结") if appeal.complete_due_at and now > appeal.complete_due_at else _("响应")
            text = _("工单%(no)s已超过%(what)s期限，升级至%(unit)s督办") % {
                "no": appeal.ticket_no, "what": late, "unit": upper.name}
            AppealEvent.objects.create(appeal=appeal, action="escalate", public=False, at=now, note=text,
                                       unit_name=upper.name, actor_name=_("系统"))
            sent = _message(_dispatchers_of(upper), text, "appeal.escalate")
            audit.record(ACTOR, "appeal.escalate", appeal, node_path=appeal.area_path,
                         summary={"level": appeal.escalation_level, "to": upper.name, "messages": sent})
            count += 1
    return count


def recount_uncertain(now: datetime | None = None) -> int:
    """Count again the completion deadlines flagged ``deadline_uncertain`` (an approved extension's days
    are added back); the flag stays where the schedule is still unknown. Returns how many changed."""
    now = now or timezone.now()
    changed = 0
    for pk in Appeal.objects.filter(deadline_uncertain=True, status__in=OPEN_STATUSES).values_list("pk", flat=True):
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update(of=("self",)).select_related("category").get(pk=pk)
            _hours, term = catalogue.terms(appeal.category, appeal.urgency)
            counted = rules.due(appeal.received_at, term)
            if counted.uncertain:
                continue
            extra = sum(Extension.objects.filter(appeal=appeal, status=ExtensionStatus.APPROVED)
                        .values_list("days", flat=True))
            old = appeal.complete_due_at
            appeal.complete_due_at = counted.at + timedelta(days=extra)
            appeal.deadline_uncertain = False
            appeal.save(update_fields=["complete_due_at", "deadline_uncertain", "updated_at"])
            note = _("放假安排已录入，办结期限重算为%(due)s") % {
                "due": f"{timezone.localtime(appeal.complete_due_at):%Y-%m-%d %H:%M}"}
            AppealEvent.objects.create(appeal=appeal, action="recount", public=True, at=now, note=note,
                                       actor_name=_("系统"))
            audit.record(ACTOR, "appeal.recount", appeal, node_path=appeal.area_path, summary={
                "old": old.isoformat() if old else None, "new": appeal.complete_due_at.isoformat()})
            changed += 1
    return changed


def check_deadlines(now: datetime | None = None) -> dict:
    """One pass: recount, remind, escalate."""
    now = now or timezone.now()
    return {"recounted": recount_uncertain(now), "reminded": remind_due(now), "escalated": escalate_overdue(now)}


def calendar_saved(sender, instance, **kwargs) -> None:
    """``post_save`` of ``core.CalendarYear``: recount after the transaction that entered the year commits."""
    def run():
        from jiceng.core import workdays

        workdays.forget_entered()
        recount_uncertain()

    transaction.on_commit(run)
