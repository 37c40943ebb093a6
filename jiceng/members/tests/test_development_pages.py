"""The development pages: ledger with progress bars, the file and its step forms, the due list,
statistics, the .xlsx export, documents, and scope."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jiceng.core.models import AuditEvent
from jiceng.members.models import Applicant, ApplicantStep
from jiceng.members.tests.factories import id_number
from jiceng.members.tests.test_development_walk import (
    make_bajiao_worker,
    make_ns,
    new_applicant,
    other_branch,
    snapshot,
    walk,
)


@pytest.fixture
def ns(world):
    return make_ns(world)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_ledger_shows_progress_next_step_and_masked_numbers(ns, client_for):
    applicant = walk(ns, new_applicant(ns), 16)
    page = client_for("branch").get("/development/")
    html = page.content.decode()
    assert page.status_code == 200
    assert applicant.name in html and "jc-dev-seg-probationary" in html and "已完成 16/25" in html
    assert "第17步 上级党委审批" in html and "已超期" in html  # approval due 2024-09-28
    assert applicant.id_number not in html


def test_ledger_per_committee_and_scope(ns, world, client_for):
    mine = new_applicant(ns)
    theirs = new_applicant(ns, branch=other_branch(world), name="吴四")
    branch_html = client_for("branch").get("/development/").content.decode()
    assert mine.name in branch_html and theirs.name not in branch_html
    street = client_for("street")
    html = street.get(f"/development/?org={world.jiayuan_committee.pk}").content.decode()
    assert mine.name in html and theirs.name in html
    html = street.get(f"/development/?org={ns.branch.pk}").content.decode()
    assert mine.name in html and theirs.name not in html
    assert client_for("branch").get(f"/development/{theirs.pk}/").status_code == 404


def test_another_street_gets_404(ns, world, client):
    applicant = new_applicant(ns)
    client.force_login(make_bajiao_worker(world))
    assert applicant.name not in client.get("/development/").content.decode()
    assert client.get(f"/development/{applicant.pk}/").status_code == 404
    before = snapshot(applicant)
    response = client.post(f"/development/{applicant.pk}/steps/2/", {"done_on": "2023-03-20", "talker": "x"})
    assert response.status_code == 404
    assert snapshot(applicant) == before


def test_new_application_page(ns, client_for):
    client = client_for("branch")
    assert client.get("/development/new/").status_code == 200
    document = SimpleUploadedFile("入党申请书.pdf", b"%PDF-1.7 x", content_type="application/pdf")
    response = client.post("/development/new/", {
        "branch": ns.branch.pk, "name": "冯六", "id_number": id_number("19960606", "110105", male=False),
        "phone": "13900001111", "applied_on": "2026-11-02", "ethnicity": "汉族", "category": "in_service",
        "documents": [document]})
    applicant = Applicant.objects.get(name="冯六")
    assert response.status_code == 302 and response["Location"] == f"/development/{applicant.pk}/"
    assert applicant.steps.get(number=1).documents.count() == 1
    young = client.post("/development/new/", {
        "branch": ns.branch.pk, "name": "少年", "id_number": id_number("20090101", "110105"),
        "applied_on": "2026-11-02", "ethnicity": "汉族", "category": "in_service"})
    assert young.status_code == 200 and "第五条" in young.content.decode()
    assert not Applicant.objects.filter(name="少年").exists()


def test_detail_shows_all_25_steps_and_the_next_form_with_its_rule(ns, client_for):
    applicant = walk(ns, new_applicant(ns), 8)
    html = client_for("branch").get(f"/development/{applicant.pk}/").content.decode()
    assert html.count('class="jc-dev-num"') == 25
    assert "张书记" in html and "党员0、党员1" in html  # a talker; the contacts by name
    assert "第9步 确定入党介绍人" in html and "第十三条" in html
    assert f'action="/development/{applicant.pk}/steps/9/"' in html
    assert "例外情形说明" not in html  # the branch secretary may not record exceptions
    assert "例外情形说明" in client_for("street").get(f"/development/{applicant.pk}/").content.decode()


def test_the_contacts_offered_are_the_full_members_of_the_branch(ns, world, client_for):
    from jiceng.members.tests.factories import member

    probationary = member(ns.branch, "预备乙", status="probationary", joined_on=date(2024, 1, 1))
    elsewhere = member(other_branch(world), "邻支部党员")
    applicant = walk(ns, new_applicant(ns), 4)
    html = client_for("branch").get(f"/development/{applicant.pk}/").content.decode()
    assert f'value="{ns.members[9].pk}"' in html and "党员9" in html
    assert probationary.name not in html and elsewhere.name not in html


def test_a_refused_step_shows_the_rule_next_to_the_field_and_changes_nothing(ns, client_for):
    applicant = walk(ns, new_applicant(ns), 8)
    client = client_for("branch")
    before = snapshot(applicant)
    response = client.post(f"/development/{applicant.pk}/steps/9/", {
        "done_on": "2024-04-20", "introducers": [ns.members[0].pk]})
    assert response.status_code == 200
    assert "第十三条" in response.content.decode() and "jc-field-invalid" in response.content.decode()
    assert snapshot(applicant) == before
    ok = client.post(f"/development/{applicant.pk}/steps/9/", {
        "done_on": "2024-04-20", "responsible": "王五", "introducers": [ns.members[0].pk, ns.members[1].pk]})
    assert ok.status_code == 302
    assert ApplicantStep.objects.filter(applicant=applicant, number=9).exists()


def test_an_exception_from_the_page_is_audited(ns, client_for):
    applicant = walk(ns, new_applicant(ns), 10)
    response = client_for("street").post(f"/development/{applicant.pk}/steps/11/", {
        "done_on": "2024-05-20", "days": "2", "exception_reason": "区委组织部集中培训两天，经批准"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="applicant.exception", object_id=str(applicant.pk)).exists()


def test_transitions_from_the_page(ns, client_for):
    applicant = walk(ns, new_applicant(ns), 5)
    client = client_for("branch")
    client.post(f"/development/{applicant.pk}/stop/", {"close-on": "2024-01-05", "close-reason": "本人撤回"})
    applicant.refresh_from_db()
    assert applicant.outcome == "stopped"
    probationary = walk(ns, new_applicant(ns, name="陈七"), 22)
    client.post(f"/development/{probationary.pk}/extend/", {"extend-on": "2025-06-30",
                                                             "extend-extended_to": "2025-08-01",
                                                             "extend-reason": "继续考察"})
    probationary.refresh_from_db()
    assert probationary.extended_to is None
    client.post(f"/development/{probationary.pk}/extend/", {"extend-on": "2025-06-30",
                                                             "extend-extended_to": "2026-01-05",
                                                             "extend-reason": "继续考察"})
    probationary.refresh_from_db()
    assert probationary.extended_to == date(2026, 1, 5)
    html = client.get(f"/development/{probationary.pk}/").content.decode()
    assert "继续考察" in html and "延长至 2026-01-05" in html


def test_due_and_stats_pages(ns, client_for):
    new_applicant(ns, applied_on=date(2026, 11, 10))
    walk(ns, new_applicant(ns, name="褚八"), 16)
    client = client_for("street")
    due = client.get("/development/due/").content.decode()
    assert "入党申请谈话" in due and "接收预备党员待审批" in due and "已超期" in due
    stats = client.get("/development/stats/")
    html = stats.content.decode()
    assert stats.status_code == 200 and 'id="jc-dev-stats"' in html and "chart-by_education" in html
    assert "vendor/echarts/echarts.min.js" in html and "members/development_stats.js" in html
    assert "<script>" not in html  # no inline scripts (CSP)


def test_export_is_masked_neutralised_and_audited(ns, client_for):
    applicant = walk(ns, new_applicant(ns, name="=cmd|' /C calc'!A0"), 3)
    response = client_for("branch").get("/development/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "姓名", "性别")
    assert rows[1][1].startswith("'=") and rows[1][5].startswith("110105*")
    assert applicant.id_number not in str(rows)
    assert AuditEvent.objects.filter(action="applicant.export").count() == 1


def test_documents_download_in_scope_only(ns, world, client_for, client):
    document = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 content", content_type="application/pdf")
    from jiceng.members.services import development as dev
    from jiceng.testing import SYSTEM

    applicant = dev.applicant_create(SYSTEM, branch=ns.branch, name="蒋九", id_number=id_number("19950101", "110105"),
                                     applied_on=date(2026, 1, 5), documents=[document])
    doc = applicant.steps.get(number=1).documents.get()
    response = client_for("branch").get(f"/development/documents/{doc.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(make_bajiao_worker(world))
    assert client.get(f"/development/documents/{doc.pk}/").status_code == 404


def test_a_persona_without_the_permission_gets_403(ns, client_for):
    assert client_for("grid").get("/development/").status_code == 403
    assert client_for("grid").get("/development/new/").status_code == 403


def _form_data(ns, number: int) -> dict:
    from jiceng.members.tests.test_development_walk import WALK

    on, data = WALK[number]
    fields = {"done_on": on.isoformat(), "responsible": "王五", **({"qualified": "on"} if number == 10 else {})}
    for key, value in data.items():
        fields[key] = [ns.members[0].pk, ns.members[1].pk] if key in ("contacts", "introducers") else value
    return fields


def test_the_whole_walk_through_the_page_forms(ns, client_for):
    applicant = new_applicant(ns)
    client = client_for("branch")
    for number in range(2, 26):
        page = client.get(f"/development/{applicant.pk}/")
        assert f'action="/development/{applicant.pk}/steps/{number}/"' in page.content.decode(), number
        response = client.post(f"/development/{applicant.pk}/steps/{number}/", _form_data(ns, number))
        assert response.status_code == 302, (number, response.content.decode()[-3000:])
    applicant.refresh_from_db()
    assert (applicant.outcome, applicant.last_step, applicant.member.status) == ("admitted", 25, "full")
    html = client.get(f"/development/{applicant.pk}/").content.decode()
    assert "登记下一步" not in html and html.count("jc-dev-done") == 25


def test_the_ledger_reads_without_n_plus_1(ns, client_for, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiceng.members.selectors import development as selectors

    monkeypatch.setattr(selectors, "deadline", lambda day: day)  # the calendar is cached outside tests' transaction
    client = client_for("street")
    for i in range(2):
        walk(ns, new_applicant(ns, name=f"甲{i}"), 16)
    client.get("/development/")
    with CaptureQueriesContext(connection) as few:
        client.get("/development/")
    for i in range(4):
        walk(ns, new_applicant(ns, name=f"乙{i}"), 3 + i * 5)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/development/").status_code == 200
    assert len(many) == len(few)
