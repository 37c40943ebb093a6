"""Helpers for member tests: valid ID numbers and members on the roll."""

from __future__ import annotations

import itertools
from datetime import date

from jiceng.core.identity import check_character
from jiceng.members.services.roll import member_create
from jiceng.testing import SYSTEM

_sequence = itertools.count(1)


def id_number(birth: str = "19800101", area: str = "110106", *, male: bool = True) -> str:
    """A valid 18-digit number with a fresh sequence (odd for men, even for women)."""
    n = next(_sequence) % 500
    seq = f"{2 * n + (1 if male else 0):03d}"
    body = f"{area}{birth}{seq}"
    return body + check_character(body)


def phone(n: int | None = None) -> str:
    return f"138{(n if n is not None else next(_sequence)):08d}"


def member(branch, name: str = "张三", *, status: str = "full", joined_on: date = date(2010, 7, 1), **fields):
    fields.setdefault("id_number", id_number())
    fields.setdefault("phone", phone())
    return member_create(SYSTEM, branch=branch, name=name, status=status, joined_on=joined_on, **fields)
