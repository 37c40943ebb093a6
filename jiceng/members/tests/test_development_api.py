"""The development API's contract: shapes, masked numbers, field errors, 409, 403/404 and scope."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiceng.members.models import Applicant, ApplicantStep, StepDocument
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


def post(headers, url, payload):
    return Client().post(url, json.dumps(payload), content_type="application/json", **headers)


def payload(ns, **kw):
    return {"name": "孙小红", "id_number": id_number("19980512", "110105", male=False), "phone": "13812345678",
            "branch": ns.branch.pk, "applied_on": "2023-03-01", "education": "bachelor", **kw}


def test_create_answers_201_with_masked_numbers_and_the_first_step(ns, token_for):
    data = payload(ns)
    response = post(token_for("branch"), "/api/v1/applicants", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == "110105********" + data["id_number"][-4:]
    assert body["phone"] == "138****5678"
    assert (body["sex"], body["birth_date"], body["branch"]) == ("female", "1998-05-12", ns.branch.pk)
    assert (body["last_step"], body["stage"], body["outcome"]) == (1, "applicant", "open")
    assert body["next"] == {"kind": "talk", "step": 2, "step_name": "党组织派人谈话", "due_on": "2023-04-03",
                            "earliest_on": None}  # 2023-04-01 is a Saturday: the deadline moves to Monday
    assert [s["number"] for s in body["steps"]] == [1]
    assert body["steps"][0]["data"]["category"] == "in_service"
    assert data["id_number"] not in response.content.decode()
    assert "13812345678" not in response.content.decode()


@pytest.mark.parametrize(("change", "field"), [
    ({"id_number": "110105199805120220"}, "id_number"),
    ({"phone": "12345"}, "phone"),
    ({"applied_on": "2099-01-01"}, "applied_on"),
    ({"applied_on": "2023-02-30"}, "applied_on"),
    ({"education": "phd"}, "education"),
])
def test_bad_input_is_422_naming_the_field_and_writes_nothing(ns, token_for, change, field):
    response = post(token_for("branch"), "/api/v1/applicants", payload(ns, **change))
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Applicant.objects.exists()


def test_a_branch_out_of_scope_is_a_field_error(ns, token_for, world):
    response = post(token_for("branch"), "/api/v1/applicants", payload(ns, branch=world.bajiao_community_committee.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "branch"
    assert not Applicant.objects.exists()


def test_the_same_person_twice_is_409(ns, token_for):
    data = payload(ns)
    assert post(token_for("branch"), "/api/v1/applicants", data).status_code == 201
    response = post(token_for("branch"), "/api/v1/applicants", data)
    assert response.status_code == 409
    assert Applicant.objects.count() == 1


def test_steps_by_number_or_by_name_and_refusals_with_the_rule(ns, token_for):
    applicant = new_applicant(ns)
    headers = token_for("branch")
    url = f"/api/v1/applicants/{applicant.pk}/steps"
    before = snapshot(applicant)
    late = post(headers, f"{url}/talk", {"done_on": "2023-04-10", "data": {"talker": "张"}})
    assert late.status_code == 422
    assert late.json()["errors"] == [{"field": "done_on", "message": late.json()["errors"][0]["message"]}]
    assert "第七条" in late.json()["errors"][0]["message"]
    assert snapshot(applicant) == before
    ok = post(headers, f"{url}/2", {"done_on": "2023-03-20", "responsible": "张书记", "data": {"talker": "张"}})
    assert ok.status_code == 200, ok.content
    assert ok.json()["last_step"] == 2 and ok.json()["steps"][1]["name"] == "党组织派人谈话"
    assert post(headers, f"{url}/activist", {"done_on": "2023-04-10", "data": {"method": "members"}}).json()[
        "stage"] == "activist"
    assert post(headers, f"{url}/99", {"done_on": "2023-04-10"}).status_code == 404
    assert post(headers, f"{url}/1", {"done_on": "2023-04-10"}).status_code == 422


def test_an_exception_needs_the_permission(ns, token_for):
    applicant = walk(ns, new_applicant(ns), 6)
    body = {"done_on": "2024-03-01", "data": {"publicity_start": "2024-02-19"}, "exception_reason": "特批"}
    before = snapshot(applicant)
    denied = post(token_for("branch"), f"/api/v1/applicants/{applicant.pk}/steps/7", body)
    assert denied.status_code == 403
    assert snapshot(applicant) == before
    allowed = post(token_for("street"), f"/api/v1/applicants/{applicant.pk}/steps/7", body)
    assert allowed.status_code == 200
    assert allowed.json()["steps"][-1]["exception_reason"] == "特批"


def test_extend_disqualify_and_stop(ns, token_for):
    headers = token_for("street")
    applicant = walk(ns, new_applicant(ns), 22)
    url = f"/api/v1/applicants/{applicant.pk}"
    bad = post(headers, f"{url}/extend", {"on": "2025-06-30", "extended_to": "2025-09-30", "reason": "继续考察"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "extended_to"
    ok = post(headers, f"{url}/extend", {"on": "2025-06-30", "extended_to": "2026-03-28", "reason": "继续考察"})
    assert ok.status_code == 200 and ok.json()["extended_to"] == "2026-03-28"
    assert ok.json()["next"]["due_on"] == "2026-03-28"
    gone = post(headers, f"{url}/disqualify", {"on": "2025-07-01", "reason": "不具备党员条件"})
    assert gone.status_code == 200 and gone.json()["outcome"] == "disqualified"
    other = new_applicant(ns, name="周三")
    stopped = post(headers, f"/api/v1/applicants/{other.pk}/stop", {"on": "2023-05-01", "reason": "本人撤回"})
    assert stopped.status_code == 200 and stopped.json()["outcome"] == "stopped"


def test_scope_branch_secretary_sees_only_the_branch_and_another_street_gets_404(ns, world, token_for):
    from jiceng.core.services import accounts
    from jiceng.testing import SYSTEM

    bajiao_worker = make_bajiao_worker(world)

    mine = new_applicant(ns)
    theirs = new_applicant(ns, branch=other_branch(world), name="吴四")
    listed = Client().get("/api/v1/applicants", **token_for("branch")).json()["items"]
    assert [i["id"] for i in listed] == [mine.pk]
    assert Client().get(f"/api/v1/applicants/{theirs.pk}", **token_for("branch")).status_code == 404
    street = Client().get("/api/v1/applicants", **token_for("street")).json()["items"]
    assert {i["id"] for i in street} == {mine.pk, theirs.pk}
    _t, raw = accounts.token_issue(SYSTEM, user=bajiao_worker, name="t")
    bajiao = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert Client().get("/api/v1/applicants", **bajiao).json()["items"] == []
    assert Client().get(f"/api/v1/applicants/{mine.pk}", **bajiao).status_code == 404
    before = snapshot(mine)
    assert post(bajiao, f"/api/v1/applicants/{mine.pk}/steps/2", {"done_on": "2023-03-20",
                                                                   "data": {"talker": "x"}}).status_code == 404
    assert snapshot(mine) == before


def test_due_and_stats_shapes(ns, token_for):
    new_applicant(ns, applied_on=date(2026, 11, 10))
    walk(ns, new_applicant(ns, name="郑五"), 16)  # approval due 2024-09-28: overdue
    due = Client().get("/api/v1/applicants/due", **token_for("street")).json()
    kinds = {i["kind"]: i for i in due["items"]}
    assert kinds["talk"]["due_on"] == "2026-12-10" and kinds["talk"]["overdue"] is False
    assert kinds["approval"]["overdue"] is True and kinds["approval"]["step"] == 17
    stats = Client().get("/api/v1/applicants/stats", **token_for("street")).json()
    assert stats["total"] == 2
    assert {r["key"]: r["count"] for r in stats["by_year"]} == {"2023": 1, "2024": 0, "2026": 1}
    assert {r["key"]: r["admitted"] for r in stats["by_year"]}["2024"] == 1
    assert {r["key"]: r["count"] for r in stats["by_stage"]}["candidate"] == 1
    assert {r["key"]: r["count"] for r in stats["by_sex"]} == {"male": 2, "female": 0}
    assert sum(r["count"] for r in stats["by_age"]) == 2
    assert {r["key"]: r["count"] for r in stats["by_education"]}["bachelor"] == 2


def test_step_definitions(token_for, world):
    steps = Client().get("/api/v1/applicants/steps", **token_for("branch")).json()
    assert len(steps) == 25 and steps[8]["slug"] == "introducers" and "第十三条" in steps[8]["rule"]


def test_documents_upload_with_type_and_size_limits(ns, token_for, settings):
    applicant = new_applicant(ns)
    url = f"/api/v1/applicants/{applicant.pk}/steps/1/documents"
    headers = token_for("branch")
    good = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = Client().post(url, {"files": [good]}, **headers)
    assert response.status_code == 201, response.content
    assert [d["name"] for d in response.json()] == ["申请书.pdf"]
    fake = SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00", content_type="application/pdf")
    exe = SimpleUploadedFile("x.exe", b"MZ\x90\x00")
    for bad in (fake, exe):
        response = Client().post(url, {"files": [bad]}, **headers)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "documents"
    settings.DEVELOPMENT_UPLOAD_MAX_MB = 0
    big = SimpleUploadedFile("b.png", b"\x89PNG" + b"0" * 10)
    assert Client().post(url, {"files": [big]}, **headers).status_code == 422
    assert StepDocument.objects.count() == 1
    assert Client().post(f"/api/v1/applicants/{applicant.pk}/steps/5/documents", {"files": [good]},
                         **headers).status_code == 404
    assert ApplicantStep.objects.count() == 1
