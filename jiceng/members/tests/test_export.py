"""Roll export: scoped like the roll, masked unless the exporter may unmask, formula cells
neutralised, audited; inline for small sets, a job for any size."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from jiceng.core.models import AuditEvent, Job, JobState
from jiceng.members.selectors.roll import RollFilter
from jiceng.members.services import exports
from jiceng.members.tests.factories import member
from jiceng.members.tests.import_helpers import make_branches

pytestmark = pytest.mark.django_db
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def branches(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_branches(world)


@pytest.fixture
def roll(branches):
    return {
        "own": member(branches.own, "李明", phone="13912345678"),
        "formula": member(branches.own, FORMULA, phone="13912345679"),
        "sibling": member(branches.sibling, "王芳", phone="13912345670"),
        "other": member(branches.other_street, "赵强"),
    }


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def export(actor, **filters) -> bytes:
    buffer = io.BytesIO()
    exports.export_write(actor, RollFilter(**filters), buffer)
    return buffer.getvalue()


def rows_by_name(ws) -> dict[str, dict]:
    header = [c.value for c in ws[1]]
    return {r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}


def test_a_branch_secretary_exports_their_branch_masked(personas, roll):
    content = export(personas["branch"])
    rows = rows_by_name(sheet_of(content))
    number = roll["own"].id_number
    assert set(rows) == {"李明", "'" + FORMULA}
    assert rows["李明"]["公民身份号码"] == "110106********" + number[-4:]
    assert rows["李明"]["手机号码"] == "139****5678"
    assert number.encode() not in content and b"13912345678" not in content
    audit = AuditEvent.objects.get(action="member.export")
    assert audit.actor == personas["branch"]
    assert (audit.summary["count"], audit.summary["unmasked"], audit.summary["unmasked_rows"]) == (2, False, 0)


def test_a_street_organizer_with_unmask_exports_the_street_in_full(personas, roll):
    rows = rows_by_name(sheet_of(export(personas["street"])))
    assert set(rows) == {"李明", "'" + FORMULA, "王芳"}  # not 八角街道's member
    assert rows["李明"]["公民身份号码"] == roll["own"].id_number
    assert rows["王芳"]["手机号码"] == "13912345670"
    assert rows["李明"]["所在党支部"] == "嘉园一里第1网格党支部" and rows["李明"]["党籍状态"] == "正式党员"
    audit = AuditEvent.objects.get(action="member.export")
    assert (audit.summary["count"], audit.summary["unmasked"], audit.summary["unmasked_rows"]) == (3, True, 3)


def test_a_formula_in_a_name_is_written_as_text(personas, roll):
    ws = sheet_of(export(personas["branch"]))
    cell = next(c for c in ws["B"] if str(c.value).endswith(FORMULA))
    assert cell.value == "'" + FORMULA and cell.data_type == "s"


def test_the_roll_filters_apply(personas, roll, branches):
    rows = rows_by_name(sheet_of(export(personas["street"], branch=branches.sibling.pk)))
    assert set(rows) == {"王芳"}
    assert set(rows_by_name(sheet_of(export(personas["street"], q="李")))) == {"李明"}


def test_without_the_export_permission_nothing_is_exported_or_audited(personas, roll):
    with pytest.raises(PermissionDenied):
        export(personas["grid"])
    assert not AuditEvent.objects.filter(action="member.export").exists()


def test_an_export_job_writes_the_file_and_its_creator_downloads_it(personas, roll, client_for,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_start(personas["street"], filters=RollFilter(status="active"))
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result == {"count": 3, "unmasked": True}
    assert (job.done, job.total) == (3, 3)

    response = client_for("street").get(f"/api/v1/jobs/{job.pk}/file")
    assert response.status_code == 200
    assert set(rows_by_name(sheet_of(b"".join(response.streaming_content)))) == {"李明", "'" + FORMULA, "王芳"}
    assert client_for("community").get(f"/api/v1/jobs/{job.pk}/file").status_code == 404


def test_the_api_exports_a_small_roll_at_once(personas, roll, client, token_for):
    response = client.get("/api/v1/members/export", {"q": "李"}, **token_for("branch"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    row = rows_by_name(sheet_of(response.content))["李明"]
    assert row["公民身份号码"] == "110106********" + roll["own"].id_number[-4:]


def test_the_api_sends_large_exports_to_a_job(personas, roll, client, token_for, monkeypatch,
                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "INLINE_LIMIT", 1)
    response = client.get("/api/v1/members/export", **token_for("street"))
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action="member.export").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/members/export", {"status": "active"}, content_type="application/json",
                               **token_for("street"))
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.kind == "members.export" and job.total == 3
    assert client.get(f"/api/v1/jobs/{job.pk}", **token_for("street")).json()["has_file"] is True


def test_the_api_refuses_an_exporter_without_permission(personas, roll, client, token_for):
    assert client.get("/api/v1/members/export", **token_for("grid")).status_code == 403
    assert client.post("/api/v1/members/export", {}, content_type="application/json",
                       **token_for("grid")).status_code == 403
    assert not Job.objects.exists()
