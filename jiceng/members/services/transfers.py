"""Writes of 组织关系转接 (RULES §5). A transfer is drafted by the sending branch, approved by its 党委,
which issues the introduction letter (介绍信), and received by the receiving branch, which accepts it
or sends it back with a reason. The member stays on the sending roll, and the sender responsible,
until acceptance. Each transition locks the transfer row, checks the state machine, writes a
``TransferStep`` and an audit row, all in one transaction: of two racing transitions one wins."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, crypto, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Org
from jiceng.members.models import (
    EventKind,
    Member,
    MemberEvent,
    MemberStatus,
    Transfer,
    TransferReason,
    TransferState,
    TransferStep,
)
from jiceng.members.rules import mobility as rules
from jiceng.members.selectors import mobility as mobility_selectors
from jiceng.members.selectors import transfers as selectors
from jiceng.members.services.roll import member_clean, member_create, member_event, today

ADD = "members.add_transfer"
PERSON_FIELDS = ("name", "id_number", "phone", "sex", "birth_date", "ethnicity", "education", "work_unit",
                 "job_title", "category", "status", "joined_on", "full_on", "note")


def letter_months() -> int:
    return int(getattr(settings, "TRANSFER_LETTER_MONTHS", rules.DEFAULT_LETTER_MONTHS))


def _label(actor) -> str:
    return str(actor)[:150]


def _node_path(transfer: Transfer) -> str:
    return (transfer.from_org or transfer.to_org).path


def _step(transfer: Transfer, actor, note: str = "") -> TransferStep:
    return TransferStep.objects.create(transfer=transfer, state=transfer.state, actor_label=_label(actor),
                                       note=(note or "").strip())


def _open_transfer_of(member: Member) -> Transfer | None:
    return member.transfers.filter(state__in=rules.OPEN_STATES).first()


def _serialize_person(cleaned: dict) -> str:
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in cleaned.items() if k in PERSON_FIELDS}
    return crypto.encrypt(json.dumps(data, ensure_ascii=False))


@transaction.atomic
def transfer_create(actor, *, member: Member | None = None, person: dict | None = None, to_org: Org | None = None,
                    outside_org_name: str = "", reason: str = TransferReason.WORK, note: str = "",
                    letter_no: str = "", issued_on: date | None = None) -> Transfer:
    """发起组织关系转接.

    - ``member`` and ``to_org``: inside the system, from the member's branch to another branch;
    - ``member`` and ``outside_org_name``: out of the system (the letter names that organization);
    - ``person`` (the roll fields of ``member_create``), ``to_org``, ``outside_org_name``, ``letter_no``
      and ``issued_on``: into the system, recorded by the receiving side when the letter arrives; it
      starts as an issued letter awaiting acceptance.
    """
    outside = (outside_org_name or "").strip()
    errors: dict[str, list] = {}
    if reason not in TransferReason.values:
        errors["reason"] = [_("转接原因无效")]
    if len(outside) > 150:
        errors["outside_org_name"] = [_("党组织名称不能超过150个字")]
    if member is not None:
        return _create_outbound(actor, member, to_org, outside, reason, note, letter_no, issued_on, person, errors)
    return _create_inbound(actor, person or {}, to_org, outside, reason, note, letter_no, issued_on, errors)


def _create_outbound(actor, member, to_org, outside, reason, note, letter_no, issued_on, person, errors):
    scope.require(actor, ADD, member)
    if person:
        errors["person"] = [_("转出系统内党员时不填写转入人员信息")]
    if letter_no or issued_on:
        errors["letter_no"] = [_("介绍信编号和日期在开具介绍信时填写")]
    if not member.is_active_member:
        errors["member"] = [_("只有预备党员和正式党员可以转接组织关系")]
    if to_org is None and not outside:
        errors["to_org"] = [_("请选择系统内的接收党支部，或填写系统外接收党组织的名称")]
    elif to_org is not None and outside:
        errors["outside_org_name"] = [_("转往系统内党支部时不填写系统外党组织名称")]
    elif to_org is not None and (to_org.kind != "branch" or not to_org.is_active):
        errors["to_org"] = [_("接收党组织应为系统内有效的党支部")]
    elif to_org is not None and to_org.pk == member.branch_id:
        errors["to_org"] = [_("接收党支部与现在的党支部相同")]
    if errors:
        raise ValidationError(errors)
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one open transfer per member
    current = _open_transfer_of(member)
    if current is not None:
        raise Conflict({"member": [_("该党员已有一项正在办理的组织关系转接（%(state)s），请先办结或撤销") % {
            "state": current.get_state_display()}]})
    transfer = Transfer.objects.create(
        member=member, member_name=member.name, from_org=member.branch, to_org=to_org, outside_org_name=outside,
        reason=reason, note=(note or "").strip(), created_by=actor if getattr(actor, "pk", None) else None)
    _step(transfer, actor, _("发起转接"))
    audit.record(actor, "transfer.create", transfer, node_path=member.branch.path,
                 summary={"direction": selectors.direction(transfer), "to": to_org.name if to_org else outside})
    return transfer


def _create_inbound(actor, person, to_org, outside, reason, note, letter_no, issued_on, errors):
    if to_org is None:
        errors["to_org"] = [_("请选择接收党支部")]
    else:
        scope.require(actor, ADD, to_org)
    if not outside:
        errors["outside_org_name"] = [_("请填写开具介绍信的系统外党组织名称")]
    letter_no = (letter_no or "").strip()
    if not letter_no:
        errors["letter_no"] = [_("请填写介绍信编号")]
    elif len(letter_no) > 60:
        errors["letter_no"] = [_("介绍信编号不能超过60个字")]
    valid_until = None
    if issued_on is None or issued_on > today():
        errors["issued_on"] = [_("请填写介绍信开具日期（不能晚于今天）")]
    else:
        valid_until = rules.letter_valid_until(issued_on, letter_months())
        if rules.letter_expired(valid_until, today()):
            errors["issued_on"] = [_("介绍信已过有效期（至%(d)s），请联系转出党组织重新开具") % {
                "d": valid_until.isoformat()}]
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        errors.update({f: [_("该字段不能在此填写")] for f in sorted(unknown)})
    cleaned = {}
    try:
        fields = {"name": "", "id_number": "", "joined_on": None,
                  **{k: v for k, v in person.items() if k in PERSON_FIELDS}}
        cleaned = member_clean(branch=to_org, **fields)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field != "branch" or to_org is not None:  # a missing branch is already a to_org error
                errors.setdefault("to_org" if field == "branch" else field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    transfer = Transfer.objects.create(
        member_name=cleaned["name"], to_org=to_org, outside_org_name=outside, reason=reason,
        state=TransferState.ISSUED, letter_no=letter_no, issued_on=issued_on, valid_until=valid_until,
        note=(note or "").strip(), person_cipher=_serialize_person(cleaned),
        created_by=actor if getattr(actor, "pk", None) else None)
    _step(transfer, actor, _("收到%(org)s开具的介绍信（%(no)s）") % {"org": outside, "no": letter_no})
    audit.record(actor, "transfer.create", transfer, node_path=to_org.path,
                 summary={"direction": "incoming", "from": outside, "letter_no": letter_no})
    return transfer


def _begin(actor, transfer: Transfer, action: str, day: date) -> Transfer:
    """Lock the row, then check who acts and whether the state allows it (409 when it does not)."""
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    org, perm = selectors.acting_org(locked, action)
    if org is None or not scope.can(actor, perm, org):
        if selectors.transfer_sees(actor, locked):
            raise PermissionDenied(_("您没有办理此环节的权限。"))
        raise Http404
    refusal = rules.transition_refusal(action, locked.state, valid_until=locked.valid_until, day=day)
    if refusal:
        raise Conflict({"state": [refusal]})
    return locked


def _finish(actor, transfer: Transfer, action: str, note: str = "", **summary) -> Transfer:
    transfer.state = rules.TRANSITIONS[action][0]
    if transfer.state in rules.CLOSED_STATES:
        transfer.closed_at = timezone.now()
    transfer.save()
    _step(transfer, actor, note)
    audit.record(actor, "transfer.transition", transfer, node_path=_node_path(transfer),
                 summary={"action": action, "state": transfer.state, **summary})
    return transfer


@transaction.atomic
def transfer_submit(actor, *, transfer: Transfer, note: str = "") -> Transfer:
    return _finish(actor, _begin(actor, transfer, "submit", today()), "submit", note)


@transaction.atomic
def transfer_approve(actor, *, transfer: Transfer, note: str = "") -> Transfer:
    """转出方审批 (the sending 党委, permission ``approve_transfer`` there)."""
    return _finish(actor, _begin(actor, transfer, "approve", today()), "approve", note)


@transaction.atomic
def transfer_cancel(actor, *, transfer: Transfer, note: str = "") -> Transfer:
    return _finish(actor, _begin(actor, transfer, "cancel", today()), "cancel", note)


@transaction.atomic
def transfer_issue(actor, *, transfer: Transfer, letter_no: str = "", issued_on: date | None = None,
                   note: str = "") -> Transfer:
    """开具介绍信: the letter number (generated when blank), its date and validity (a setting, default three
    months). Dues must be paid up to the month of departure: 党费交至 as the dues ledger derives it
    (dues collected just before issuing are recorded as a payment in the ledger first, never here by
    hand). An expired letter may be issued again."""
    day = today()
    transfer = _begin(actor, transfer, "issue", day)
    issued_on = issued_on or day
    errors: dict[str, list] = {}
    letter_no = (letter_no or "").strip()
    if issued_on > day:
        errors["issued_on"] = [_("开具日期不能晚于今天")]
    if len(letter_no) > 60:
        errors["letter_no"] = [_("介绍信编号不能超过60个字")]
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if refusal := rules.dues_refusal(member.dues_paid_through, issued_on):
        errors["dues_paid_through"] = [refusal]
    if errors:
        raise ValidationError(errors)
    reissue = transfer.state == TransferState.ISSUED
    if not letter_no:
        letter_no = f"{issued_on:%Y}-{transfer.pk:06d}"
        if reissue:
            letter_no += f"-{transfer.steps.filter(state=TransferState.ISSUED).count() + 1}"
    transfer.letter_no, transfer.issued_on = letter_no, issued_on
    transfer.valid_until = rules.letter_valid_until(issued_on, letter_months())
    transfer.dues_paid_through = member.dues_paid_through
    destination = transfer.to_org.name if transfer.to_org_id else transfer.outside_org_name
    text = (_("重新开具组织关系介绍信（%(no)s），转往%(to)s，有效期至%(until)s") if reissue
            else _("开具组织关系介绍信（%(no)s），转往%(to)s，有效期至%(until)s"))
    member_event(member, actor, EventKind.TRANSFER, text % {
        "no": letter_no, "to": destination, "until": transfer.valid_until.isoformat()},
        on=issued_on, data={"transfer": transfer.pk})
    return _finish(actor, transfer, "issue", note, letter_no=letter_no, valid_until=transfer.valid_until,
                   dues_paid_through=transfer.dues_paid_through)


@transaction.atomic
def transfer_accept(actor, *, transfer: Transfer, note: str = "") -> Transfer:
    """接收: the member moves to the receiving branch's roll (out of any 党小组); a person from outside
    the system is put on the roll. For a letter to an organization outside the system, the sender
    records the receipt (回执)."""
    day = today()
    transfer = _begin(actor, transfer, "accept", day)
    kind = selectors.direction(transfer)
    if kind == "outgoing":
        member = Member.objects.select_for_update().get(pk=transfer.member_id)
        member.status, member.status_changed_on = MemberStatus.TRANSFERRED_OUT, day
        member.save(update_fields=["status", "status_changed_on", "updated_at"])
        text = _("组织关系已转至系统外党组织：%(to)s（回执已收到）") % {"to": transfer.outside_org_name}
    else:
        member = _receive_member(actor, transfer, day)
        origin = transfer.from_org.name if transfer.from_org_id else transfer.outside_org_name
        text = _("组织关系由%(src)s转入%(dst)s") % {"src": origin, "dst": transfer.to_org.name}
    member_event(member, actor, EventKind.TRANSFER, text, on=day, data={"transfer": transfer.pk})
    return _finish(actor, transfer, "accept", note, member=member.pk)


def _receive_member(actor, transfer: Transfer, day: date) -> Member:
    if transfer.member_id is None:  # from outside the system
        person = selectors.transfer_person(transfer)
        existing = mobility_selectors.member_by_id_number(person["id_number"])
        if existing is None:
            member = member_create(actor, branch=transfer.to_org, **person)
            transfer.member = member
            return member
        last = existing.transfers.order_by("-created_at", "-id").first()
        if not (last and last.state == TransferState.ACCEPTED and selectors.direction(last) == "outgoing"):
            raise Conflict({"id_number": [_("该身份证号已在系统内党员名册中，请由其所在党组织办理系统内转接")]})
        transfer.member = existing  # came back after leaving the system: the old roll entry moves
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    member.branch, member.party_group = transfer.to_org, None
    member.is_lost, member.lost_since, member.last_contact_on = False, None, day
    if member.status == MemberStatus.TRANSFERRED_OUT:  # back on the roll with the standing they left with
        member.status = MemberStatus.FULL if member.full_on else MemberStatus.PROBATIONARY
        member.status_changed_on = day
    member.save(update_fields=["branch", "party_group", "is_lost", "lost_since", "last_contact_on", "status",
                               "status_changed_on", "updated_at"])
    return member


@transaction.atomic
def transfer_return(actor, *, transfer: Transfer, reason: str) -> Transfer:
    """退回: receiving cannot be refused; the letter goes back only with a reason the sender sees."""
    transfer = _begin(actor, transfer, "return", today())
    refusal = rules.return_refusal(reason)
    if refusal:
        raise ValidationError({"reason": [refusal]})
    transfer.return_reason = reason.strip()
    if transfer.member_id:
        member_event(transfer.member, actor, EventKind.TRANSFER, _("组织关系介绍信被退回：%(r)s") % {
            "r": transfer.return_reason}, data={"transfer": transfer.pk})
    return _finish(actor, transfer, "return", transfer.return_reason)


def transfer_flag_expired(actor, *, day: date | None = None) -> int:
    """口袋党员: a member whose issued letter expired unreceived is flagged as a lost relationship for
    follow-up (RULES §5), once per letter. Returns how many members were flagged."""
    day = day or today()
    flagged = 0
    expired = Transfer.objects.filter(state=TransferState.ISSUED, valid_until__lt=day, member__isnull=False)
    for transfer in expired.select_related("member", "from_org", "to_org"):
        with transaction.atomic():
            member = Member.objects.select_for_update().get(pk=transfer.member_id)
            mark = {"transfer": transfer.pk, "valid_until": transfer.valid_until.isoformat()}
            if MemberEvent.objects.filter(member=member, kind=EventKind.LOST, data__transfer=transfer.pk,
                                          data__valid_until=mark["valid_until"]).exists():
                continue
            if not member.is_lost:
                member.is_lost, member.lost_since = True, transfer.valid_until + timedelta(days=1)
                member.save(update_fields=["is_lost", "lost_since", "updated_at"])
            text = _("介绍信（%(no)s）过期未转接，列为组织关系未转接人员，请跟进") % {"no": transfer.letter_no}
            member_event(member, actor, EventKind.LOST, text, on=day, data=mark)
            audit.record(actor, "member.lost", member, node_path=member.branch.path,
                         summary={"is_lost": [False, True], "transfer": transfer.pk, "letter_no": transfer.letter_no})
            flagged += 1
    return flagged
