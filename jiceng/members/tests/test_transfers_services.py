"""组织关系转接: the state machine, who acts at each step, what moves and when (RULES §5)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import override_settings

from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.core.periods import add_months, month_start
from jiceng.members.models import Member, Transfer, TransferStep
from jiceng.members.selectors import roll as roll_selectors
from jiceng.members.selectors import transfers as selectors
from jiceng.members.services import transfers as services
from jiceng.members.services.roll import today
from jiceng.members.tasks import check_transfer_letters
from jiceng.members.tests import factories
from jiceng.members.tests import mobility_helpers as h
from jiceng.testing import SYSTEM


@pytest.fixture
def setup(world, personas):
    bajiao_branch = h.branch(world.bajiao_community_committee, "八角北路第一党支部")
    member = factories.member(world.grid_branch, "王芳", party_group=world.grid_group)
    Member.objects.filter(pk=member.pk).update(dues_paid_through=month_start(today()))
    member.refresh_from_db()
    bajiao = h.officer("bajiao", "street_worker", area=world.bajiao)
    return {"world": world, "p": personas, "member": member, "to": bajiao_branch, "bajiao": bajiao}


def snapshot(transfer):
    t = Transfer.objects.get(pk=transfer.pk)
    return (t.state, t.letter_no, t.valid_until, t.return_reason, TransferStep.objects.filter(transfer=t).count(),
            AuditEvent.objects.filter(action__startswith="transfer.").count())


def issued(s, **kw):
    p = s["p"]
    t = services.transfer_create(p["branch"], member=s["member"], to_org=s["to"], reason="residence")
    services.transfer_submit(p["branch"], transfer=t)
    services.transfer_approve(p["street"], transfer=t)
    return services.transfer_issue(p["street"], transfer=t, **kw)


def test_full_internal_walk_moves_the_member_only_on_acceptance(setup):
    s, p = setup, setup["p"]
    t = issued(s, note="请按时报到")
    assert t.state == "issued" and t.letter_no == f"{today():%Y}-{t.pk:06d}"
    assert t.valid_until == add_months(today(), 3) and t.dues_paid_through == month_start(today())
    # the sender stays responsible until acceptance: the member is still on its roll, not on the receiver's
    m = Member.objects.get(pk=s["member"].pk)
    assert m.branch_id == s["world"].grid_branch.pk and m.party_group_id == s["world"].grid_group.pk
    assert list(roll_selectors.member_list(p["branch"]).filter(pk=m.pk))
    assert not roll_selectors.member_list(s["bajiao"]).filter(pk=m.pk).exists()

    services.transfer_accept(s["bajiao"], transfer=t, note="已报到")
    m.refresh_from_db()
    t.refresh_from_db()
    assert (m.branch_id, m.party_group_id, t.state) == (s["to"].pk, None, "accepted") and t.closed_at
    assert roll_selectors.member_list(s["bajiao"]).filter(pk=m.pk).exists()
    assert not roll_selectors.member_list(p["branch"]).filter(pk=m.pk).exists()
    assert [st.state for st in selectors.transfer_steps(t)] == ["draft", "submitted", "approved", "issued",
                                                                "accepted"]
    lines = list(m.events.filter(kind="transfer").values_list("text", flat=True))
    assert any("开具组织关系介绍信" in x for x in lines)
    assert any("嘉园一里第1网格党支部转入八角北路第一党支部" in x for x in lines)
    assert AuditEvent.objects.filter(action="transfer.transition", object_id=str(t.pk)).count() == 4
    assert AuditEvent.objects.filter(action="transfer.create", object_id=str(t.pk)).count() == 1


def test_branch_secretary_cannot_approve_and_nothing_changes(setup):
    s, p = setup, setup["p"]
    t = services.transfer_create(p["branch"], member=s["member"], to_org=s["to"])
    services.transfer_submit(p["branch"], transfer=t)
    before = snapshot(t)
    with pytest.raises(PermissionDenied):
        services.transfer_approve(p["branch"], transfer=t)
    assert snapshot(t) == before


@pytest.mark.parametrize("action", ["accept", "approve", "issue"])
def test_illegal_transitions_from_draft_are_refused_with_nothing_changed(setup, action):
    s, p = setup, setup["p"]
    t = services.transfer_create(p["street"], member=s["member"], to_org=s["to"])
    before = snapshot(t)
    actor = s["bajiao"] if action == "accept" else p["street"]
    with pytest.raises(Conflict):
        getattr(services, f"transfer_{action}")(actor, transfer=t)
    assert snapshot(t) == before


def test_cancel_after_issue_and_second_issue_are_refused(setup):
    s, p = setup, setup["p"]
    t = issued(s)
    before = snapshot(t)
    with pytest.raises(Conflict):
        services.transfer_cancel(p["branch"], transfer=t)
    with pytest.raises(Conflict, match="有效期内"):
        services.transfer_issue(p["street"], transfer=t)
    assert snapshot(t) == before
    assert Member.objects.get(pk=s["member"].pk).branch_id == s["world"].grid_branch.pk


def test_cancel_a_submitted_transfer(setup):
    s, p = setup, setup["p"]
    t = services.transfer_create(p["branch"], member=s["member"], to_org=s["to"])
    services.transfer_submit(p["branch"], transfer=t)
    services.transfer_cancel(p["branch"], transfer=t, note="不再调动")
    t.refresh_from_db()
    assert t.state == "cancelled" and t.closed_at
    # a new transfer may start once the first one is closed
    assert services.transfer_create(p["branch"], member=s["member"], to_org=s["to"]).state == "draft"


def test_one_open_transfer_per_member(setup):
    s, p = setup, setup["p"]
    services.transfer_create(p["branch"], member=s["member"], to_org=s["to"])
    with pytest.raises(Conflict):
        services.transfer_create(p["branch"], member=s["member"], outside_org_name="中共某某公司委员会")
    assert Transfer.objects.filter(member=s["member"]).count() == 1


def test_create_refuses_bad_destinations(setup):
    s, p = setup, setup["p"]
    w = s["world"]
    for kwargs, field in [({"to_org": w.grid_branch}, "to_org"), ({"to_org": w.jiayuan_committee}, "to_org"),
                          ({}, "to_org"), ({"to_org": s["to"], "outside_org_name": "某党委"}, "outside_org_name"),
                          ({"to_org": s["to"], "reason": "bogus"}, "reason")]:
        with pytest.raises(ValidationError) as exc:
            services.transfer_create(p["branch"], member=s["member"], **kwargs)
        assert field in exc.value.message_dict
    assert not Transfer.objects.exists()


def test_return_needs_a_reason_the_sender_sees(setup):
    s, p = setup, setup["p"]
    t = issued(s)
    before = snapshot(t)
    with pytest.raises(ValidationError) as exc:
        services.transfer_return(s["bajiao"], transfer=t, reason="  ")
    assert "reason" in exc.value.message_dict and snapshot(t) == before
    services.transfer_return(s["bajiao"], transfer=t, reason="介绍信姓名与身份证不符")
    seen = selectors.transfer_get(p["branch"], t.pk)
    assert seen.state == "returned" and seen.return_reason == "介绍信姓名与身份证不符"
    assert Member.objects.get(pk=s["member"].pk).branch_id == s["world"].grid_branch.pk
    assert s["member"].events.filter(kind="transfer", text__contains="介绍信姓名与身份证不符").exists()


def test_the_sending_side_cannot_accept_or_return_an_internal_letter(setup):
    s, p = setup, setup["p"]
    t = issued(s)
    before = snapshot(t)
    with pytest.raises(PermissionDenied):
        services.transfer_accept(p["street"], transfer=t)
    with pytest.raises(PermissionDenied):
        services.transfer_return(p["street"], transfer=t, reason="x")
    assert snapshot(t) == before


def test_dues_not_paid_through_the_departure_month_refuse_the_letter(setup):
    s, p = setup, setup["p"]
    last_month = month_start(add_months(today(), -1))
    Member.objects.filter(pk=s["member"].pk).update(dues_paid_through=last_month)
    t = services.transfer_create(p["branch"], member=s["member"], to_org=s["to"])
    services.transfer_submit(p["branch"], transfer=t)
    services.transfer_approve(p["street"], transfer=t)
    before = snapshot(t)
    with pytest.raises(ValidationError) as exc:
        services.transfer_issue(p["street"], transfer=t)
    assert "党费应交至转出当月" in exc.value.message_dict["dues_paid_through"][0] and snapshot(t) == before
    assert Member.objects.get(pk=s["member"].pk).dues_paid_through == last_month
    # dues collected this month go through the dues ledger (jiceng/dues/tests/test_ledger.py), which
    # derives 党费交至; the letter is then issued
    Member.objects.filter(pk=s["member"].pk).update(dues_paid_through=month_start(today()))
    services.transfer_issue(p["street"], transfer=t, letter_no="丰组转字第7号")
    t.refresh_from_db()
    assert (t.state, t.letter_no, t.dues_paid_through) == ("issued", "丰组转字第7号", month_start(today()))
    assert Member.objects.get(pk=s["member"].pk).dues_paid_through == month_start(today())


def test_member_without_dues_record_cannot_get_a_letter(setup):
    s, p = setup, setup["p"]
    Member.objects.filter(pk=s["member"].pk).update(dues_paid_through=None)
    t = services.transfer_create(p["branch"], member=s["member"], to_org=s["to"])
    services.transfer_submit(p["branch"], transfer=t)
    services.transfer_approve(p["street"], transfer=t)
    with pytest.raises(ValidationError, match="未登记"):
        services.transfer_issue(p["street"], transfer=t)
    assert Transfer.objects.get(pk=t.pk).state == "approved"


@override_settings(TRANSFER_LETTER_MONTHS=2)
def test_letter_validity_is_a_setting(setup):
    t = issued(setup)
    assert t.valid_until == add_months(today(), 2)


def test_expired_letter_flags_the_member_lost_once_and_can_be_reissued(setup, capsys):
    s, p = setup, setup["p"]
    long_ago = add_months(today(), -4)
    Member.objects.filter(pk=s["member"].pk).update(dues_paid_through=month_start(long_ago))
    t = issued(s, issued_on=long_ago)
    assert t.valid_until == add_months(long_ago, 3) < today()
    before = snapshot(t)
    with pytest.raises(Conflict, match="已过有效期"):
        services.transfer_accept(s["bajiao"], transfer=t)
    assert snapshot(t) == before

    call_command("check_transfers")
    assert "1 人" in capsys.readouterr().out
    m = Member.objects.get(pk=s["member"].pk)
    assert m.is_lost and m.lost_since == t.valid_until + timedelta(days=1)
    assert m.events.filter(kind="lost", text__contains=t.letter_no).count() == 1
    assert check_transfer_letters.call() == 0  # once per letter
    assert Transfer.objects.get(pk=t.pk).state == "issued"  # the sender stays responsible

    Member.objects.filter(pk=m.pk).update(dues_paid_through=month_start(today()))
    services.transfer_issue(p["street"], transfer=t)  # re-issue the expired letter
    t.refresh_from_db()
    assert t.letter_no == f"{today():%Y}-{t.pk:06d}-2" and t.valid_until == add_months(today(), 3)
    services.transfer_accept(s["bajiao"], transfer=t)
    m.refresh_from_db()
    assert (m.branch_id, m.is_lost, m.lost_since) == (s["to"].pk, False, None)


def test_flagging_skips_unexpired_and_closed_letters(setup):
    s = setup
    issued(s)
    assert services.transfer_flag_expired(SYSTEM) == 0
    assert services.transfer_flag_expired(SYSTEM, day=add_months(today(), 3)) == 0  # the last valid day
    assert services.transfer_flag_expired(SYSTEM, day=add_months(today(), 3) + timedelta(days=1)) == 1
    assert Member.objects.get(pk=s["member"].pk).is_lost


def test_receiving_branch_secretary_sees_the_inbox_item_once_issued(setup):
    s, p = setup, setup["p"]
    w = s["world"]
    second = h.branch(w.jiayuan_committee, "嘉园一里第2网格党支部", area=w.grid2)
    secretary = h.officer("second", "branch_secretary", org=second)
    t = services.transfer_create(p["branch"], member=s["member"], to_org=second)
    services.transfer_submit(p["branch"], transfer=t)
    assert not selectors.transfer_list(secretary, box="inbox").exists()
    with pytest.raises(Http404):
        selectors.transfer_get(secretary, t.pk)
    services.transfer_approve(p["street"], transfer=t)
    services.transfer_issue(p["street"], transfer=t)
    assert list(selectors.transfer_list(secretary, box="inbox")) == [t]
    assert not selectors.transfer_list(secretary, box="outbox").exists()
    assert list(selectors.transfer_list(p["branch"], box="outbox")) == [t]
    assert selectors.transfer_actions(secretary, selectors.transfer_get(secretary, t.pk), today()) == [
        "accept", "return"]
    services.transfer_accept(secretary, transfer=t)
    assert Member.objects.get(pk=s["member"].pk).branch_id == second.pk


def test_another_street_gets_404_for_a_majiabao_transfer(setup):
    s, p = setup, setup["p"]
    w = s["world"]
    second = h.branch(w.jiayuan_committee, "嘉园一里第2网格党支部", area=w.grid2)
    t = services.transfer_create(p["branch"], member=s["member"], to_org=second)
    services.transfer_submit(p["branch"], transfer=t)
    services.transfer_approve(p["street"], transfer=t)
    services.transfer_issue(p["street"], transfer=t)
    before = snapshot(t)
    with pytest.raises(Http404):
        selectors.transfer_get(s["bajiao"], t.pk)
    assert not selectors.transfer_list(s["bajiao"]).exists()
    with pytest.raises(Http404):
        services.transfer_accept(s["bajiao"], transfer=t)
    with pytest.raises(Http404):
        services.transfer_return(s["bajiao"], transfer=t, reason="不是我们的")
    assert snapshot(t) == before


def test_outgoing_to_outside_the_sender_records_the_receipt(setup):
    s, p = setup, setup["p"]
    t = services.transfer_create(p["branch"], member=s["member"], outside_org_name="中共河北省某县委组织部")
    assert selectors.direction(t) == "outgoing"
    services.transfer_submit(p["branch"], transfer=t)
    services.transfer_approve(p["street"], transfer=t)
    services.transfer_issue(p["street"], transfer=t)
    with pytest.raises(PermissionDenied):
        services.transfer_accept(p["branch"], transfer=t)
    services.transfer_accept(p["street"], transfer=t, note="回执已收到")
    t.refresh_from_db()
    assert t.state == "accepted"
    assert s["member"].events.filter(kind="transfer", text__contains="回执已收到").exists()
    s["member"].refresh_from_db()
    assert s["member"].status == "transferred_out"  # off the active roll, kept for the record


def person(**kw):
    return {"name": "赵六", "id_number": factories.id_number("19900205"), "phone": "13912345678",
            "joined_on": date(2015, 6, 30), "status": "full", "category": "in_service", **kw}


def test_incoming_from_outside_puts_the_person_on_the_roll_on_acceptance(setup):
    s, p = setup, setup["p"]
    w = s["world"]
    data = person()
    t = services.transfer_create(p["community"], person=data, to_org=w.grid_branch, outside_org_name="中共天津市某区委",
                                 letter_no="津组转〔2026〕18号", issued_on=today() - timedelta(days=5))
    assert (t.state, t.member_id, t.from_org_id, selectors.direction(t)) == ("issued", None, None, "incoming")
    assert data["id_number"] not in t.person_cipher
    masked = selectors.transfer_person_masked(t)
    assert masked["id_number"].startswith("110106") and "*" in masked["id_number"] and masked["name"] == "赵六"
    assert list(selectors.transfer_list(p["branch"], box="inbox")) == [t]
    assert not Member.objects.filter(name="赵六").exists()
    services.transfer_accept(p["branch"], transfer=t)
    m = Member.objects.get(name="赵六")
    t.refresh_from_db()
    assert (m.branch_id, m.id_number, t.member_id, t.state) == (w.grid_branch.pk, data["id_number"], m.pk, "accepted")
    assert m.events.filter(kind="transfer", text__contains="中共天津市某区委").exists()


def test_incoming_from_outside_validates_the_person_and_the_letter(setup):
    s, p = setup, setup["p"]
    with pytest.raises(ValidationError) as exc:
        services.transfer_create(p["community"], person=person(id_number="110106199002051234", joined_on=None),
                                 to_org=s["world"].grid_branch, outside_org_name="", letter_no="",
                                 issued_on=add_months(today(), -5))
    assert {"id_number", "joined_on", "outside_org_name", "letter_no", "issued_on"} <= set(exc.value.message_dict)
    assert not Transfer.objects.exists()


def test_incoming_person_already_on_the_roll_is_not_duplicated(setup):
    s, p = setup, setup["p"]
    t = services.transfer_create(p["community"], person=person(id_number=s["member"].id_number),
                                 to_org=s["world"].grid_branch, outside_org_name="中共天津市某区委",
                                 letter_no="津18", issued_on=today())
    before = snapshot(t)
    with pytest.raises(Conflict):
        services.transfer_accept(p["branch"], transfer=t)
    assert snapshot(t) == before and Member.objects.count() == 1


def test_member_who_left_the_system_comes_back_on_the_old_roll_entry(setup):
    s, p = setup, setup["p"]
    out = services.transfer_create(p["branch"], member=s["member"], outside_org_name="中共天津市某区委")
    services.transfer_submit(p["branch"], transfer=out)
    services.transfer_approve(p["street"], transfer=out)
    services.transfer_issue(p["street"], transfer=out)
    services.transfer_accept(p["street"], transfer=out)
    back = services.transfer_create(s["bajiao"], person=person(id_number=s["member"].id_number, name="王芳"),
                                    to_org=s["to"], outside_org_name="中共天津市某区委", letter_no="津19",
                                    issued_on=today())
    services.transfer_accept(s["bajiao"], transfer=back)
    assert Member.objects.count() == 1
    assert Member.objects.get(pk=s["member"].pk).branch_id == s["to"].pk
