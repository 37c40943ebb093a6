from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from jiceng.core import crypto
from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.testing import SYSTEM
from jiceng.whistles.models import EnterpriseRequest, Whistle, WhistleAction, WhistleCall
from jiceng.whistles.services import enterprise, whistles
from jiceng.whistles.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def depts(world):
    return h.departments(world)


def test_blow_summons_each_department_with_the_urgent_deadline(world, personas, depts):
    before = timezone.now()
    whistle = whistles.whistle_blow(personas["street"], caller=world.majiabao, title="占道经营", matter="早市",
                                    urgency="urgent", departments=[depts["城管"], depts["市场监管"]])
    calls = list(whistle.calls.order_by("pk"))
    assert whistle.report_minutes == 30 and whistle.status == "open" and whistle.created_by == personas["street"]
    assert [c.department for c in calls] == [depts["城管"], depts["市场监管"]]
    assert all(c.report_due_at - c.summoned_at == timedelta(minutes=30) and c.summoned_at >= before for c in calls)
    assert AuditEvent.objects.filter(action="whistle.blow", object_id=str(whistle.pk)).count() == 1


def test_blow_normal_uses_the_setting_and_an_explicit_limit_wins(world, personas, depts):
    with override_settings(WHISTLE_REPORT_MINUTES_NORMAL=240):
        assert h.blow(world, depts, urgency="normal").report_minutes == 240
    assert h.blow(world, depts, kinds=("水务",), report_minutes=45).report_minutes == 45


@pytest.mark.parametrize(("who", "caller", "field"), [
    ("community", "majiabao", "caller"),      # a community secretary cannot blow for the street
    ("street", "bajiao", "caller"),           # out of the street worker's reach
    ("street", "fengtai", "caller"),          # a district is not a caller unit
])
def test_blow_refused_for_callers_out_of_reach_or_of_the_wrong_level(world, personas, depts, who, caller, field):
    with pytest.raises(ValidationError) as exc:
        whistles.whistle_blow(personas[who], caller=getattr(world, caller), title="t", matter="m",
                              departments=[depts["城管"]])
    assert field in exc.value.message_dict
    assert not Whistle.objects.exists() and not WhistleCall.objects.exists()


def test_blow_refuses_bad_fields_and_departments_of_another_district(world, personas, depts):
    from jiceng.core.services import accounts

    elsewhere = accounts.department_create(SYSTEM, name="石景山区城管执法局", kind="城管", area=world.shijingshan)
    with pytest.raises(ValidationError) as exc:
        whistles.whistle_blow(personas["street"], caller=world.majiabao, title="", matter="m", urgency="soon",
                              departments=[elsewhere], latitude=39.8)
    assert set(exc.value.message_dict) == {"title", "urgency", "departments", "latitude"}
    with pytest.raises(ValidationError) as exc:
        whistles.whistle_blow(personas["street"], caller=world.majiabao, title="t", matter="m", departments=[],
                              report_minutes=2)
    assert set(exc.value.message_dict) == {"departments", "report_minutes"}
    assert not Whistle.objects.exists()


def test_a_department_handler_cannot_blow(world, personas, depts):
    with pytest.raises(PermissionDenied):
        whistles.whistle_blow(personas["dept"], caller=world.majiabao, title="t", matter="m",
                              departments=[depts["城管"]])
    assert not Whistle.objects.exists()


def test_report_in_once_on_time_by_the_departments_handler(world, personas, depts):
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    call = h.call_of(whistle, depts["城管"])
    done = whistles.whistle_report_in(handler, whistle=whistle, call=call, note="两名队员已出发")
    assert done.reported_at is not None and done.on_time is True and done.reporter == handler
    assert list(WhistleAction.objects.values_list("text", flat=True)) == ["两名队员已出发"]
    first = done.reported_at
    with pytest.raises(Conflict, match="无需重复报到"):
        whistles.whistle_report_in(handler, whistle=whistle, call=call)
    call.refresh_from_db()
    assert call.reported_at == first and WhistleAction.objects.count() == 1
    assert AuditEvent.objects.filter(action="whistle.report").count() == 1


def test_report_in_after_the_deadline_is_late(world, personas, depts):
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    call = h.shift(h.call_of(whistle, depts["城管"]), 31)
    assert whistles.whistle_report_in(handler, whistle=whistle, call=call).on_time is False


def test_report_in_refused_for_others(world, personas, depts):
    h.make_handler(personas, depts["城管"])
    water = h.other_handler(world, depts["水务"])
    whistle = h.blow(world, depts)
    call = h.call_of(whistle, depts["城管"])
    with pytest.raises(Http404):  # 水务 is not summoned: it does not see the whistle
        whistles.whistle_report_in(water, whistle=whistle, call=call)
    with pytest.raises(PermissionDenied):  # the street sees it but does not report in for a department
        whistles.whistle_report_in(personas["street"], whistle=whistle, call=call)
    market = h.call_of(whistle, depts["市场监管"])
    with pytest.raises(PermissionDenied):  # 城管's handler sees the whistle, not 市场监管's call
        whistles.whistle_report_in(personas["dept"], whistle=whistle, call=market)
    assert not WhistleCall.objects.filter(reported_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="whistle.report").exists()


def test_actions_need_the_report_first_and_the_caller_may_note(world, personas, depts):
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    call = h.call_of(whistle, depts["城管"])
    with pytest.raises(ValidationError, match="请先报到"):
        whistles.whistle_action_add(handler, whistle=whistle, call=call, text="清理摊位")
    assert not WhistleAction.objects.exists()
    whistles.whistle_report_in(handler, whistle=whistle, call=call)
    whistles.whistle_action_add(handler, whistle=whistle, call=call, text="清理摊位12处")
    whistles.whistle_action_add(personas["street"], whistle=whistle, call=call, text="街道协调疏导区")
    assert list(call.actions.values_list("text", flat=True)) == ["清理摊位12处", "街道协调疏导区"]
    with pytest.raises(ValidationError):
        whistles.whistle_action_add(handler, whistle=whistle, call=call, text="  ")


def test_rate_only_after_report_and_only_by_the_caller(world, personas, depts):
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    call = h.call_of(whistle, depts["城管"])
    with pytest.raises(ValidationError, match="尚未报到"):
        whistles.whistle_rate(personas["street"], whistle=whistle, call=call, rating=5)
    whistles.whistle_report_in(handler, whistle=whistle, call=call)
    call.refresh_from_db()
    with pytest.raises(PermissionDenied):
        whistles.whistle_rate(handler, whistle=whistle, call=call, rating=5)
    with pytest.raises(Http404):  # the community's reach does not cover a street's whistle
        whistles.whistle_rate(personas["community"], whistle=whistle, call=call, rating=5)
    with pytest.raises(ValidationError):
        whistles.whistle_rate(personas["street"], whistle=whistle, call=call, rating=6)
    call.refresh_from_db()
    assert call.rating is None
    whistles.whistle_rate(personas["street"], whistle=whistle, call=call, rating=4, comment="到场及时")
    call.refresh_from_db()
    assert (call.rating, call.rating_comment, call.rated_by) == (4, "到场及时", personas["street"])


def test_close_refused_while_unreported_unless_a_reason(world, personas, depts):
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts)
    whistles.whistle_report_in(handler, whistle=whistle, call=h.call_of(whistle, depts["城管"]))
    with pytest.raises(ValidationError) as exc:
        whistles.whistle_close(personas["street"], whistle=whistle, result="已解决")
    assert "丰台区市场监督管理局" in exc.value.message_dict["reason"][0]
    whistle.refresh_from_db()
    assert whistle.status == "open" and whistle.closed_at is None and whistle.result == ""
    with pytest.raises(PermissionDenied):
        whistles.whistle_close(handler, whistle=whistle, result="已解决", reason="x")
    whistles.whistle_close(personas["street"], whistle=whistle, result="摊位清理完毕", reason="市场监管电话答复")
    whistle.refresh_from_db()
    assert whistle.status == "closed" and whistle.close_reason == "市场监管电话答复"
    with pytest.raises(Conflict, match="已结束"):
        whistles.whistle_close(personas["street"], whistle=whistle, result="再次")
    market = h.call_of(whistle, depts["市场监管"])
    with pytest.raises(Conflict, match="已结束"):
        whistles.whistle_report_in(h.other_handler(world, depts["市场监管"]), whistle=whistle, call=market)
    market.refresh_from_db()
    with pytest.raises(Conflict, match="已结束"):
        whistles.whistle_call_add(personas["street"], whistle=whistle, department=depts["水务"])
    assert market.reported_at is None and whistle.calls.count() == 2


def test_close_when_all_reported_needs_no_reason(world, personas, depts):
    handler = h.make_handler(personas, depts["城管"])
    whistle = h.blow(world, depts, kinds=("城管",))
    whistles.whistle_report_in(handler, whistle=whistle, call=h.call_of(whistle, depts["城管"]))
    closed = whistles.whistle_close(personas["street"], whistle=whistle, result="已解决", reason="ignored")
    assert closed.status == "closed" and closed.close_reason == ""


def test_summon_one_more_department_once(world, personas, depts):
    whistle = h.blow(world, depts, kinds=("城管",))
    call = whistles.whistle_call_add(personas["street"], whistle=whistle, department=depts["水务"])
    assert call.report_due_at - call.summoned_at == timedelta(minutes=30)
    with pytest.raises(ValidationError, match="已被召集"):
        whistles.whistle_call_add(personas["street"], whistle=whistle, department=depts["水务"])
    with pytest.raises(Http404):
        whistles.whistle_call_add(personas["community"], whistle=whistle, department=depts["市场监管"])
    assert whistle.calls.count() == 2


def _request(world, **extra):
    data = {"enterprise_name": "北京嘉园便民超市有限公司", "uscc": "91350100M000100Y43", "contact_name": "李店长",
            "phone": "+86 139-0000-3456", "matter": "门前人行道破损", "unit": world.majiabao, **extra}
    return enterprise.enterprise_request_create(None, **data)


def test_enterprise_request_encrypts_the_phone_and_flags_a_bad_checksum(world):
    made, created = _request(world)
    assert created and made.status == "new" and not made.uscc_flagged and made.reference.startswith("QY")
    assert made.contact_phone_masked == "139****3456" and "13900003456" not in made.contact_phone_cipher
    assert crypto.decrypt(made.contact_phone_cipher) == "13900003456"
    flagged, _created = _request(world, uscc="91350100M000100Y44")
    assert flagged.uscc_flagged
    with override_settings(USCC_CHECK="reject"), pytest.raises(ValidationError) as exc:
        _request(world, uscc="91350100M000100Y44")
    assert list(exc.value.message_dict) == ["uscc"]
    assert EnterpriseRequest.objects.count() == 2


def test_enterprise_request_bad_input_and_idempotency(world):
    with pytest.raises(ValidationError) as exc:
        _request(world, phone="12345", enterprise_name="", unit=world.jiayuan, matter="")
    assert set(exc.value.message_dict) == {"phone", "enterprise_name", "unit", "matter"}
    first, created = _request(world, idempotency_key="k-1")
    again, created_again = _request(world, idempotency_key="k-1", matter="另一件事")
    assert created and not created_again and again.pk == first.pk and EnterpriseRequest.objects.count() == 1


def test_enterprise_request_rate_limited_per_address(world):
    with override_settings(WHISTLE_ENTERPRISE_PER_IP_HOUR=2):
        _request(world, ip="10.0.0.1")
        _request(world, ip="10.0.0.1")
        with pytest.raises(enterprise.Throttled):
            _request(world, ip="10.0.0.1")
        _request(world, ip="10.0.0.2")
    assert EnterpriseRequest.objects.count() == 3


def test_convert_blows_a_linked_whistle_once_and_decline_needs_a_reason(world, personas, depts):
    made, _c = _request(world)
    with pytest.raises(Http404):
        enterprise.enterprise_request_convert(personas["community"], request=made, departments=[depts["城管"]])
    whistle = enterprise.enterprise_request_convert(personas["street"], request=made, departments=[depts["城管"]])
    made.refresh_from_db()
    assert made.status == "converted" and made.whistle == whistle and whistle.caller == world.majiabao
    assert "91350100M000100Y43" in whistle.matter and "139****3456" in whistle.matter
    with pytest.raises(Conflict):
        enterprise.enterprise_request_convert(personas["street"], request=made, departments=[depts["水务"]])
    assert Whistle.objects.count() == 1
    other, _c = _request(world)
    with pytest.raises(ValidationError):
        enterprise.enterprise_request_decline(personas["street"], request=other, reason=" ")
    with pytest.raises(ValidationError):  # a bad conversion rolls back: no whistle, still new
        enterprise.enterprise_request_convert(personas["street"], request=other, departments=[])
    other.refresh_from_db()
    assert other.status == "new" and Whistle.objects.count() == 1
    enterprise.enterprise_request_decline(personas["street"], request=other, reason="属于民事纠纷，建议协商")
    other.refresh_from_db()
    assert other.status == "declined" and other.handled_by == personas["street"]
