"""Member development (发展党员) as data and pure checks (RULES §4).

Sources: 中国共产党章程 (2022) Arts. 1, 5, 7; 中国共产党发展党员工作细则 (2014), article numbers as
quoted in public copies: Art. 5 (年满十八岁), Art. 7 (收到入党申请书后一个月内派人谈话), Art. 8 (党员推荐、
群团组织推优，支部委员会研究决定，报上级党委备案), Art. 9 (一至两名正式党员作培养联系人), Art. 11 (每半年
考察一次), Art. 12 (经过一年以上培养教育和考察，可列为发展对象), Art. 13 (两名正式党员作入党介绍人；受
留党察看处分、尚未恢复党员权利的党员，不能作入党介绍人), Art. 16 (政治审查必须形成结论性材料；未经政治
审查或政治审查不合格的，不能发展入党), Art. 17 (短期集中培训一般不少于三天或二十四个学时), Art. 19 (支部
委员会审查，基层党委预审；三个月内将离开工作、学习单位的，一般不办理接收手续), Arts. 20–21 (支部大会：
到会超过应到会有表决权人数的半数，赞成超过应到会有表决权正式党员的半数), Art. 22 (党委委员或组织员谈话),
Art. 24 (三个月内审批，特殊情况不超过六个月), Art. 32 (预备期一年；延长一次，不少于半年，最长不超过一年),
Art. 33 (转正手续及表决要求与接收预备党员相同). 公示 before steps 7 and 12 follows local practice
(default 5 working days, setting ``PUBLICITY_WORKDAYS``).

Every ``*_refusal`` function returns ``None`` when the rule holds, else the refusal: the rule's words
and its article, in Chinese, ready to show next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.core.identity import age_on
from jiceng.core.periods import add_months, add_years
from jiceng.members.rules.votes import ADMISSION, vote_outcome

APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL = "applicant", "activist", "candidate", "probationary", "full"
STAGE_NAMES = {
    APPLICANT: _l("申请入党"), ACTIVIST: _l("入党积极分子的确定和培养教育"),
    CANDIDATE: _l("发展对象的确定和考察"), PROBATIONARY: _l("预备党员的接收"),
    FULL: _l("预备党员的教育考察和转正"),
}
STAGE_ORDER = (APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, FULL)

MIN_AGE = 18
TALK_MONTHS = 1
ASSESSMENT_MONTHS = 6
ACTIVIST_YEARS = 1
TRAINING_DAYS = 3
TRAINING_HOURS = 24
APPROVAL_MONTHS = 3
APPROVAL_MAX_MONTHS = 6
LEAVING_MONTHS = 3
EXTENSION_MONTHS = (6, 12)
PUBLICITY_WORKDAYS = 5


@dataclass(frozen=True)
class StepField:
    """One item of data a step records. ``kind``: text, date, int, number, bool, members, org, choice."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    help: str = ""
    choices: tuple = ()
    default: object = None  # the value when none is given


@dataclass(frozen=True)
class Step:
    number: int
    stage: str
    name: str
    slug: str
    rule: str  # the regulation's words shown next to the form
    fields: tuple[StepField, ...] = ()
    repeatable: bool = False  # recorded again while it is the last step (half-yearly assessments)

    @property
    def stage_name(self) -> str:
        return str(STAGE_NAMES[self.stage])


RECOMMENDATION = (("members", _l("党员推荐")), ("youth_league", _l("群团组织推优")),
                  ("both", _l("党员推荐和群团组织推优")))
FILED = StepField("filed_with", _l("备案的上级党委"), required=False)
PUBLICITY = StepField("publicity_start", _l("公示开始日期"), "date",
                      help=_l("公示期满（不少于规定的工作日）后才能作出决定"))
VOTE = (StepField("present", _l("到会有表决权的正式党员人数"), "int"),
        StepField("yes", _l("到会党员赞成票数"), "int"),
        StepField("written_yes", _l("因故未到会党员书面赞成意见数"), "int", required=False,
                  help=_l("会前正式提出的书面意见计入票数，不计入到会人数")))
APPROVAL = (StepField("approver", _l("审批党委"), "org", required=False,
                      help=_l("留空则为上级中最近的有审批权限的基层党委")),
            StepField("document_no", _l("批复文号"), required=False))

STEPS: tuple[Step, ...] = (
    Step(1, APPLICANT, _l("递交入党申请书"), "application",
         _l("年满十八岁的，可以申请入党（党章第一条，细则第五条）"),
         (StepField("received_by", _l("接收人"), required=False),)),
    Step(2, APPLICANT, _l("党组织派人谈话"), "talk",
         _l("党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话（细则第七条）"),
         (StepField("talker", _l("谈话人")),)),
    Step(3, ACTIVIST, _l("推荐和确定入党积极分子"), "activist",
         _l("采取党员推荐、群团组织推优等方式产生人选，由支部委员会研究决定（细则第八条）"),
         (StepField("method", _l("推荐方式"), "choice", choices=RECOMMENDATION),)),
    Step(4, ACTIVIST, _l("报上级党委备案"), "activist_filed",
         _l("确定入党积极分子后报上级党委备案（细则第八条）"), (FILED,)),
    Step(5, ACTIVIST, _l("指定培养联系人"), "contacts",
         _l("党组织应当指定一至两名正式党员作入党积极分子的培养联系人（细则第九条）"),
         (StepField("contacts", _l("培养联系人"), "members", help=_l("一至两名正式党员")),)),
    Step(6, ACTIVIST, _l("培养教育考察"), "assessment",
         _l("党支部每半年对入党积极分子进行一次考察（细则第十一条）"),
         (StepField("summary", _l("考察意见")),), repeatable=True),
    Step(7, CANDIDATE, _l("确定发展对象"), "candidate",
         _l("经过一年以上培养教育和考察、基本具备党员条件的入党积极分子，经支部委员会讨论同意，可列为发展对象"
           "（细则第十二条）；确定前公示"), (PUBLICITY,)),
    Step(8, CANDIDATE, _l("报上级党委备案"), "candidate_filed",
         _l("确定发展对象后报上级党委备案（细则第十二条）"), (FILED,)),
    Step(9, CANDIDATE, _l("确定入党介绍人"), "introducers",
         _l("发展对象应当有两名正式党员作入党介绍人；受留党察看处分、尚未恢复党员权利的党员，不能作入党介绍人"
           "（细则第十三条）"),
         (StepField("introducers", _l("入党介绍人"), "members", help=_l("两名正式党员")),)),
    Step(10, CANDIDATE, _l("进行政治审查"), "political_review",
         _l("政治审查必须形成结论性材料；未经政治审查或政治审查不合格的，不能发展入党（细则第十六条）"),
         (StepField("conclusion", _l("政审结论")),
          StepField("qualified", _l("政治审查合格"), "bool", required=False, default=True))),
    Step(11, CANDIDATE, _l("开展集中培训"), "training",
         _l("对发展对象进行短期集中培训，培训时间一般不少于三天（或不少于二十四个学时）（细则第十七条）"),
         (StepField("days", _l("培训天数"), "number", required=False),
          StepField("hours", _l("培训学时"), "number", required=False),
          StepField("organizer", _l("培训单位"), required=False))),
    Step(12, PROBATIONARY, _l("支部委员会审查"), "committee_review",
         _l("支部委员会对发展对象进行严格审查，经集体讨论认为合格后，报基层党委预审（细则第十九条）；审查前公示"),
         (PUBLICITY,)),
    Step(13, PROBATIONARY, _l("上级党委预审"), "pre_review",
         _l("具有审批权限的基层党委对发展对象进行预审；发展对象未来三个月内将离开工作、学习单位的，一般不办理接收"
           "预备党员的手续（细则第十九条）"),
         (StepField("reviewer", _l("预审党委"), "org", required=False,
                    help=_l("留空则为上级中最近的有审批权限的基层党委")),
          StepField("leaving_soon", _l("三个月内将离开工作、学习单位"), "bool", required=False))),
    Step(14, PROBATIONARY, _l("填写入党志愿书"), "application_form",
         _l("预审合格的，发放《中国共产党入党志愿书》（细则第十九条）")),
    Step(15, PROBATIONARY, _l("支部大会讨论"), "branch_meeting",
         _l("支部大会有表决权的到会人数必须超过应到会有表决权人数的半数；赞成人数超过应到会有表决权的正式党员的"
           "半数，才能通过接收预备党员的决议（细则第二十条、第二十一条）"), VOTE),
    Step(16, PROBATIONARY, _l("上级党委派人谈话"), "committee_talk",
         _l("基层党委审批前，应当指派党委委员或组织员同发展对象谈话（细则第二十二条）"),
         (StepField("talker", _l("谈话人（党委委员或组织员）")),)),
    Step(17, PROBATIONARY, _l("上级党委审批"), "approval",
         _l("基层党委对党支部上报的接收预备党员的决议，应当在三个月内审批；因特殊情况可适当延长，但不得超过六个月"
           "（细则第二十四条）；党总支、党支部、临时党组织和街道、乡镇党委所属的社区、村党委不能审批"),
         (*APPROVAL,
          StepField("delay_reason", _l("超过三个月审批的特殊情况说明"), required=False),
          StepField("category", _l("党费类别"), "choice", required=False,
                    help=_l("留空则按递交入党申请时登记的类别")))),
    Step(18, PROBATIONARY, _l("报上级党委组织部门备案"), "approval_filed",
         _l("审批后报上级党委组织部门备案（细则第二十四条）"), (FILED,)),
    Step(19, FULL, _l("编入党支部和党小组"), "placement",
         _l("预备党员编入党支部和党小组（细则第二十七条）"),
         (StepField("party_group", _l("党小组"), "org", required=False),)),
    Step(20, FULL, _l("入党宣誓"), "oath", _l("预备党员必须面向党旗进行入党宣誓（党章第六条）")),
    Step(21, FULL, _l("继续教育考察"), "probation_assessment",
         _l("党组织对预备党员应当认真教育和考察（党章第七条）"),
         (StepField("summary", _l("考察意见")),), repeatable=True),
    Step(22, FULL, _l("提出转正申请"), "full_application",
         _l("预备期满，预备党员本人向党支部提出书面转正申请（细则第三十三条）")),
    Step(23, FULL, _l("支部大会讨论转正"), "full_meeting",
         _l("预备期满，党支部应当及时讨论其能否转为正式党员；到会人数、赞成人数等要求与讨论接收预备党员的支部大会"
           "相同（细则第三十二条、第三十三条）"), VOTE),
    Step(24, FULL, _l("上级党委审批转正"), "full_approval",
         _l("报上级党委审批，三个月内审批；转正时间为预备期满之日（细则第三十三条，党章第七条）"), APPROVAL),
    Step(25, FULL, _l("材料归档"), "archive",
         _l("入党志愿书、入党申请书、政治审查材料、转正申请书和培养教育考察材料等存入党员档案（细则第三十五条）"),
         (StepField("archived_at", _l("存放位置"), required=False),)),
)

BY_NUMBER = {s.number: s for s in STEPS}
BY_SLUG = {s.slug: s for s in STEPS}
LAST_STEP = 25


def step_for(key: str | int) -> Step | None:
    """A step by its number (1–25, as int or text) or its slug (``talk``, ``approval`` …)."""
    if isinstance(key, int) or str(key).isdigit():
        return BY_NUMBER.get(int(key))
    return BY_SLUG.get(str(key))


def stage_segments() -> list[dict]:
    """The five stages with their step ranges, for progress bars."""
    return [{"stage": stage, "name": str(STAGE_NAMES[stage]),
             "steps": [s.number for s in STEPS if s.stage == stage]} for stage in STAGE_ORDER]


def standing_after(last_step: int) -> str:
    """Who the person is after ``last_step``: 入党申请人, 积极分子 (3), 发展对象 (7), 预备党员 (17), 正式党员 (24)."""
    if last_step >= 24:
        return FULL
    if last_step >= 17:
        return PROBATIONARY
    if last_step >= 7:
        return CANDIDATE
    if last_step >= 3:
        return ACTIVIST
    return APPLICANT


# --- dates ------------------------------------------------------------------------------------

def talk_due(applied_on: date) -> date:
    """RULES §9: application 2025-03-10 → talk by 2025-04-10."""
    return add_months(applied_on, TALK_MONTHS)


def candidate_earliest(activist_on: date, *, anniversary_qualifies: bool = True) -> date:
    """The first day an activist may become a 发展对象: one year later (the anniversary itself by default)."""
    anniversary = add_years(activist_on, ACTIVIST_YEARS)
    return anniversary if anniversary_qualifies else anniversary + timedelta(days=1)


def approval_due(decided_on: date) -> date:
    """Three months to approve a branch meeting's admission (细则 Art. 24) or 转正 (Art. 33).
    RULES §9: admitted 2025-06-30 → approval due 2025-09-30."""
    return add_months(decided_on, APPROVAL_MONTHS)


def approval_limit(admitted_on: date) -> date:
    return add_months(admitted_on, APPROVAL_MAX_MONTHS)


def extension_range(probation_ends_on: date) -> tuple[date, date]:
    """RULES §9: an extension from 2026-06-30 may end 2026-12-30 … 2027-06-30."""
    return add_months(probation_ends_on, EXTENSION_MONTHS[0]), add_months(probation_ends_on, EXTENSION_MONTHS[1])


def next_assessment_due(last_assessed_on: date) -> date:
    return add_months(last_assessed_on, ASSESSMENT_MONTHS)


# --- checks ---------------------------------------------------------------------------------

def age_refusal(birth_date: date, applied_on: date) -> str | None:
    if age_on(birth_date, applied_on) >= MIN_AGE:
        return None
    return _("递交入党申请时须年满十八岁（党章第一条，发展党员工作细则第五条）：申请日期%(d)s时未满十八岁") % {
        "d": applied_on.isoformat()}


def talk_refusal(applied_on: date, talked_on: date, *, due: date | None = None) -> str | None:
    """``due``: the deadline moved past a rest day by the calendar (民法典 Art. 203), if the caller knows it."""
    due = due or talk_due(applied_on)
    if talked_on <= due:
        return None
    return _("党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话（发展党员工作细则第七条）：应不晚于"
             "%(d)s") % {"d": due.isoformat()}


def contacts_refusal(count: int) -> str | None:
    if 1 <= count <= 2:
        return None
    return _("党组织应当指定一至两名正式党员作入党积极分子的培养联系人（发展党员工作细则第九条）")


def activist_year_refusal(activist_on: date, decided_on: date, *, anniversary_qualifies: bool = True) -> str | None:
    earliest = candidate_earliest(activist_on, anniversary_qualifies=anniversary_qualifies)
    if decided_on >= earliest:
        return None
    return _("入党积极分子经过一年以上培养教育和考察，方可列为发展对象（发展党员工作细则第十二条）：%(a)s确定为"
             "积极分子，最早%(d)s") % {"a": activist_on.isoformat(), "d": earliest.isoformat()}


def publicity_refusal(*, publicity_start: date, publicity_end: date, decided_on: date, workdays: int) -> str | None:
    """公示 of ``workdays`` working days, from ``publicity_start`` to ``publicity_end`` (computed by the
    working-day calendar); the decision comes after it has run its course."""
    if decided_on > publicity_end:
        return None
    return _("应当公示不少于%(n)d个工作日，公示期满后再作决定：%(s)s开始的公示至%(e)s期满") % {
        "n": workdays, "s": publicity_start.isoformat(), "e": publicity_end.isoformat()}


def member_party_refusal(*, name: str, status: str, under_probation: bool, role: str) -> str | None:
    """An introducer (or a 培养联系人) must be a full member; an introducer not under 留党察看."""
    if status != "full":
        return _("%(name)s不是正式党员，不能作%(role)s（党章第五条，发展党员工作细则第九条、第十三条）") % {
            "name": name, "role": role}
    if under_probation:
        return _("%(name)s受留党察看处分、尚未恢复党员权利，不能作入党介绍人（发展党员工作细则第十三条）") % {
            "name": name}
    return None


def introducer_count_refusal(count: int) -> str | None:
    if count == 2:
        return None
    return _("发展对象应当有两名正式党员作入党介绍人（党章第五条，发展党员工作细则第十三条）")


def political_review_refusal(conclusion: str, qualified: bool) -> str | None:
    if not (conclusion or "").strip():
        return _("政治审查必须形成结论性材料（发展党员工作细则第十六条）")
    if not qualified:
        return _("政治审查不合格的，不能发展入党（发展党员工作细则第十六条）")
    return None


def training_refusal(days, hours) -> str | None:
    if (days or 0) >= TRAINING_DAYS or (hours or 0) >= TRAINING_HOURS:
        return None
    return _("短期集中培训时间一般不少于三天（或不少于二十四个学时）（发展党员工作细则第十七条）")


def leaving_refusal(leaving_soon: bool) -> str | None:
    if not leaving_soon:
        return None
    return _("发展对象未来三个月内将离开工作、学习单位的，一般不办理接收预备党员的手续（发展党员工作细则第十九条）")


def pre_review_refusal(*, reviewer_is_committee: bool) -> str | None:
    if reviewer_is_committee:
        return None
    return _("发展对象应当报具有审批权限的基层党委预审（发展党员工作细则第十九条）")


def vote_refusal(*, entitled: int, present: int, yes: int, written_yes: int = 0, what: str = "") -> str | None:
    """The strict vote of 细则 Arts. 20–21 (and 33 for 转正): more than half of the entitled present, yes
    votes (written opinions of absent members included) more than half of the entitled."""
    what = what or _("接收预备党员")
    if entitled <= 0:
        return _("支部没有有表决权的正式党员，不能讨论%(what)s（党章第七条）") % {"what": what}
    absent = entitled - present
    if present < 0 or yes < 0 or written_yes < 0 or present > entitled or yes > present or written_yes > absent:
        return _("表决人数不合理：有表决权的正式党员%(e)d人，到会人数、赞成票和书面意见都不能超过相应人数") % {
            "e": entitled}
    outcome = vote_outcome(ADMISSION, entitled=entitled, present=present, yes=yes)
    if outcome.quorum and yes + written_yes >= outcome.needed_yes:
        return None
    if outcome.quorum and written_yes:
        return _("%(what)s未通过：赞成%(n)d票（含书面意见%(w)d票），应至少%(y)d票（发展党员工作细则第二十一条）") % {
            "what": what, "n": yes + written_yes, "w": written_yes, "y": outcome.needed_yes}
    return _("%(what)s：%(why)s（发展党员工作细则第二十条、第二十一条）") % {"what": what, "why": outcome.explanation}


def approval_refusal(admitted_on: date, approved_on: date, *, delay_reason: str = "", due: date | None = None,
                     limit: date | None = None) -> tuple[str | None, bool]:
    """(refusal, hard): within 3 months; up to 6 with the special circumstances stated; never beyond 6."""
    due, limit = due or approval_due(admitted_on), limit or approval_limit(admitted_on)
    if approved_on <= due:
        return None, False
    if approved_on > limit:
        return _("基层党委审批预备党员不得超过六个月（发展党员工作细则第二十四条）：支部大会%(a)s通过，应不晚于"
                 "%(d)s；超过的应重新履行接收手续") % {"a": admitted_on.isoformat(), "d": limit.isoformat()}, True
    if (delay_reason or "").strip():
        return None, False
    return _("基层党委应当在三个月内审批（至%(d)s）；因特殊情况延长的，请写明特殊情况，但不得超过六个月"
             "（发展党员工作细则第二十四条）") % {"d": due.isoformat()}, False


def full_approval_refusal(meeting_on: date, approved_on: date, *, due: date | None = None) -> str | None:
    due = due or approval_due(meeting_on)
    if approved_on <= due:
        return None
    return _("上级党委应当在三个月内审批预备党员转正（发展党员工作细则第三十三条）：应不晚于%(d)s") % {
        "d": due.isoformat()}


def full_meeting_refusal(probation_end: date, meeting_on: date) -> str | None:
    if meeting_on >= probation_end:
        return None
    return _("预备期满（%(d)s）后，党支部才讨论其能否转为正式党员（党章第七条，发展党员工作细则第三十二条）") % {
        "d": probation_end.isoformat()}


def extension_refusal(*, probation_ends_on: date, extended_to: date, already_extended: bool) -> str | None:
    if already_extended:
        return _("预备期只能延长一次（发展党员工作细则第三十二条）")
    low, high = extension_range(probation_ends_on)
    if low <= extended_to <= high:
        return None
    return _("延长预备期不能少于半年，最长不超过一年（发展党员工作细则第三十二条）：应在%(a)s至%(b)s之间") % {
        "a": low.isoformat(), "b": high.isoformat()}


def full_on(probation_ends_on: date, extended_to: date | None) -> date:
    """转正时间 = the end of the 预备期 (extended or not), whatever the approval date (党章第七条)."""
    return extended_to or probation_ends_on


def order_refusal(*, number: int, last_step: int, repeatable_last: bool) -> str | None:
    """Steps are recorded in order; a repeatable step may be recorded again while it is the last one."""
    if number == last_step + 1 or (number == last_step and repeatable_last):
        return None
    if number <= last_step:
        return _("第%(n)d步已经登记") % {"n": number}
    return _("请先完成第%(n)d步“%(name)s”") % {"n": last_step + 1, "name": BY_NUMBER[last_step + 1].name}


def date_refusal(*, done_on: date, previous_on: date | None, today: date) -> str | None:
    if done_on > today:
        return _("日期不能晚于今天")
    if previous_on and done_on < previous_on:
        return _("日期不能早于上一步骤的日期（%(d)s）") % {"d": previous_on.isoformat()}
    return None


@dataclass(frozen=True)
class Due:
    """What comes next for an applicant: the step, its deadline (``due_on``) or its earliest date."""

    kind: str  # talk, assessment (half-yearly, while an activist), approval, full_discussion, full_approval, next
    number: int
    name: str
    due_on: date | None = None
    earliest_on: date | None = None


def next_due(*, outcome: str, last_step: int, applied_on: date, activist_on: date | None,
             last_assessed_on: date | None, admitted_on: date | None, probation_ends_on: date | None,
             extended_to: date | None, full_meeting_on: date | None,
             anniversary_qualifies: bool = True) -> Due | None:
    """The next step of an open file with its deadline (nominal dates, before any rest-day shift)."""
    if outcome != "open" or last_step >= LAST_STEP:
        return None
    number = last_step + 1
    name = str(BY_NUMBER[number].name)
    if number == 2:
        return Due("talk", number, name, due_on=talk_due(applied_on))
    if 4 <= number <= 7 and activist_on:
        earliest = candidate_earliest(activist_on, anniversary_qualifies=anniversary_qualifies) if number == 7 else None
        return Due("assessment", number, name, due_on=next_assessment_due(last_assessed_on or activist_on),
                   earliest_on=earliest)
    if number in (16, 17) and admitted_on:
        return Due("approval", number, name, due_on=approval_due(admitted_on))
    if 19 <= number <= 23 and probation_ends_on:
        return Due("full_discussion", number, name, due_on=full_on(probation_ends_on, extended_to))
    if number == 24 and full_meeting_on:
        return Due("full_approval", number, name, due_on=approval_due(full_meeting_on))
    return Due("next", number, name)


AGE_BANDS = ((0, 25, _l("25岁及以下")), (26, 35, _l("26至35岁")), (36, 45, _l("36至45岁")),
             (46, 55, _l("46至55岁")), (56, 200, _l("56岁及以上")))


def age_band(birth_date: date, day: date) -> str:
    age = age_on(birth_date, day)
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return str(label)
    return str(AGE_BANDS[-1][2])
