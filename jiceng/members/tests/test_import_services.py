"""Roll import as a job: every bad row reported by line and column; "import nothing" writes
nothing, "import the good rows" writes exactly them; .xlsx and .csv; the importer's scope."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent, Grant, JobState
from jiceng.core.scope import grants_changed
from jiceng.members.models import Member, MemberEvent
from jiceng.members.services import imports
from jiceng.members.tests.factories import id_number, member
from jiceng.members.tests.import_helpers import (
    HEADER,
    bad_checksum,
    confirm,
    csv_file,
    errors_by_line,
    make_branches,
    row,
    run_import,
    xlsx_file,
)

pytestmark = pytest.mark.django_db

OWN = "嘉园一里第1网格党支部"


@pytest.fixture
def branches(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_branches(world)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def on_roll(branches):
    return member(branches.own, "已在册")


def mixed_rows(branches, on_roll) -> list[list]:
    """Lines 2–3 good; 4–11 each wrong in one way."""
    first = id_number("19800101")
    return [
        row("王一", first, OWN),                                            # 2 good
        row("王二", id_number("19810202"), branches.sibling.name),            # 3 good
        row("王三", bad_checksum(id_number("19820303")), OWN),                # 4 checksum
        row("王四", id_number("19830404"), OWN, joined="2010-02-30"),         # 5 no such date
        row("王五", first, OWN),                                            # 6 duplicate of line 2
        row("王六", on_roll.id_number, OWN),                                # 7 already on the roll
        row("王七", id_number("19840505"), "不存在的党支部"),                  # 8 unknown branch
        row("王八", id_number("19850606"), branches.other_street.name),       # 9 another street's branch
        row("=cmd|' /C calc'!A0", id_number("19860707"), OWN),               # 10 formula injection
        row("王十", id_number("19870808"), OWN, note="@SUM(1+1)*cmd|' /C calc'!A0"),  # 11 formula in a note
    ]


EXPECTED = {4: {"id_number"}, 5: {"joined_on"}, 6: {"id_number"}, 7: {"id_number"}, 8: {"branch"},
            9: {"branch"}, 10: {"name"}, 11: {"note"}}


def test_each_bad_row_is_reported_by_line_and_nothing_is_written_on_nothing(personas, branches, on_roll, capture):
    job = run_import(personas["street"], xlsx_file(mixed_rows(branches, on_roll)), capture)
    assert job.state == JobState.VALIDATED
    assert job.result == {"rows": 10, "good": 2, "bad": 8}
    assert errors_by_line(job) == EXPECTED
    assert (job.total, job.done) == (10, 10)
    messages = {e["line"]: e["message"] for e in job.report["errors"]}
    assert "校验位" in messages[4]
    assert "第2行" in messages[6]
    assert "已在党员名册" in messages[7]
    assert "公式" in messages[10]
    before = (Member.objects.count(), MemberEvent.objects.count(), AuditEvent.objects.filter(
        action="member.import").count())

    job = confirm(personas["street"], job, "nothing", capture)

    assert job.state == JobState.CANCELLED
    assert (Member.objects.count(), MemberEvent.objects.count(),
            AuditEvent.objects.filter(action="member.import").count()) == before
    assert "stage" not in job.options and not job.file


def test_good_rows_writes_exactly_the_good_ones(personas, branches, on_roll, capture):
    rows = mixed_rows(branches, on_roll)
    job = run_import(personas["street"], xlsx_file(rows), capture)
    stage = job.options["stage"]

    job = confirm(personas["street"], job, "good_rows", capture)

    assert job.state == JobState.DONE
    assert job.result["created"] == 2 and job.result["skipped"] == 0
    assert (job.done, job.total) == (2, 2)
    added = Member.objects.exclude(pk=on_roll.pk)
    assert sorted(added.values_list("name", "branch__name")) == [("王一", OWN), ("王二", branches.sibling.name)]
    first = added.get(name="王一")
    assert first.id_number == rows[0][3] and first.phone == "13800138000"
    assert (first.sex, first.birth_date, first.full_on) == ("male", date(1980, 1, 1), date(2011, 7, 1))
    assert MemberEvent.objects.filter(member__in=added, text__contains="roll.xlsx").count() == 2
    audit = AuditEvent.objects.get(action="member.import")
    assert audit.actor == personas["street"] and audit.summary["created"] == 2
    assert not default_storage.exists(stage)


def test_csv_in_gb18030_as_excel_saves_it(personas, branches, on_roll, capture):
    job = run_import(personas["street"], csv_file(mixed_rows(branches, on_roll), encoding="gb18030"), capture)
    assert job.result == {"rows": 10, "good": 2, "bad": 8}
    assert errors_by_line(job) == EXPECTED


def test_csv_in_utf8_with_a_title_row_and_other_header_names(personas, branches, capture):
    header = ["序号", "姓名", "性别", "身份证号", "手机号", "党支部", "党费类别", "党员状态", "入党日期", "转正日期",
              "居住社区", "备注"]
    rows = [["某某党支部党员花名册"] + [""] * 11, header,
            row("李一", id_number("19900101"), OWN, joined="2015/7/1", full="2016.07.01", category="离退休人员",
                residence="嘉园一里社区"),
            row("李二", id_number("19900202"), OWN, joined="20180701", status="预备党员", category="学生")]
    job = run_import(personas["street"], csv_file(rows[1:], header=rows[0]), capture)
    assert job.state == JobState.VALIDATED and job.report["errors"] == []
    confirm(personas["street"], job, "good_rows", capture)
    first, second = Member.objects.get(name="李一"), Member.objects.get(name="李二")
    assert (first.joined_on, first.full_on, first.category) == (date(2015, 7, 1), date(2016, 7, 1), "retired")
    assert first.residence.name == "嘉园一里社区"
    assert (second.status, second.full_on, second.category) == ("probationary", None, "student")


def test_a_nul_character_in_a_csv_cell_is_dropped_before_the_roll(personas, branches, capture):
    rows = [row("张\x00三", id_number("19900101"), OWN, note="备\x00注")]
    job = run_import(personas["street"], csv_file(rows), capture)
    assert job.state == JobState.VALIDATED and job.report["errors"] == []
    confirm(personas["street"], job, "good_rows", capture)
    assert list(Member.objects.values_list("name", "note")) == [("张三", "备注")]


def test_date_cells_and_text_dates_read_alike(personas, branches, capture):
    rows = [row("赵一", id_number("19900101"), OWN, joined=date(2015, 7, 1)),
            row("赵二", id_number("19900101"), OWN, joined="2015.7.1"),
            row("赵三", id_number("19900101"), OWN, joined="2015年7月"),
            row("赵四", id_number("19900101"), OWN, joined="明年")]
    job = run_import(personas["street"], xlsx_file(rows, title_rows=[["党员花名册"]]), capture)
    assert errors_by_line(job) == {5: {"joined_on"}, 6: {"joined_on"}}
    assert "年月日" in job.report["errors"][0]["message"]


def test_a_branch_secretary_cannot_import_into_another_branch(personas, branches, capture):
    rows = [row("钱一", id_number("19800101"), OWN), row("钱二", id_number("19800101"), branches.sibling.name),
            row("钱三", id_number("19800101"), str(branches.sibling.pk))]
    job = run_import(personas["branch"], xlsx_file(rows), capture)
    assert errors_by_line(job) == {3: {"branch"}, 4: {"branch"}}

    confirm(personas["branch"], job, "good_rows", capture)

    assert list(Member.objects.values_list("name", "branch")) == [("钱一", branches.own.pk)]


def test_a_branch_named_by_its_number(personas, branches, capture):
    job = run_import(personas["street"], xlsx_file([row("孙一", id_number("19800101"), str(branches.sibling.pk))]),
                     capture)
    confirm(personas["street"], job, "good_rows", capture)
    assert Member.objects.get(name="孙一").branch == branches.sibling


def test_a_branch_number_that_no_integer_holds_is_a_row_error(personas, branches, capture):
    rows = [row("孙二", id_number("19800101"), "²"), row("孙三", id_number("19800101"), "9" * 30)]
    job = run_import(personas["street"], xlsx_file(rows), capture)
    assert job.state == JobState.VALIDATED and errors_by_line(job) == {2: {"branch"}, 3: {"branch"}}


def test_namesake_branches_must_be_named_by_number(personas, branches, world, capture):
    from jiceng.core.services.orgs import org_create
    from jiceng.testing import SYSTEM

    org_create(SYSTEM, parent=world.jiayuan_committee, name=OWN, kind="branch", area=world.grid1)
    job = run_import(personas["street"], xlsx_file([row("周一", id_number("19800101"), OWN)]), capture)
    assert errors_by_line(job) == {2: {"branch"}} and "支部编号" in job.report["errors"][0]["message"]


def test_scope_lost_before_confirming_writes_nothing(personas, branches, capture):
    job = run_import(personas["branch"], xlsx_file([row("吴一", id_number("19800101"), OWN)]), capture)
    Grant.objects.filter(user=personas["branch"]).update(revoked_at="2026-01-01T00:00:00Z")
    grants_changed([personas["branch"]])

    job = confirm(personas["branch"], job, "good_rows", capture)

    assert job.state == JobState.FAILED and "不能向" in job.error
    assert not Member.objects.exists()


def test_a_number_registered_after_validation_is_skipped_and_reported(personas, branches, capture):
    taken = id_number("19800101")
    job = run_import(personas["street"], xlsx_file([row("郑一", id_number("19800101"), OWN),
                                                    row("郑二", taken, OWN)]), capture)
    member(branches.own, "抢先登记", id_number=taken)

    job = confirm(personas["street"], job, "good_rows", capture)

    assert job.state == JobState.DONE and job.result["created"] == 1 and job.result["skipped"] == 1
    assert errors_by_line(job) == {3: {"id_number"}}
    assert set(Member.objects.values_list("name", flat=True)) == {"郑一", "抢先登记"}


def test_a_choice_is_taken_once(personas, branches, capture):
    job = run_import(personas["street"], xlsx_file([row("冯一", id_number("19800101"), OWN)]), capture)
    confirm(personas["street"], job, "good_rows", capture)
    with pytest.raises(Conflict):
        imports.import_confirm(personas["street"], job=job, choice="nothing")
    with pytest.raises(ValidationError):
        imports.import_confirm(personas["street"], job=job, choice="everything")
    assert Member.objects.count() == 1


def test_personal_data_never_rests_in_plain_text(personas, branches, capture):
    number = id_number("19800101")
    job = run_import(personas["street"], xlsx_file([row("陈一", number, OWN, phone="13912345678"),
                                                    row("陈二", bad_checksum(id_number("19800101")), OWN)]), capture)
    with default_storage.open(job.options["stage"], "rb") as f:
        staged = f.read()
    assert number.encode() not in staged and b"13912345678" not in staged
    assert number not in str(job.report) + str(job.options) + str(job.result)
    assert not job.file  # the upload is deleted once read


@pytest.mark.parametrize(("upload", "problem"), [
    (xlsx_file([], name="roll.xls"), "xlsx"),
    (xlsx_file([], name="roll.txt"), "xlsx"),
])
def test_an_unreadable_upload_is_refused_at_once(personas, branches, upload, problem, capture):
    with pytest.raises(ValidationError) as exc:
        run_import(personas["street"], upload, capture)
    assert problem in str(exc.value.message_dict["file"])


@pytest.mark.parametrize(("upload", "problem"), [
    (xlsx_file([row("甲", id_number(), OWN)], header=["姓名", "入党时间"]), "缺少必需的列：公民身份号码、所在党支部"),
    (xlsx_file([]), "没有数据行"),
    (csv_file([], header=["名字", "号码"]), "没有找到表头"),
    (xlsx_file([row("甲", id_number(), OWN)], header=[*HEADER[:-1], "姓名"]), "重复"),
])
def test_a_file_that_is_not_a_roll_fails_with_a_reason(personas, branches, upload, problem, capture):
    job = run_import(personas["street"], upload, capture)
    assert job.state == JobState.FAILED and problem in job.error
    assert not job.file and not Member.objects.exists()


def test_a_damaged_xlsx_fails_with_a_reason(personas, branches, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = run_import(personas["street"], SimpleUploadedFile("roll.xlsx", b"PK\x03\x04 not really a zip"), capture)
    assert job.state == JobState.FAILED and "损坏" in job.error


def test_only_importers_may_upload(personas, branches, capture):
    with pytest.raises(PermissionDenied):
        run_import(personas["grid"], xlsx_file([row("甲", id_number(), OWN)]), capture)
    assert not imports.Job.objects.exists()


def test_the_template_imports_as_it_is(personas, branches, capture):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = imports.import_template(personas["street"])
    job = run_import(personas["street"], SimpleUploadedFile("模板.xlsx", content), capture)
    assert job.result == {"rows": 1, "good": 1, "bad": 0}
    confirm(personas["street"], job, "good_rows", capture)
    assert Member.objects.get().residence.name == "嘉园一里社区"
