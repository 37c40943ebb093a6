"""Demo organizational life: a year of meetings for every branch of the 马家堡 demo street, through the
services. 主题党日 on the last Friday of each month (党员先锋日), committee and group meetings monthly,
the branch assembly and a 党课 each quarter, 组织生活会, 民主评议 and 谈心谈话 once a year; attendance
with a few approved leaves; two votes at the demo branch's assembly; a leading cadre taking part in the
demo branch (双重组织生活); a 党课 starting within the hour so that signing in by code can be tried.
The demo community's branches and the non-public branches get the whole year, the street's other
branches the last quarter (a demo that loads in seconds). Deliberately, some branches skip some
meetings, so the compliance views show missing items."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jiceng.core.models import Org
from jiceng.core.periods import add_months, month_start
from jiceng.members.models import Member, MemberStatus
from jiceng.members.services.roll import member_update
from jiceng.orglife.models import Attendance, AttendanceState, Meeting, MeetingKind
from jiceng.orglife.services import attendance as attendance_services
from jiceng.orglife.services import meetings as services
from jiceng.orglife.services import votes as vote_services

THEMES = ["学习贯彻党的二十届三中全会精神", "党员先锋日：社区环境整治志愿服务", "重温入党誓词",
          "学习《中国共产党纪律处分条例》", "党员先锋日：走访慰问困难老党员", "学习习近平总书记关于基层治理的重要论述",
          "庆祝建党节：讲述身边的党员故事", "纪念抗战胜利主题教育", "国庆节前安全隐患排查",
          "学习接诉即办工作条例", "党员先锋日：垃圾分类桶前值守", "党员先锋日：老旧小区改造入户宣传"]  # Jan … Dec
LECTURES = ["书记讲党课：走好新时代群众路线", "党的创新理论学习党课", "基层党组织建设专题党课", "廉洁自律专题党课"]
ASSEMBLY = ["通报支部工作、讨论季度工作安排", "讨论发展党员工作", "学习传达上级会议精神", "审议支部年度工作总结"]
COMMITTEE = "支委会：研究本月党建工作与社区议题"
GROUP = "党小组学习：交流思想、反映群众意见"


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def last_friday(month: date) -> date:
    day = add_months(month_start(month), 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _weekday_in(month: date, weekday: int, week: int) -> date:
    first = month_start(month)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * week)


def _schedule(branch: Org, has_committee: bool, groups: list[Org], months: list[date], rnd: random.Random):
    """(org, kind code, day, hour, topic) of a branch's year, with some months skipped."""
    for n, month in enumerate(months):
        if rnd.random() > 0.1:
            yield branch, "theme_day", last_friday(month), 9, THEMES[month.month - 1]
        if has_committee and rnd.random() > 0.15:
            yield branch, "committee", _weekday_in(month, 1, 0), 15, COMMITTEE
        for group in groups:
            if rnd.random() > 0.2:
                yield group, "group", _weekday_in(month, 2, 1), 19, GROUP
        if month.month % 3 == 2 and rnd.random() > 0.15:
            yield branch, "assembly", _weekday_in(month, 3, 2), 14, ASSEMBLY[(month.month // 3) % 4]
        if month.month % 3 == 1 and rnd.random() > 0.25:
            yield branch, "lecture", _weekday_in(month, 3, 1), 14, LECTURES[n % 4]
        if month.month == 12:
            yield branch, "life_meeting", _weekday_in(month, 4, 2), 14, "年度组织生活会：对照检查、开展批评与自我批评"
            if rnd.random() > 0.3:
                yield branch, "appraisal", _weekday_in(month, 4, 2), 16, "民主评议党员"
        if month.month == 11 and rnd.random() > 0.3:
            yield branch, "talk", _weekday_in(month, 0, 1), 10, "支部委员与党员谈心谈话"


def _hold(actor, meeting: Meeting, rnd: random.Random) -> None:
    rows = list(meeting.attendances.values_list("pk", "member_id"))
    for pk, _member in rows:
        if rnd.random() < 0.05:
            Attendance.objects.filter(pk=pk).update(leave_status="pending", leave_reason="出差在外，无法参加",
                                                    leave_requested_at=meeting.starts_at - timedelta(days=1))
            attendance_services.leave_decide(actor, meeting=meeting, attendance_id=pk, approve=True)
    excused = set(meeting.attendances.filter(state=AttendanceState.EXCUSED).values_list("member_id", flat=True))
    present = [m for _pk, m in rows if m not in excused and rnd.random() < 0.88]
    attendance_services.attendance_mark(actor, meeting=meeting, present=present)
    services.meeting_mark_held(actor, meeting=meeting)


def _votes(actor, branch: Org, now: datetime) -> None:
    assembly = (Meeting.objects.filter(org=branch, kind__code="assembly", status="held", starts_at__lt=now)
                .order_by("-starts_at").first())
    if assembly is None:
        return
    for subject, rule in [("接收郑晓雯同志为中共预备党员", "admission"), ("通过支部下季度工作安排", "ordinary")]:
        vote = vote_services.vote_open(actor, meeting=assembly, subject=subject, rule=rule)
        present = set(assembly.attendances.filter(state=AttendanceState.PRESENT).values_list("member_id", flat=True))
        for n, member in enumerate(Member.objects.filter(pk__in=vote.entitled_ids).order_by("pk")):
            if member.pk in present:
                choice = "abstain" if n == 3 else "yes"
                vote_services.ballot_cast(actor, vote=vote, member=member, choice=choice)
            elif rule == "admission" and n % 2:
                vote_services.ballot_cast(actor, vote=vote, member=member, choice="yes", written=True)
        vote_services.vote_close(actor, vote=vote)


def _dual_life(actor, branch: Org) -> None:
    others = Member.objects.filter(status=MemberStatus.FULL, branch__kind="branch").exclude(branch=branch)
    cadre = (others.exclude(branch__parent=branch.parent).order_by("pk").first()  # another community first
             or others.order_by("pk").first())
    if cadre is None:
        return
    cadre = member_update(actor, member=cadre, is_cadre=True, job_title="街道党工委委员")
    attendance_services.dual_life_set(actor, member=cadre, branch=branch, since=date(2024, 3, 1),
                                      note="领导干部双重组织生活")


def _groups(actor, branch: Org) -> list[Org]:
    """Place the branch's members without a group in its first 党小组 (as a secretary does once)."""
    group = branch.children.filter(kind="group", is_active=True).order_by("path").first()
    if group is None:
        return []
    for member in Member.objects.filter(branch=branch, party_group__isnull=True, status__in=["full", "probationary"]):
        member_update(actor, member=member, party_group=group)
    return [group]


def load_meetings_demo(actor, made: dict, out) -> None:
    majiabao = made.get("110106015")
    if not majiabao:
        return
    rnd = random.Random("jiceng-orglife-demo")
    now = services.now()
    today = timezone.localdate()
    year = [add_months(month_start(today), k) for k in range(-12, 2)]
    kinds = {k.code: k for k in MeetingKind.objects.all()}
    first = majiabao["first_branch"]
    _dual_life(actor, first)
    branches = Org.objects.filter(path__subtree=majiabao["working"].path, kind="branch", is_active=True,
                                  members__isnull=False).distinct().order_by("path")
    out(f"生成 {majiabao['working'].area.name} 各支部一年的组织生活 …")
    count = 0
    full_year = {first.parent_id}  # the demo community: a whole year; the street's other branches: a quarter
    for branch in branches:
        months = year if branch.parent_id in full_year or branch.sector != "territorial" else year[-4:]
        has_committee = branch.posts.exclude(title="secretary").exists()
        groups = _groups(actor, branch)
        for org, code, day, hour, topic in _schedule(branch, has_committee, groups, months, rnd):
            starts = _at(day, hour)
            meeting = services.meeting_create(actor, org=org, kind=kinds[code], starts_at=starts,
                                              ends_at=starts + timedelta(hours=2), topic=topic,
                                              place="社区党群服务中心会议室", host="支部书记", recorder="组织委员")
            count += 1
            if starts < now and rnd.random() < 0.04:
                services.meeting_cancel(actor, meeting=meeting, reason="因防汛值守临时取消")
            elif starts < now:
                _hold(actor, meeting, rnd)
    soon = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    services.meeting_create(actor, org=first, kind=kinds["lecture"], starts_at=soon,
                            ends_at=soon + timedelta(hours=2), topic="微党课：身边的榜样",
                            place="社区党群服务中心二楼", host="支部书记", recorder="组织委员")
    _votes(actor, first, now)
    out(f"  {count + 1} 次会议")
