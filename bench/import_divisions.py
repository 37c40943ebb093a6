"""Benchmark: national division import (``manage.py import_divisions``) against a bare baseline.

In one run, on one fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL
database with ``--postgres``), after ``migrate`` (not timed):

  (a) baseline   bench/_baseline_divisions.py: csv + ``executemany`` into a bare table (primary key
                 only), one commit; plain Python, no Django
  (b) import     ``manage.py import_divisions DIR --no-progress`` into the empty territory tree
  (c) re-run     the same command again: idempotent, must add and rename nothing

Each is a subprocess; its wall time is measured here and its own peak RSS by GNU time (``%M``) or,
without it, by ``os.wait4`` on that child. Then the Area rows are counted per level and checked
against the files (and, for the national files, against 41,352 streets and 620,573 communities).
Goals (issue): the first import within 3x of the baseline time and at most 300 MB peak.

    .venv/bin/python bench/import_divisions.py [--postgres] [--data DIR] [--limit-province 11]
    .venv/bin/python bench/import_divisions.py --smoke            # Beijing only, a few seconds
    .venv/bin/python bench/import_divisions.py --smoke --profile  # where the time goes (cProfile)

Exit status 0 when every check passed (counts, idempotence), 1 when one failed, 3 when skipped (no
division files, or PostgreSQL unreachable), 4 when the import itself refused the files. The goals
are reported, not enforced, unless ``--enforce-goals``.

The national files hold four codes that are the same 12-digit key at two levels (city 4419 and
district 441900 东莞市; 中山市 4420; 儋州市 4604; 金门县 350527 / 350527000 / 350527000000); the
import keys Area rows by the 12-digit code and rejects those files. ``--drop-code-collisions``
measures a copy of the files without those four families (1,322 of 665,276 rows, 0.2%) instead.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from _common import (
    REPO,
    Measured,
    bench_environment,
    database_summary,
    django_setup,
    postgres_reachable,
    run_measured,
    table,
)

NATIONAL = {"street": 41_352, "community": 620_573}
GOAL_RATIO = 3.0
GOAL_PEAK_MB = 300.0
IMPORT_FAILED = 4
STEMS = ["provinces", "cities", "areas", "streets", "villages"]
LEVELS = ["province", "city", "district", "street", "community"]
REPORT_LINE = re.compile(r"^(\w+)\s+读取\s+([\d,]+)\s+新增\s+([\d,]+)\s+更名\s+([\d,]+)\s+未变\s+([\d,]+)"
                         r"(?:\s+并入上级\s+([\d,]+))?", re.M)
DONE_LINE = re.compile(r"完成：([\d.]+) 秒，峰值内存 (\d+) MB")


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_report(stdout: str) -> dict[str, dict[str, int]]:
    return {m[1]: {"read": _int(m[2]), "added": _int(m[3]), "renamed": _int(m[4]), "unchanged": _int(m[5]),
                   "merged": _int(m[6] or "0")}
            for m in REPORT_LINE.finditer(stdout)}


def area_counts() -> dict[str, int]:
    from django.db import connection
    from django.db.models import Count

    from jiceng.core.models import Area

    counts = dict(Area.objects.values_list("level").annotate(n=Count("id")).order_by())
    connection.close()
    return counts


def last_update():
    from django.db import connection
    from django.db.models import Max

    from jiceng.core.models import Area

    value = Area.objects.aggregate(m=Max("updated_at"))["m"]
    connection.close()
    return value


def colliding_families(data: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Codes that the 12-digit key (``code.ljust(12, "0")``) maps to the same row at two levels,
    e.g. city 4419 and district 441900 (东莞市, a city without districts). Returns
    [(family prefix, [(file, code, name), ...])]: the prefix is the shortest of the codes."""
    by_key: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for stem in STEMS:
        with _open(data, stem) as f:
            for row in csv.DictReader(f):
                by_key[row["code"].ljust(12, "0")].append((stem, row["code"], row["name"]))
    return [(min((c for _s, c, _n in rows), key=len), rows) for rows in by_key.values() if len(rows) > 1]


def filtered_copy(data: Path, target: Path, prefixes: list[str]) -> dict[str, int]:
    """Copy the five files without every row whose code starts with one of ``prefixes``."""
    target.mkdir(parents=True, exist_ok=True)
    dropped: dict[str, int] = {}
    for stem in STEMS:
        with _open(data, stem) as src, gzip.open(target / f"{stem}.csv.gz", "wt", encoding="utf-8",
                                                 newline="") as dst:
            reader = csv.DictReader(src)
            writer = csv.DictWriter(dst, fieldnames=reader.fieldnames, quoting=csv.QUOTE_MINIMAL)
            writer.writeheader()
            for row in reader:
                if row["code"].startswith(tuple(prefixes)):
                    dropped[stem] = dropped.get(stem, 0) + 1
                    continue
                writer.writerow(row)
    return dropped


def _collisions(data: Path, province: str | None):
    families = [f for f in colliding_families(data) if not province or f[0].startswith(province)]
    if families:
        print(f"note: {len(families)} code(s) map to the same 12-digit key at two levels:")
        for _prefix, rows in families:
            print("  " + " = ".join(f"{stem} {code} {name}" for stem, code, name in rows))
    return families


def _open(directory: Path, stem: str):
    gz = directory / f"{stem}.csv.gz"
    if gz.exists():
        return io.TextIOWrapper(gzip.open(gz, "rb"), encoding="utf-8-sig", newline="")
    return (directory / f"{stem}.csv").open(encoding="utf-8-sig", newline="")


def run(args) -> int:
    data = Path(args.data).resolve()
    province = args.limit_province
    python = sys.executable
    ok = True
    with bench_environment(args.postgres, "jiceng-bench-divisions", keep=args.keep) as db:
        django_setup(migrate=True)
        from django.db import connection

        engine = database_summary()
        connection.close()
        scope_label = f"province {province} only" if province else "national"
        print(f"== import_divisions benchmark · {engine} · {scope_label} · data {data}")
        families = None
        if not province or args.drop_code_collisions:  # a full read of the files: skipped for a quick run
            families = _collisions(data, province)
        if args.drop_code_collisions and families:
            prefixes = sorted(p for p, _rows in families)
            data = db["var_dir"] / "divisions-without-collisions"
            dropped = filtered_copy(Path(args.data).resolve(), data, prefixes)
            print(f"--drop-code-collisions: measuring a copy without the families {', '.join(prefixes)} "
                  f"(rows dropped: {', '.join(f'{k} {v:,}' for k, v in dropped.items())})")

        if args.profile:
            return profile(data, province, args.profile)
        target = ["--sqlite", str(db["path"])] if db["vendor"] == "sqlite" else ["--postgres", db["url"]]
        limit = ["--province", province] if province else []
        baseline = run_measured([python, str(REPO / "bench" / "_baseline_divisions.py"), str(data), *target, *limit])
        _check(baseline, "baseline")
        base_info = json.loads(baseline.stdout.strip().splitlines()[-1])
        expected = base_info["counts"]

        command = [python, "manage.py", "import_divisions", str(data), "--no-progress", *limit]
        first = run_measured(command)
        if first.returncode != 0:
            if families is None:
                families = _collisions(data, province)
            problems = [ln for ln in (first.stdout + first.stderr).splitlines() if ln.strip()]
            print(f"\n(b) import_divisions FAILED after {first.seconds:.2f} s (exit {first.returncode}), "
                  f"{len(problems) - 1} problem lines; the first ones:")
            print("\n".join("  " + ln for ln in problems[:6]))
            print("result: FAIL (the import refused the files; rerun with --drop-code-collisions to measure "
                  "the rest)" if families else "result: FAIL")
            return IMPORT_FAILED
        merged = {lv: r["merged"] for lv, r in parse_report(first.stdout).items()}
        counts_after_first = area_counts()
        stamp_after_first = last_update()
        second = run_measured(command)
        _check(second, "re-run")
        counts_after_second = area_counts()
        stamp_after_second = last_update()

        rows = []
        for label, m, read in (
            ("(a) baseline: csv + executemany, bare table", baseline, sum(expected.values())),
            ("(b) import_divisions, empty tree", first, _read(first)),
            ("(c) import_divisions, re-run (no change)", second, _read(second)),
        ):
            inner = DONE_LINE.search(m.stdout)
            rows.append([label, f"{read:,}", f"{m.seconds:.2f}", inner[1] if inner else "-",
                         f"{m.peak_mb:.0f}", f"{m.seconds / baseline.seconds:.2f}x"])
        print()
        print(table(["run", "rows read", "seconds", "in-command s", "peak MB", "vs baseline"], rows))
        print("(seconds: wall time of the subprocess, Python and Django start-up included; in-command s: "
              "what the command reports for the import itself; peak MB: max RSS of that process, MiB)")

        print()
        level_rows = []
        for level in LEVELS:
            # Rows that repeat their parent's code are merged into the parent, not stored twice.
            want = expected.get(level, 0) - merged.get(level, 0)
            got = counts_after_first.get(level, 0)
            again = counts_after_second.get(level, 0)
            good = want == got == again
            if level in NATIONAL and not province and not args.drop_code_collisions:
                good = good and got == NATIONAL[level] - merged.get(level, 0)
            ok &= good
            level_rows.append([level, f"{want:,}", f"{got:,}", f"{again:,}", "ok" if good else "MISMATCH"])
        print(table(["level", "in files", "Area rows after (b)", "after (c)", "check"], level_rows))
        if not province and not args.drop_code_collisions:
            print(f"national expectation: {NATIONAL['street']:,} streets, {NATIONAL['community']:,} communities")

        report_first, report_second = parse_report(first.stdout), parse_report(second.stdout)
        changed = {lv: (r["added"], r["renamed"]) for lv, r in report_second.items() if r["added"] or r["renamed"]}
        idempotent = (not changed and stamp_after_first == stamp_after_second
                      and set(report_second) == set(LEVELS))
        ok &= idempotent
        added_first = sum(r["added"] for r in report_first.values())
        print(f"\n(b) added {added_first:,} rows; (c) added/renamed "
              f"{sum(a + r for a, r in changed.values()):,} rows, max(updated_at) "
              f"{'unchanged' if stamp_after_first == stamp_after_second else 'CHANGED'} -> "
              f"{'idempotent: ok' if idempotent else 'NOT IDEMPOTENT'}")

        ratio = first.seconds / baseline.seconds
        goal_time = ratio <= GOAL_RATIO
        goal_mem = first.peak_mb <= GOAL_PEAK_MB and second.peak_mb <= GOAL_PEAK_MB
        print(f"goal: first import <= {GOAL_RATIO:.0f}x baseline: {ratio:.2f}x -> {'met' if goal_time else 'NOT MET'}")
        print(f"goal: peak <= {GOAL_PEAK_MB:.0f} MB: {first.peak_mb:.0f} MB (b), {second.peak_mb:.0f} MB (c) -> "
              f"{'met' if goal_mem else 'NOT MET'}")
        if args.enforce_goals:
            ok &= goal_time and goal_mem
    print("result:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def profile(data: Path, province: str | None, top: int) -> int:
    """Run the import once in this process under cProfile and print where the time goes."""
    import cProfile
    import pstats
    import time

    from jiceng.core.scope import system_actor
    from jiceng.core.services.divisions import DivisionImportError, import_divisions

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        import_divisions(system_actor("bench"), data, province=province)
    except DivisionImportError as exc:
        print("the import refused the files:\n" + "\n".join("  " + p for p in exc.problems[:5]))
        return IMPORT_FAILED
    finally:
        profiler.disable()
    print(f"import_divisions under cProfile: {time.perf_counter() - started:.1f} s (profiling slows it down)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return 0


def _read(m: Measured) -> int:
    return sum(r["read"] for r in parse_report(m.stdout).values())


def _check(m: Measured, what: str) -> None:
    if m.returncode != 0:
        sys.stderr.write(f"{what} failed (exit {m.returncode}):\n{m.stdout}\n{m.stderr}\n")
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO / ".." / "shared" / "data" / "divisions"),
                        help="directory of provinces/cities/areas/streets/villages .csv(.gz)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--limit-province", metavar="CODE", help="import one province only (e.g. 11, Beijing)")
    parser.add_argument("--smoke", action="store_true", help="tiny run: same as --limit-province 11")
    parser.add_argument("--drop-code-collisions", action="store_true",
                        help="measure a copy of the files without the families whose codes collide as 12-digit "
                             "keys (东莞, 中山, 儋州, 金门), which the import currently rejects")
    parser.add_argument("--profile", type=int, nargs="?", const=25, metavar="N",
                        help="instead of the benchmark, run the import in-process under cProfile and print the "
                             "top N functions (default 25)")
    parser.add_argument("--enforce-goals", action="store_true", help="exit 1 when a goal is not met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    args = parser.parse_args(argv)
    if args.smoke and not args.limit_province:
        args.limit_province = "11"
    if not all((Path(args.data) / f"{stem}.csv.gz").exists() or (Path(args.data) / f"{stem}.csv").exists()
               for stem in STEMS):
        print(f"division files not found in {args.data}; skipped.")
        return 3
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
