"""Messages to people by mobile number (one-time codes, "you moved up from the waitlist").

Pluggable: ``settings.NOTIFIER`` (environment ``JICENG_NOTIFIER``) names a class with
``send(phone: str, text: str, *, kind: str) -> None``. The embedded default writes to the log;
an SMS gateway is a class of a deployment's own. Services send after their transaction commits
(``send_on_commit``), so a rolled-back booking never tells anyone anything.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from jiceng.core import crypto

log = logging.getLogger("jiceng.notify")


class LogNotifier:
    """Writes each message to the log (logger ``jiceng.notify``) with the number masked."""

    def send(self, phone: str, text: str, *, kind: str) -> None:
        log.info("notify %s to %s: %s", kind, crypto.mask_mobile(phone), text)


@cache
def _notifier(path: str):
    return import_string(path)()


def send(phone: str, text: str, *, kind: str) -> None:
    """Send now; a failing gateway is logged, never raised into the caller."""
    try:
        _notifier(settings.NOTIFIER).send(phone, text, kind=kind)
    except Exception:
        log.exception("notifier %s failed to send %s", settings.NOTIFIER, kind)


def send_on_commit(phone: str, text: str, *, kind: str) -> None:
    transaction.on_commit(lambda: send(phone, text, kind=kind))
