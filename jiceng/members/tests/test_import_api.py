"""The import endpoints: upload → job id, the job's progress and row report, the choice, the template;
a job is its creator's alone."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.core.models import Job, JobState
from jiceng.members.models import Member
from jiceng.members.tests.factories import id_number
from jiceng.members.tests.import_helpers import bad_checksum, make_branches, row, xlsx_file

pytestmark = pytest.mark.django_db
OWN = "嘉园一里第1网格党支部"


@pytest.fixture
def branches(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_branches(world)


@pytest.fixture
def api(client, token_for, django_capture_on_commit_callbacks):
    """``api("street", "post", url, **kw)``: a request with that persona's token, tasks run on commit."""
    def call(persona, method, url, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, **kwargs, **token_for(persona))
    return call


def upload(api, persona="street"):
    rows = [row("王一", id_number("19800101"), OWN), row("王二", bad_checksum(id_number("19800101")), OWN)]
    return api(persona, "post", "/api/v1/members/import", data={"file": xlsx_file(rows)})


def test_upload_answers_with_the_job_and_the_job_shows_the_row_report(api, branches):
    response = upload(api)
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]

    body = api("street", "get", f"/api/v1/jobs/{job_id}").json()

    assert body["state"] == "validated" and body["kind"] == "members.import"
    assert (body["total"], body["done"], body["percent"]) == (2, 2, 100)
    assert body["result"] == {"rows": 2, "good": 1, "bad": 1}
    assert body["errors"] == [{"line": 3, "field": "id_number", "column": "公民身份号码",
                               "message": "身份证号校验位不正确，请核对", "name": "王二"}]
    assert body["error_count"] == 1 and body["errors_truncated"] is False


def test_confirming_good_rows_imports_them(api, branches):
    job_id = upload(api).json()["id"]
    response = api("street", "post", f"/api/v1/jobs/{job_id}/confirm", data={"choice": "good_rows"},
                   content_type="application/json")
    assert response.status_code == 202 and response.json()["state"] == "running"
    body = api("street", "get", f"/api/v1/jobs/{job_id}").json()
    assert body["state"] == "done" and body["result"]["created"] == 1
    assert list(Member.objects.values_list("name", flat=True)) == ["王一"]
    again = api("street", "post", f"/api/v1/jobs/{job_id}/confirm", data={"choice": "nothing"},
                content_type="application/json")
    assert again.status_code == 409
    assert Member.objects.count() == 1


def test_confirming_nothing_writes_nothing(api, branches):
    job_id = upload(api).json()["id"]
    response = api("street", "post", f"/api/v1/jobs/{job_id}/confirm", data={"choice": "nothing"},
                   content_type="application/json")
    assert response.status_code == 202 and response.json()["state"] == "cancelled"
    assert not Member.objects.exists()


def test_a_choice_outside_the_two_is_422(api, branches):
    job_id = upload(api).json()["id"]
    response = api("street", "post", f"/api/v1/jobs/{job_id}/confirm", data={"choice": "all"},
                   content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "choice"
    assert Job.objects.get(pk=job_id).state == JobState.VALIDATED


def test_another_user_sees_no_job_and_cannot_confirm_it(api, branches):
    job_id = upload(api).json()["id"]
    assert api("district", "get", f"/api/v1/jobs/{job_id}").status_code == 404
    assert api("district", "get", f"/api/v1/jobs/{job_id}/file").status_code == 404
    response = api("district", "post", f"/api/v1/jobs/{job_id}/confirm", data={"choice": "good_rows"},
                   content_type="application/json")
    assert response.status_code == 404
    assert Job.objects.get(pk=job_id).state == JobState.VALIDATED and not Member.objects.exists()


def test_a_wrong_file_type_is_422_and_no_job_is_made(api, branches):
    response = api("street", "post", "/api/v1/members/import", data={"file": xlsx_file([], name="roll.xls")})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
    assert not Job.objects.exists()


def test_without_the_import_permission_the_upload_is_403(api, branches):
    response = upload(api, "grid")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_template_has_the_headers_an_example_the_help_and_the_branches(api, branches):
    response = api("branch", "get", "/api/v1/members/import/template")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    roll, help_sheet, choices = (list(ws.iter_rows(values_only=True)) for ws in book.worksheets)
    assert roll[0][:5] == ("序号", "姓名", "性别", "民族", "公民身份号码") and len(roll) == 2
    assert any(r[0] == "公民身份号码" and r[1] == "是" for r in help_sheet)
    assert [r[1] for r in choices[1:]] == [OWN]  # the branch secretary's one branch only
