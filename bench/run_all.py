"""Run every benchmark: on SQLite, then on PostgreSQL when a server is reachable (``make bench``).

Each benchmark runs in its own process (Django is set up once per process, for one database) and
prints its own figures; this script streams them and ends with a summary of exit statuses.

    .venv/bin/python bench/run_all.py            # full size: takes several minutes
    .venv/bin/python bench/run_all.py --smoke    # tiny sizes, well under a minute
    .venv/bin/python bench/run_all.py --sqlite-only

When the national import refuses the division files (exit 4: codes that collide as 12-digit
keys, see bench/import_divisions.py), it is run again with ``--drop-code-collisions`` so that the
timing figures are still printed; the run as a whole still counts as failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import postgres_reachable

BENCH = Path(__file__).resolve().parent
SKIPPED = 3
IMPORT_REFUSED = 4


def run(script: str, *args: str) -> int:
    argv = [sys.executable, str(BENCH / script), *args]
    print(f"\n$ {' '.join(['.venv/bin/python', f'bench/{script}', *args])}", flush=True)
    started = time.perf_counter()
    code = subprocess.call(argv, cwd=BENCH.parent)
    print(f"(exit {code}, {time.perf_counter() - started:.0f} s)", flush=True)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (Beijing import, 2,000 orgs, 2,000 members)")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    extra = ["--smoke"] if args.smoke else []
    databases = [[]]
    if args.sqlite_only:
        print("PostgreSQL: skipped (--sqlite-only)")
    elif postgres_reachable():
        databases.append(["--postgres"])
    else:
        print("PostgreSQL: not reachable, skipped (set JICENG_BENCH_PG=postgres://user@host:port to choose one)")
    results = []
    for db in databases:
        label = "PostgreSQL" if db else "SQLite"
        code = run("import_divisions.py", *db, *extra)
        if code == IMPORT_REFUSED:
            results.append((f"import_divisions ({label})", code, "the import refused the files"))
            code = run("import_divisions.py", *db, *extra, "--drop-code-collisions")
            results.append((f"import_divisions --drop-code-collisions ({label})", code, ""))
        else:
            results.append((f"import_divisions ({label})", code, ""))
        code = run("scoped_orgs.py", *db, *extra)
        results.append((f"scoped_orgs ({label})", code, ""))
        code = run("import_members.py", *db, *extra)
        results.append((f"import_members ({label})", code, ""))
        for script in ("roll_list.py", "dues.py", "compliance.py", "bookings.py", "appeals_routing.py",
                       "appeals_intake.py"):
            code = run(script, *db, *extra)
            results.append((f"{script[:-3]} ({label})", code, ""))
        # the three rates over 5,000,000 appeals are a PostgreSQL goal; SQLite runs a tenth of it
        code = run("appeals_stats.py", *db, *(extra or ([] if db else ["--appeals", "500000"])))
        results.append((f"appeals_stats ({label})", code, ""))
    print("\nsummary:")
    for name, code, note in results:
        status = {0: "ok", SKIPPED: "skipped"}.get(code, f"FAILED (exit {code})")
        print(f"  {name:55} {status}{'  ' + note if note else ''}")
    failed = any(code not in (0, SKIPPED) for _name, code, _note in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
