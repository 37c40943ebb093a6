"""Resident identity numbers (居民身份证号码, GB 11643-1999) as pure functions (RULES §6).

18 characters: a 6-digit address code, the birth date (8 digits), a 3-digit sequence (odd: male) and
a check character (ISO 7064 MOD 11-2, ``X`` for 10). The address code is the one of the place of
issue, including codes abolished since, so an unknown address code is not an error (we never consult
``stdnum.cn.ric``'s address table, only its checksum). 15-digit legacy numbers are upgraded by
inserting "19" before the year and computing the check character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from stdnum.cn import ric

ID_RE = re.compile(r"^\d{17}[\dX]$")
LEGACY_RE = re.compile(r"^\d{15}$")


class InvalidIdNumber(ValueError):
    pass


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "male" | "female"
    upgraded: bool = False


def check_character(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits (``stdnum`` expects a full number
    and ignores its last character, hence the placeholder)."""
    return ric.calc_check_digit(body[:17] + "0")


def _birth(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def parse_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """The normalized 18-character number with its birth date and sex, or ``InvalidIdNumber``."""
    raw = re.sub(r"\s", "", str(value or "")).upper()
    upgraded = False
    if LEGACY_RE.match(raw):
        body = raw[:6] + "19" + raw[6:]
        raw = body + check_character(body)
        upgraded = True
    if not ID_RE.match(raw):
        raise InvalidIdNumber(_("身份证号应为 18 位（最后一位可为 X）或 15 位旧号码"))
    birth = _birth(raw[6:14])
    if birth is None:
        raise InvalidIdNumber(_("身份证号中的出生日期不存在"))
    if birth > (today or date.today()) or birth.year < 1900:
        raise InvalidIdNumber(_("身份证号中的出生日期不合理"))
    if check_character(raw) != raw[17]:
        raise InvalidIdNumber(_("身份证号校验位不正确，请核对"))
    return ResidentId(raw, birth, "male" if int(raw[16]) % 2 else "female", upgraded)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day`` (a birthday on 29 February counts on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
