"""The staff pages render for the personas and their action forms act through the services."""

import pytest

from jiceng.appeals.models import Appeal, AppealEvent, OrderStatus, Status
from jiceng.appeals.tests.workflow_helpers import GOOD, accepted, departments, dispatched, new_appeal, snapshot


@pytest.fixture
def depts(world, personas):
    return departments(world, personas)


@pytest.mark.parametrize("persona", ["district", "street", "community", "grid", "dept"])
def test_board_and_detail_render_for_staff(world, personas, depts, client_for, persona):
    a = dispatched(depts[0])
    client = client_for(persona)
    response = client.get("/appeals/")
    assert response.status_code == 200 and a.ticket_no in response.content.decode()
    response = client.get(f"/appeals/{a.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "井盖" in page and "appeal-map" in page
    assert ("签收" in page and "action='accept'" not in page) or persona != "dept"
    assert client.get("/appeals/inbox/").status_code == 200


def test_board_filters_queues_and_htmx_partial(world, personas, depts, client_for):
    a = dispatched(depts[0])
    client = client_for("street")
    page = client.get("/appeals/", {"queue": "dispatched"}).content.decode()
    assert a.ticket_no in page
    page = client.get("/appeals/", {"queue": "callback"}).content.decode()
    assert a.ticket_no not in page
    partial = client.get("/appeals/", {"q": a.ticket_no}, HTTP_HX_REQUEST="true").content.decode()
    assert a.ticket_no in partial and "<html" not in partial
    page = client.get("/appeals/", {"period": "2026-99"}).content.decode()
    assert "无效" in page


def test_branch_and_auditor_have_no_board(world, personas, depts, client_for):
    a = dispatched(depts[0])
    assert client_for("branch").get("/appeals/").status_code == 403
    assert client_for("auditor").get(f"/appeals/{a.pk}/").status_code in (403, 404)
    far = new_appeal(lat=None, lng=None, community=world.bajiao_community.code)
    assert client_for("street").get(f"/appeals/{far.pk}/").status_code == 404


def test_dept_handler_accepts_from_the_inbox_and_resolves(world, personas, depts, client_for):
    a = dispatched(depts[0])
    client = client_for("dept")
    page = client.get("/appeals/inbox/").content.decode()
    assert a.ticket_no in page
    response = client.post(f"/appeals/{a.pk}/do/accept/")
    assert response.status_code == 302
    assert Appeal.objects.get(pk=a.pk).status == Status.ACCEPTED
    response = client.post(f"/appeals/{a.pk}/do/resolve/", {"resolve-solution": ""})
    assert response.status_code == 422 and "jc-field-invalid" in response.content.decode()
    response = client.post(f"/appeals/{a.pk}/do/resolve/", {"resolve-solution": "已补装"})
    assert response.status_code == 302 and Appeal.objects.get(pk=a.pk).status == Status.RESOLVED


def test_dispatch_from_the_page_with_suggested_units(world, personas, depts, client_for):
    a = new_appeal()
    client = client_for("street")
    page = client.get(f"/appeals/{a.pk}/").content.decode()
    assert "【建议】丰台区城管执法局" in page and "井盖" in page
    response = client.post(f"/appeals/{a.pk}/do/dispatch/", {"dispatch-lead": f"d{depts[0].pk}",
                                                             "dispatch-assists": [f"a{world.jiayuan.code}"]})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.DISPATCHED and a.orders.count() == 2


def test_a_denied_page_action_changes_nothing(world, personas, depts, client_for):
    a = dispatched(depts[0])
    before = snapshot(a)
    response = client_for("grid").post(f"/appeals/{a.pk}/do/accept/")
    assert response.status_code == 403
    response = client_for("grid").post(f"/appeals/{a.pk}/do/return/", {"return-reason": "x"})
    assert response.status_code == 403
    assert snapshot(a) == before


def test_conflict_is_told_as_a_message(world, personas, depts, client_for):
    a = accepted(depts[0])
    response = client_for("dept").post(f"/appeals/{a.pk}/do/accept/", follow=True)
    assert "签收" in response.content.decode()
    assert a.orders.get().status == OrderStatus.ACCEPTED
    assert AppealEvent.objects.filter(appeal=a, action="accept").count() == 1


def test_hotline_entry(world, personas, client_for):
    client = client_for("street")
    assert client.get("/appeals/new/").status_code == 200
    response = client.post("/appeals/new/", {"hotline_no": "12345-2026-0001", "type": "complaint",
                                             "urgency": "normal", "category": "city.manhole",
                                             "content": "井盖丢失", "phone": "1380013"})
    assert response.status_code == 200 and not Appeal.objects.exists()
    response = client.post("/appeals/new/", {"hotline_no": "12345-2026-0001", "type": "complaint",
                                             "urgency": "normal", "category": "city.manhole",
                                             "content": "井盖丢失", "phone": GOOD["phone"],
                                             "address": "角门东里社区3号楼"})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and appeal.channel == "hotline" and appeal.community == world.jiaomen
    assert client_for("branch").get("/appeals/new/").status_code == 403


def test_workbench_tiles(world, personas, depts, client_for):
    dispatched(depts[0])
    page = client_for("dept").get("/").content.decode()
    assert "接诉即办" in page and "待签收" in page
    page = client_for("street").get("/").content.decode()
    assert "接诉即办" in page and "/appeals/inbox/" not in page
