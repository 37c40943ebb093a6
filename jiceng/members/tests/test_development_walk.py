"""Member development end to end: the 25 steps, the Member created on approval, 转正, extension,
disqualification and stopping. Shared helpers for the other development tests live here too."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiceng.core.models import AuditEvent, Role
from jiceng.core.services import accounts
from jiceng.core.services.orgs import org_create, org_update
from jiceng.members.models import Applicant, ApplicantOutcome, ApplicantStep, Member, MemberEvent, Stage
from jiceng.members.services import development as dev
from jiceng.members.tests import factories
from jiceng.testing import PASSWORD, SYSTEM

# The dates of a file walked from application to archive (RULES §4), step by step: (date, data).
MEETING = date(2024, 6, 28)
WALK = {
    2: (date(2023, 3, 20), {"talker": "张书记"}),
    3: (date(2023, 4, 10), {"method": "members"}),
    4: (date(2023, 4, 15), {}),
    5: (date(2023, 4, 20), {"contacts": "m0,m1"}),
    6: (date(2023, 10, 10), {"summary": "表现良好"}),
    7: (date(2024, 4, 15), {"publicity_start": "2024-04-01"}),
    8: (date(2024, 4, 16), {}),
    9: (date(2024, 4, 20), {"introducers": "m0,m1"}),
    10: (date(2024, 5, 10), {"conclusion": "政治审查合格"}),
    11: (date(2024, 5, 20), {"days": 3}),
    12: (date(2024, 6, 11), {"publicity_start": "2024-05-27"}),
    13: (date(2024, 6, 14), {}),
    14: (date(2024, 6, 18), {}),
    15: (MEETING, {"present": 8, "yes": 8}),
    16: (date(2024, 7, 5), {"talker": "李组织员"}),
    17: (date(2024, 9, 20), {"document_no": "马工委〔2024〕12号"}),
    18: (date(2024, 9, 25), {}),
    19: (date(2024, 10, 8), {}),
    20: (date(2024, 10, 10), {}),
    21: (date(2025, 1, 10), {"summary": "继续考察"}),
    22: (date(2025, 6, 1), {}),
    23: (date(2025, 6, 30), {"present": 8, "yes": 7}),
    24: (date(2025, 8, 30), {}),
    25: (date(2025, 9, 10), {"archived_at": "街道党工委档案室"}),
}


def step_data(ns, number: int, **override) -> dict:
    data = dict(WALK[number][1])
    for key in ("contacts", "introducers"):
        if key in data:
            data[key] = [ns.members[0].pk, ns.members[1].pk]
    data.update(override)
    return data


def record(ns, applicant, number: int, actor=SYSTEM, *, on: date | None = None, **override):
    return dev.applicant_step(actor, applicant=applicant, number=number, done_on=on or WALK[number][0],
                              responsible="王五", data=step_data(ns, number, **override))


def walk(ns, applicant, upto: int, actor=SYSTEM):
    for number in range(applicant.last_step + 1, upto + 1):
        record(ns, applicant, number, actor)
        applicant.refresh_from_db()
    return applicant


def snapshot(applicant) -> dict:
    """Everything a refused step must leave unchanged."""
    applicant = Applicant.objects.get(pk=applicant.pk)
    fields = {f.name: getattr(applicant, f.attname) for f in Applicant._meta.concrete_fields if f.name != "updated_at"}
    return {"applicant": fields, "steps": ApplicantStep.objects.count(), "members": Member.objects.count(),
            "events": MemberEvent.objects.count(), "audit": AuditEvent.objects.filter(
                action__startswith="applicant.").count()}


@pytest.fixture
def ns(world):
    return make_ns(world)


def make_ns(world):
    """The street 党工委 may approve; the grid branch has 10 full members (m0, m1 … m9)."""
    org_update(SYSTEM, org=world.majiabao_committee, may_approve_admission=True)
    members = [factories.member(world.grid_branch, f"党员{i}", joined_on=date(2000, 1, 1)) for i in range(10)]
    return SimpleNamespace(world=world, branch=world.grid_branch, members=members)


def new_applicant(ns, actor=SYSTEM, *, branch=None, applied_on=date(2023, 3, 1), **kw):
    """A file opened on 2023-03-01 by a man born 1995-01-01 (a fresh ID number unless ``id_number`` is given)."""
    kw.setdefault("id_number", factories.id_number("19950101", "110105"))
    return dev.applicant_create(actor, branch=branch or ns.branch, name=kw.pop("name", "赵小明"), phone="13812345678",
                                applied_on=applied_on, education="bachelor", category="in_service", **kw)


def make_bajiao_worker(world):
    """A street worker of 八角街道 (another street)."""
    user = accounts.user_create(SYSTEM, username="bajiao", display_name="bajiao", password=PASSWORD,
                                mobile="13912349999")
    accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code="street_worker"), area=world.bajiao)
    return user


def other_branch(world):
    return org_create(SYSTEM, parent=world.jiayuan_committee, name="嘉园一里第2网格党支部", kind="branch",
                      area=world.grid2)[0]


# --- tests ---------------------------------------------------------------------------------------

def test_full_walk_creates_the_member_with_the_meeting_date_and_full_on_one_year_later(ns, personas):
    street = personas["street"]
    number = factories.id_number("19950101", "110105")
    applicant = new_applicant(ns, street, id_number=number)
    assert (applicant.last_step, applicant.stage) == (1, Stage.APPLICANT)
    walk(ns, applicant, 16, street)
    assert applicant.stage == Stage.CANDIDATE and applicant.member is None
    assert (applicant.activist_on, applicant.candidate_on) == (date(2023, 4, 10), date(2024, 4, 15))
    assert (applicant.admitted_on, applicant.probation_ends_on) == (MEETING, date(2025, 6, 28))
    walk(ns, applicant, 17, street)
    member = applicant.member
    assert (member.status, member.joined_on, member.full_on) == ("probationary", MEETING, None)
    assert (member.branch, member.category, member.id_number) == (ns.branch, "in_service", number)
    assert applicant.stage == Stage.PROBATIONARY
    walk(ns, applicant, 25, street)
    member.refresh_from_db()
    assert (member.status, member.full_on) == ("full", date(2025, 6, 28))
    assert (applicant.outcome, applicant.stage, applicant.full_on) == (ApplicantOutcome.ADMITTED, Stage.FULL,
                                                                       date(2025, 6, 28))
    assert ApplicantStep.objects.filter(applicant=applicant).count() == 25
    texts = list(member.events.values_list("text", flat=True))
    assert any("批准为预备党员" in t for t in texts) and any("正式党员" in t for t in texts)
    assert AuditEvent.objects.filter(action="applicant.step", object_id=str(applicant.pk)).count() == 24


def test_full_on_is_the_end_of_probation_whatever_the_approval_date(ns):
    applicant = walk(ns, new_applicant(ns), 16)
    record(ns, applicant, 17, on=date(2024, 12, 20), delay_reason="审批党委换届")
    applicant.refresh_from_db()
    assert applicant.member.joined_on == MEETING
    for number, on in ((18, date(2024, 12, 25)), (19, date(2025, 1, 3)), (20, date(2025, 1, 6))):
        record(ns, applicant, number, on=on)
    applicant.refresh_from_db()
    walk(ns, applicant, 23)
    record(ns, applicant, 24, on=date(2025, 9, 26))
    applicant.member.refresh_from_db()
    assert applicant.member.full_on == date(2025, 6, 28)


def test_repeatable_assessment_and_dates_in_order(ns):
    applicant = walk(ns, new_applicant(ns), 6)
    record(ns, applicant, 6, on=date(2024, 4, 10), summary="第二次考察")
    applicant.refresh_from_db()
    assert applicant.last_step == 6
    assert applicant.steps.filter(number=6).count() == 2


def test_extension_once_within_six_to_twelve_months_then_full_on_is_the_extended_end(ns):
    applicant = walk(ns, new_applicant(ns), 22)
    with pytest.raises(ValidationError) as exc:
        dev.applicant_extend(SYSTEM, applicant=applicant, on=date(2025, 6, 30), extended_to=date(2025, 12, 27),
                             reason="需要继续考察")
    assert "不能少于半年" in str(exc.value.message_dict["extended_to"])
    with pytest.raises(ValidationError):
        dev.applicant_extend(SYSTEM, applicant=applicant, on=date(2025, 6, 30), extended_to=date(2026, 6, 29),
                             reason="需要继续考察")
    dev.applicant_extend(SYSTEM, applicant=applicant, on=date(2025, 6, 30), extended_to=date(2026, 6, 28),
                         reason="需要继续考察")
    applicant.refresh_from_db()
    assert applicant.extended_to == date(2026, 6, 28)
    assert applicant.member.probation_extended_to == date(2026, 6, 28)
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:
        dev.applicant_extend(SYSTEM, applicant=applicant, on=date(2025, 7, 1), extended_to=date(2026, 1, 1),
                             reason="再次延长")
    assert "只能延长一次" in str(exc.value.message_dict["extended_to"])
    assert snapshot(applicant) == before
    with pytest.raises(ValidationError) as exc:  # the meeting waits for the end of the extended 预备期
        record(ns, applicant, 23, on=date(2025, 7, 1))
    assert "预备期满" in str(exc.value.message_dict["done_on"])
    record(ns, applicant, 23, on=date(2026, 6, 29))
    record(ns, applicant, 24, on=date(2026, 7, 10))
    applicant.member.refresh_from_db()
    assert (applicant.member.status, applicant.member.full_on) == ("full", date(2026, 6, 28))


def test_disqualify_sets_the_member_status(ns):
    applicant = walk(ns, new_applicant(ns), 20)
    dev.applicant_disqualify(SYSTEM, applicant=applicant, on=date(2025, 3, 1), reason="不履行党员义务")
    applicant.refresh_from_db()
    assert applicant.outcome == ApplicantOutcome.DISQUALIFIED
    assert applicant.member.status == "disqualified"
    before = snapshot(applicant)
    with pytest.raises(ValidationError):
        record(ns, applicant, 21)
    assert snapshot(applicant) == before


def test_stop_closes_the_file_with_a_reason_and_not_for_a_probationary_member(ns):
    applicant = walk(ns, new_applicant(ns), 5)
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:
        dev.applicant_stop(SYSTEM, applicant=applicant, on=date(2024, 1, 1), reason=" ")
    assert "reason" in exc.value.message_dict
    assert snapshot(applicant) == before
    dev.applicant_stop(SYSTEM, applicant=applicant, on=date(2024, 1, 1), reason="本人撤回申请")
    applicant.refresh_from_db()
    assert applicant.outcome == ApplicantOutcome.STOPPED
    probationary = walk(ns, new_applicant(ns, name="钱二"), 17)
    with pytest.raises(ValidationError):
        dev.applicant_stop(SYSTEM, applicant=probationary, on=date(2025, 1, 1), reason="x")


def test_exception_with_the_permission_is_recorded_and_audited(ns, personas):
    street = personas["street"]  # street_worker holds members.except_development
    applicant = walk(ns, new_applicant(ns, street), 6, street)
    with pytest.raises(ValidationError):
        record(ns, applicant, 7, street, on=date(2024, 3, 1), publicity_start="2024-02-19")
    row = dev.applicant_step(street, applicant=applicant, number=7, done_on=date(2024, 3, 1),
                             data={"publicity_start": "2024-02-19"}, exception_reason="经区委组织部批准提前")
    assert row.exception_reason == "经区委组织部批准提前"
    event = AuditEvent.objects.get(action="applicant.exception", object_id=str(applicant.pk))
    assert "一年以上" in event.summary["rules"][0] and event.summary["reason"] == "经区委组织部批准提前"
    applicant.refresh_from_db()
    assert (applicant.last_step, applicant.candidate_on) == (7, date(2024, 3, 1))


def test_exception_without_the_permission_is_refused_and_changes_nothing(ns, personas):
    branch = personas["branch"]  # branch_secretary lacks members.except_development
    applicant = walk(ns, new_applicant(ns, branch), 6, branch)
    before = snapshot(applicant)
    with pytest.raises(PermissionDenied):
        dev.applicant_step(branch, applicant=applicant, number=7, done_on=date(2024, 3, 1),
                           data={"publicity_start": "2024-02-19"}, exception_reason="提前")
    assert snapshot(applicant) == before


def test_a_hard_rule_cannot_be_excepted(ns, personas):
    street = personas["street"]
    applicant = walk(ns, new_applicant(ns, street), 14, street)
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:
        dev.applicant_step(street, applicant=applicant, number=15, done_on=MEETING, data={"present": 6, "yes": 5},
                           exception_reason="情况特殊")
    assert "未通过" in str(exc.value.message_dict["yes"])
    assert snapshot(applicant) == before


def test_an_exception_reason_on_a_step_that_breaks_no_rule_is_refused(ns, personas):
    applicant = new_applicant(ns, personas["street"])
    before = snapshot(applicant)
    with pytest.raises(ValidationError) as exc:
        dev.applicant_step(personas["street"], applicant=applicant, number=2, done_on=date(2023, 3, 20),
                           data={"talker": "张"}, exception_reason="无")
    assert "exception_reason" in exc.value.message_dict
    assert snapshot(applicant) == before


def test_a_second_open_file_for_the_same_person_is_refused_by_the_database_too(ns):
    from django.db import IntegrityError, transaction

    first = new_applicant(ns)
    twin = Applicant.objects.get(pk=first.pk)
    twin.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Applicant.objects.count() == 1
