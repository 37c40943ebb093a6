"""Demo activity on the roll of the 马家堡 demo branch: applicants at every stage of development, a
transfer waiting in its inbox, floating and lost members, in-service members reporting to its
community. Built through the services, with dates relative to today so the due lists are live."""

from __future__ import annotations

from datetime import date, timedelta

from jiceng.core.identity import check_character
from jiceng.core.models import Org
from jiceng.core.periods import month_start
from jiceng.members.models import Member
from jiceng.members.services import development, mobility, transfers
from jiceng.members.services.roll import today

# Day offsets from the application of a file walked by the book (RULES §4), and each step's data.
WALK = {
    2: (19, {"talker": "支部书记"}), 3: (40, {"method": "members"}), 4: (45, {}), 5: (50, {"contacts": 2}),
    6: (223, {"summary": "学习认真，表现良好"}), 7: (411, {"publicity": True}), 8: (412, {}),
    9: (416, {"introducers": 2}), 10: (436, {"conclusion": "政治审查合格"}), 11: (446, {"days": 3}),
    12: (468, {"publicity": True}), 13: (471, {}), 14: (475, {}), 15: (485, {"present": 8, "yes": 8}),
    16: (492, {"talker": "街道组织员"}), 17: (569, {"document_no": "马工委〔发展〕1号"}), 18: (574, {}),
    19: (587, {}), 20: (589, {}), 21: (681, {"summary": "继续考察，表现良好"}), 22: (823, {}),
    23: (852, {"present": 8, "yes": 7}), 24: (913, {}), 25: (924, {"archived_at": "街道党工委档案室"}),
}
APPLICANTS = [  # name, sex digit, days since application
    ("郑晓雯", 2, 930), ("孙浩然", 1, 830), ("何思琪", 4, 445), ("陆嘉怡", 6, 250), ("邱子轩", 3, 12),
]


def _data(spec: dict, done_on: date, full_members: list[Member]) -> dict:
    data = dict(spec)
    for key in ("contacts", "introducers"):
        if key in data:
            data[key] = [m.pk for m in full_members[:data[key]]]
    if data.pop("publicity", False):
        data["publicity_start"] = (done_on - timedelta(days=21)).isoformat()
    return data


def _walk(actor, branch: Org, full_members: list[Member], n: int, name: str, sex: int, days_ago: int, day: date):
    applied = day - timedelta(days=days_ago)
    body = f"110106{1996 + n:04d}0{n + 3}1{n + 1}10{sex}"
    applicant = development.applicant_create(
        actor, branch=branch, name=name, id_number=body + check_character(body), phone=f"1391000{n:04d}",
        applied_on=applied, education="bachelor", work_unit="马家堡街道社区卫生服务中心", responsible="支部书记")
    for number, (offset, spec) in WALK.items():
        done_on = applied + timedelta(days=offset)
        if done_on > day:
            break
        development.applicant_step(actor, applicant=applicant, number=number, done_on=done_on,
                                   responsible="支部书记", data=_data(spec, done_on, full_members))
        applicant.refresh_from_db()


def load_activity_demo(actor, made: dict, out) -> None:
    majiabao = made.get("110106015")
    if not majiabao:
        return
    branch, day = majiabao["first_branch"], today()
    community = branch.area.parent if branch.area and branch.area.level == "grid" else branch.area
    out(f"生成 {branch.name} 的发展党员、关系转接与流动党员 …")
    full = list(Member.objects.filter(branch=branch, status="full").order_by("joined_on")[:4])
    for n, (name, sex, days_ago) in enumerate(APPLICANTS):
        _walk(actor, branch, full, n, name, sex, days_ago, day)
    # A member of a neighbouring branch moving in: the letter waits in the demo branch's inbox.
    neighbour = Member.objects.filter(branch__parent=branch.parent, status="full").exclude(branch=branch).first()
    if neighbour:
        neighbour.dues_paid_through = month_start(day)
        neighbour.save(update_fields=["dues_paid_through"])
        transfer = transfers.transfer_create(actor, member=neighbour, to_org=branch, note="迁居至本网格")
        transfers.transfer_submit(actor, transfer=transfer)
        transfers.transfer_approve(actor, transfer=transfer)
        transfers.transfer_issue(actor, transfer=transfer)
    others = list(Member.objects.filter(branch=branch, status="full").order_by("-joined_on")[:4])
    if len(others) == 4:
        mobility.floating_register(actor, member=others[0], left_on=day - timedelta(days=75),
                                   place="广东省深圳市南山区", local_org_name="深圳市南山区粤海街道流动党员党支部",
                                   reason="务工", contact="微信")
        mobility.floating_register(actor, member=others[1], left_on=day - timedelta(days=240), place="上海市浦东新区",
                                   reason="经商")
        mobility.member_mark_lost(actor, member=others[2], since=day - timedelta(days=200),
                                  note="电话停机，走访原住址未见本人")
        for member, skills in zip(others[3:], ["法律咨询"], strict=False):
            mobility.service_report_register(actor, member=member, community=community, skills=skills,
                                             availability="周末", reported_on=day - timedelta(days=30))
    in_service = Member.objects.filter(branch__parent__parent=branch.parent.parent, category="in_service",
                                       status="full").exclude(branch__parent=branch.parent)[:5]
    for member, skills in zip(in_service, ["医疗义诊", "理发", "家电维修", "心理疏导", "书法"], strict=False):
        mobility.service_report_register(actor, member=member, community=community, skills=skills,
                                         availability="工作日晚上、周末", reported_on=day - timedelta(days=60))
