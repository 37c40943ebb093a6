"""Helpers for the compliance tests: held meetings at a local time, branches with members."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from jiceng.core.services import orgs
from jiceng.members.tests.factories import member
from jiceng.orglife.models import Meeting, MeetingKind
from jiceng.testing import SYSTEM


def held(org, code: str, local: str, *, status: str = "held", topic: str = "会议") -> Meeting:
    """A meeting of kind ``code`` at ``local`` (``"2026-03-31 23:30"`` in Asia/Shanghai)."""
    starts = timezone.make_aware(datetime.strptime(local, "%Y-%m-%d %H:%M"))
    return Meeting.objects.create(kind=MeetingKind.objects.get(code=code), org=org, starts_at=starts, topic=topic,
                                  status=status, host="书记", recorder="组织委员")


def branch(parent, name: str, *, full: int = 3, area=None, **kw):
    """A branch under ``parent`` with ``full`` full members."""
    org = orgs.org_create(SYSTEM, parent=parent, name=name, kind="branch", area=area or parent.area, **kw)[0]
    for n in range(full):
        member(org, f"党员{n}")
    return org


def group(parent, name: str):
    return orgs.org_create(SYSTEM, parent=parent, name=name, kind="group", area=parent.area)[0]
