"""Materialized paths: a node's ``path`` is its ancestors' segments joined by ``/``.

``/11/01/06/015/`` is 马家堡街道; its subtree is every path that starts with that string. The
``subtree`` lookup turns that into one indexed condition: a range on SQLite (byte order) and
``LIKE 'prefix%'`` on PostgreSQL, where Django adds a ``varchar_pattern_ops`` index to every
indexed CharField.
"""

from django.db import models
from django.db.models import Lookup

SEP = "/"
# Every segment is made of [0-9A-Za-z]; SEP sorts just below "0", so the next character after it
# bounds the range that holds exactly the paths beginning with a prefix.
_AFTER_SEP = chr(ord(SEP) + 1)


def subtree_bounds(prefix: str) -> tuple[str, str]:
    if not prefix.endswith(SEP):
        raise ValueError(f"a path prefix ends with {SEP!r}: {prefix!r}")
    return prefix, prefix[:-1] + _AFTER_SEP


def join(parent_path: str | None, segment: str) -> str:
    return f"{parent_path or SEP}{segment}{SEP}"


def ancestors(path: str) -> list[str]:
    """Paths of every ancestor of ``path`` and of the node itself, top first."""
    parts = path.strip(SEP).split(SEP)
    return [SEP + SEP.join(parts[: i + 1]) + SEP for i in range(len(parts))]


def to_base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
        if not number:
            return out


class PathField(models.CharField):
    """A materialized path, indexed; supports ``field__subtree=prefix``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


@PathField.register_lookup
class Subtree(Lookup):
    lookup_name = "subtree"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        low, high = subtree_bounds(self.rhs)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, low, *lhs_params, high]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        low, _ = subtree_bounds(self.rhs)
        return f"{lhs} LIKE %s", [*lhs_params, low + "%"]
