"""Reminders, escalation and the recount of uncertain deadlines, at given moments (``now=``)."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from jiceng.appeals.models import Appeal, AppealEvent
from jiceng.appeals.services import deadlines
from jiceng.appeals.tests.workflow_helpers import accepted, departments, dispatched, new_appeal
from jiceng.core.models import AuditEvent


@pytest.fixture
def depts(world, personas):
    return departments(world, personas)


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(deadlines.notify, "send_on_commit",
                        lambda phone, text, *, kind: messages.append((phone, kind, text)))
    return messages


def test_a_reminder_before_the_deadline_once(world, personas, depts, sent):
    appeal = accepted(depts[0])  # city.manhole: complete within 3 days
    due = appeal.complete_due_at
    assert deadlines.remind_due(now=due - timedelta(hours=5)) == 0
    assert deadlines.remind_due(now=due - timedelta(hours=3)) == 1
    assert deadlines.remind_due(now=due - timedelta(hours=2)) == 0  # once
    appeal.refresh_from_db()
    assert appeal.reminded_at is not None
    assert [kind for _phone, kind, _text in sent] == ["appeal.remind"]  # the dept handler's mobile
    assert AppealEvent.objects.filter(appeal=appeal, action="remind", public=False).count() == 1


def test_a_response_reminder_while_not_accepted(world, personas, depts, sent):
    appeal = dispatched(depts[0])
    assert deadlines.remind_due(now=appeal.response_due_at - timedelta(hours=1)) == 1
    assert "响应" in AppealEvent.objects.get(appeal=appeal, action="remind").note


@override_settings(APPEAL_REMIND_HOURS=1)
def test_the_reminder_window_is_a_setting(world, personas, depts, sent):
    appeal = accepted(depts[0])
    assert deadlines.remind_due(now=appeal.complete_due_at - timedelta(hours=3)) == 0


def test_escalation_community_to_street_to_district_once_per_level(world, personas, depts, sent):
    appeal = accepted(world.jiayuan, category="safety.dispute", content="邻居纠纷")
    late = appeal.complete_due_at + timedelta(minutes=1)
    assert deadlines.escalate_overdue(now=late) == 1
    appeal.refresh_from_db()
    assert appeal.escalation_level == 1
    assert AppealEvent.objects.filter(appeal=appeal, action="escalate").get().unit_name == "马家堡街道"
    assert ("appeal.escalate" in {k for _p, k, _t in sent})  # the street's dispatcher was told
    assert deadlines.escalate_overdue(now=late + timedelta(hours=1)) == 0  # not again within the interval
    assert deadlines.escalate_overdue(now=late + timedelta(hours=25)) == 1
    appeal.refresh_from_db()
    assert appeal.escalation_level == 2
    assert list(AppealEvent.objects.filter(appeal=appeal, action="escalate").values_list("unit_name", flat=True)) == [
        "马家堡街道", "丰台区"]
    assert deadlines.escalate_overdue(now=late + timedelta(days=5)) == 0  # no level above the district
    assert AuditEvent.objects.filter(action="appeal.escalate").count() == 2


def test_a_department_order_escalates_to_the_district(world, personas, depts, sent):
    appeal = dispatched(depts[0])
    assert deadlines.escalate_overdue(now=appeal.response_due_at + timedelta(minutes=1)) == 1
    assert AppealEvent.objects.get(appeal=appeal, action="escalate").unit_name == "丰台区"


def test_nothing_happens_to_finished_or_timely_appeals(world, personas, depts, sent):
    from jiceng.appeals.services import workflow as wf
    from jiceng.testing import SYSTEM

    appeal = wf.appeal_resolve(SYSTEM, accepted(depts[0]), solution="done")
    before = AuditEvent.objects.count()
    assert deadlines.escalate_overdue(now=appeal.complete_due_at + timedelta(days=1)) == 0
    assert deadlines.remind_due(now=appeal.complete_due_at - timedelta(hours=1)) == 0
    assert AuditEvent.objects.count() == before and not sent


def test_recount_once_the_schedule_is_entered(world, personas, monkeypatch):
    appeal = new_appeal(category="enterprise.policy", content="惠企政策咨询")  # 5 working days
    Appeal.objects.filter(pk=appeal.pk).update(deadline_uncertain=True, complete_due_at=appeal.received_at)
    assert deadlines.recount_uncertain() == 1
    appeal.refresh_from_db()
    assert not appeal.deadline_uncertain and appeal.complete_due_at > appeal.received_at
    assert AppealEvent.objects.filter(appeal=appeal, action="recount", public=True).exists()
    assert deadlines.recount_uncertain() == 0


def test_recount_keeps_the_flag_while_the_year_is_unknown(world, personas, monkeypatch):
    from jiceng.appeals import rules

    appeal = new_appeal()
    Appeal.objects.filter(pk=appeal.pk).update(deadline_uncertain=True)
    monkeypatch.setattr(deadlines.rules, "due", lambda start, term: rules.Due(start, uncertain=True))
    assert deadlines.recount_uncertain() == 0
    assert Appeal.objects.get(pk=appeal.pk).deadline_uncertain


def test_saving_a_calendar_year_recounts(world, personas, django_capture_on_commit_callbacks):
    from jiceng.core.services.calendar import calendar_year_set
    from jiceng.testing import SYSTEM

    appeal = new_appeal(category="enterprise.policy", content="惠企政策咨询")
    Appeal.objects.filter(pk=appeal.pk).update(deadline_uncertain=True)
    year = date.today().year + 3
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_set(SYSTEM, year=year, days=[(date(year, 1, 1), False, "元旦")], source="test")
    assert not Appeal.objects.get(pk=appeal.pk).deadline_uncertain


def test_the_command(world, personas, depts, sent, capsys):
    dispatched(depts[0], received_at=__import__("django.utils.timezone").utils.timezone.now() - timedelta(days=9))
    call_command("check_appeal_deadlines")
    out = capsys.readouterr().out
    assert "超期升级：1 件" in out
