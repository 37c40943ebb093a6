"""Baseline of bench/import_divisions.py: the least any loader of the division files must do.

Plain Python, no Django: read the five CSV files (.csv.gz or .csv) with ``csv``, keep the rows of
``--province`` if given, and ``cursor.executemany`` (code, name, parent_code, level) into a bare
table whose only index is the primary key on ``code`` (``ON CONFLICT DO NOTHING``: a few codes are
the same 12-digit key at two levels); commit once. Prints one JSON line with the
rows written per level and the seconds spent.

    python bench/_baseline_divisions.py DIR (--sqlite FILE | --postgres URL) [--province 11]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import time
from collections import Counter
from pathlib import Path

TABLE = "bench_baseline_division"
FILES = [  # stem, level, parent column
    ("provinces", "province", None),
    ("cities", "city", "provinceCode"),
    ("areas", "district", "cityCode"),
    ("streets", "street", "areaCode"),
    ("villages", "community", "streetCode"),
]


def _open(directory: Path, stem: str):
    gz = directory / f"{stem}.csv.gz"
    if gz.exists():
        return io.TextIOWrapper(gzip.open(gz, "rb"), encoding="utf-8-sig", newline="")
    return (directory / f"{stem}.csv").open(encoding="utf-8-sig", newline="")


def rows(directory: Path, province: str | None, counts: Counter):
    for stem, level, parent_column in FILES:
        with _open(directory, stem) as f:
            for row in csv.DictReader(f):
                code = row["code"]
                if province and not code.startswith(province):
                    continue
                counts[level] += 1
                parent = row[parent_column].ljust(12, "0") if parent_column else None
                yield code.ljust(12, "0"), row["name"], parent, level


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres")
    parser.add_argument("--province")
    args = parser.parse_args()
    started = time.perf_counter()
    counts: Counter = Counter()
    ddl = (f"CREATE TABLE {TABLE} (code varchar(24) PRIMARY KEY, name varchar(100) NOT NULL, "
           "parent_code varchar(24), level varchar(20) NOT NULL)")
    if args.sqlite:
        import sqlite3

        conn = sqlite3.connect(args.sqlite, isolation_level=None)
        # The same pragmas as the project's SQLite settings (WAL, synchronous=NORMAL).
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(ddl)
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO {TABLE} (code, name, parent_code, level) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (code) DO NOTHING",
                         rows(args.directory, args.province, counts))
        conn.execute("COMMIT")
        conn.close()
    else:
        import psycopg

        with psycopg.connect(args.postgres) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
            conn.execute(ddl)
            with conn.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {TABLE} (code, name, parent_code, level) VALUES (%s, %s, %s, %s) "
                                   "ON CONFLICT (code) DO NOTHING",
                                   rows(args.directory, args.province, counts))
            conn.commit()
    print(json.dumps({"counts": dict(counts), "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
