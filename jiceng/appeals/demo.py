"""Demo appeals: about forty in 马家堡街道 and 八角街道 across channels, types, categories and every state —
some overdue, one returned with its reason, one merged, one parked, extensions pending and approved,
callbacks by phone and on the tracking page. Placed on points inside the generated grids (through the
routing service) and dispatched to the demo departments of 丰台区; the ``dept`` account (丰台区城管执法局)
gets orders waiting for it. Deterministic, like the core demo."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from jiceng.appeals.models import Appeal, AppealEvent, Channel
from jiceng.appeals.services import deadlines, intake
from jiceng.appeals.services import workflow as wf
from jiceng.core.geo import representative_point
from jiceng.core.models import Area, Department
from jiceng.core.models.territory import AreaLevel

# category, type, content, channel, final state
MAJIABAO = [
    ("city.manhole", "投诉", "嘉园路口井盖破损下沉，夜里骑车很危险", Channel.WEB, "dispatched"),
    ("city.stall", "举报", "地铁站口有商贩摆摊占道经营，晚高峰堵路", Channel.HOTLINE, "dispatched"),
    ("city.road", "求助", "小区门前路灯坏了一周，晚上一片黑", Channel.HOTLINE, "dispatched"),
    ("city.manhole", "投诉", "雨水箅子丢失，孩子上学路过很危险", Channel.GRID, "received"),
    ("city.garbage", "投诉", "楼下垃圾桶满了没人清运，气味很大", Channel.WEB, "accepted"),
    ("housing.heating", "求助", "家里暖气不热，室温只有十五度", Channel.HOTLINE, "in_progress"),
    ("environment.noise", "投诉", "工地夜间施工噪音扰民到凌晨", Channel.HOTLINE, "in_progress"),
    ("market.food", "举报", "小区门口餐馆卫生差，食品过期", Channel.WEB, "resolved"),
    ("housing.property", "投诉", "物业保洁不到位，楼道堆放杂物", Channel.WEB, "visited"),
    ("safety.parking", "投诉", "消防通道被乱停车辆堵住", Channel.GRID, "closed"),
    ("service.elderly", "求助", "独居老人想申请助餐服务", Channel.STAFF, "closed"),
    ("utility.power", "求助", "单元楼突然停电，电梯也停了", Channel.HOTLINE, "closed"),
    ("city.manhole", "投诉", "嘉园路口井盖破损下沉，已经有人摔倒", Channel.HOTLINE, "merged"),
    ("housing.renovation", "建议", "老旧小区希望加装电梯", Channel.WEB, "parked"),
    ("utility.water", "求助", "小区停水一天了，什么时候恢复", Channel.HOTLINE, "returned"),
    ("market.consumer", "投诉", "健身房预付卡退费难", Channel.WEB, "extension_pending"),
    ("environment.fumes", "投诉", "烧烤店油烟直排，窗户都不敢开", Channel.HOTLINE, "extension_approved"),
    ("service.certificate", "咨询", "社保证明在哪里开具", Channel.HOTLINE, "answered"),
    ("safety.dispute", "求助", "楼上邻居漏水不给修，双方有矛盾", Channel.GRID, "visited_tracking"),
    ("city.stall", "投诉", "早市商贩占道，垃圾遍地", Channel.WEB, "overdue_dispatched"),
    ("safety.order", "举报", "楼道里电动车飞线充电", Channel.GRID, "overdue_accepted"),
    ("city.road", "投诉", "路面坑洼积水，车辆溅水", Channel.API, "closed"),
    ("enterprise.policy", "咨询", "小微企业招工有没有补贴政策", Channel.ENTERPRISE, "received"),
    ("market.consumer", "投诉", "网购商品商家拒绝退款", Channel.WEB, "resolved"),
    ("city.manhole", "投诉", "小区东门井盖松动，车过有响声", Channel.HOTLINE, "dispatched"),
    ("housing.heating", "投诉", "供暖季开始了暖气还是凉的", Channel.WEB, "closed"),
]
BAJIAO = [
    ("city.garbage", "投诉", "垃圾堆放在楼道口，好几天没清", Channel.WEB, "dispatched_area"),
    ("safety.dispute", "求助", "邻居装修噪音纠纷，希望社区调解", Channel.HOTLINE, "accepted_area"),
    ("service.elderly", "求助", "老人需要上门助浴服务", Channel.STAFF, "closed_area"),
    ("housing.property", "投诉", "物业门禁坏了很久", Channel.WEB, "visited_area"),
    ("service.certificate", "咨询", "居住证明怎么开", Channel.HOTLINE, "answered"),
    ("city.garbage", "建议", "建议增加分类垃圾桶", Channel.WEB, "received"),
    ("safety.dispute", "求助", "楼上漏水，协商不成", Channel.GRID, "overdue_area"),
    ("housing.property", "投诉", "小区电梯经常停运", Channel.HOTLINE, "in_progress_area"),
    ("service.elderly", "咨询", "社区养老驿站有哪些服务", Channel.WEB, "resolved_area"),
    ("city.garbage", "投诉", "大件垃圾长期无人清运", Channel.WEB, "closed_area"),
    ("safety.dispute", "求助", "邻里因停车位争吵", Channel.HOTLINE, "returned_area"),
    ("housing.property", "投诉", "物业费收了但不保洁", Channel.WEB, "parked_area"),
]


def _points(street: Area) -> list[tuple[float, float]]:
    grids = Area.objects.filter(level=AreaLevel.GRID, path__startswith=street.path, geometry__isnull=False)
    return [representative_point(g.geometry) for g in grids.order_by("code")]


def _backdate(appeal: Appeal, received_at) -> None:
    AppealEvent.objects.filter(appeal=appeal, action="receive").update(at=received_at)


def demo_appeals(actor, made, out=None):
    out = out or (lambda message: None)
    majiabao = Area.objects.filter(code="110106015000").first()
    bajiao = Area.objects.filter(code="110107003000").first()
    if majiabao is None or Appeal.objects.exists():
        return []
    out("生成接诉即办演示诉求 …")
    departments = {d.kind: d for d in Department.objects.filter(area__code="110106000000")}
    rng = random.Random(6)
    now = timezone.now()
    made_count = 0
    main_manhole = None
    for street, rows in ((majiabao, MAJIABAO), (bajiao, BAJIAO)):
        if street is None:
            continue
        points = _points(street)
        for n, (category, kind, content, channel, state) in enumerate(rows):
            lng, lat = points[n % len(points)] if points else (None, None)
            overdue = state.startswith("overdue")
            age = timedelta(days=8 + rng.randrange(4)) if overdue else timedelta(hours=2 + rng.randrange(96))
            if state in ("closed", "closed_area", "visited", "visited_area", "visited_tracking", "resolved_area"):
                age = timedelta(days=3 + rng.randrange(12))
            received_at = now - age
            data = {"type": kind, "category": category, "content": content, "name": rng.choice(
                ["王女士", "李先生", "张阿姨", "刘先生", "陈女士", "赵大爷"]),
                "phone": f"139{rng.randrange(10**8):08d}", "address": f"{street.name}辖区"}
            if lat is not None:
                data.update(lat=lat, lng=lng)
            if channel == Channel.HOTLINE:
                data["hotline_no"] = f"12345-{received_at:%Y%m%d}-{street.code[6:9]}{n:03d}"
            if channel == Channel.ENTERPRISE:
                data.update(enterprise_name="北京嘉园科技有限公司", enterprise_code="91110106MA01A2B3C4")
            appeal, _created = intake.appeal_create(actor, data, channel=channel, received_at=received_at)
            _backdate(appeal, received_at)
            _advance(actor, appeal, state, departments, received_at, now, main_manhole)
            if category == "city.manhole" and main_manhole is None:
                main_manhole = appeal
            made_count += 1
    escalated = deadlines.escalate_overdue(now)
    out(f"  {made_count} 件诉求，{escalated} 件超期已升级督办")
    return []


def _lead(appeal: Appeal, departments: dict, area_only: bool):
    kind = appeal.category.department_kind or (appeal.category.parent.department_kind
                                               if appeal.category.parent_id else "")
    if not area_only and appeal.category.unit_kind == "department" and kind in departments:
        return departments[kind]
    if appeal.category.unit_kind == "street":
        return appeal.street
    return appeal.community or appeal.street


def _advance(actor, appeal: Appeal, state: str, departments: dict, received_at, now, main_manhole) -> None:
    """Take ``appeal`` through the transitions to ``state``, each a little after the one before."""
    area_only = state.endswith("_area") or appeal.street.code.startswith("110107")
    base = state.removesuffix("_area")
    step = [received_at]

    def at(hours: float):
        step[0] = min(step[0] + timedelta(hours=hours), now)
        return step[0]

    if base == "received":
        return
    if base == "answered":
        wf.appeal_resolve(actor, appeal, solution="已当场答复：到街道政务服务中心综合窗口办理。", now=at(0.5))
        wf.appeal_callback(actor, appeal, contacted=True, solved="solved", satisfied="satisfied", now=at(24))
        return
    if base == "merged" and main_manhole is not None:
        wf.appeal_merge(actor, appeal, into=main_manhole, now=at(1))
        return
    wf.appeal_categorize(actor, appeal, category=appeal.category, now=at(0.3))
    lead = _lead(appeal, departments, area_only)
    assists = [appeal.community] if base == "in_progress" and not area_only and appeal.community else []
    wf.appeal_dispatch(actor, appeal, lead=lead, assists=assists, now=at(0.5), note="请按时限办理")
    if base in ("dispatched", "overdue_dispatched"):
        return
    if base == "returned":
        wf.appeal_return(actor, appeal, reason="该事项属于自来水公司产权范围，不属于本单位职责，请改派" if not area_only
                         else "双方均不在本社区居住，请核实属地后改派", now=at(1))
        return
    wf.appeal_accept(actor, appeal, now=at(1))
    if base in ("accepted", "overdue", "overdue_accepted"):
        return
    wf.appeal_progress(actor, appeal, note="已联系诉求人并到现场查看", public=True, now=at(3))
    if base == "in_progress":
        return
    if base in ("extension_pending", "extension_approved"):
        extension = wf.appeal_extension_request(actor, appeal, days=7, reason="需协调产权单位和施工队", now=at(2))
        if base == "extension_approved":
            wf.appeal_extension_decide(actor, extension, approve=True, note="同意延期", now=at(2))
        return
    if base == "parked":
        wf.appeal_park(actor, appeal, plan="已纳入明年老旧小区综合整治计划，先行做好住户意见征集",
                       until=(now + timedelta(days=180)).date(), now=at(6))
        return
    wf.appeal_resolve(actor, appeal, solution="已现场处置完毕，并向诉求人反馈办理结果。", now=at(12))
    if base == "resolved":
        return
    tracking = base == "visited_tracking"
    wf.appeal_callback(None if tracking else actor, appeal, contacted=True,
                       solved="solved" if appeal.pk % 4 else "partly",
                       satisfied="satisfied" if appeal.pk % 3 else "basic",
                       channel="tracking" if tracking else "phone", now=at(24))
    if base == "closed":
        wf.appeal_close(actor, appeal, now=at(1))
