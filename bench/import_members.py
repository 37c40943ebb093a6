"""Benchmark: roll import (党员名册导入) of 100,000 members from .xlsx, next to openpyxl's bare pass.

On a fresh database (SQLite in a temporary JICENG_VAR_DIR, or a throwaway PostgreSQL database with
``--postgres`` / ``--database-url``), after ``migrate`` and a small org tree (a street working
committee, a community committee and ``--branches`` branches) and one importer (a street worker
granted on the committee), not timed:

  file       ``--rows`` members as Excel and WPS save a roll (shared strings, a ``dimension``, date
             cells with a date style; the 18 columns of the import template), valid ID numbers except
             one row in 1,000 with a wrong check digit
  (a) bare   ``load_workbook(read_only=True)`` + ``iter_rows(values_only=True)`` over the same file,
             nothing else: the floor of any import that reads .xlsx with openpyxl
  (b) import the import job as the worker runs it: ``import_start`` (the upload), then the task
             bodies ``import_validate_run`` (read, check every row, duplicates by blind index, stage)
             and, after ``import_confirm(good_rows)``, ``import_insert_run`` (member_bulk_create)

Each is a subprocess; its rows per second come from its own timer (the time of the read / of the
job, without Python and Django start-up), its peak RSS from GNU time (``%M``) or ``os.wait4``. Then
the members are counted: every good row must be on the roll, every bad one reported.
Goals (issue 4): the import ≥ 5,000 rows/s and ≥ 1/3 of the bare read rate, peak ≤ 300 MB.

    .venv/bin/python bench/import_members.py [--rows 100000] [--postgres | --database-url URL]
    .venv/bin/python bench/import_members.py --smoke        # 2,000 rows, a few seconds
    .venv/bin/python bench/import_members.py --profile      # where the job's time goes (cProfile)

``--database-url postgres://user@host:port`` names the PostgreSQL server on which the throwaway
database is made (as ``JICENG_BENCH_PG`` does); nothing else on that server is touched. Exit status 0
when the counts check out, 1 when not (or a goal is missed with ``--enforce-goals``), 3 when skipped
(PostgreSQL unreachable).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from _common import REPO, bench_environment, database_summary, django_setup, postgres_reachable, run_measured, table

GOAL_RATE = 5000
GOAL_RATIO = 1 / 3
GOAL_PEAK_MB = 300.0
BAD_EVERY = 1000
HEADERS = ["序号", "姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "手机号码", "所在党支部", "党小组",
           "党员类别", "党籍状态", "入党时间", "转正时间", "工作单位", "职务", "居住社区", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
EDUCATION = ["研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"]
CATEGORIES = ["在岗职工", "离退休人员", "农民", "学生", "个体经营者", "年薪制人员"]
USERNAME = "bench_importer"


# --- the file: what Excel or WPS saves ---------------------------------------------------------

def _check_digit(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def member_row(i: int, branches: int) -> list:
    """Row ``i``: a unique, valid ID number (birth date × sequence), except every ``BAD_EVERY``-th."""
    birth = date(1940, 1, 1) + timedelta(days=i % 16_000)
    body = f"110106{birth:%Y%m%d}{i // 16_000:03d}"
    number = body + _check_digit(body)
    if i % BAD_EVERY == BAD_EVERY - 1:
        number = number[:-1] + ("0" if number[-1] != "0" else "1")
    joined = date(birth.year + 25, 7, 1)
    return [i + 1, SURNAMES[i % 20] + GIVEN[i % 23] + GIVEN[(i // 23) % 23], "男" if int(body[16]) % 2 else "女",
            "汉族", number, birth, EDUCATION[i % 6], f"13{i % 7 + 3}{i:08d}", f"第{i % branches + 1}党支部", "",
            CATEGORIES[i % 6], "正式党员", joined, date(joined.year + 1, 7, 1), "北京市某某有限公司", "职员", "", ""]


def write_roll(path: Path, rows: int, branches: int) -> int:
    """An .xlsx as Excel writes it: text in the shared-strings table, a ``dimension``, dates as serial
    numbers with a date style. (openpyxl's own writer puts every text inline, which reads slower and
    is not what users upload.) Returns the number of rows with a bad ID number."""
    strings: dict[str, int] = {}
    epoch = date(1899, 12, 30).toordinal()
    columns = [chr(ord("A") + i) for i in range(len(HEADERS))]

    def cells(r: int, values: list) -> str:
        out = [f'<row r="{r}">']
        for column, value in zip(columns, values, strict=True):
            if value == "":
                continue
            if isinstance(value, int):
                out.append(f'<c r="{column}{r}"><v>{value}</v></c>')
            elif isinstance(value, date):
                out.append(f'<c r="{column}{r}" s="1"><v>{value.toordinal() - epoch}</v></c>')
            else:
                index = strings.setdefault(value, len(strings))
                out.append(f'<c r="{column}{r}" t="s"><v>{index}</v></c>')
        out.append("</row>")
        return "".join(out)

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'{head}<worksheet {ns}><dimension ref="A1:{columns[-1]}{rows + 1}"/><sheetData>'.encode())
            f.write(cells(1, HEADERS).encode())
            for i in range(rows):
                f.write(cells(i + 2, member_row(i, branches)).encode())
            f.write(b"</sheetData></worksheet>")
        z.writestr("xl/sharedStrings.xml", f'{head}<sst {ns} count="{len(strings)}" uniqueCount="{len(strings)}">'
                   + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
        z.writestr("xl/styles.xml", f'{head}<styleSheet {ns}><numFmts count="0"/><fonts count="1"><font><sz val="11"/>'
                   '<name val="宋体"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
                   '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
                   '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
                   'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" '
                   'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" '
                   'borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
                   'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        z.writestr("xl/workbook.xml", f'{head}<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="党员花名册" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        pkg = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
        z.writestr("xl/_rels/workbook.xml.rels", f'{head}<Relationships {pkg}>'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/>'
                   f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                   "</Relationships>")
        z.writestr("_rels/.rels", f'{head}<Relationships {pkg}><Relationship Id="rId1" '
                   f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        z.writestr("[Content_Types].xml", f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                   f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
                   f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>')
    return sum(1 for i in range(rows) if i % BAD_EVERY == BAD_EVERY - 1)


# --- set-up (not timed) ---------------------------------------------------------------------------

def build_tree(branches: int) -> None:
    """A street working committee ▸ a community committee ▸ ``branches`` branches, and the importer."""
    from jiceng.core.models import Role
    from jiceng.core.scope import system_actor
    from jiceng.core.services import accounts, orgs

    system = system_actor("bench")
    street = orgs.org_create(system, parent=None, name="中共某某街道工作委员会", kind="working_committee")[0]
    community = orgs.org_create(system, parent=street, name="中共某某社区委员会", kind="committee")[0]
    for n in range(1, branches + 1):
        orgs.org_create(system, parent=community, name=f"第{n}党支部", kind="branch")
    user = accounts.user_create(system, username=USERNAME, display_name="组织员", mobile="13900000000",
                                password=secrets.token_urlsafe(12) + "Aa1!")
    accounts.grant_create(system, user=user, role=Role.objects.get(code="street_worker"), org=street)


# --- the child processes ----------------------------------------------------------------------------

def child_bare(path: str) -> None:
    from openpyxl import load_workbook

    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True)
    rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True)) - 1
    workbook.close()
    print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}))


def child_import(path: str) -> None:
    django_setup(migrate=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.core.models import Job, User
    from jiceng.members.services import imports

    actor = User.objects.get(username=USERNAME)
    upload = SimpleUploadedFile("roll.xlsx", Path(path).read_bytes())
    started, cpu = time.perf_counter(), time.process_time()
    job = imports.import_start(actor, upload=upload)  # the worker's queue row is left unused: we run the body
    uploaded, uploaded_cpu = time.perf_counter(), time.process_time()
    imports.import_validate_run(job.pk)
    validated, validated_cpu = time.perf_counter(), time.process_time()
    job = Job.objects.get(pk=job.pk)
    imports.import_confirm(actor, job=job, choice="good_rows")
    imports.import_insert_run(job.pk)
    inserted = time.perf_counter()
    job = Job.objects.get(pk=job.pk)
    print(json.dumps({"state": job.state, "error": job.error, "result": job.result, "upload": uploaded - started,
                      "validate": validated - uploaded, "insert": inserted - validated,
                      "validate_cpu": validated_cpu - uploaded_cpu, "insert_cpu": time.process_time() - validated_cpu,
                      "seconds": inserted - started, "cpu": time.process_time() - cpu}))


def profile(path: Path) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    child_import(str(path))
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)


# --- the run --------------------------------------------------------------------------------------------

def run(args) -> int:
    python, me = sys.executable, str(Path(__file__).resolve())
    ok = True
    with bench_environment(args.postgres, "jiceng-bench-members", keep=args.keep) as db:
        django_setup(migrate=True)
        from django.db import connection

        engine = database_summary()
        build_tree(args.branches)
        connection.close()
        path = db["var_dir"] / "roll.xlsx"
        started = time.perf_counter()
        bad = write_roll(path, args.rows, args.branches)
        print(f"== import_members benchmark · {engine} · {args.rows:,} rows ({bad:,} with a bad ID number), "
              f"{args.branches} branches · {path.stat().st_size / 1e6:.1f} MB .xlsx written in "
              f"{time.perf_counter() - started:.1f} s")
        if args.profile:
            profile(path)
            return 0

        # The bare pass runs before and after the job and the faster counts, so that a busy machine
        # does not flatter the ratio.
        runs = [run_measured([python, me, "--child", mode, str(path)]) for mode in ("bare", "import", "bare")]
        for m in runs:
            if m.returncode != 0:
                sys.stderr.write(f"a child failed (exit {m.returncode}):\n{m.stdout}\n{m.stderr}\n")
                return 2
        b, bare = min(((json.loads(m.stdout.strip().splitlines()[-1]), m) for m in (runs[0], runs[2])),
                      key=lambda pair: pair[0]["seconds"])
        job = runs[1]
        j = json.loads(job.stdout.strip().splitlines()[-1])
        bare_rate, job_rate = b["rows"] / b["seconds"], args.rows / j["seconds"]
        print()
        print(table(["run", "rows", "seconds", "rows/s", "vs bare", "CPU s", "vs bare (CPU)", "peak MB"], [
            ["(a) openpyxl read-only pass, nothing else", f"{b['rows']:,}", f"{b['seconds']:.2f}",
             f"{bare_rate:,.0f}", "1.00", f"{b['cpu']:.2f}", "1.00", f"{bare.peak_mb:.0f}"],
            ["(b) import job: validate + insert", f"{args.rows:,}", f"{j['seconds']:.2f}", f"{job_rate:,.0f}",
             f"{job_rate / bare_rate:.2f}", f"{j['cpu']:.2f}", f"{b['cpu'] / j['cpu']:.2f}", f"{job.peak_mb:.0f}"],
            ["    of which validate (read, check, stage)", "", f"{j['validate']:.2f}",
             f"{args.rows / j['validate']:,.0f}", "", f"{j['validate_cpu']:.2f}", "", ""],
            ["    of which insert (good rows)", "", f"{j['insert']:.2f}",
             f"{j['result'].get('good', 0) / j['insert']:,.0f}", "", f"{j['insert_cpu']:.2f}", "", ""],
        ]))
        print("(seconds and rows/s: the child's own timer, start-up excluded; upload copy "
              f"{j['upload']:.2f} s not counted; CPU s: the child's CPU time, less sensitive to a busy machine; "
              "peak MB: max RSS of that process, MiB, Django included)")

        from jiceng.members.models import Member

        on_roll = Member.objects.count()
        connection.close()
        expected = {"state": "done", "rows": args.rows, "good": args.rows - bad, "bad": bad, "created": args.rows - bad}
        got = {"state": j["state"], "rows": j["result"].get("rows"), "good": j["result"].get("good"),
               "bad": j["result"].get("bad"), "created": on_roll}
        counts_ok = got == expected
        ok &= counts_ok
        print(f"\ncheck: {got} -> {'ok' if counts_ok else 'MISMATCH, expected ' + str(expected)}"
              + (f" ({j['error']})" if j["error"] else ""))
        ratio = job_rate / bare_rate
        goals = [(f"import >= {GOAL_RATE:,} rows/s", f"{job_rate:,.0f} rows/s", job_rate >= GOAL_RATE),
                 ("import >= 1/3 of the bare read rate", f"{ratio:.2f}", ratio >= GOAL_RATIO),
                 (f"peak <= {GOAL_PEAK_MB:.0f} MB", f"{job.peak_mb:.0f} MB", job.peak_mb <= GOAL_PEAK_MB)]
        for label, value, met in goals:
            print(f"goal: {label}: {value} -> {'met' if met else 'NOT MET'}")
        if args.enforce_goals:
            ok &= all(met for _label, _value, met in goals)
    print("result:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--branches", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database instead of SQLite")
    parser.add_argument("--database-url", metavar="URL",
                        help="the PostgreSQL server for the throwaway database (implies --postgres)")
    parser.add_argument("--smoke", action="store_true", help="tiny run: 2,000 rows")
    parser.add_argument("--profile", action="store_true", help="run the job in-process under cProfile instead")
    parser.add_argument("--enforce-goals", action="store_true", help="exit 1 when a goal is not met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary JICENG_VAR_DIR")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        mode, path = args.child
        child_bare(path) if mode == "bare" else child_import(path)
        return 0
    if args.smoke:
        args.rows = min(args.rows, 2_000)
    if args.database_url:
        os.environ["JICENG_BENCH_PG"] = args.database_url.rstrip("/")
        args.postgres = True
    if args.postgres and not postgres_reachable():
        print("PostgreSQL is not reachable; skipped.")
        return 3
    return run(args)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
