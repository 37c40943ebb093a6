import pytest
from django.test import Client

from jiceng.core.models import AuditEvent
from jiceng.whistles.models import EnterpriseRequest, Whistle
from jiceng.whistles.services import enterprise, whistles
from jiceng.whistles.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def depts(world):
    return h.departments(world)


def test_board_shows_countdowns_and_overdue_in_words(world, personas, client_for, depts):
    whistle = h.blow(world, depts)
    h.shift(h.call_of(whistle, depts["市场监管"]), 45)
    page = client_for("street").get("/whistles/")
    html = page.content.decode()
    assert page.status_code == 200 and whistle.title in html
    assert "超时未报到" in html and "距报到时限" in html and "jc-call-overdue" in html
    assert "1 个部门超时未报到" in html
    assert client_for("street").get("/whistles/?status=closed").content.decode().count("jc-whistle ") == 0
    assert client_for("street").get("/whistles/?period=2026-99").status_code == 200  # error shown, not a 500


def test_board_forbidden_without_a_role_and_empty_for_an_unsummoned_department(world, personas, client_for, depts):
    h.blow(world, depts)
    assert client_for("branch").get("/whistles/").status_code == 403
    h.make_handler(personas, depts["水务"])
    page = client_for("dept").get("/whistles/").content.decode()
    assert "马家堡东路占道经营" not in page and "本部门被召集时" in page


def test_handler_reports_in_from_the_whistle_page(world, personas, client_for, depts):
    h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    dept = client_for("dept")
    page = dept.get(f"/whistles/{whistle.pk}/").content.decode()
    assert page.count('name="do" value="report"') == 1  # only its own department's button
    call = h.call_of(whistle, depts["城管"])
    done = dept.post(f"/whistles/{whistle.pk}/", {"do": "report", "call_id": call.pk, "report-note": "已出发"})
    assert done.status_code == 302
    call.refresh_from_db()
    assert call.reported_at is not None
    again = dept.post(f"/whistles/{whistle.pk}/", {"do": "report", "call_id": call.pk})
    assert again.status_code == 200 and "无需重复报到" in again.content.decode()
    inbox = dept.get("/whistles/inbox/").content.decode()
    assert whistle.title in inbox and "已按时报到" in inbox
    assert client_for("street").get("/whistles/inbox/").status_code == 403


def test_street_blows_rates_and_closes_from_pages(world, personas, client_for, depts):
    street = client_for("street")
    form = street.get("/whistles/new/").content.decode()
    assert "丰台区城管执法局" in form and "紧急30分钟" in form
    made = street.post("/whistles/new/", {"caller": world.majiabao.pk, "title": "雨水管道堵塞", "matter": "积水",
                                          "urgency": "normal", "departments": [depts["水务"].pk]})
    assert made.status_code == 302
    whistle = Whistle.objects.get(title="雨水管道堵塞")
    assert whistle.report_minutes == 24 * 60
    refused = street.post(f"/whistles/{whistle.pk}/", {"do": "close", "close-result": "已疏通"})
    assert refused.status_code == 200 and "事不完、人不撤" in refused.content.decode()
    assert Whistle.objects.get(pk=whistle.pk).status == "open"
    handler = h.other_handler(world, depts["水务"])
    whistles.whistle_report_in(handler, whistle=whistle, call=h.call_of(whistle, depts["水务"]))
    call = h.call_of(whistle, depts["水务"])
    assert street.post(f"/whistles/{whistle.pk}/", {"do": "rate", "call_id": call.pk, "rate-rating": "5",
                                                    "rate-comment": "很快"}).status_code == 302
    assert street.post(f"/whistles/{whistle.pk}/", {"do": "close", "close-result": "已疏通"}).status_code == 302
    page = street.get(f"/whistles/{whistle.pk}/").content.decode()
    assert "已结束" in page and "评价 5 分" in page and "已疏通" in page
    assert street.post(f"/whistles/{whistle.pk}/", {"do": "nonsense"}).status_code == 400


def test_blow_form_errors_and_out_of_scope_detail(world, personas, client_for, depts):
    street = client_for("street")
    page = street.post("/whistles/new/", {"caller": world.majiabao.pk, "title": "", "matter": "",
                                          "urgency": "urgent"})
    assert page.status_code == 200 and "jc-field-error" in page.content.decode()
    assert not Whistle.objects.exists()
    assert client_for("dept").get("/whistles/new/").status_code == 403
    whistle = h.blow(world, depts)
    assert client_for("community").get(f"/whistles/{whistle.pk}/").status_code == 404


def test_stats_page_for_street_and_handler(world, personas, client_for, depts):
    h.make_handler(personas, depts["城管"])
    h.blow(world, depts)
    page = client_for("street").get("/whistles/stats/")
    html = page.content.decode()
    assert page.status_code == 200 and "丰台区城管执法局" in html and "chart-whistle-rates" in html
    assert "报到率 = 已报到 ÷ 被召集" in html
    assert "统计月份应写作" in client_for("street").get("/whistles/stats/?period=bad").content.decode()
    assert client_for("dept").get("/whistles/stats/").status_code == 200


def test_enterprise_public_form_and_staff_pages(world, personas, client_for, depts):
    public = Client()
    form = public.get("/whistles/enterprise/")
    assert form.status_code == 200 and "马家堡街道" in form.content.decode()
    bad = public.post("/whistles/enterprise/", {"enterprise_name": "某公司", "uscc": "123", "contact_name": "王",
                                                "phone": "1", "unit": world.majiabao.pk, "matter": "x"})
    assert bad.status_code == 200 and "统一社会信用代码应为18位" in bad.content.decode()
    data = {"enterprise_name": "北京嘉园便民超市有限公司", "uscc": "91350100M000100Y43", "contact_name": "李店长",
            "phone": "13900003456", "unit": world.majiabao.pk, "matter": "人行道破损", "idempotency_key": "f-1"}
    assert public.post("/whistles/enterprise/", data).status_code == 302
    assert public.post("/whistles/enterprise/", data).status_code == 302  # a double submit: one request
    done = public.get("/whistles/enterprise/done/").content.decode()
    made = EnterpriseRequest.objects.get()
    assert made.reference in done
    street = client_for("street")
    listed = street.get("/whistles/enterprise-requests/").content.decode()
    assert "北京嘉园便民超市有限公司" in listed and "139****3456" in listed and "13900003456" not in listed
    assert client_for("community").get(f"/whistles/enterprise-requests/{made.pk}/").status_code == 404
    assert client_for("dept").get("/whistles/enterprise-requests/").status_code == 403
    assert street.post(f"/whistles/enterprise-requests/{made.pk}/decline/", {"reason": ""}).status_code == 422
    converted = street.post(f"/whistles/enterprise-requests/{made.pk}/", {
        "title": "人行道破损", "urgency": "normal", "departments": [depts["城管"].pk]})
    assert converted.status_code == 302
    made.refresh_from_db()
    assert made.status == "converted" and made.whistle.title == "人行道破损"
    assert "来自企业吹哨" in street.get(f"/whistles/{made.whistle_id}/").content.decode()
    other, _c = enterprise.enterprise_request_create(None, **{**{k: v for k, v in data.items()
                                                                if k not in ("unit", "idempotency_key")},
                                                              "unit": world.majiabao})
    assert street.post(f"/whistles/enterprise-requests/{other.pk}/decline/",
                       {"reason": "民事纠纷"}).status_code == 302
    assert AuditEvent.objects.filter(action="enterprise_request.decline").count() == 1


def test_workbench_tile_counts_open_whistles_and_pending_report_ins(world, personas, client_for, depts):
    from jiceng.whistles.apps import _counter

    h.make_handler(personas, depts["城管"])
    h.blow(world, depts)
    h.blow(world, depts, kinds=("水务",))
    assert _counter(personas["street"]) == 2
    assert _counter(personas["dept"]) == 1
    assert "吹哨报到" in client_for("street").get("/").content.decode()
