"""Reads of the roll. Every function starts from what the actor may see (``scope.visible``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from jiceng.core import crypto, scope
from jiceng.core.models import Org
from jiceng.members.models import Member, MemberEvent

VIEW = "members.view_member"
FLAGS = ("floating", "lost", "reporting", "cadre", "probation_due")


@dataclass
class RollFilter:
    q: str = ""  # name, pinyin initials, the last digits of the ID number or mobile, a full ID number
    branch: int | None = None  # an organization: members held by it or below it
    status: str = ""  # a MemberStatus value, or "active" (预备 + 正式)
    flag: str = ""  # one of FLAGS
    category: str = ""
    sex: str = ""


def person_text_condition(text: str, *, exact_phone: bool = True) -> Q:
    """A name, pinyin initials, the last 4 characters of a masked number, or a whole ID number or mobile."""
    text = text.strip()
    if re.fullmatch(r"\d{17}[\dXx]|\d{15}", text):
        from jiceng.core.identity import InvalidIdNumber, parse_resident_id

        try:
            return Q(id_index=crypto.blind_index(parse_resident_id(text).number))
        except InvalidIdNumber:
            return Q(pk__in=[])
    if exact_phone and re.fullmatch(r"1[3-9]\d{9}", text):
        return Q(phone_index=crypto.blind_index(text))
    if re.fullmatch(r"\d{3}[\dXx]", text):  # a masked number's visible suffix
        return Q(id_masked__endswith=text.upper()) | Q(phone_masked__endswith=text)
    if re.fullmatch(r"[A-Za-z]+", text):
        return Q(pinyin__startswith=text.lower()) | Q(name__icontains=text)
    return Q(name__contains=text)


BRANCH_ID_LIST_LIMIT = 20_000


def _in_scope(actor, queryset: QuerySet[Member]) -> QuerySet[Member]:
    """``scope.visible`` for members, in two steps: first the branches whose members the actor sees
    (the same reach, applied to the org table, whose paths are indexed), then the members of those
    branches through the ``branch_id`` index. A single join lets PostgreSQL misjudge the path
    condition and scan the whole member table (bench/roll_list.py)."""
    r = scope.reach(actor, VIEW)
    if r.everything or r.nowhere:
        return scope.visible(actor, VIEW, queryset)
    branches = scope.visible(actor, VIEW, Org.objects.filter(kind="branch")).values_list("pk", flat=True)
    ids = list(branches[:BRANCH_ID_LIST_LIMIT + 1])
    if len(ids) > BRANCH_ID_LIST_LIMIT:
        return scope.visible(actor, VIEW, queryset)
    return queryset.filter(branch_id__in=ids)


def member_list(actor, filters: RollFilter | None = None) -> QuerySet[Member]:
    f = filters or RollFilter()
    qs = _in_scope(actor, Member.objects.select_related("branch", "party_group", "residence"))
    if f.q:
        qs = qs.filter(person_text_condition(f.q))
    if f.branch:
        org = scope.visible(actor, "core.view_org", Org.objects.filter(pk=f.branch)).only("path").first()
        qs = qs.filter(branch__path__subtree=org.path) if org else qs.none()
    if f.status == "active":
        qs = qs.filter(status__in=["probationary", "full"])
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.sex:
        qs = qs.filter(sex=f.sex)
    if f.flag == "floating":
        qs = qs.filter(is_floating=True)
    elif f.flag == "lost":
        qs = qs.filter(is_lost=True)
    elif f.flag == "reporting":
        qs = qs.filter(reports_to__isnull=False)
    elif f.flag == "cadre":
        qs = qs.filter(is_cadre=True)
    elif f.flag == "probation_due":
        from jiceng.members.rules.standing import probation_due_joined_by
        from jiceng.members.services.roll import today

        qs = qs.filter(status="probationary", joined_on__lte=probation_due_joined_by(today()))
    return qs.order_by("branch_id", "name", "id")


def member_get(actor, member_id) -> Member:
    return scope.get_or_404(actor, VIEW, Member.objects.select_related("branch", "branch__area", "party_group",
                                                                          "residence", "reports_to"), pk=member_id)


def member_timeline(actor, member: Member) -> QuerySet[MemberEvent]:
    """Timeline of a member the actor already holds (fetched with ``member_get``)."""
    return member.events.order_by("on", "at", "id")


def member_disciplines(member: Member):
    return list(member.disciplines.all())


def member_of_user(user) -> Member | None:
    """The member record of a signed-in party member themself (no grant needed: it is their own)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("branch", "party_group").filter(user=user).first()


def is_member_account(user) -> bool:
    """Whether the signed-in user is a party member's own account (for the 我的… tiles); asked once per
    request's user object, as every page's menu asks it three times."""
    if not hasattr(user, "_is_member_account"):
        user._is_member_account = member_of_user(user) is not None
    return user._is_member_account
