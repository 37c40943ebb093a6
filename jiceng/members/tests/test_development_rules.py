"""The checks of RULES §4: the RULES §9 examples, and every refused step refusing with the rule's words and
article while changing nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from jiceng.core.services.orgs import org_update
from jiceng.core.workdays import UnknownCalendar
from jiceng.members.models import ApplicantStep
from jiceng.members.rules import development as rules
from jiceng.members.rules.standing import probation_end
from jiceng.members.services import development as dev
from jiceng.members.services import development_checks as checks
from jiceng.members.services.roll import discipline_record
from jiceng.members.tests.factories import id_number, member
from jiceng.members.tests.test_development_walk import (
    make_ns,
    new_applicant,
    other_branch,
    record,
    snapshot,
    walk,
)
from jiceng.testing import SYSTEM


@pytest.fixture
def ns(world):
    return make_ns(world)


# --- RULES §9 examples, as pure functions ----------------------------------------------------------


def test_rules_9_timeline():
    assert rules.talk_due(date(2025, 3, 10)) == date(2025, 4, 10)
    assert rules.approval_due(date(2025, 6, 30)) == date(2025, 9, 30)
    assert probation_end(date(2025, 6, 30)) == date(2026, 6, 30)
    assert rules.full_on(date(2026, 6, 30), None) == date(2026, 6, 30)
    assert rules.extension_range(date(2026, 6, 30)) == (date(2026, 12, 30), date(2027, 6, 30))
    assert rules.extension_refusal(probation_ends_on=date(2026, 6, 30), extended_to=date(2026, 12, 30),
                                   already_extended=False) is None
    assert rules.extension_refusal(probation_ends_on=date(2026, 6, 30), extended_to=date(2027, 6, 30),
                                   already_extended=False) is None
    assert "第三十二条" in rules.extension_refusal(probation_ends_on=date(2026, 6, 30), extended_to=date(2026, 12, 29),
                                                  already_extended=False)
    assert "第三十二条" in rules.extension_refusal(probation_ends_on=date(2026, 6, 30), extended_to=date(2027, 7, 1),
                                                  already_extended=False)


def test_rules_9_talk_and_approval_deadlines():
    assert rules.talk_refusal(date(2025, 3, 10), date(2025, 4, 10)) is None
    assert "第七条" in rules.talk_refusal(date(2025, 3, 10), date(2025, 4, 11))
    assert rules.approval_refusal(date(2025, 6, 30), date(2025, 9, 30)) == (None, False)
    message, hard = rules.approval_refusal(date(2025, 6, 30), date(2025, 10, 1))
    assert "第二十四条" in message and not hard
    assert rules.approval_refusal(date(2025, 6, 30), date(2025, 10, 1), delay_reason="换届") == (None, False)
    message, hard = rules.approval_refusal(date(2025, 6, 30), date(2026, 1, 1), delay_reason="换届")
    assert "六个月" in message and hard


@pytest.mark.parametrize(("present", "yes", "passes", "words"), [
    (5, 5, False, "不足法定人数"), (6, 5, False, "未通过"), (6, 6, True, ""),
])
def test_rules_9_admission_vote_of_ten(present, yes, passes, words):
    message = rules.vote_refusal(entitled=10, present=present, yes=yes)
    assert (message is None) is passes
    if words:
        assert words in message and "第二十条" in message


def test_written_opinions_count_as_votes_not_attendance():
    assert rules.vote_refusal(entitled=10, present=6, yes=5, written_yes=1) is None
    assert "不足法定人数" in rules.vote_refusal(entitled=10, present=5, yes=5, written_yes=3)
    assert "不合理" in rules.vote_refusal(entitled=10, present=6, yes=5, written_yes=5)


def test_age_activist_year_and_training():
    assert "第五条" in rules.age_refusal(date(2007, 3, 11), date(2025, 3, 10))
    assert rules.age_refusal(date(2007, 3, 10), date(2025, 3, 10)) is None
    assert rules.activist_year_refusal(date(2024, 2, 29), date(2025, 2, 28)) is None
    assert "第十二条" in rules.activist_year_refusal(date(2024, 4, 10), date(2025, 4, 9))
    assert "第十二条" in rules.activist_year_refusal(date(2024, 4, 10), date(2025, 4, 10), anniversary_qualifies=False)
    assert rules.training_refusal(3, None) is None and rules.training_refusal(None, 24) is None
    assert "二十四个学时" in rules.training_refusal(2.5, 23)


def test_the_25_steps_as_data():
    assert [s.number for s in rules.STEPS] == list(range(1, 26))
    assert [len(seg["steps"]) for seg in rules.stage_segments()] == [2, 4, 5, 7, 7]
    assert rules.step_for("approval").number == 17 and rules.step_for("9").slug == "introducers"
    assert all(s.name and s.rule for s in rules.STEPS)


# --- refused steps change nothing -----------------------------------------------------------------

def _m(ns, i):
    return ns.members[i].pk


REFUSALS = [
    # (name, walk to, step, date, data override, field, words in the refusal)
    ("talk late", 1, 2, date(2023, 4, 10), {}, "done_on", "第七条"),
    ("out of order", 1, 4, date(2023, 3, 20), {}, "number", "请先完成第2步"),
    ("before the previous step", 2, 3, date(2023, 3, 19), {}, "done_on", "不能早于"),
    ("in the future", 2, 3, date(2099, 1, 1), {}, "done_on", "不能晚于今天"),
    ("three contacts", 4, 5, None, {"contacts": [0, 1, 2]}, "contacts", "第九条"),
    ("activist for less than a year", 6, 7, date(2024, 4, 9), {"publicity_start": "2024-03-25"}, "done_on",
     "第十二条"),
    ("publicity too short", 6, 7, date(2024, 4, 15), {"publicity_start": "2024-04-10"}, "publicity_start",
     "不少于5个工作日"),
    ("one introducer", 8, 9, None, {"introducers": [0]}, "introducers", "第十三条"),
    ("the same introducer twice", 8, 9, None, {"introducers": [0, 0]}, "introducers", "重复"),
    ("no written conclusion", 9, 10, None, {"conclusion": ""}, "conclusion", "请填写"),
    ("review not passed", 9, 10, None, {"qualified": False}, "qualified", "第十六条"),
    ("training too short", 10, 11, None, {"days": 2, "hours": 20}, "days", "第十七条"),
    ("committee review publicity too short", 11, 12, date(2024, 6, 11), {"publicity_start": "2024-06-05"},
     "publicity_start", "公示"),
    ("leaving within three months", 12, 13, None, {"leaving_soon": True}, "leaving_soon", "第十九条"),
    ("no quorum", 14, 15, None, {"present": 5, "yes": 5}, "yes", "不足法定人数"),
    ("vote fails", 14, 15, None, {"present": 6, "yes": 5}, "yes", "未通过"),
    ("impossible numbers", 14, 15, None, {"present": 11, "yes": 11}, "yes", "不合理"),
    ("malformed number", 14, 15, None, {"present": "many", "yes": 6}, "present", "格式不正确"),
    ("approval beyond six months", 16, 17, date(2024, 12, 31), {"delay_reason": "换届"}, "done_on", "六个月"),
    ("approval late without reason", 16, 17, date(2024, 10, 8), {}, "done_on", "第二十四条"),
    ("full meeting before the end of probation", 22, 23, date(2025, 6, 27), {}, "done_on", "预备期满"),
    ("full approval late", 23, 24, date(2025, 10, 9), {}, "done_on", "三个月内"),
]


@pytest.mark.parametrize(("upto", "number", "on", "override", "field", "words"),
                         [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_every_refused_step_refuses_with_the_rule_and_changes_nothing(ns, upto, number, on, override, field,
                                                                      words):
    applicant = walk(ns, new_applicant(ns), upto)
    override = {k: ([_m(ns, i) for i in v] if k in ("contacts", "introducers") else v) for k, v in override.items()}
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:
        record(ns, applicant, number, on=on, **override)
    assert words in " ".join(exc.value.message_dict[field])
    assert snapshot(applicant) == before


def test_age_under_18_on_application_is_refused_and_writes_nothing(ns):
    before = ApplicantStep.objects.count()
    with pytest.raises(ValidationError) as exc:
        dev.applicant_create(SYSTEM, branch=ns.branch, name="少年", id_number=id_number("20080101", "110105"),
                             applied_on=date(2025, 12, 31))
    assert "第五条" in exc.value.message_dict["applied_on"][0]
    assert ApplicantStep.objects.count() == before and not ns.branch.applicants.exists()


def test_introducer_under_probation_discipline_or_probationary_is_refused(ns):
    discipline_record(SYSTEM, member=ns.members[1], kind="probation", decided_on=date(2024, 1, 10),
                      ends_on=date(2025, 1, 10), reason="违纪")
    probationary = member(ns.branch, "预备甲", status="probationary", joined_on=date(2024, 1, 1))
    applicant = walk(ns, new_applicant(ns), 8)
    before = snapshot(applicant)
    for pair, words in (([0, 1], "留党察看"), ([0, None], "不是正式党员")):
        ids = [ns.members[0].pk, ns.members[1].pk if pair[1] else probationary.pk]
        with pytest.raises(ValidationError) as exc:
            record(ns, applicant, 9, introducers=ids)
        assert words in " ".join(exc.value.message_dict["introducers"]) and "第十三条" in str(exc.value)
    assert snapshot(applicant) == before


def test_members_under_probation_discipline_have_no_vote(ns):
    discipline_record(SYSTEM, member=ns.members[9], kind="probation", decided_on=date(2024, 1, 10),
                      ends_on=date(2025, 1, 10), reason="违纪")
    applicant = walk(ns, new_applicant(ns), 14)
    row = record(ns, applicant, 15, present=5, yes=5)  # 9 entitled: 5 present is a quorum, 5 yes pass
    assert row.data["entitled"] == 9


def test_the_anniversary_qualifies_unless_the_setting_says_otherwise(ns):
    applicant = walk(ns, new_applicant(ns), 6)
    with override_settings(ACTIVIST_ANNIVERSARY_QUALIFIES=False), pytest.raises(ValidationError):
        record(ns, applicant, 7, on=date(2024, 4, 10), publicity_start="2024-03-25")
    record(ns, applicant, 7, on=date(2024, 4, 10), publicity_start="2024-03-25")


def test_publicity_length_is_a_setting(ns):
    applicant = walk(ns, new_applicant(ns), 6)
    with override_settings(PUBLICITY_WORKDAYS=10), pytest.raises(ValidationError) as exc:
        record(ns, applicant, 7, on=date(2024, 4, 15), publicity_start="2024-04-01")
    assert "不少于10个工作日" in exc.value.message_dict["publicity_start"][0]


def test_an_unknown_calendar_year_refuses_and_never_guesses(ns, monkeypatch, personas):
    def unknown(start, n, **kw):
        raise UnknownCalendar(start.year)

    monkeypatch.setattr(checks, "add_working_days", unknown)
    applicant = walk(ns, new_applicant(ns), 6)
    before = snapshot(applicant)
    for actor, reason in ((SYSTEM, ""), (personas["street"], "例外")):  # not even as an exception
        with pytest.raises(ValidationError) as exc:
            dev.applicant_step(actor, applicant=applicant, number=7, done_on=date(2024, 4, 15),
                               data={"publicity_start": "2024-04-01"}, exception_reason=reason)
        assert "2024年的放假安排尚未公布或录入" in exc.value.message_dict["publicity_start"][0]
    assert snapshot(applicant) == before


def test_approval_needs_an_organization_with_the_power(ns, world):
    applicant = walk(ns, new_applicant(ns), 16)
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:  # a community 党委 under a street 党工委
        record(ns, applicant, 17, approver=world.jiayuan_committee.pk)
    assert "社区" in exc.value.message_dict["approver"][0]
    with pytest.raises(ValidationError) as exc:  # not above the branch
        record(ns, applicant, 17, approver=world.bajiao_committee.pk)
    assert "上级党委" in exc.value.message_dict["approver"][0]
    org_update(SYSTEM, org=world.majiabao_committee, may_approve_admission=False)
    with pytest.raises(ValidationError) as exc:
        record(ns, applicant, 17)
    assert "第二十四条" in exc.value.message_dict["approver"][0]
    assert snapshot(applicant) == before
    org_update(SYSTEM, org=world.fengtai_committee, may_approve_admission=True)
    row = record(ns, applicant, 17)
    assert row.data["approver"] == world.fengtai_committee.pk


def test_the_pre_review_is_by_a_committee_above_the_branch(ns, world):
    applicant = walk(ns, new_applicant(ns), 12)
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:  # not above the branch
        record(ns, applicant, 13, reviewer=world.bajiao_committee.pk)
    assert "上级党委" in exc.value.message_dict["reviewer"][0]
    assert snapshot(applicant) == before
    row = record(ns, applicant, 13)  # by default the nearest committee with the power to approve
    assert (row.data["reviewer"], row.data["reviewer_name"]) == (world.majiabao_committee.pk,
                                                                 world.majiabao_committee.name)


def test_the_party_group_must_belong_to_the_branch(ns, world):
    applicant = walk(ns, new_applicant(ns), 18)
    branch2 = other_branch(world)
    before = snapshot(applicant)
    with pytest.raises(ValidationError):
        record(ns, applicant, 19, party_group=branch2.pk)
    assert snapshot(applicant) == before
    record(ns, applicant, 19, party_group=world.grid_group.pk)
    applicant.member.refresh_from_db()
    assert applicant.member.party_group == world.grid_group


def test_the_same_person_cannot_have_two_open_files(ns):
    from jiceng.core.errors import Conflict

    first = new_applicant(ns)
    with pytest.raises(Conflict):
        new_applicant(ns, id_number=first.id_number)


def test_a_late_talk_deadline_on_a_rest_day_moves_to_the_next_working_day(ns):
    applicant = new_applicant(ns, applied_on=date(2024, 9, 1))  # + 1 month = Tue 2024-10-01, National Day
    with pytest.raises(ValidationError) as exc:
        record(ns, applicant, 2, on=date(2024, 10, 9))
    assert "2024-10-08" in exc.value.message_dict["done_on"][0]
    record(ns, applicant, 2, on=date(2024, 10, 8))  # the first working day after the holiday
