"""Demo data of 吹哨报到 (a ``load_demo`` step, order 70): whistles in 马家堡街道 answered by the demo
departments of 丰台区 (some on time, one late, one still open with a pending report-in for the
``dept`` account's 城管执法局) and two enterprise requests, one of them turned into a whistle."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from jiceng.core.models import Area, Department
from jiceng.core.models.territory import AreaLevel
from jiceng.whistles.models import Whistle, WhistleAction, WhistleCall
from jiceng.whistles.services import enterprise, whistles

# title, matter, caller (community index or "street"), urgency, hours ago,
# [(department kind, minutes to report or None, rating, action)], result or "" (still open)
PLANS = [
    ("马家堡东路早市占道经营、噪声扰民", "居民反映马家堡东路早市摊位占用人行道，凌晨四点起噪声扰民，多次劝导无效。",
     "street", "urgent", 50,
     [("城管", 12, 5, "执法队员到场劝离占道摊位12处，划定临时疏导区。"),
      ("市场监管", 25, 4, "检查摊位经营资质，责令3户补办登记。")],
     "早市迁入疏导区，凌晨经营时间调整为6:00后，居民回访满意。"),
    ("小区雨水管道堵塞、地面积水", "连续降雨后小区3号楼前雨水管道堵塞，积水没过脚踝，影响老人出行。",
     0, "normal", 100,
     [("水务", 180, 4, "疏通雨水管道40米，清理淤泥。"),
      ("住建", 30 * 60, 2, "排查管网老化情况，列入老旧小区改造计划。")],
     "管道已疏通，积水排除；管网更新纳入明年改造。"),
]


def _report(call: WhistleCall, minutes: int, rating: int, text: str) -> None:
    """Demo shortcut: a department without a demo account reports in at a given time."""
    at = call.summoned_at + timedelta(minutes=minutes)
    WhistleCall.objects.filter(pk=call.pk).update(reported_at=at, on_time=at <= call.report_due_at)
    WhistleAction.objects.create(call=call, text=text)
    call.refresh_from_db()


def load_whistles_demo(actor, made: dict, out) -> list:
    street = Area.objects.get(code="110106015000")
    communities = list(street.children.filter(level=AreaLevel.COMMUNITY).order_by("code"))
    departments = {d.kind: d for d in Department.objects.filter(area__code="110106000000")}
    out("生成 马家堡街道 的吹哨报到 …")
    now = timezone.now()
    for title, matter, where, urgency, hours_ago, calls, result in PLANS:
        caller = street if where == "street" else communities[where]
        whistle = whistles.whistle_blow(actor, caller=caller, title=title, matter=matter, urgency=urgency,
                                        departments=[departments[kind] for kind, *_rest in calls],
                                        location=f"{caller.name}辖区")
        blown = now - timedelta(hours=hours_ago)
        Whistle.objects.filter(pk=whistle.pk).update(created_at=blown)
        for call in whistle.calls.all():
            WhistleCall.objects.filter(pk=call.pk).update(
                summoned_at=blown, report_due_at=blown + timedelta(minutes=whistle.report_minutes))
        whistle.refresh_from_db()
        for (_kind, minutes, rating, text), call in zip(calls, whistle.calls.order_by("pk"), strict=True):
            call.refresh_from_db()
            _report(call, minutes, rating, text)
            whistles.whistle_rate(actor, whistle=whistle, call=call, rating=rating,
                                  comment="到场及时，处置得力" if rating >= 4 else "报到超时，请加强响应")
        whistles.whistle_close(actor, whistle=whistle, result=result)
    building = Area.objects.filter(parent=street, level=AreaLevel.BUILDING).order_by("code").first()
    request, _created = enterprise.enterprise_request_create(
        actor, enterprise_name="北京风帆智造科技有限公司", uscc="91110106MA01CF1234", contact_name="周经理",
        phone="13900002345", matter="楼宇周边共享单车大量堆积，占用消防通道，员工进出困难，请协调清理。",
        unit=building or street)
    whistle = enterprise.enterprise_request_convert(
        actor, request=request, departments=[departments["城管"], departments["公安"]], urgency="normal",
        title="时代风帆大厦周边共享单车堆积、占用消防通道")
    police = whistle.calls.get(department=departments["公安"])
    _report(police, 40, 0, "交警到场疏导，联系运营企业调运车辆。")
    enterprise.enterprise_request_create(
        actor, enterprise_name="北京嘉园便民超市有限公司", uscc="91350100M000100Y43", contact_name="李店长",
        phone="13900003456", matter="门前人行道破损，顾客摔倒两次，希望尽快修复。", unit=street)
    return []
