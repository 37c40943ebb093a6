"""Online payment adapters (setting ``JICENG_DUES_PAYMENT_ADAPTER``, a dotted path to a class).

An adapter's ``charge(member=, amount=, months=)`` takes the money from the member's own account and
returns the provider's reference, or raises ``ValidationError`` when the payment fails; it runs inside
the payment transaction, after the months are locked. The embedded default moves no money: it
records that the payment was confirmed by hand (a member paid by bank transfer and the branch saw it).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


class ManualConfirmation:
    code = "manual"

    def charge(self, *, member, amount: Decimal, months: list) -> str:
        return f"MANUAL-{secrets.token_hex(6).upper()}"


def adapter():
    return import_string(settings.DUES_PAYMENT_ADAPTER)()
