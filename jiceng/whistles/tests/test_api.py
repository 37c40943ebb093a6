import json
from datetime import timedelta

import pytest
from django.utils import timezone

from jiceng.whistles.models import EnterpriseRequest, Whistle, WhistleCall
from jiceng.whistles.services import whistles
from jiceng.whistles.tests import helpers as h

pytestmark = pytest.mark.django_db


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def depts(world):
    return h.departments(world)


def test_create_201_with_calls_and_422_field_errors(world, client_for, depts):
    street = client_for("street")
    body = {"caller": world.majiabao.code, "title": "占道经营", "matter": "早市", "urgency": "urgent",
            "departments": [depts["城管"].pk, depts["市场监管"].pk], "location": "马家堡东路"}
    made = post(street, "/api/v1/whistles", body)
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["status"] == "open" and data["report_minutes"] == 30 and data["caller_name"] == "马家堡街道"
    assert [c["department_name"] for c in data["calls"]] == ["丰台区城管执法局", "丰台区市场监督管理局"]
    assert all(c["overdue"] is False and c["reported_at"] is None for c in data["calls"])
    bad = post(street, "/api/v1/whistles", {**body, "caller": "999999999999", "departments": [depts["城管"].pk]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "caller"
    bad = post(street, "/api/v1/whistles", {**body, "departments": [], "urgency": "x"})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"departments", "urgency"}
    bad = post(street, "/api/v1/whistles", {**body, "departments": [987654]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "departments"
    bad = post(street, "/api/v1/whistles", {"title": "x"})
    assert bad.status_code == 422 and {"caller", "matter", "departments"} <= {e["field"] for e in bad.json()["errors"]}
    assert Whistle.objects.count() == 1
    assert post(client_for("dept"), "/api/v1/whistles", body).status_code == 403


def test_list_and_detail_are_scoped(world, personas, client_for, depts):
    h.make_handler(personas, depts["水务"])
    mine = h.blow(world, depts, kinds=("水务",))
    other = h.blow(world, depts, kinds=("城管",))
    community = h.blow(world, depts, caller=world.jiayuan)
    ids = [w["id"] for w in client_for("street").get("/api/v1/whistles").json()]
    assert ids == [community.pk, other.pk, mine.pk]
    assert [w["id"] for w in client_for("community").get("/api/v1/whistles").json()] == [community.pk]
    assert [w["id"] for w in client_for("dept").get("/api/v1/whistles").json()] == [mine.pk]
    assert client_for("dept").get(f"/api/v1/whistles/{other.pk}").status_code == 404
    assert client_for("community").get(f"/api/v1/whistles/{other.pk}").status_code == 404
    assert client_for("grid").get("/api/v1/whistles").json() == []
    filtered = client_for("street").get(f"/api/v1/whistles?department={depts['城管'].pk}&status=open").json()
    assert {w["id"] for w in filtered} == {other.pk, community.pk}
    assert client_for("street").get("/api/v1/whistles?period=2026-13").status_code == 422


def test_report_in_action_rate_and_close_over_the_api(world, personas, client_for, depts):
    h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    call = h.call_of(whistle, depts["城管"])
    base = f"/api/v1/whistles/{whistle.pk}/calls/{call.pk}"
    dept, street = client_for("dept"), client_for("street")
    assert post(street, f"{base}/report", {}).status_code == 403
    assert post(street, f"{base}/rate", {"rating": 5}).status_code == 422  # not reported yet
    reported = post(dept, f"{base}/report", {"note": "已出发"})
    assert reported.status_code == 200 and reported.json()["on_time"] is True
    assert post(dept, f"{base}/report", {}).status_code == 409
    assert post(dept, f"{base}/actions", {"text": "清理摊位"}).status_code == 201
    assert post(dept, f"{base}/rate", {"rating": 5}).status_code == 403
    assert post(street, f"{base}/rate", {"rating": 0}).status_code == 422
    rated = post(street, f"{base}/rate", {"rating": 4, "comment": "及时"})
    assert rated.status_code == 200 and rated.json()["rating"] == 4
    refused = post(street, f"/api/v1/whistles/{whistle.pk}/close", {"result": "已解决"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    assert Whistle.objects.get(pk=whistle.pk).status == "open"
    assert post(dept, f"/api/v1/whistles/{whistle.pk}/close", {"result": "x", "reason": "y"}).status_code == 403
    closed = post(street, f"/api/v1/whistles/{whistle.pk}/close", {"result": "已解决", "reason": "市场监管电话答复"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    detail = dept.get(f"/api/v1/whistles/{whistle.pk}").json()
    cg = next(c for c in detail["calls"] if c["id"] == call.pk)
    assert [a["text"] for a in cg["actions"]] == ["已出发", "清理摊位"] and cg["rating"] == 4
    assert post(street, f"/api/v1/whistles/{whistle.pk}/calls", {"department": depts["水务"].pk}).status_code == 409
    assert post(street, f"/api/v1/whistles/{whistle.pk}/calls/999999/report", {}).status_code == 404


def test_add_a_department(world, client_for, depts):
    whistle = h.blow(world, depts, kinds=("城管",))
    made = post(client_for("street"), f"/api/v1/whistles/{whistle.pk}/calls", {"department": depts["水务"].pk})
    assert made.status_code == 201 and made.json()["department_name"] == "丰台区水务局"
    again = post(client_for("street"), f"/api/v1/whistles/{whistle.pk}/calls", {"department": depts["水务"].pk})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "department"
    assert post(client_for("community"), f"/api/v1/whistles/{whistle.pk}/calls",
                {"department": depts["市场监管"].pk}).status_code == 404


def test_stats_per_department(world, personas, client_for, depts):
    handler = h.make_handler(personas, depts["城管"])
    one = h.blow(world, depts)  # 城管 on time (rated 5), 市场监管 overdue unreported
    whistles.whistle_report_in(handler, whistle=one, call=h.call_of(one, depts["城管"]))
    h.shift(h.call_of(one, depts["市场监管"]), 40)
    two = h.blow(world, depts, kinds=("城管",))  # 城管 late (rated 2)
    late = h.shift(h.call_of(two, depts["城管"]), 45)
    whistles.whistle_report_in(handler, whistle=two, call=late)
    for whistle, rating in ((one, 5), (two, 2)):
        whistles.whistle_rate(personas["street"], whistle=whistle, call=h.call_of(whistle, depts["城管"]),
                              rating=rating)
    h.blow(world, depts, kinds=("水务",))  # pending within the deadline
    period = f"{timezone.localdate():%Y-%m}"
    body = client_for("street").get(f"/api/v1/whistles/stats?period={period}&area={world.majiabao.code}").json()
    rows = {r["department_name"]: r for r in body["departments"]}
    assert body["period"] == period
    assert (rows["丰台区城管执法局"]["summoned"], rows["丰台区城管执法局"]["reported"],
            rows["丰台区城管执法局"]["on_time"], rows["丰台区城管执法局"]["late"]) == (2, 2, 1, 1)
    assert rows["丰台区城管执法局"]["report_rate"] == 100 and rows["丰台区城管执法局"]["on_time_rate"] == 50
    assert rows["丰台区城管执法局"]["average_rating"] == "3.5"
    assert (rows["丰台区市场监督管理局"]["late"], rows["丰台区市场监督管理局"]["on_time_rate"]) == (1, 0)
    assert rows["丰台区水务局"]["pending"] == 1 and rows["丰台区水务局"]["report_rate"] == 0
    assert rows["丰台区水务局"]["average_rating"] is None
    dept = client_for("dept").get("/api/v1/whistles/stats").json()
    assert [r["department_name"] for r in dept["departments"]] == ["丰台区城管执法局"]
    assert client_for("street").get(f"/api/v1/whistles/stats?area={world.bajiao.code}").json()["departments"] == []
    assert client_for("street").get("/api/v1/whistles/stats?period=11-2026").status_code == 422
    bad = client_for("street").get("/api/v1/whistles/stats?area=000")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "area"
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert client_for("street").get(f"/api/v1/whistles/stats?period={last}").json()["departments"] == []
    assert WhistleCall.objects.count() == 4


def test_enterprise_request_public_post_idempotent_and_staff_handling(world, client, client_for, depts):
    body = {"enterprise_name": "北京嘉园便民超市有限公司", "uscc": "91350100M000100Y43", "contact_name": "李店长",
            "phone": "13900003456", "matter": "门前人行道破损", "unit": world.majiabao.code}
    made = post(client, "/api/v1/whistles/enterprise-requests", body, HTTP_IDEMPOTENCY_KEY="abc")
    assert made.status_code == 201 and made.json()["uscc_flagged"] is False
    again = post(client, "/api/v1/whistles/enterprise-requests", body, HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    bad = post(client, "/api/v1/whistles/enterprise-requests", {**body, "uscc": "123", "phone": "110",
                                                               "unit": world.jiayuan.code})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"uscc", "phone", "unit"}
    flagged = post(client, "/api/v1/whistles/enterprise-requests", {**body, "uscc": "91350100M000100Y44"})
    assert flagged.status_code == 201 and flagged.json()["uscc_flagged"] is True
    assert EnterpriseRequest.objects.count() == 2
    assert client.get("/api/v1/whistles/enterprise-requests").status_code == 401
    listed = client_for("street").get("/api/v1/whistles/enterprise-requests?status=new").json()
    assert len(listed) == 2 and listed[0]["contact_phone"] == "139****3456"
    assert client_for("community").get("/api/v1/whistles/enterprise-requests").json() == []
    rid = made.json()["id"]
    assert client_for("community").get(f"/api/v1/whistles/enterprise-requests/{rid}").status_code == 404
    converted = post(client_for("street"), f"/api/v1/whistles/enterprise-requests/{rid}/convert",
                     {"departments": [depts["城管"].pk]})
    assert converted.status_code == 201 and converted.json()["request"]["status"] == "converted"
    assert Whistle.objects.get(pk=converted.json()["whistle"]).enterprise_request.pk == rid
    assert post(client_for("street"), f"/api/v1/whistles/enterprise-requests/{rid}/decline",
                {"reason": "x"}).status_code == 409
    other = flagged.json()["id"]
    declined = post(client_for("street"), f"/api/v1/whistles/enterprise-requests/{other}/decline",
                    {"reason": "属于民事纠纷"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"


def test_list_and_board_queries_do_not_grow_with_the_whistles(world, personas, client_for, depts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    street = client_for("street")

    def count(url):
        street.get(url)  # warm the grants cache
        with CaptureQueriesContext(connection) as ctx:
            assert street.get(url).status_code == 200
        return len(ctx.captured_queries)

    h.blow(world, depts)
    few = (count("/api/v1/whistles"), count("/whistles/"))
    for _ in range(5):
        h.blow(world, depts, kinds=("城管", "市场监管", "水务"))
    assert (count("/api/v1/whistles"), count("/whistles/")) == few
