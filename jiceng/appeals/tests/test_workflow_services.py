"""Every transition of the workflow through its service: what it writes, and what a refusal leaves as it was."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jiceng.appeals import workflow_rules as wr
from jiceng.appeals.models import (
    Appeal,
    AppealEvent,
    AppealType,
    CategoryCorrection,
    Channel,
    ExtensionStatus,
    Order,
    OrderRole,
    OrderStatus,
    Status,
)
from jiceng.appeals.selectors import appeals as sel
from jiceng.appeals.services import workflow as wf
from jiceng.appeals.tests.workflow_helpers import accepted, departments, dispatched, new_appeal, resolved, snapshot
from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.testing import SYSTEM


@pytest.fixture
def depts(world, personas):
    return departments(world, personas)


def test_the_rules_table_names_the_state_and_the_action_when_it_refuses():
    assert wr.allowed("accept", Status.DISPATCHED) and not wr.allowed("accept", Status.RECEIVED)
    message = wr.refusal("resolve", Status.CLOSED)
    assert "关闭" in message and "办结" in message
    assert wr.target("accept_assist", Status.IN_PROGRESS) == Status.IN_PROGRESS
    assert "callback" in wr.actions_from(Status.RESOLVED)


def test_categorize_keeps_a_correction_of_the_suggestion(world, personas):
    appeal = new_appeal()  # suggested city.manhole from 井盖
    wf.appeal_categorize(personas["street"], appeal, category="city.manhole")
    assert not CategoryCorrection.objects.exists()
    appeal = wf.appeal_categorize(personas["street"], appeal, category="city.road")
    assert appeal.category.code == "city.road"
    correction = CategoryCorrection.objects.get()
    assert (correction.suggested.code, correction.chosen.code) == ("city.manhole", "city.road")
    with pytest.raises(ValidationError) as exc:
        wf.appeal_categorize(personas["street"], appeal, category="nope")
    assert "category" in exc.value.message_dict


def test_place_an_unplaced_hotline_call(world, personas):
    data = {k: v for k, v in new_appeal.__globals__["GOOD"].items() if k not in ("lat", "lng")}
    from jiceng.appeals.services.intake import appeal_create

    appeal, _ = appeal_create(personas["street"], data, channel=Channel.HOTLINE)
    assert appeal.area_path == ""
    assert sel.visible_appeals(personas["street"]).filter(pk=appeal.pk).exists()  # its author sees it
    appeal = wf.appeal_place(personas["street"], appeal, lat=39.845, lng=116.375)
    assert (appeal.grid, appeal.community, appeal.street) == (world.grid1, world.jiayuan, world.majiabao)
    assert appeal.owner_area == world.majiabao


def test_dispatch_accept_progress_resolve_callback_close(world, personas, depts):
    chengguan, market = depts
    appeal = new_appeal()
    street, dept = personas["street"], personas["dept"]
    suggested = sel.suggested_units(appeal)
    assert chengguan in suggested and market not in suggested
    appeal = wf.appeal_dispatch(street, appeal, lead=chengguan, assists=[world.jiayuan], note="请尽快处置")
    assert appeal.status == Status.DISPATCHED and appeal.lead_department == chengguan
    assert {(o.role, o.unit_name) for o in appeal.orders.all()} == {
        (OrderRole.LEAD, "丰台区城管执法局"), (OrderRole.ASSIST, "嘉园一里社区")}
    appeal = wf.appeal_accept(dept, appeal)
    now = appeal.responded_at
    assert appeal.status == Status.ACCEPTED and appeal.responded_on_time is True
    assert appeal.owner_department == chengguan  # 首接负责制: the accepting unit owns it now
    appeal = wf.appeal_accept(personas["community"], appeal)  # the assisting community signs its own order
    assert appeal.status == Status.ACCEPTED
    assert set(appeal.orders.values_list("status", flat=True)) == {OrderStatus.ACCEPTED}
    appeal = wf.appeal_progress(dept, appeal, note="已派人现场查看", public=True)
    assert appeal.status == Status.IN_PROGRESS
    appeal = wf.appeal_resolve(dept, appeal, solution="已补装井盖")
    assert appeal.resolved_at > now
    assert appeal.status == Status.RESOLVED and appeal.completed_on_time is True
    assert set(appeal.orders.values_list("status", flat=True)) == {OrderStatus.DONE}
    appeal = wf.appeal_callback(street, appeal, contacted=True, solved="解决", satisfied="满意")
    assert (appeal.status, appeal.cb_solved, appeal.cb_satisfied, appeal.cb_channel) == (
        Status.VISITED, "solved", "satisfied", "phone")
    appeal = wf.appeal_close(street, appeal)
    assert appeal.status == Status.CLOSED and appeal.closed_at
    actions = list(AppealEvent.objects.filter(appeal=appeal).values_list("action", flat=True))
    assert actions == ["receive", "dispatch", "accept", "accept", "progress", "resolve", "callback", "close"]
    assert AuditEvent.objects.filter(object_id=str(appeal.pk), action__startswith="appeal.").count() == 8
    assert AppealEvent.objects.get(appeal=appeal, action="accept", public=True).unit_name == "丰台区城管执法局"


def test_a_late_acceptance_is_not_on_time(world, personas, depts):
    appeal = dispatched(depts[0])
    appeal = wf.appeal_accept(personas["dept"], appeal, now=appeal.response_due_at + timedelta(minutes=1))
    assert appeal.responded_on_time is False


def test_return_is_public_with_the_unit_and_reason(world, personas, depts):
    appeal = dispatched(depts[0], assists=[world.jiayuan])
    with pytest.raises(ValidationError) as exc:
        wf.appeal_return(personas["dept"], appeal, reason="  ")
    assert "reason" in exc.value.message_dict
    appeal = wf.appeal_return(personas["dept"], appeal, reason="井盖属于电力公司产权")
    assert appeal.status == Status.RETURNED and appeal.lead_department is None
    assert set(appeal.orders.values_list("status", flat=True)) == {OrderStatus.RETURNED, OrderStatus.CANCELLED}
    shown = AppealEvent.objects.get(appeal=appeal, action="return")
    assert shown.public and shown.unit_name == "丰台区城管执法局" and "电力公司产权" in shown.note
    appeal = wf.appeal_dispatch(personas["street"], appeal, lead=world.jiayuan)  # back to the dispatcher
    assert appeal.status == Status.DISPATCHED and appeal.lead_department is None


def test_a_consultation_is_answered_on_the_spot_by_the_first_receiving_unit(world, personas):
    appeal = new_appeal(type="咨询", content="社保证明在哪里开具")
    assert appeal.owner_area == world.majiabao
    appeal = wf.appeal_resolve(personas["street"], appeal, solution="已告知到街道政务服务中心开具")
    assert appeal.status == Status.RESOLVED and appeal.responded_at == appeal.resolved_at
    complaint = new_appeal()
    before = snapshot(complaint)
    with pytest.raises(Conflict):
        wf.appeal_resolve(personas["street"], complaint, solution="x")
    assert snapshot(complaint) == before


def test_extension_request_and_approval_move_the_deadline(world, personas, depts):
    appeal = accepted(depts[0])
    old = appeal.complete_due_at
    extension = wf.appeal_extension_request(personas["dept"], appeal, days=5, reason="需协调产权单位")
    with pytest.raises(Conflict):
        wf.appeal_extension_request(personas["dept"], appeal, days=3, reason="再延")
    with pytest.raises(PermissionDenied):
        wf.appeal_extension_decide(personas["dept"], extension, approve=True)
    wf.appeal_extension_decide(personas["street"], extension, approve=True, note="同意")
    appeal.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED and appeal.complete_due_at == old + timedelta(days=5)
    with pytest.raises(Conflict):
        wf.appeal_extension_decide(personas["street"], extension, approve=False)
    refused = wf.appeal_extension_request(personas["dept"], appeal, days=2, reason="还需两天")
    wf.appeal_extension_decide(personas["street"], refused, approve=False)
    appeal.refresh_from_db()
    assert appeal.complete_due_at == old + timedelta(days=5)
    with pytest.raises(ValidationError):
        wf.appeal_extension_request(personas["dept"], appeal, days=0, reason="x")


def test_merge_informs_every_filer(world, personas, depts):
    main = dispatched(depts[0])
    duplicate = new_appeal(phone="13900139000")
    wf.appeal_merge(personas["street"], duplicate, into=main)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == main
    assert AppealEvent.objects.filter(appeal=main, action="merge", public=True).exists()
    assert AppealEvent.objects.filter(appeal=duplicate, action="merge", public=True).exists()
    wf.appeal_accept(personas["dept"], main)
    wf.appeal_resolve(personas["dept"], main, solution="已补装井盖")
    told = AppealEvent.objects.filter(appeal=duplicate, action="resolve", public=True).get()
    assert main.ticket_no in told.note
    with pytest.raises(Conflict):
        wf.appeal_merge(personas["street"], duplicate, into=main)
    with pytest.raises(ValidationError):
        wf.appeal_merge(personas["street"], main, into=main)


def test_park_and_back(world, personas, depts):
    appeal = accepted(depts[0])
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        wf.appeal_park(personas["dept"], appeal, plan="纳入明年改造", until=today)
    appeal = wf.appeal_park(personas["dept"], appeal, plan="纳入明年改造", until=today + timedelta(days=90))
    assert appeal.status == Status.PARKED and appeal.parked_until
    appeal = wf.appeal_progress(personas["dept"], appeal, note="已立项")
    assert appeal.status == Status.PARKED
    appeal = wf.appeal_unpark(personas["dept"], appeal)
    assert appeal.status == Status.IN_PROGRESS


def test_callback_on_the_tracking_page_and_close_without_callback(world, personas, depts):
    appeal = resolved(depts[0])
    with pytest.raises(PermissionDenied):
        wf.appeal_callback(None, appeal, contacted=True, solved="solved", satisfied="basic")  # anonymous by phone?
    appeal = wf.appeal_callback(None, appeal, contacted=True, solved="partly", satisfied="basic", channel="tracking")
    assert appeal.status == Status.VISITED and appeal.cb_channel == "tracking"
    other = resolved(depts[0])
    with pytest.raises(ValidationError) as exc:
        wf.appeal_close(personas["street"], other)
    assert "note" in exc.value.message_dict
    other = wf.appeal_close(personas["street"], other, note="三次联系不上诉求人")
    assert other.status == Status.CLOSED


@pytest.mark.parametrize(("field", "value"), [("solved", "还行"), ("satisfied", ""), ("contacted", "yes"),
                                              ("channel", "sms")])
def test_callback_bad_input_changes_nothing(world, personas, depts, field, value):
    appeal = resolved(depts[0])
    before = snapshot(appeal)
    kwargs = {"contacted": True, "solved": "solved", "satisfied": "satisfied", "channel": "phone", field: value}
    with pytest.raises(ValidationError) as exc:
        wf.appeal_callback(personas["street"], appeal, **kwargs)
    assert field in exc.value.message_dict
    assert snapshot(appeal) == before


ILLEGAL = [
    ("received", lambda p, a, d: wf.appeal_accept(p["street"], a)),
    ("received", lambda p, a, d: wf.appeal_callback(p["street"], a, contacted=True, solved="solved",
                                                    satisfied="satisfied")),
    ("received", lambda p, a, d: wf.appeal_close(p["street"], a, note="x")),
    ("received", lambda p, a, d: wf.appeal_park(p["street"], a, plan="x",
                                                until=timezone.localdate() + timedelta(days=9))),
    ("resolved", lambda p, a, d: wf.appeal_resolve(p["dept"], a, solution="again")),
    ("resolved", lambda p, a, d: wf.appeal_dispatch(p["street"], a, lead=d[0])),
    ("resolved", lambda p, a, d: wf.appeal_progress(p["dept"], a, note="x")),
    ("resolved", lambda p, a, d: wf.appeal_merge(p["street"], a, into=d[2])),
    ("accepted", lambda p, a, d: wf.appeal_accept(p["dept"], a)),
    ("accepted", lambda p, a, d: wf.appeal_categorize(p["street"], a, category="city.road")),
    ("accepted", lambda p, a, d: wf.appeal_unpark(p["dept"], a)),
    ("accepted", lambda p, a, d: wf.appeal_callback(p["street"], a, contacted=True, solved="solved",
                                                    satisfied="satisfied")),
]


@pytest.mark.parametrize(("state", "act"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(world, personas, depts, state, act):
    appeal = {"received": new_appeal, "accepted": lambda: accepted(depts[0]),
              "resolved": lambda: resolved(depts[0])}[state]()
    other = new_appeal()
    before = snapshot(appeal)
    with pytest.raises(Conflict) as exc:
        act(personas, appeal, (*depts, other))
    assert str(Status(state).label) in " ".join(exc.value.messages) or "派单" in " ".join(exc.value.messages)
    assert snapshot(appeal) == before


def test_a_department_handler_cannot_accept_another_departments_order(world, personas, depts):
    chengguan, market = depts
    appeal = dispatched(market, category="market.food", content="餐馆食品过期")
    both = dispatched(market, assists=[chengguan])
    before = snapshot(appeal)
    with pytest.raises(Http404):  # an order to another department: not even visible
        wf.appeal_accept(personas["dept"], appeal)
    with pytest.raises(PermissionDenied):  # visible through its assist order, but not the lead's to sign
        wf.appeal_accept(personas["dept"], both, order=both.orders.get(role=OrderRole.LEAD))
    assert snapshot(appeal) == before
    assert both.orders.get(role=OrderRole.LEAD).status == OrderStatus.PENDING


@pytest.mark.parametrize(("persona", "error"), [("branch", Http404), ("grid", PermissionDenied),
                                                ("auditor", Http404), ("dept", Http404)])
def test_personas_without_the_power_to_dispatch(world, personas, depts, persona, error):
    appeal = new_appeal()
    before = snapshot(appeal)
    with pytest.raises(error):
        wf.appeal_dispatch(personas[persona], appeal, lead=depts[0])
    assert snapshot(appeal) == before


def test_a_community_decides_extensions_of_its_own_appeals_only(world, personas, depts):
    mine = wf.appeal_extension_request(SYSTEM, dispatched(depts[0]), days=2, reason="x")
    elsewhere = wf.appeal_extension_request(SYSTEM, dispatched(world.jiaomen, category="safety.dispute",
                                                               lat=None, lng=None, community=world.jiaomen.code),
                                            days=2, reason="x")
    with pytest.raises(Http404):
        wf.appeal_extension_decide(personas["community"], elsewhere, approve=True)
    with pytest.raises(PermissionDenied):
        wf.appeal_extension_decide(personas["grid"], mine, approve=True)
    elsewhere.refresh_from_db()
    assert elsewhere.status == ExtensionStatus.PENDING
    wf.appeal_extension_decide(personas["community"], mine, approve=True)


def test_out_of_scope_is_404(world, personas, depts):
    appeal = new_appeal(lat=None, lng=None, community=world.bajiao_community.code)
    before = snapshot(appeal)
    for persona in ("street", "community", "grid"):
        with pytest.raises(Http404):
            wf.appeal_dispatch(personas[persona], appeal, lead=world.bajiao)
        with pytest.raises(Http404):
            sel.appeal_for(personas[persona], appeal.pk)
    assert snapshot(appeal) == before


def test_visible_appeals_per_persona(world, personas, depts):
    chengguan, market = depts
    mine = dispatched(chengguan)
    theirs = dispatched(market, category="market.food", content="餐馆食品过期")
    jiaomen = new_appeal(lat=None, lng=None, community=world.jiaomen.code)
    bajiao = new_appeal(lat=None, lng=None, community=world.bajiao_community.code)

    def seen(name):
        return set(sel.visible_appeals(personas[name]).values_list("pk", flat=True))

    assert seen("district") == seen("street") == {mine.pk, theirs.pk, jiaomen.pk}
    assert seen("community") == seen("grid") == {mine.pk, theirs.pk}
    assert seen("dept") == {mine.pk}
    assert seen("branch") == seen("auditor") == set()
    assert bajiao.pk in set(sel.visible_appeals(SYSTEM).values_list("pk", flat=True))


def test_inbox_and_queues(world, personas, depts):
    chengguan, market = depts
    a = dispatched(chengguan)
    dispatched(market, category="market.food", content="餐馆食品过期")
    assert [o.appeal_id for o in sel.inbox(personas["dept"])] == [a.pk]
    assert sel.pending_count(personas["dept"]) == 1
    late = new_appeal(received_at=timezone.now() - timedelta(days=10))
    counts = sel.queue_counts(personas["street"])
    assert counts["received"] == 1 and counts["dispatched"] == 2 and counts["overdue"] == 1 and counts["open"] == 3
    assert sel.board(personas["street"]).values_list("pk", flat=True).first() == late.pk  # overdue first
    assert Appeal.objects.filter(pk=late.pk).filter(sel.overdue_condition(timezone.now())).exists()


def test_filters(world, personas, depts):
    a = dispatched(depts[0], hotline_no="", channel=Channel.WEB)
    qs = sel.visible_appeals(personas["street"])
    assert list(sel.filtered(qs, q=a.ticket_no)) == [a]
    assert list(sel.filtered(qs, status="dispatched,accepted")) == [a]
    assert not sel.filtered(qs, status="closed").exists()
    assert list(sel.filtered(qs, category="city")) == [a]
    assert list(sel.filtered(qs, area=world.jiayuan.code)) == [a]
    assert not sel.filtered(qs, area=world.jiaomen.code).exists()
    assert list(sel.filtered(qs, period=f"{timezone.localdate():%Y-%m}")) == [a]
    for bad in ({"status": "x"}, {"category": "x"}, {"area": "1"}, {"period": "2026-13"}, {"channel": "x"}):
        with pytest.raises(ValueError):
            sel.filtered(qs, **bad)


def test_grid_handles_what_is_sent_to_it(world, personas, depts):
    appeal = dispatched(world.grid1, category="safety.dispute", content="邻居吵架")
    appeal = wf.appeal_accept(personas["grid"], appeal)
    assert appeal.status == Status.ACCEPTED and appeal.owner_area == world.grid1
    assert Order.objects.get(appeal=appeal).accepted_by == personas["grid"]
    assert AppealType.CONSULT != appeal.type
