"""Writing the audit trail. Services call ``record`` inside their transaction."""

from __future__ import annotations

import contextvars
from typing import Any

from django.db.models import Model

from jiceng.core.models import AuditEvent

client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """``{"field": [old, new]}`` for every field whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def user_of(actor):
    """The ``User`` behind an actor, or None for a system actor or an anonymous one."""
    return actor if getattr(actor, "pk", None) is not None and not getattr(actor, "is_system", False) else None


def record(actor, action: str, obj: Model | None = None, *, node_path: str = "", summary: dict | None = None,
           object_repr: str = "") -> AuditEvent:
    if obj is not None and not node_path:
        node_path = getattr(obj, "path", "") or ""
    return AuditEvent.objects.create(
        actor=user_of(actor),
        actor_label=str(getattr(actor, "username", "") or "anonymous"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        node_path=node_path,
        ip=client_ip.get(),
        summary=_plain(summary or {}),
    )
