"""Pages of 流动党员, 失联党员 and 双报到: lists by scope, registration forms, inline actions."""

from datetime import timedelta

import pytest
from django.test import Client

from jiceng.core.periods import add_months
from jiceng.members.models import FloatingRecord, Member, ServiceReport
from jiceng.members.services import mobility as services
from jiceng.members.services.roll import today
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h


@pytest.fixture
def setup(world, personas, client_for):
    bajiao = Client()
    bajiao.force_login(h.officer("bajiao", "street_worker", area=world.bajiao))
    return {"world": world, "p": personas, "client": client_for, "bajiao": bajiao,
            "member": factories.member(world.grid_branch, "刘洋"),
            "bajiao_member": factories.member(h.branch(world.bajiao_community_committee, "八角北路第一党支部"), "陈静")}


def test_register_floating_from_the_page_then_return(setup):
    s = setup
    c = s["client"]("branch")
    assert "刘洋" in c.get("/floating/new/?q=刘").content.decode()
    url = f"/floating/new/?member={s['member'].pk}"
    bad = c.post(url, {"left_on": (today() + timedelta(days=2)).isoformat(), "place": ""})
    assert bad.status_code == 200 and not FloatingRecord.objects.exists()
    left = add_months(today(), -7)
    assert c.post(url, {"left_on": left.isoformat(), "place": "成都", "local_org_name": "成都某社区党委"}
                  ).status_code == 302
    page = c.get("/floating/").content.decode()
    assert "成都" in page and "应转接组织关系" in page
    assert "刘洋" not in s["bajiao"].get("/floating/").content.decode()
    record = FloatingRecord.objects.get()
    assert s["bajiao"].post(f"/floating/{record.pk}/return/", {"returned_on": today().isoformat()}).status_code == 404
    c.post(f"/floating/{record.pk}/contact/", {"on": today().isoformat(), "note": "视频联系"})
    c.post(f"/floating/{record.pk}/return/", {"returned_on": today().isoformat()})
    m = Member.objects.get(pk=s["member"].pk)
    assert (m.is_floating, m.last_contact_on) == (False, today())


def test_lost_list_shows_the_review_and_found_clears_it(setup):
    s = setup
    c = s["client"]("branch")
    assert c.post(f"/lost/new/?member={s['member'].pk}", {"since": add_months(today(), -8).isoformat()}
                  ).status_code == 302
    page = c.get("/lost/?review=on").content.decode()
    assert "刘洋" in page and "应提交停止党籍审查" in page
    assert "刘洋" not in s["bajiao"].get("/lost/").content.decode()
    c.post(f"/lost/{s['member'].pk}/found/", {"on": today().isoformat(), "note": "本人来电"})
    assert not Member.objects.get(pk=s["member"].pk).is_lost
    assert "刘洋" not in c.get("/lost/").content.decode()


def test_reports_community_registers_by_id_number_and_sees_skills(setup):
    s = setup
    c = s["client"]("community")
    form = c.get("/reports/new/").content.decode()
    assert "嘉园一里社区" in form and "八角北路社区" not in form
    unknown = c.post("/reports/new/", {"id_number": "110106198503120000", "community": s["world"].jiayuan.pk,
                                       "reported_on": today().isoformat()})
    assert unknown.status_code == 200 and "党员名册中没有这个身份证号" in unknown.content.decode()
    payload = {"id_number": s["bajiao_member"].id_number, "community": s["world"].jiayuan.pk,
               "skills": "法律咨询", "availability": "周末", "reported_on": today().isoformat()}
    response = c.post("/reports/new/", payload)
    assert response.status_code == 302
    page = c.get("/reports/?skill=法律").content.decode()
    assert "陈静" in page and "法律咨询" in page and "周末" in page
    assert "陈静" not in s["bajiao"].get("/reports/").content.decode()
    twice = c.post("/reports/new/", payload)
    assert twice.status_code == 200 and ServiceReport.objects.count() == 1
    report = ServiceReport.objects.get()
    assert s["bajiao"].post(f"/reports/{report.pk}/end/", {"ended_on": today().isoformat()}).status_code == 404
    c.post(f"/reports/{report.pk}/end/", {"ended_on": today().isoformat()})
    assert ServiceReport.objects.get().ended_on == today()


def test_pages_refuse_roles_without_the_permission(setup):
    s = setup
    assert s["client"]("branch").get("/reports/").status_code == 403  # no 双报到 records for a branch
    assert s["client"]("grid").get("/floating/").status_code == 403
    assert s["client"]("grid").get("/reports/").status_code == 200
    services.member_mark_lost(s["p"]["branch"], member=s["member"], since=today())
    assert s["client"]("grid").post(f"/lost/{s['member'].pk}/found/", {"on": today().isoformat()}).status_code == 404
    assert Member.objects.get(pk=s["member"].pk).is_lost


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_not_query_per_row(setup):
    s = setup
    c = s["client"]("community")
    w = s["world"]

    def add_rows(n):
        for i in range(n):
            m = factories.member(w.grid_branch, f"成员{n}{i}")
            services.floating_register(s["p"]["street"], member=m, left_on=today(), place="上海")
            services.member_mark_lost(s["p"]["street"], member=m, since=today())
            services.service_report_register(s["p"]["street"], member=m, community=w.jiayuan, reported_on=today())

    add_rows(1)
    c.get("/floating/")  # the first request caches the user's grants
    before = {url: _queries(c, url) for url in ("/floating/", "/lost/", "/reports/")}
    add_rows(4)
    assert {url: _queries(c, url) for url in before} == before
