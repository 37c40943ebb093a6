"""Registries filled by each app in ``AppConfig.ready()``: modules (menu entries and workbench
tiles) and the permissions each built-in role carries. Nothing reads another app's internals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from jiceng.core import scope


@dataclass(frozen=True)
class Module:
    key: str
    title: str
    url_name: str
    icon: str
    perms: tuple[str, ...]  # shown to users holding any of these somewhere; empty: every signed-in user
    order: int = 100
    description: str = ""
    counter: Callable | None = None  # f(user) -> int | None, for the workbench tile
    shown: Callable | None = None  # f(user) -> bool: narrows further (a member's own pages: linked members only)


_modules: dict[str, Module] = {}
_role_permissions: dict[str, set[str]] = defaultdict(set)


def register_module(module: Module) -> None:
    _modules[module.key] = module


_audit_actions: dict[str, str] = {}


def register_audit_actions(labels: dict[str, str]) -> None:
    """Words for the audit actions an app writes (``"org.create": "设立党组织"``)."""
    _audit_actions.update(labels)


def audit_action_label(code: str) -> str:
    return str(_audit_actions.get(code, code))


def register_role_permissions(role_code: str, perms: list[str] | set[str]) -> None:
    _role_permissions[role_code].update(perms)


def role_permissions() -> dict[str, set[str]]:
    return {code: set(perms) for code, perms in _role_permissions.items()}


_demo_steps: list[tuple[int, Callable]] = []


def register_demo(step: Callable, order: int = 100) -> None:
    """A step of ``load_demo`` contributed by an app: ``step(actor, made, out)`` runs after the core's
    demo in the same transaction; ``made`` maps each demo street code to its organizations. A step may
    return demo account rows ``(username, role name, scope name)`` to print with the others."""
    _demo_steps.append((order, step))


def demo_steps() -> list[Callable]:
    return [step for _order, step in sorted(_demo_steps, key=lambda pair: pair[0])]


def modules_for(user) -> list[Module]:
    held = scope.permissions(user)
    return sorted(
        (m for m in _modules.values()
         if (not m.perms or "*" in held or held.intersection(m.perms)) and (m.shown is None or m.shown(user))),
        key=lambda m: (m.order, m.key),
    )
