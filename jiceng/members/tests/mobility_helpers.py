"""Shared setup of the transfer and mobility tests: extra branches and officers (members and ID numbers
come from ``factories``)."""

from __future__ import annotations

import itertools

from jiceng.core.models import Role
from jiceng.core.services import accounts
from jiceng.core.services.orgs import org_create
from jiceng.testing import PASSWORD, SYSTEM

_numbers = itertools.count(1)


def branch(parent, name: str, area=None):
    return org_create(SYSTEM, parent=parent, name=name, kind="branch", area=area or parent.area)[0]


def officer(username: str, role_code: str, **node):
    """A user with one grant (``area=`` or ``org=``), like the personas of ``jiceng.testing``."""
    user = accounts.user_create(SYSTEM, username=username, display_name=username, password=PASSWORD,
                                mobile=f"1371234{next(_numbers) % 10000:04d}")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code=role_code), **node)
    return user
