"""流动党员, 失联 and 双报到: records and the member's flags stay in step; scope by branch or community."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.core.periods import add_months
from jiceng.members.models import FloatingRecord, Member, ServiceReport
from jiceng.members.selectors import mobility as selectors
from jiceng.members.services import mobility as services
from jiceng.members.services.roll import today
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h


@pytest.fixture
def setup(world, personas):
    bajiao_branch = h.branch(world.bajiao_community_committee, "八角北路第一党支部")
    return {
        "world": world, "p": personas, "member": factories.member(world.grid_branch, "刘洋"),
        "bajiao_member": factories.member(bajiao_branch, "陈静"),
        "bajiao": h.officer("bajiao", "street_worker", area=world.bajiao),
    }


def flags(member):
    m = Member.objects.get(pk=member.pk)
    return (m.is_floating, m.floating_place, m.floating_since, m.is_lost, m.lost_since, m.last_contact_on,
            m.reports_to_id)


def test_floating_register_contact_and_return_keep_the_flags_in_step(setup):
    s, p = setup, setup["p"]
    left = today() - timedelta(days=40)
    record = services.floating_register(p["branch"], member=s["member"], left_on=left, place="广东省深圳市南山区",
                                        local_org_name="南山区某科技园党委", reason="务工", contact="微信同手机")
    assert flags(s["member"])[:3] == (True, "广东省深圳市南山区", left)
    assert record.last_contact_on == left and record.returned_on is None

    before = flags(s["member"])
    with pytest.raises(Conflict):
        services.floating_register(p["branch"], member=s["member"], left_on=today(), place="上海")
    assert flags(s["member"]) == before and FloatingRecord.objects.count() == 1

    services.floating_contact(p["branch"], record=record, on=today() - timedelta(days=3), note="电话联系")
    assert flags(s["member"])[5] == today() - timedelta(days=3)

    with pytest.raises(ValidationError):  # back before leaving
        services.floating_return(p["branch"], record=record, returned_on=left - timedelta(days=1))
    assert FloatingRecord.objects.get(pk=record.pk).returned_on is None and flags(s["member"])[0]

    services.floating_return(p["branch"], record=record, returned_on=today())
    assert flags(s["member"])[:3] == (False, "", None)
    assert FloatingRecord.objects.get(pk=record.pk).returned_on == today()
    with pytest.raises(Conflict):
        services.floating_return(p["branch"], record=record, returned_on=today())
    kinds = list(s["member"].events.filter(kind="floating").values_list("text", flat=True))
    assert len(kinds) == 3 and "参加南山区某科技园党委的组织生活" in kinds[0]
    assert AuditEvent.objects.filter(action__in=["floating.register", "floating.return"]).count() == 2


def test_floating_register_refuses_bad_input_and_other_streets(setup):
    s, p = setup, setup["p"]
    with pytest.raises(ValidationError) as exc:
        services.floating_register(p["branch"], member=s["member"], left_on=today() + timedelta(days=1), place=" ")
    assert {"left_on", "place"} <= set(exc.value.message_dict)
    with pytest.raises(Http404):
        services.floating_register(s["bajiao"], member=s["member"], left_on=today(), place="上海")
    with pytest.raises(PermissionDenied):  # an instructor sees the roll but does not keep it
        services.floating_register(h.officer("inst", "instructor", area=s["world"].jiayuan), member=s["member"],
                                   left_on=today(), place="上海")
    assert not FloatingRecord.objects.exists() and flags(s["member"])[0] is False


def test_floating_list_per_branch_flags_six_months_away(setup):
    s, p = setup, setup["p"]
    services.floating_register(p["branch"], member=s["member"], left_on=add_months(today(), -7), place="成都")
    services.floating_register(s["bajiao"], member=s["bajiao_member"], left_on=today(), place="武汉")
    rows = list(selectors.floating_list(p["street"], branch=s["world"].grid_branch))
    assert [(r.member.name, r.should_transfer, r.contact_overdue) for r in rows] == [("刘洋", True, True)]
    assert [r.member.name for r in selectors.floating_list(s["bajiao"])] == ["陈静"]
    assert not selectors.floating_list(p["street"], state="returned").exists()


def test_lost_contact_six_months_raises_a_review_never_a_status_change(setup):
    s, p = setup, setup["p"]
    services.member_mark_lost(p["branch"], member=s["member"], since=add_months(today(), -7), note="电话停机")
    services.member_mark_lost(s["bajiao"], member=s["bajiao_member"], since=today() - timedelta(days=10))
    assert [(m.name, m.review_due) for m in selectors.lost_list(p["street"])] == [("刘洋", True)]
    assert [m.name for m in selectors.lost_list(p["street"], review=True)] == ["刘洋"]
    assert [(m.name, m.review_due) for m in selectors.lost_list(s["bajiao"])] == [("陈静", False)]
    assert not selectors.lost_list(s["bajiao"], review=True).exists()
    assert Member.objects.get(pk=s["member"].pk).status == "full"

    before = flags(s["member"])
    with pytest.raises(Conflict):
        services.member_mark_lost(p["branch"], member=s["member"], since=today())
    assert flags(s["member"]) == before
    services.member_mark_found(p["branch"], member=s["member"], on=today(), note="本人回到社区")
    assert flags(s["member"])[3:6] == (False, None, today())
    assert not selectors.lost_list(p["street"]).exists()


def test_service_report_one_open_per_member_and_the_community_sees_it(setup):
    s, p = setup, setup["p"]
    w = s["world"]
    found = selectors.member_by_id_number(s["bajiao_member"].id_number)  # reports in person, from 八角
    assert found == s["bajiao_member"]
    report = services.service_report_register(p["community"], member=found, community=w.jiayuan,
                                              unit_org=found.branch, skills="法律咨询", availability="周末",
                                              reported_on=today())
    assert flags(found)[6] == w.jiayuan.pk
    before = (flags(found), ServiceReport.objects.count())
    with pytest.raises(Conflict):
        services.service_report_register(p["street"], member=found, community=w.jiaomen, reported_on=today())
    assert (flags(found), ServiceReport.objects.count()) == before

    rows = list(selectors.service_report_list(p["community"]))
    assert [(r.member.name, r.skills, r.availability) for r in rows] == [("陈静", "法律咨询", "周末")]
    assert [r.pk for r in selectors.service_report_list(p["street"], skill="法律")] == [report.pk]
    assert not selectors.service_report_list(p["street"], skill="理发").exists()
    # another street does not see who reported to 嘉园一里, even though the member is on its roll
    assert not selectors.service_report_list(s["bajiao"]).exists()
    with pytest.raises(Http404):
        selectors.service_report_get(s["bajiao"], report.pk)

    services.service_report_end(p["community"], report=report, ended_on=today())
    assert flags(found)[6] is None
    again = services.service_report_register(p["street"], member=found, community=w.jiaomen, reported_on=today())
    assert flags(found)[6] == w.jiaomen.pk and again.pk != report.pk


def test_service_report_refusals_change_nothing(setup):
    s, p = setup, setup["p"]
    w = s["world"]
    with pytest.raises(Http404):  # 八角 cannot register people with 嘉园一里
        services.service_report_register(s["bajiao"], member=s["member"], community=w.jiayuan, reported_on=today())
    with pytest.raises(Http404):  # a branch secretary keeps no 双报到 records
        services.service_report_register(p["branch"], member=s["member"], community=w.jiayuan, reported_on=today())
    with pytest.raises(ValidationError) as exc:
        services.service_report_register(p["street"], member=s["member"], community=w.grid1, skills="x" * 201,
                                         reported_on=today() + timedelta(days=1))
    assert {"community", "skills", "reported_on"} <= set(exc.value.message_dict)
    assert not ServiceReport.objects.exists() and flags(s["member"])[6] is None
    assert selectors.member_by_id_number("110106198503120000") is None
