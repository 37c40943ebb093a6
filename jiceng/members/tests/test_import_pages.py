"""Import and export pages: upload form, job page with the progress fragment htmx polls while the job
runs, the bad-row table and the two choices; export form → job → download."""

import pytest
from django.urls import reverse

from jiceng.core.models import Job, JobState
from jiceng.members.models import Member
from jiceng.members.tests.factories import id_number, member
from jiceng.members.tests.import_helpers import bad_checksum, make_branches, row, xlsx_file

pytestmark = pytest.mark.django_db
OWN = "嘉园一里第1网格党支部"


@pytest.fixture
def branches(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_branches(world)


@pytest.fixture
def street(client_for, branches):
    return client_for("street")


@pytest.fixture
def uploaded(street, django_capture_on_commit_callbacks):
    rows = [row("王一", id_number("19800101"), OWN), row("王二", bad_checksum(id_number("19800101")), OWN),
            row("王三", id_number("19800101"), OWN, joined="2010-13-01")]
    with django_capture_on_commit_callbacks(execute=True):
        response = street.post(reverse("members:import"), {"file": xlsx_file(rows)})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:import_job", args=[job.pk])
    return job


def test_the_upload_page_offers_the_form_and_the_template(street):
    response = street.get(reverse("members:import"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert reverse("members:import_template") in response.text
    template = street.get(reverse("members:import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_wrong_file_stays_on_the_form_with_the_reason(street):
    response = street.post(reverse("members:import"), {"file": xlsx_file([], name="roll.numbers")})
    assert response.status_code == 200 and "请上传 .xlsx 或 .csv 文件" in response.text
    assert not Job.objects.exists()


def test_the_job_page_lists_bad_rows_and_offers_both_choices(street, uploaded):
    page = street.get(reverse("members:import_job", args=[uploaded.pk])).text
    assert "第 3 行" in page and "身份证号校验位不正确" in page and "第 4 行" in page and "入党时间" in page
    assert 'value="good_rows"' in page and "导入无误的行" in page and "全部不导入" in page
    assert "hx-trigger" not in page  # validated: nothing to poll
    errors = street.get(reverse("members:import_errors", args=[uploaded.pk]))
    assert errors.status_code == 200


def test_the_progress_fragment_polls_only_while_the_job_runs(street, uploaded):
    url = reverse("members:import_progress", args=[uploaded.pk])
    Job.objects.filter(pk=uploaded.pk).update(state=JobState.RUNNING, done=1, total=3)
    running = street.get(url).text
    assert f'hx-get="{url}"' in running and 'hx-trigger="every 1s"' in running and "33%" in running
    assert "<html" not in running
    Job.objects.filter(pk=uploaded.pk).update(state=JobState.DONE, done=3, result={"created": 1})
    assert "hx-trigger" not in street.get(url).text


def test_choosing_good_rows_imports_them(street, uploaded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = street.post(reverse("members:import_confirm", args=[uploaded.pk]), {"choice": "good_rows"})
    assert response.status_code == 302
    assert list(Member.objects.values_list("name", flat=True)) == ["王一"]
    assert "已导入 1 人" in street.get(reverse("members:import_job", args=[uploaded.pk])).text


def test_choosing_nothing_writes_nothing(street, uploaded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        street.post(reverse("members:import_confirm", args=[uploaded.pk]), {"choice": "nothing"})
    assert not Member.objects.exists()
    assert Job.objects.get().state == JobState.CANCELLED


def test_another_user_gets_404_on_every_page_of_the_job(client_for, uploaded):
    other = client_for("district")
    for name in ("members:import_job", "members:import_progress", "members:import_errors"):
        assert other.get(reverse(name, args=[uploaded.pk])).status_code == 404
    assert other.post(reverse("members:import_confirm", args=[uploaded.pk]), {"choice": "good_rows"}).status_code == 404
    assert Job.objects.get().state == JobState.VALIDATED and not Member.objects.exists()


def test_pages_refuse_a_persona_without_the_permissions(client_for, branches):
    grid = client_for("grid")
    assert grid.get(reverse("members:import")).status_code == 403
    assert grid.get(reverse("members:export")).status_code == 403


def test_export_page_counts_then_the_job_gives_the_file(client_for, branches, django_capture_on_commit_callbacks):
    member(branches.own, "李明")
    member(branches.sibling, "王芳")
    branch = client_for("branch")
    page = branch.get(reverse("members:export"))
    assert page.status_code == 200 and "将导出 1 人" in page.text and "打码" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = branch.post(reverse("members:export"), {"status": "active"})
    job = Job.objects.get(kind="members.export")
    assert response["Location"] == reverse("members:export_job", args=[job.pk])
    assert reverse("members:export_file", args=[job.pk]) in branch.get(response["Location"]).text
    download = branch.get(reverse("members:export_file", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert client_for("street").get(reverse("members:export_file", args=[job.pk])).status_code == 404


def test_export_page_takes_the_roll_filters_and_refuses_bad_ones(client_for, branches):
    member(branches.own, "李明")
    member(branches.sibling, "王芳")
    street = client_for("street")
    assert "将导出 2 人" in street.get(reverse("members:export")).text
    assert "将导出 1 人" in street.get(reverse("members:export"), {"branch": branches.sibling.pk}).text
    page = street.get(reverse("members:export"), {"status": "nonsense"}).text
    assert "请先按提示修正" in page
    assert street.post(reverse("members:export"), {"branch": branches.other_street.pk}).status_code == 200
    assert not Job.objects.exists()
