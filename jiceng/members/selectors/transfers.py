"""Reads of 组织关系转接. A transfer belongs to two organizations: the sending side sees it from the
start, the receiving side once a letter exists (issued, then accepted or returned). Out of both
scopes a transfer reads as missing (404)."""

from __future__ import annotations

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jiceng.core import crypto, scope
from jiceng.core.models import Org
from jiceng.members.models import Transfer
from jiceng.members.rules import mobility as rules

VIEW = "members.view_transfer"
BOXES = ("inbox", "outbox", "all")
PERSON_DATES = ("birth_date", "joined_on", "full_on")


def _sender(actor) -> Q:
    return scope.where(actor, VIEW, org_field="from_org__path", area_field="from_org__area__path")


def _receiver(actor) -> Q:
    return (scope.where(actor, VIEW, org_field="to_org__path", area_field="to_org__area__path")
            & Q(state__in=rules.RECEIVER_STATES))


def transfer_list(actor, *, box: str = "all", state: str = "", q: str = "") -> QuerySet[Transfer]:
    """收件箱 (inbox: coming to an organization in the actor's scope), 发件箱 (outbox: leaving one), or
    both. ``state`` is a state value or ``"open"`` (not yet accepted, returned or cancelled)."""
    condition = {"inbox": _receiver, "outbox": _sender}.get(box)
    where = condition(actor) if condition else _sender(actor) | _receiver(actor)
    qs = Transfer.objects.filter(where).select_related("member", "from_org", "to_org")
    if state == "open":
        qs = qs.filter(state__in=rules.OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(Q(member_name__contains=q.strip()) | Q(letter_no=q.strip()))
    return qs.order_by("-created_at", "-id")


def transfer_get(actor, transfer_id) -> Transfer:
    try:
        return transfer_list(actor).get(pk=transfer_id)
    except (Transfer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def transfer_sees(actor, transfer: Transfer) -> bool:
    return transfer_list(actor).filter(pk=transfer.pk).exists()


def direction(transfer: Transfer) -> str:
    """``internal`` (both organizations in the system), ``outgoing`` (to one outside), ``incoming``."""
    if transfer.from_org_id and transfer.to_org_id:
        return "internal"
    return "outgoing" if transfer.from_org_id else "incoming"


def acting_org(transfer: Transfer, action: str) -> tuple[Org | None, str]:
    """The organization whose officers take ``action`` and the permission they need there."""
    side, perm = rules.acting_side(action, direction(transfer))
    return (transfer.from_org if side == "from" else transfer.to_org), perm


def transfer_actions(actor, transfer: Transfer, day: date) -> list[str]:
    """The transitions the actor may take now (for the buttons of the detail page and the API)."""
    allowed = []
    for action in rules.TRANSITIONS:
        if rules.transition_refusal(action, transfer.state, valid_until=transfer.valid_until, day=day):
            continue
        org, perm = acting_org(transfer, action)
        if org is not None and scope.can(actor, perm, org):
            allowed.append(action)
    return allowed


def transfer_steps(transfer: Transfer):
    return transfer.steps.order_by("at", "id")


def transfer_person(transfer: Transfer) -> dict:
    """The roll fields of a person coming from outside the system, as the sender's letter gave them."""
    if not transfer.person_cipher:
        return {}
    person = json.loads(crypto.decrypt(transfer.person_cipher))
    for key in PERSON_DATES:
        if person.get(key):
            person[key] = date.fromisoformat(person[key])
    return person


def transfer_person_masked(transfer: Transfer) -> dict:
    person = transfer_person(transfer)
    if person.get("id_number"):
        person["id_number"] = crypto.mask_id_number(person["id_number"])
    if person.get("phone"):
        person["phone"] = crypto.mask_mobile(person["phone"])
    return person


def destinations() -> QuerySet[Org]:
    """Every active 党支部 of the system: any of them may receive a member, whoever sends (the
    directory of destinations is not scoped; the receiving side's own scope decides acceptance)."""
    return Org.objects.filter(kind="branch", is_active=True)


def destination_get(org_id, field: str = "to_org") -> Org:
    org = destinations().filter(pk=org_id).first() if str(org_id).isdigit() else None
    if org is None:
        raise ValidationError({field: [_("接收党组织应为系统内有效的党支部")]})
    return org


def destination_search(text: str, limit: int = 10) -> list[Org]:
    """Branches whose name (or short name, or pinyin initials) contains ``text``; an exact name first."""
    text = (text or "").strip()
    if not text:
        return []
    exact = list(destinations().filter(name=text)[:2])
    if len(exact) == 1:
        return exact
    cond = Q(name__contains=text) | Q(short_name__contains=text)
    if text.isascii() and text.isalpha():
        cond |= Q(pinyin__startswith=text.lower())
    return list(destinations().filter(cond).select_related("parent").order_by("path")[:limit])
