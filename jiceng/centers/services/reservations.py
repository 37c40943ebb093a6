"""Room reservations (功能室预约). Two reservations of one room never overlap: the room's row is locked
(``select_for_update``) and the overlap is checked inside that transaction, so concurrent requests for
the same room are serialised (PostgreSQL row lock; SQLite IMMEDIATE transactions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.centers.models import HOLDING_STATUSES, Purpose, ReservationStatus, Room, RoomReservation
from jiceng.centers.selectors.places import hours_on
from jiceng.centers.services.places import notify
from jiceng.core import audit, crypto, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Org
from jiceng.core.validators import normalize_mobile

ADD = "centers.add_roomreservation"
CHANGE = "centers.change_roomreservation"
APPROVE = "centers.approve_roomreservation"


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else timezone.make_aware(moment)


def reservation_clean(*, room: Room, org: Org | None, applicant: str, contact_name: str, contact_phone: str,
                      purpose: str, title: str, attendees: int, starts_at, ends_at, now: datetime) -> dict:
    errors: dict[str, list] = {}
    applicant = (applicant or "").strip()[:100]
    if org is None and not applicant:
        errors["applicant"] = [_("请选择预约组织，或填写预约单位名称")]
    contact_name = (contact_name or "").strip()
    if not contact_name or len(contact_name) > 50:
        errors["contact_name"] = [_("请填写联系人（不超过50个字）")]
    phone = ""
    if contact_phone:
        phone = normalize_mobile(contact_phone) or ""
        if not phone:
            errors["contact_phone"] = [_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("请选择用途")]
    title = (title or "").strip()
    if not title or len(title) > 120:
        errors["title"] = [_("请填写主题（不超过120个字）")]
    if not isinstance(attendees, int) or attendees < 0:
        errors["attendees"] = [_("参加人数应为非负整数")]
    elif room.capacity and attendees > room.capacity:
        errors["attendees"] = [_("参加人数超过该功能室的容纳人数（%(n)d人）") % {"n": room.capacity}]
    if not room.is_bookable or not room.is_active or not room.center.is_active:
        errors["room"] = [_("该功能室暂不开放预约")]
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        errors["starts_at"] = [_("请填写开始和结束时间")]
    else:
        starts_at, ends_at = _local(starts_at), _local(ends_at)
        if ends_at <= starts_at:
            errors["ends_at"] = [_("结束时间应晚于开始时间")]
        elif starts_at < now:
            errors["starts_at"] = [_("开始时间已过，请选择以后的时间")]
        elif starts_at.date() > (now + timedelta(days=settings.ROOM_RESERVATION_DAYS_AHEAD)).date():
            errors["starts_at"] = [_("最多可预约%(n)d天以内的时间") % {"n": settings.ROOM_RESERVATION_DAYS_AHEAD}]
        elif ends_at.date() != starts_at.date():
            errors["ends_at"] = [_("预约应在同一天内开始和结束")]
        else:
            hours = hours_on(room.center, starts_at.date())
            if hours is None:
                errors["starts_at"] = [_("%(d)s中心不开放，请选择其他日期") % {"d": f"{starts_at:%Y-%m-%d}"}]
            elif starts_at.time() < hours.opens or ends_at.time() > hours.closes:
                errors["starts_at"] = [_("当天开放时间为%(o)s–%(c)s，预约时间应在开放时间内") % {
                    "o": f"{hours.opens:%H:%M}", "c": f"{hours.closes:%H:%M}"}]
    if errors:
        raise ValidationError(errors)
    return {"org": org, "applicant": "" if org else applicant, "contact_name": contact_name,
            "contact_phone_cipher": crypto.encrypt(phone) if phone else "",
            "contact_phone_masked": crypto.mask_mobile(phone) if phone else "", "purpose": purpose,
            "title": title, "attendees": attendees, "starts_at": starts_at, "ends_at": ends_at}


@transaction.atomic
def reservation_create(actor, *, room: Room, org: Org | None = None, applicant: str = "", contact_name: str,
                       contact_phone: str = "", purpose: str, title: str, attendees: int = 0, starts_at, ends_at,
                       meeting=None) -> RoomReservation:
    """Reserve ``room`` for an organization (or a named applicant). The actor reserves either as the
    center's staff (``add_roomreservation`` on the center's area) or for their own organization
    (on the org). Confirmed at once unless the room needs approval and the actor is not the center's
    approver. An overlap with a pending or confirmed reservation of the same room is a ``Conflict``."""
    reach = scope.reach(actor, ADD)
    area_path = room.center.area.path
    if not reach.covers(area_path=area_path):  # not the center's staff: only for one's own organization
        if reach.nowhere:
            raise PermissionDenied(_("您没有预约功能室的权限。"))
        if org is None:
            raise ValidationError({"org": [_("请选择预约组织")]})
        if not reach.covers(org_path=org.path):
            raise ValidationError({"org": [_("只能为本组织预约")]})
    if meeting is not None and (org is None or meeting.org_id != org.pk):
        raise ValidationError({"meeting": [_("会议记录应属于预约组织")]})
    clean = reservation_clean(room=room, org=org, applicant=applicant, contact_name=contact_name,
                              contact_phone=contact_phone, purpose=purpose, title=title, attendees=attendees,
                              starts_at=starts_at, ends_at=ends_at, now=timezone.localtime())
    Room.objects.select_for_update().filter(pk=room.pk).first()  # serialise reservations of this room
    clash = (RoomReservation.objects.filter(room=room, status__in=HOLDING_STATUSES,
                                            starts_at__lt=clean["ends_at"], ends_at__gt=clean["starts_at"])
             .order_by("starts_at").first())
    if clash is not None:
        raise Conflict({"starts_at": [_("该时段已被预约（%(s)s–%(e)s），请选择其他时间") % {
            "s": f"{timezone.localtime(clash.starts_at):%H:%M}", "e": f"{timezone.localtime(clash.ends_at):%H:%M}"}]})
    approver = scope.reach(actor, APPROVE).covers(area_path=area_path)
    status = ReservationStatus.PENDING if room.needs_approval and not approver else ReservationStatus.APPROVED
    reservation = RoomReservation.objects.create(room=room, status=status, meeting=meeting,
                                                 created_by=audit.user_of(actor), **clean)
    audit.record(actor, "reservation.create", reservation, node_path=area_path,
                 summary={"status": status, "starts_at": clean["starts_at"].isoformat()})
    if status == ReservationStatus.PENDING:
        notify(room.center, actor, _("新的功能室预约待审核：%(room)s %(when)s %(who)s") % {
            "room": room.name, "when": f"{clean['starts_at']:%m-%d %H:%M}", "who": reservation.applicant_name})
    return reservation


def _transition(actor, reservation: RoomReservation, perm: str, allowed: tuple, status: str, action: str,
                note: str = "") -> RoomReservation:
    scope.require(actor, perm, reservation)
    updated = RoomReservation.objects.filter(pk=reservation.pk, status__in=allowed).update(
        status=status, decided_at=timezone.now(), decision_note=(note or "").strip()[:200])
    if not updated:
        reservation.refresh_from_db(fields=["status"])
        raise Conflict({"status": [_("该预约当前状态为“%(s)s”，不能办理") % {"s": reservation.get_status_display()}]})
    reservation.refresh_from_db()
    audit.record(actor, action, reservation, node_path=reservation.room.center.area.path, summary={"note": note})
    return reservation


@transaction.atomic
def reservation_approve(actor, *, reservation: RoomReservation, note: str = "") -> RoomReservation:
    return _transition(actor, reservation, APPROVE, (ReservationStatus.PENDING,), ReservationStatus.APPROVED,
                       "reservation.approve", note)


@transaction.atomic
def reservation_refuse(actor, *, reservation: RoomReservation, note: str = "") -> RoomReservation:
    if not (note or "").strip():
        scope.require(actor, APPROVE, reservation)
        raise ValidationError({"note": [_("请填写不予通过的理由")]})
    return _transition(actor, reservation, APPROVE, (ReservationStatus.PENDING,), ReservationStatus.REFUSED,
                       "reservation.refuse", note)


@transaction.atomic
def reservation_cancel(actor, *, reservation: RoomReservation, note: str = "") -> RoomReservation:
    if reservation.ends_at <= timezone.now():
        scope.require(actor, CHANGE, reservation)
        raise ValidationError({"status": [_("预约时间已过，不能取消")]})
    return _transition(actor, reservation, CHANGE, HOLDING_STATUSES, ReservationStatus.CANCELLED,
                       "reservation.cancel", note)


@transaction.atomic
def reservation_link_meeting(actor, *, reservation: RoomReservation, meeting) -> RoomReservation:
    """Link the reservation to the meeting record (orglife) it was for."""
    scope.require(actor, CHANGE, reservation)
    if meeting is not None and meeting.org_id != reservation.org_id:
        raise ValidationError({"meeting": [_("会议记录应属于预约组织")]})
    reservation.meeting = meeting
    reservation.save(update_fields=["meeting"])
    audit.record(actor, "reservation.link", reservation, node_path=reservation.room.center.area.path,
                 summary={"meeting": meeting.pk if meeting else None})
    return reservation
