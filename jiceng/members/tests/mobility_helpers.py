"""Shared setup of the transfer and mobility tests: a few extra branches and members on the roll."""

from __future__ import annotations

import itertools
from datetime import date

from stdnum.cn.ric import calc_check_digit

from jiceng.core.models import Role
from jiceng.core.services import accounts
from jiceng.core.services.orgs import org_create
from jiceng.members.models import Member
from jiceng.members.services.roll import member_create
from jiceng.testing import PASSWORD, SYSTEM

_numbers = itertools.count(1)


def id_number(birth: str = "19850312") -> str:
    body = f"110106{birth}{next(_numbers) % 1000:03d}"
    return body + calc_check_digit(body + "0")  # stdnum ignores the last character it is given


def branch(parent, name: str, area=None):
    return org_create(SYSTEM, parent=parent, name=name, kind="branch", area=area or parent.area)[0]


def member(branch_org, name: str = "李四", **fields) -> Member:
    fields.setdefault("id_number", id_number())
    fields.setdefault("phone", f"139{next(_numbers):08d}")
    fields.setdefault("joined_on", date(2012, 7, 1))
    fields.setdefault("status", "full")
    return member_create(SYSTEM, branch=branch_org, name=name, **fields)


def officer(username: str, role_code: str, **node):
    """A user with one grant (``area=`` or ``org=``), like the personas of ``jiceng.testing``."""
    user = accounts.user_create(SYSTEM, username=username, display_name=username, password=PASSWORD,
                                mobile=f"1371234{next(_numbers) % 10000:04d}")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code=role_code), **node)
    return user
