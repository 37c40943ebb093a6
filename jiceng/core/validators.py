"""Validators shared by every app: passwords (等保 2.0) and mainland mobile numbers (RULES §6)."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MOBILE_RE = re.compile(r"^(?:\+86|0086)?[\s-]*(1[3-9]\d{9})$")


def normalize_mobile(value: str) -> str | None:
    """Return the 11-digit mobile number, or None when ``value`` is not one (RULES §6:
    ``^1[3-9]\\d{9}$`` with an optional +86/0086; no carrier prefix lists)."""
    match = MOBILE_RE.match(re.sub(r"[\s-]", "", value or ""))
    return match.group(1) if match else None


def validate_mobile(value: str) -> None:
    if normalize_mobile(value) is None:
        raise ValidationError(_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对"), code="mobile")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a message in this project's words (Django 5.2's new wording has no
    Chinese translation yet)."""

    def get_error_message(self):
        return _("密码太短，至少需要 %(n)d 位。") % {"n": self.min_length}

    def get_help_text(self):
        return _("密码至少 %(n)d 位。") % {"n": self.min_length}


class CharacterClassesValidator:
    """A password must mix at least ``min_classes`` of: upper case, lower case, digits, symbols."""

    CLASSES = (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]")

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in self.CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(
                ngettext(
                    "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。",
                    "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。",
                    self.min_classes,
                )
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("至少 8 位，且包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}
