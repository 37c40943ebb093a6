"""Shared plumbing of the benchmarks: a throwaway database, Django set-up, measured subprocesses.

Nothing here is timed itself. Every benchmark gets a fresh ``JICENG_VAR_DIR`` (a temporary
directory: the SQLite file and the local secrets live there) and, with ``--postgres``, a fresh
PostgreSQL database that is dropped at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432"
GNU_TIME = "/usr/bin/time"


def pg_server_url() -> str:
    """The server URL (without a database name); ``JICENG_BENCH_PG`` overrides the default."""
    return os.environ.get("JICENG_BENCH_PG", DEFAULT_PG_SERVER).rstrip("/")


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{pg_server_url()}/postgres", connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


@contextlib.contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """Create an empty database, yield its URL, drop it (even after an error)."""
    import psycopg

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = f"{pg_server_url()}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{pg_server_url()}/{name}"
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def bench_environment(postgres: bool, prefix: str, keep: bool = False) -> Iterator[dict]:
    """A temporary JICENG_VAR_DIR and, if asked, a throwaway PostgreSQL database, set in
    ``os.environ`` (so subprocesses inherit them). Yields a description of the database."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    saved = {k: os.environ.get(k) for k in ("DJANGO_SETTINGS_MODULE", "JICENG_ENV", "JICENG_VAR_DIR",
                                            "DATABASE_URL")}
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiceng.settings"
    os.environ["JICENG_ENV"] = "local"
    os.environ["JICENG_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    try:
        if postgres:
            with throwaway_postgres(prefix.replace("-", "_")) as url:
                os.environ["DATABASE_URL"] = url
                yield {"vendor": "postgresql", "url": url, "var_dir": var_dir}
        else:
            yield {"vendor": "sqlite", "path": var_dir / "jiceng.sqlite3", "var_dir": var_dir}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if keep:
            print(f"(kept {var_dir})")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def django_setup(migrate: bool = True) -> None:
    """Set Django up in this process against the database chosen by the environment."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def database_summary() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(argv: list[str], *, cwd: Path = REPO, env: dict | None = None) -> Measured:
    """Run ``argv`` and return its wall time and the peak RSS of that one process.

    Peak RSS comes from GNU time's ``%M`` when /usr/bin/time exists, otherwise from the rusage
    that ``os.wait4`` returns for exactly that child (never ``RUSAGE_CHILDREN`` of this process,
    which is a maximum over every child ever waited for)."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path, rss_path = (Path(tmp) / n for n in ("out", "err", "rss"))
        use_time = os.access(GNU_TIME, os.X_OK)
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *argv] if use_time else argv
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
        if use_time:
            lines = [ln for ln in rss_path.read_text().splitlines() if ln.strip().isdigit()]
            peak_kb = int(lines[-1]) if lines else 0
        else:
            peak_kb = usage.ru_maxrss  # kilobytes on Linux
        return Measured(seconds, peak_kb / 1024, proc.returncode,
                        out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


def percentile(values: list[float], q: float) -> float:
    """Percentile ``q`` (0..100) with linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(headers: list[str], rows: list[list], aligns: str | None = None) -> str:
    """A plain-text table that also reads as Markdown."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(_width(h), *(_width(r[i]) for r in cells)) for i, h in enumerate(headers)]
    aligns = aligns or "l" + "r" * (len(headers) - 1)

    def fmt(row):
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            parts.append(cell + pad if aligns[i] == "l" else pad + cell)
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else ("-" * (w + 2)) for w, a in zip(widths, aligns,
                                                                                                   strict=True)) + "|"
    return "\n".join([fmt(headers), rule, *(fmt(r) for r in cells)])


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
