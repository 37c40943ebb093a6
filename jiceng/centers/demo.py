"""Demo data of the centers app (a ``load_demo`` step, order 60): the 党群服务中心 of each demo street,
a building station and two community stations in 马家堡街道, rooms, a service catalogue, the rota of
eight 丰台区 departments, a few room reservations, and the demo account ``center``."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from jiceng.centers.models import CenterLevel, Channel, Purpose, RoomKind
from jiceng.centers.selectors.places import hours_on
from jiceng.centers.services import catalogue, places, reservations, rota
from jiceng.core.demo import PASSWORD, STREETS
from jiceng.core.geo import representative_point
from jiceng.core.models import Area, Department, Org, Role
from jiceng.core.models.territory import AreaLevel
from jiceng.core.services.accounts import grant_create, user_create

T = time.fromisoformat
WEEKDAYS = {d: (T("09:00"), T("17:30")) for d in range(5)}
STREET_HOURS = {**{d: (T("08:30"), T("20:00")) for d in range(5)}, 5: (T("09:00"), T("17:00"))}
BUILDING_HOURS = {d: (T("08:30"), T("19:00")) for d in range(5)}

# name, kind, capacity, floor area, needs approval, bookable, description
STREET_ROOMS = [
    ("多功能厅", RoomKind.HALL, 120, 260, True, True, "投影、音响、可移动座椅"),
    ("第一会议室", RoomKind.MEETING, 24, 60, False, True, "圆桌、投影、视频会议终端"),
    ("第二会议室", RoomKind.MEETING, 12, 35, False, True, "电视屏、白板"),
    ("党员活动室", RoomKind.ACTIVITY, 40, 90, False, True, "入党誓词墙、党旗"),
    ("党课教室", RoomKind.CLASSROOM, 60, 110, True, True, "课桌椅、投影、录播"),
    ("红色直播间", RoomKind.LIVE, 6, 25, True, True, "直播设备、补光灯、隔音"),
    ("阅览室", RoomKind.READING, 40, 120, False, False, "图书三千余册、党报党刊"),
    ("健身区", RoomKind.FITNESS, 30, 150, False, False, "跑步机、动感单车、乒乓球台"),
    ("儿童之家", RoomKind.CHILDREN, 20, 80, False, False, "绘本、益智玩具，家长陪同"),
    ("健康小屋", RoomKind.HEALTH, 8, 30, False, False, "血压、血糖自助检测"),
    ("党建展厅", RoomKind.EXHIBITION, 50, 100, False, False, "街道党建成果展"),
]
SMALL_ROOMS = [
    ("会议室", RoomKind.MEETING, 16, 40, False, True, "投影、白板"),
    ("党员活动室", RoomKind.ACTIVITY, 30, 70, False, True, "党旗、学习园地"),
    ("阅览室", RoomKind.READING, 20, 50, False, False, "图书、党报党刊"),
]
BUILDING_ROOMS = [
    ("共享会议室", RoomKind.MEETING, 20, 45, False, True, "投影、视频会议终端，午间可用"),
    ("红色直播间", RoomKind.LIVE, 4, 15, True, True, "直播设备"),
    ("职工书屋", RoomKind.READING, 20, 60, False, False, "图书、咖啡"),
    ("健身区", RoomKind.FITNESS, 15, 60, False, False, "瑜伽垫、动感单车"),
]
# name, category, channel, department kind (core demo departments) or "", description
CATALOGUE = [
    ("党员组织关系转接", "党员服务", Channel.WALK_IN, "", "党员组织关系转入、转出的咨询与办理"),
    ("入党申请咨询", "党员服务", Channel.WALK_IN, "", "入党程序、材料准备的咨询"),
    ("在职党员双报到", "党员服务", Channel.ONLINE, "", "在职党员到社区报到、认领服务项目"),
    ("党费收缴咨询", "党员服务", Channel.WALK_IN, "", "党费标准计算与交纳咨询"),
    ("流动党员登记", "党员服务", Channel.WALK_IN, "", "外出、流入党员的登记与联系"),
    ("社保参保登记", "社会保障", Channel.WALK_IN, "", "灵活就业人员参保登记、缴费基数调整"),
    ("就业登记与失业登记", "社会保障", Channel.WALK_IN, "", "就业失业登记、职业介绍"),
    ("居住证办理", "政务服务", Channel.BOOKING, "公安", "居住证申领、签注，请携带身份证和居住证明"),
    ("户籍业务咨询", "政务服务", Channel.BOOKING, "公安", "户口迁移、出生登记的咨询"),
    ("个体工商户登记", "政务服务", Channel.WALK_IN, "市场监管", "个体工商户设立、变更、注销"),
    ("食品经营许可咨询", "政务服务", Channel.WALK_IN, "市场监管", "小餐饮、食品经营许可的材料咨询"),
    ("个人所得税申报辅导", "政务服务", Channel.TERMINAL, "税务", "个税APP与自助终端申报辅导"),
    ("发票代开", "政务服务", Channel.TERMINAL, "税务", "自助终端代开发票"),
    ("电费缴纳与业务办理", "生活服务", Channel.TERMINAL, "供电", "电费查询缴纳、峰谷电申请"),
    ("用水报装与缴费咨询", "生活服务", Channel.WALK_IN, "水务", "用水报装、水费、漏水报修"),
    ("占道经营与违建咨询", "城市管理", Channel.WALK_IN, "城管", "占道经营、违法建设的咨询与投诉"),
    ("垃圾分类指导", "城市管理", Channel.WALK_IN, "城管", "垃圾分类知识、桶站设置"),
    ("老旧小区改造咨询", "城市管理", Channel.WALK_IN, "住建", "改造内容、加装电梯的咨询"),
    ("噪声与油烟投诉", "城市管理", Channel.WALK_IN, "环保", "餐饮油烟、施工噪声的投诉与咨询"),
    ("法律咨询", "公益服务", Channel.BOOKING, "", "律师每周二下午坐班，免费法律咨询"),
    ("心理咨询", "公益服务", Channel.BOOKING, "", "心理咨询师一对一咨询"),
    ("老年人健康检测", "公益服务", Channel.WALK_IN, "", "血压、血糖自助检测与健康建议"),
    ("老年餐订餐", "公益服务", Channel.WALK_IN, "", "老年助餐点订餐与送餐登记"),
    ("四点半课堂", "公益服务", Channel.BOOKING, "", "放学后作业辅导与兴趣课"),
    ("志愿服务登记", "公益服务", Channel.ONLINE, "", "志愿者注册、服务时长记录"),
    ("社会组织孵化", "公益服务", Channel.BOOKING, "", "社区社会组织备案、场地与培训支持"),
    ("政务服务自助终端", "政务服务", Channel.TERMINAL, "", "社保、公积金、不动产等200余项自助查询办理"),
]
# department kind, weekday, start, end, matters
ROTA = [
    ("城管", 0, "09:00", "12:00", "占道经营、违法建设咨询与投诉"),
    ("市场监管", 0, "14:00", "17:00", "个体工商户登记、食品经营许可"),
    ("住建", 1, "09:00", "12:00", "老旧小区改造、加装电梯咨询"),
    ("环保", 1, "14:00", "17:00", "油烟、噪声投诉"),
    ("水务", 2, "09:00", "12:00", "用水报装、排水问题"),
    ("公安", 2, "14:00", "17:00", "居住证、户籍业务咨询"),
    ("供电", 3, "09:00", "12:00", "用电报装、电费业务"),
    ("税务", 4, "09:00", "12:00", "个税申报辅导、发票代开"),
]


def _point(area: Area, shift: float = 0.0) -> tuple[float, float]:
    """(lat, lng) inside ``area``: a point of its polygon, or of its first child's."""
    geometry = area.geometry or next((c.geometry for c in area.children.order_by("code") if c.geometry), None)
    lng, lat = representative_point(geometry)
    return round(lat + shift, 6), round(lng + shift, 6)


def _center(actor, *, name, level, area, point, address, floor_area, phone, hours, rooms, description=""):
    center = places.center_create(actor, name=name, level=level, area=area, lat=point[0], lng=point[1],
                                  address=address, floor_area=floor_area, phone=phone, description=description)
    places.hours_set(actor, center=center, weekly=hours)
    for room_name, kind, capacity, room_area, approval, bookable, text in rooms:
        places.room_create(actor, center=center, name=room_name, kind=kind, capacity=capacity, floor_area=room_area,
                           needs_approval=approval, is_bookable=bookable, description=text)
    return center


def _catalogue(actor, center, departments: dict, size: int) -> None:
    for name, category, channel, kind, text in CATALOGUE[:size]:
        dept = departments.get(kind)
        catalogue.service_create(actor, center=center, name=name, category=category, description=text,
                                 channel=channel if dept or not kind else Channel.WALK_IN, department=dept)


def _reservations(actor, center, branches: list[Org]) -> None:
    rooms = {r.name: r for r in center.rooms.filter(is_bookable=True)}
    now = timezone.localtime()
    plans = [("第一会议室", Purpose.THREE_MEETINGS, "支部委员会会议", 1, "09:30", "11:00", 9),
             ("党员活动室", Purpose.PARTY_DAY, "主题党日：重温入党誓词", 2, "14:00", "16:00", 30),
             ("党课教室", Purpose.THREE_MEETINGS, "书记讲党课：基层治理中的党建引领", 3, "15:00", "16:30", 45),
             ("第二会议室", Purpose.MEETING, "居民议事会：加装电梯协调", 4, "19:00", "20:00", 10),
             ("多功能厅", Purpose.EVENT, "社区邻里节筹备会", 5, "10:00", "11:30", 60)]
    day, made = now.date(), 0
    for room_name, purpose, title, org_index, start, end, people in plans:
        day += timedelta(days=1)
        while (hours := hours_on(center, day)) is None or hours.closes < T(end) or hours.opens > T(start):
            day += timedelta(days=1)
        starts = timezone.make_aware(datetime.combine(day, T(start)))
        org = branches[org_index % len(branches)] if purpose != Purpose.MEETING else None
        reservations.reservation_create(
            actor, room=rooms[room_name], org=org, applicant="" if org else "角门东里社区居民议事会",
            contact_name="王敏", contact_phone="13900001234", purpose=purpose, title=title, attendees=people,
            starts_at=starts, ends_at=timezone.make_aware(datetime.combine(day, T(end))))
        made += 1


def load_centers_demo(actor, made: dict, out) -> list[tuple[str, str, str]]:
    departments = {d.kind: d for d in Department.objects.filter(area__code="110106000000")}
    for spec in STREETS:
        street = Area.objects.get(code=spec.code + "000")
        out(f"生成 {street.name}党群服务中心 …")
        is_majiabao = spec.code == "110106015"
        center = _center(
            actor, name=f"{street.name}党群服务中心", level=CenterLevel.STREET, area=street,
            point=(spec.lat, spec.lng), address=f"北京市{street.parent.name}{street.name}党群服务中心",
            floor_area=1200 if is_majiabao else 800, phone=f"010-6{spec.code[-3:]}0{spec.code[4:6]}88",
            hours=STREET_HOURS, rooms=STREET_ROOMS if is_majiabao else SMALL_ROOMS + STREET_ROOMS[4:6],
            description="街道党群服务中心：党员教育、政务服务、部门坐班、活动场地，一站式服务居民和“两新”组织。")
        _catalogue(actor, center, departments if is_majiabao else {}, len(CATALOGUE) if is_majiabao else 12)
        building = Area.objects.get(parent=street, level=AreaLevel.BUILDING, name=spec.building)
        station = _center(
            actor, name=f"{spec.building}楼宇党群服务站", level=CenterLevel.BUILDING, area=building,
            point=(spec.lat + 0.002, spec.lng - 0.003), address=f"{spec.building}一层",
            floor_area=300 if is_majiabao else 150, phone="", hours=BUILDING_HOURS, rooms=BUILDING_ROOMS,
            description="楼宇白领的“家门口”服务站：午间“驿”小时、共享会议室、职工书屋。")
        if not is_majiabao:
            continue
        _catalogue(actor, station, departments, 8)
        for community in street.children.filter(level=AreaLevel.COMMUNITY).order_by("code")[:2]:
            name = community.name.removesuffix("居委会")
            _center(actor, name=f"{name}党群服务站", level=CenterLevel.COMMUNITY, area=community,
                    point=_point(community), address=f"{street.name}{name}", floor_area=260, phone="",
                    hours=WEEKDAYS, rooms=SMALL_ROOMS)
        for kind, weekday, start, end, matters in ROTA:
            rota.shift_create(actor, center=center, department=departments[kind], weekday=weekday, starts=T(start),
                              ends=T(end), valid_from=timezone.localdate().replace(day=1), matters=matters)
        branches = list(Org.objects.filter(path__subtree=made[spec.code]["working"].path, kind="branch",
                                           is_active=True).order_by("path")[:6])
        _reservations(actor, center, branches)
        majiabao_center = center
    return [center_account(actor, majiabao_center)]


def center_account(actor, center) -> tuple[str, str, str]:
    """The demo account ``center``: staff of the 马家堡街道 center (granted on the center's street)."""
    user = user_create(actor, username="center", display_name=f"{center.name} 韩工作人员", password=PASSWORD,
                       mobile="13800000060", is_demo=True)
    role = Role.objects.get(code="center_staff")
    grant_create(actor, user=user, role=role, area=center.area)
    return ("center", role.name, center.area.name)
