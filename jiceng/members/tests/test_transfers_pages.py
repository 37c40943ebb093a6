"""Pages of 组织关系转接: inbox and outbox, starting a transfer, the steps the viewer may take, the letter."""

import pytest
from django.test import Client

from jiceng.core.models import AuditEvent
from jiceng.core.periods import month_start
from jiceng.members.models import Member, Transfer
from jiceng.members.services import transfers as services
from jiceng.members.services.roll import today
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h


@pytest.fixture
def setup(world, personas, client_for):
    member = factories.member(world.grid_branch, "王芳")
    Member.objects.filter(pk=member.pk).update(dues_paid_through=month_start(today()))
    receiver = h.branch(world.bajiao_community_committee, "八角北路第一党支部")
    bajiao = Client()
    bajiao.force_login(h.officer("bajiao", "street_worker", area=world.bajiao))
    return {"member": member, "to": receiver, "p": personas, "client": client_for, "bajiao": bajiao}


def issued(s):
    t = services.transfer_create(s["p"]["branch"], member=s["member"], to_org=s["to"])
    services.transfer_submit(s["p"]["branch"], transfer=t)
    services.transfer_approve(s["p"]["street"], transfer=t)
    return services.transfer_issue(s["p"]["street"], transfer=t)


def test_start_a_transfer_by_picking_the_member_and_naming_the_branch(setup):
    s = setup
    c = s["client"]("branch")
    picker = c.get("/transfers/new/?direction=internal&q=王")
    assert picker.status_code == 200 and "王芳" in picker.content.decode()
    url = f"/transfers/new/?direction=internal&member={s['member'].pk}"
    ambiguous = h.branch(s["to"].parent, "八角北路第二党支部")
    response = c.post(url, {"to_org": "八角北路", "reason": "work"})
    assert response.status_code == 200 and "找到多个党支部" in response.content.decode()
    assert ambiguous.name in response.content.decode() and not Transfer.objects.exists()
    response = c.post(url, {"to_org": "八角北路第一党支部", "reason": "residence", "note": "搬家"})
    t = Transfer.objects.get()
    assert response.status_code == 302 and response.url == f"/transfers/{t.pk}/"
    assert (t.to_org_id, t.member_id, t.state) == (s["to"].pk, s["member"].pk, "draft")


def test_outbox_inbox_and_the_buttons_each_side_gets(setup):
    s = setup
    t = issued(s)
    outbox = s["client"]("branch").get("/transfers/?box=outbox").content.decode()
    assert "王芳" in outbox and "已开具介绍信" in outbox
    assert "王芳" in s["bajiao"].get("/transfers/?box=inbox").content.decode()
    assert "王芳" not in s["bajiao"].get("/transfers/?box=outbox").content.decode()
    receiver_page = s["bajiao"].get(f"/transfers/{t.pk}/").content.decode()
    assert f"/transfers/{t.pk}/accept/" in receiver_page and f"/transfers/{t.pk}/return/" in receiver_page
    sender_page = s["client"]("branch").get(f"/transfers/{t.pk}/").content.decode()
    assert "/accept/" not in sender_page and "仍在转出支部的名册上" in sender_page


def test_accept_and_return_from_the_page(setup):
    s = setup
    t = issued(s)
    refused = s["bajiao"].post(f"/transfers/{t.pk}/return/", {"return-reason": ""}, follow=True)
    assert "未能办理" in refused.content.decode() and Transfer.objects.get(pk=t.pk).state == "issued"
    s["bajiao"].post(f"/transfers/{t.pk}/return/", {"return-reason": "身份证号与介绍信不符"})
    page = s["client"]("branch").get(f"/transfers/{t.pk}/").content.decode()
    assert "接收方已退回" in page and "身份证号与介绍信不符" in page


def test_sender_cannot_accept_and_another_street_gets_404(setup, client_for):
    s = setup
    second = h.branch(s["member"].branch.parent, "嘉园一里第2网格党支部")  # a transfer inside 马家堡
    t = services.transfer_create(s["p"]["branch"], member=s["member"], to_org=second)
    assert s["bajiao"].get(f"/transfers/{t.pk}/").status_code == 404
    assert s["bajiao"].post(f"/transfers/{t.pk}/submit/", {}).status_code == 404
    denied = client_for("branch").post(f"/transfers/{t.pk}/approve/", {})
    assert denied.status_code == 403 and Transfer.objects.get(pk=t.pk).state == "draft"


def test_letter_from_outside_registered_on_the_page(setup):
    s = setup
    c = s["client"]("community")
    response = c.post("/transfers/new/?direction=incoming", {
        "to_org": s["member"].branch_id, "outside_org_name": "中共天津市某区委", "letter_no": "津18",
        "issued_on": today().isoformat(), "reason": "work", "name": "赵六",
        "id_number": factories.id_number("19900205"),
        "status": "full", "joined_on": "2015-06-30", "category": "in_service"})
    t = Transfer.objects.get()
    assert response.status_code == 302 and (t.state, t.to_org_id) == ("issued", s["member"].branch_id)
    assert "赵六" in c.get(f"/transfers/{t.pk}/").content.decode()


def test_the_letter_masks_the_number_unless_unmasked_with_audit(setup):
    s = setup
    t = issued(s)
    number = s["member"].id_number
    page = s["client"]("branch").get(f"/transfers/{t.pk}/letter/").content.decode()
    assert s["member"].id_masked in page and number not in page and t.letter_no in page
    assert "显示完整身份证号" not in page  # a branch secretary may not unmask
    full = s["client"]("street").post(f"/transfers/{t.pk}/letter/").content.decode()
    assert number in full
    assert AuditEvent.objects.filter(action="member.unmask", object_id=str(s["member"].pk)).count() == 1
    draft = services.transfer_create(s["p"]["branch"], member=factories.member(s["member"].branch, "钱七"),
                                     to_org=s["to"])
    assert s["client"]("branch").get(f"/transfers/{draft.pk}/letter/").status_code == 404


def test_the_outbox_does_not_query_per_row(setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    s = setup
    c = s["client"]("street")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/transfers/?box=outbox&state=").status_code == 200
        return len(ctx.captured_queries)

    services.transfer_create(s["p"]["branch"], member=s["member"], to_org=s["to"])
    c.get("/transfers/")  # the first request caches the user's grants
    before = count()
    for i in range(4):
        services.transfer_create(s["p"]["branch"], member=factories.member(s["member"].branch, f"成员{i}"),
                                 outside_org_name="中共天津市某区委")
    assert count() == before
