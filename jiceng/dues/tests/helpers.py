"""Shared setup of the dues tests: a fixed today, a branch of members with bases, fixed and opened."""

from __future__ import annotations

from datetime import date

import pytest

from jiceng.core.models import Role
from jiceng.core.services import accounts
from jiceng.dues.services import fixing, ledger
from jiceng.members.services.roll import member_link_user
from jiceng.members.tests import factories
from jiceng.testing import PASSWORD, SYSTEM

TODAY = date(2026, 11, 24)
YEAR = TODAY.year


@pytest.fixture
def fixed_today(monkeypatch):
    """Every ``timezone.localdate()`` answers ``TODAY`` (the window rules count from it)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def month(m: int, year: int = YEAR) -> date:
    return date(year, m, 1)


def member_account(member, username: str = "self"):
    """The member's own login (the demo ``member`` account's kind)."""
    user = accounts.user_create(SYSTEM, username=username, display_name=username, password=PASSWORD,
                                mobile="13900000077")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="party_member"), org=member.branch)
    member_link_user(SYSTEM, member=member, user=user)
    return user


@pytest.fixture
def branch_setup(world, personas, fixed_today):
    """Four members of the grid branch: in service 5003, retired 6000, a student, a probationary member
    admitted on 2026-06-30; fixed on 2026-01-10 and opened through this month."""
    b = world.grid_branch
    made = {
        "worker": factories.member(b, "王在岗"),
        "retired": factories.member(b, "李退休", category="retired"),
        "student": factories.member(b, "赵学生", category="student"),
        "probationary": factories.member(b, "钱预备", status="probationary", joined_on=date(2026, 6, 30)),
    }
    fixing.dues_base_set(SYSTEM, member=made["worker"], year=YEAR, base="5003")
    fixing.dues_base_set(SYSTEM, member=made["retired"], year=YEAR, base="6000")
    fixing.dues_base_set(SYSTEM, member=made["probationary"], year=YEAR, base="12900", deductions="900")
    fixing.dues_year_fix(SYSTEM, org=b, year=YEAR, fixed_on=date(YEAR, 1, 10))
    ledger.dues_ledger_open(SYSTEM, org=b)
    return made
