"""Shared pieces of the import and export tests: files made the way Excel, WPS and a script make
them, a run of the import job, extra branches."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jiceng.core.models import Job, Org
from jiceng.core.services.orgs import org_create
from jiceng.members.services import imports
from jiceng.testing import SYSTEM

HEADER = ["序号", "姓名", "性别", "公民身份号码", "手机号码", "所在党支部", "党员类别", "党籍状态", "入党时间",
          "转正时间", "居住社区", "备注"]


def bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def row(name: str, number: str, branch: str, *, joined="2010-07-01", full="", phone="13800138000", sex="",
        category="在岗职工", status="正式党员", residence="", note="", seq=0) -> list:
    return [seq, name, sex, number, phone, branch, category, status, joined, full, residence, note]


def xlsx_file(rows: list[list], header: list[str] = HEADER, name: str = "roll.xlsx",
              title_rows=()) -> SimpleUploadedFile:
    """A workbook as a user saves it: real cells; a text starting with ``=`` becomes a formula cell."""
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append(title)
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows: list[list], header: list[str] = HEADER, encoding: str = "utf-8-sig",
             name: str = "roll.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def run_import(actor, upload, capture) -> Job:
    """Upload and validate (the ImmediateBackend runs the task when the upload commits)."""
    with capture(execute=True):
        job = imports.import_start(actor, upload=upload)
    job.refresh_from_db()
    return job


def confirm(actor, job: Job, choice: str, capture) -> Job:
    with capture(execute=True):
        imports.import_confirm(actor, job=job, choice=choice)
    job.refresh_from_db()
    return job


def errors_by_line(job: Job) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in job.report["errors"]:
        found.setdefault(error["line"], set()).add(error["field"])
    return found


@dataclass
class Branches:
    own: Org  # world.grid_branch: the `branch` persona's, inside the street
    sibling: Org  # another branch of the same community committee
    other_street: Org  # a branch in 八角街道: outside the street persona's scope


def make_branches(world) -> Branches:
    """The persona ``branch``'s own branch, a sibling in the same community, one in another street."""
    sibling = org_create(SYSTEM, parent=world.jiayuan_committee, name="嘉园一里第2网格党支部", kind="branch",
                         area=world.grid2)[0]
    other = org_create(SYSTEM, parent=world.bajiao_community_committee, name="八角北路第一党支部", kind="branch",
                       area=world.bajiao_community)[0]
    return Branches(world.grid_branch, sibling, other)
