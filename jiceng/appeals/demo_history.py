"""Demo step (order 85): six months of finished appeals in six streets of 丰台区 (马家堡街道 and five
neighbours) so that the three-rates page, the rankings and the hot spots have content after ``make run``;
a few open ones this month (some overdue); last month's street ranking published; two recurring places
and one proactive task. Written with ``bulk_create`` (a few hundred rows, well under a second)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from jiceng.appeals.models import Appeal, Category, Channel, Satisfied, Solved, Status
from jiceng.appeals.selectors import rates as sel
from jiceng.core import crypto
from jiceng.core.models import Area, Department

FENGTAI = "110106000000"
MAJIABAO = "110106015000"
CONTENT = {
    "city.manhole": "小区门口井盖破损，夜间行人容易踩空，请尽快更换。",
    "city.garbage": "楼下垃圾桶满溢多日无人清运，气味很大。",
    "city.stall": "路口早市商贩占道经营，影响通行。",
    "city.road": "路灯不亮已一周，晚上出行不安全。",
    "housing.property": "物业保洁不到位，楼道长期没人打扫。",
    "housing.heating": "家里暖气不热，室温只有十四度。",
    "utility.water": "小区停水没有提前通知，请尽快恢复。",
    "environment.noise": "附近工地夜间施工噪音扰民。",
    "environment.fumes": "楼下餐馆油烟直排，窗户都不能开。",
    "market.consumer": "健身房预付卡关门无法退费。",
    "safety.dispute": "楼上邻居装修与我家发生纠纷，请社区调解。",
    "safety.parking": "消防通道被私家车长期占用。",
    "service.elderly": "独居老人希望社区提供助餐服务。",
}
ROADS = ["马家堡东路", "角门路", "嘉园路", "洋桥西里", "西罗园路", "建欣苑路", "北甲地路", "丰台北路"]


def _phone(rnd: random.Random) -> tuple[str, str, str]:
    mobile = f"13{rnd.randrange(10**9):09d}"
    return crypto.encrypt(mobile), crypto.blind_index(mobile), crypto.mask_mobile(mobile)


def load_history_demo(actor, made, out) -> list:
    district = Area.objects.filter(code=FENGTAI).first()
    majiabao = Area.objects.filter(code=MAJIABAO).first()
    if district is None or majiabao is None:
        return []
    out("生成 接诉即办 近六个月诉求（三率、排名与热点）…")
    rnd = random.Random(2026_85)
    streets = [majiabao, *Area.objects.filter(parent=district, level="street").exclude(pk=majiabao.pk)
               .order_by("code")[:5]]
    departments = {d.kind: d for d in Department.objects.filter(area=district)}
    categories = list(Category.objects.filter(code__in=CONTENT))
    # How well each unit works: P(responds on time), P(finishes on time), P(solved), P(satisfied).
    quality = {s.pk: [0.72 + 0.26 * rnd.random() for _ in range(4)] for s in streets}
    quality.update({("d", d.pk): [0.7 + 0.28 * rnd.random() for _ in range(4)] for d in departments.values()})
    now = timezone.now()
    this_month = sel.current_period()
    periods = sel.last_periods(this_month, 7)
    rows: list[Appeal] = []
    seq = 0

    def appeal(street, community, category, received_at, *, address=None, lat=None, lng=None, open_=False):
        nonlocal seq
        seq += 1
        dept = departments.get(category.department_kind) if category.unit_kind == "department" else None
        q = [(a + b) / 2 for a, b in zip(quality[street.pk], quality.get(("d", dept.pk), quality[street.pk]),
                                         strict=True)] if dept else quality[street.pk]
        cipher, index, masked = _phone(rnd)
        response_due = received_at + timedelta(hours=24)
        complete_due = received_at + timedelta(days=7)
        a = Appeal(
            ticket_no=f"H{timezone.localtime(received_at):%Y%m%d}{seq:05d}", channel=Channel.HOTLINE,
            type=rnd.choice(["complaint", "help", "consult", "suggest"]), category=category,
            content=CONTENT[category.code], address=address or f"{rnd.choice(ROADS)}{rnd.randrange(1, 60)}号",
            latitude=lat, longitude=lng, community=community, street=street, district=district,
            area_path=(community or street).path,
            name=rnd.choice("王李张刘陈杨赵黄周吴") + rnd.choice(["先生", "女士"]),
            phone_cipher=cipher, phone_index=index, phone_masked=masked, owner_area=street, lead_department=dept,
            received_at=received_at, response_due_at=response_due, complete_due_at=complete_due)
        if open_:
            a.status = rnd.choice([Status.DISPATCHED, Status.IN_PROGRESS])
            if a.status == Status.IN_PROGRESS:
                a.responded_at = received_at + timedelta(hours=rnd.randrange(1, 30))
                a.responded_on_time = a.responded_at <= response_due
            rows.append(a)
            return a
        on_time = rnd.random() < q[0]
        a.responded_at = received_at + timedelta(hours=rnd.randrange(1, 20) if on_time else rnd.randrange(25, 60))
        a.responded_on_time = a.responded_at <= response_due
        finished_in = timedelta(days=rnd.randrange(1, 7) if rnd.random() < q[1] else rnd.randrange(8, 15))
        a.resolved_at = received_at + finished_in
        a.completed_on_time = a.resolved_at <= complete_due
        a.solution = "已到现场处置，问题已按要求办理。"
        if a.resolved_at + timedelta(days=2) < now:
            a.status, a.closed_at = Status.CLOSED, a.resolved_at + timedelta(days=2)
            a.cb_contacted, a.cb_at, a.cb_channel = True, a.resolved_at + timedelta(days=1), "phone"
            roll = rnd.random()
            a.cb_solved = Solved.SOLVED if roll < q[2] else (Solved.PARTLY if roll < q[2] + 0.1 else Solved.UNSOLVED)
            roll = rnd.random()
            a.cb_satisfied = (Satisfied.SATISFIED if roll < q[3] - 0.1 else
                              Satisfied.BASIC if roll < q[3] + 0.05 else Satisfied.UNSATISFIED)
        else:
            a.status = Status.RESOLVED
        rows.append(a)
        return a

    communities = {s.pk: list(Area.objects.filter(parent=s, level="community").order_by("code")[:8]) for s in streets}
    for period in periods[:-1]:
        start, end = sel.bounds(period)
        for street in streets:
            for _n in range(rnd.randrange(8, 14)):
                received = start + timedelta(seconds=rnd.randrange(int((end - start).total_seconds())))
                if received > now - timedelta(days=1):
                    continue
                appeal(street, rnd.choice(communities[street.pk] or [None]), rnd.choice(categories), received)
    # This month: a few open ones, some past their deadlines.
    start, _end = sel.bounds(this_month)
    for street in streets:
        for _n in range(3):
            received = max(start, now - timedelta(days=rnd.randrange(1, 12)))
            appeal(street, rnd.choice(communities[street.pk] or [None]), rnd.choice(categories), received, open_=True)
    # Two recurring places in 马家堡 last month and this month: one address, one cluster of points within 50 m.
    jiayuan = next((c for c in communities[majiabao.pk] if c.geometry), None) or (communities[majiabao.pk] or [None])[0]
    by_code = {c.code: c for c in categories}
    last_start, last_end = sel.bounds(periods[-2])
    for k in range(4):
        appeal(majiabao, jiayuan, by_code["city.manhole"], last_start + timedelta(days=3 + 6 * k, hours=9),
               address="马家堡东路 12 号院 东门")
    lat, lng = _inside(jiayuan, majiabao)
    for k in range(3):
        appeal(majiabao, jiayuan, by_code["environment.noise"], last_end - timedelta(days=9 - 3 * k, hours=2),
               address=f"嘉园路{20 + k}号", lat=lat + 0.0001 * k, lng=lng + 0.0001 * k)
    Appeal.objects.bulk_create(rows, batch_size=500)

    from jiceng.appeals.services.hotspots import hotspot_task_create
    from jiceng.appeals.services.rankings import ranking_publish
    from jiceng.appeals.services.rates import rollup_refresh

    for period in periods:
        rollup_refresh(period)
    ranking_publish(actor, kind="streets", district=district, period=periods[-2])
    hotspot_task_create(actor, street=majiabao, category=by_code["city.manhole"], period=periods[-2],
                        title="马家堡东路12号院井盖集中整治",
                        description="近一个月同一地址4次反映井盖破损，排查全院井盖并建立巡查台账。",
                        evidence={"kind": "address", "address": "马家堡东路 12 号院 东门", "count": 4})
    return []


def _inside(community: Area | None, street: Area) -> tuple[float, float]:
    """A point inside the community's polygon (its first corner nudged in), or near the street's centre."""
    geometry = (community.geometry if community else None) or {}
    try:
        lng, lat = geometry["coordinates"][0][0]
        return lat + 0.001, lng + 0.001
    except (KeyError, IndexError, TypeError, ValueError):
        return (street.latitude or 39.8465) + 0.0005, (street.longitude or 116.372) + 0.0005

