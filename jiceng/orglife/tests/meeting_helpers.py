"""Helpers for meeting tests: a branch roll, a member's own account, meetings at a given time."""

from __future__ import annotations

from datetime import timedelta

from jiceng.core.models import Role
from jiceng.core.services import accounts
from jiceng.members.services.roll import member_link_user
from jiceng.members.tests import factories
from jiceng.orglife.models import Meeting, MeetingKind
from jiceng.orglife.services import meetings as services
from jiceng.testing import PASSWORD, SYSTEM


def kind(code: str) -> MeetingKind:
    """A built-in kind; seeded again when a transactional test flushed the migration's rows."""
    if not MeetingKind.objects.filter(code=code).exists():
        import importlib

        from django.apps import apps

        importlib.import_module("jiceng.orglife.migrations.0002_builtin_kinds").create(apps, None)
    return MeetingKind.objects.get(code=code)


def roll(branch, full: int, probationary: int = 0, prefix: str = "党员") -> list:
    people = [factories.member(branch, f"{prefix}{n}") for n in range(full)]
    from datetime import date

    people += [factories.member(branch, f"{prefix}预备{n}", status="probationary", joined_on=date(2026, 3, 1))
               for n in range(probationary)]
    return people


def meeting(org, code: str = "theme_day", *, minutes_from_now: int = 10, actor=SYSTEM, **fields) -> Meeting:
    starts = services.now() + timedelta(minutes=minutes_from_now)
    fields.setdefault("topic", "主题党日：重温入党誓词")
    return services.meeting_create(actor, org=org, kind=kind(code), starts_at=starts,
                                   ends_at=starts + timedelta(hours=2), **fields)


def own_account(member, username: str = "dangyuan"):
    """A party-member account linked to ``member`` (我的会议)."""
    user = accounts.user_create(SYSTEM, username=username, display_name=member.name, password=PASSWORD,
                                mobile=f"1390000{member.pk % 10000:04d}")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="party_member"), org=member.branch)
    member_link_user(SYSTEM, member=member, user=user)
    return user
