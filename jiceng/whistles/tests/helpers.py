"""Test helpers: the departments of 丰台区, a handler account per department, and a whistle blown by
马家堡街道 through the services."""

from __future__ import annotations

from datetime import timedelta

from jiceng.core.models import Role
from jiceng.core.services import accounts
from jiceng.testing import PASSWORD, SYSTEM
from jiceng.whistles.models import WhistleCall
from jiceng.whistles.services import whistles


def departments(world) -> dict:
    return {kind: accounts.department_create(SYSTEM, name=name, kind=kind, area=world.fengtai)
            for name, kind in (("丰台区城管执法局", "城管"), ("丰台区市场监督管理局", "市场监管"),
                               ("丰台区水务局", "水务"))}


def make_handler(personas, department):
    """The ``dept`` persona (dept_handler on 丰台区) becomes a handler of ``department``."""
    user = personas["dept"]
    accounts.user_update(SYSTEM, user=user, department=department)
    user.refresh_from_db()
    return user


def other_handler(world, department, username="water"):
    user = accounts.user_create(SYSTEM, username=username, display_name=username, password=PASSWORD,
                                mobile="13912349988", department=department)
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="dept_handler"), area=world.fengtai)
    return user


def blow(world, depts, *, kinds=("城管", "市场监管"), caller=None, urgency="urgent", **extra):
    return whistles.whistle_blow(SYSTEM, caller=caller or world.majiabao, title="马家堡东路占道经营",
                                 matter="早市摊位占用人行道", urgency=urgency,
                                 departments=[depts[k] for k in kinds], **extra)


def call_of(whistle, department) -> WhistleCall:
    return whistle.calls.get(department=department)


def shift(call, minutes: int) -> WhistleCall:
    """Move the call's summons and deadline ``minutes`` into the past."""
    WhistleCall.objects.filter(pk=call.pk).update(summoned_at=call.summoned_at - timedelta(minutes=minutes),
                                                  report_due_at=call.report_due_at - timedelta(minutes=minutes))
    call.refresh_from_db()
    return call
