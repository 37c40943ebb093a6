"""The demo: Beijing's division codes, generated grids for five real streets, their party
organizations, departments of 丰台区 and one account per role. Deterministic (fixed seeds), so
every machine shows the same demo. Never for a production database."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from faker import Faker

from jiceng.core import registry
from jiceng.core.models import Area, Org, Role
from jiceng.core.models.orgs import OrgKind, OrgSector, PostTitle
from jiceng.core.models.territory import AreaLevel
from jiceng.core.scope import system_actor
from jiceng.core.services import accounts, areas, divisions, orgs

BEIJING = Path(__file__).resolve().parent / "data" / "divisions" / "beijing"
PASSWORD = "Jiceng@2026"  # noqa: S105 - the documented demo password
CELL = 0.0065  # degrees: the side of a generated community


@dataclass(frozen=True)
class DemoStreet:
    code: str
    lat: float
    lng: float
    building: str
    committee: str


STREETS = [
    DemoStreet("110106015", 39.8465, 116.3720, "时代风帆大厦", "时代风帆楼宇党委"),
    DemoStreet("110107003", 39.9075, 116.2120, "石景山万达广场", "万达广场楼宇党委"),
    DemoStreet("110102001", 39.9050, 116.3740, "西单商务大厦", "西单商务楼宇党委"),
    DemoStreet("110108010", 39.9930, 116.3450, "学院路科技大厦", "学院路科技楼宇党委"),
    DemoStreet("110113013", 40.1300, 116.6550, "国门商务大厦", "国门商务楼宇党委"),
]
DEPARTMENTS = [
    ("丰台区城管执法局", "城管"), ("丰台区市场监督管理局", "市场监管"), ("丰台区住房和城乡建设委员会", "住建"),
    ("丰台区生态环境局", "环保"), ("丰台区水务局", "水务"), ("丰台公安分局", "公安"), ("国网丰台供电公司", "供电"),
    ("丰台区税务局", "税务"),
]


def _rng(*parts: str) -> random.Random:
    seed = int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:12], 16)
    return random.Random(seed)


def _rect(lng0: float, lat0: float, w: float, h: float) -> dict:
    ring = [[lng0, lat0], [lng0 + w, lat0], [lng0 + w, lat0 + h], [lng0, lat0 + h], [lng0, lat0]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def generate_grids(actor, street: Area, center: tuple[float, float]) -> int:
    """Lay the street's communities out as cells around ``center`` and split each into 2–4 grids."""
    communities = list(street.children.filter(level=AreaLevel.COMMUNITY).order_by("code"))
    columns = max(1, round(len(communities) ** 0.5))
    rows = -(-len(communities) // columns)
    lat0, lng0 = center[0] - rows * CELL / 2, center[1] - columns * CELL * 1.3 / 2
    made = 0
    for i, community in enumerate(communities):
        if community.children.filter(level=AreaLevel.GRID).exists():
            continue
        row, col = divmod(i, columns)
        x, y, w, h = lng0 + col * CELL * 1.3, lat0 + row * CELL, CELL * 1.3, CELL
        areas.area_update(actor, area=community, geometry=_rect(x, y, w, h))
        count = 2 + _rng(community.code).randrange(3)
        for g in range(count):
            areas.area_create_local(actor, parent=community, level=AreaLevel.GRID, name=f"第{g + 1}网格",
                                    geometry=_rect(x + g * w / count, y, w / count, h))
            made += 1
    return made


class DemoBuilder:
    def __init__(self, out=None):
        self.actor = system_actor("load_demo")
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(2026)
        self.out = out or (lambda message: None)
        self.term = date(2024, 3, 1)

    def org(self, parent, name, kind, area=None, sector=OrgSector.TERRITORIAL, **fields) -> Org:
        org, _warnings = orgs.org_create(self.actor, parent=parent, name=name, kind=kind, sector=sector, area=area,
                                         term_started_on=fields.pop("term_started_on", self.term), **fields)
        orgs.post_assign(self.actor, org=org, title=PostTitle.SECRETARY if kind != OrgKind.GROUP
                         else PostTitle.GROUP_LEADER, holder_name=self.fake.name(), term_start=org.term_started_on)
        return org

    def build(self) -> dict:
        if not Area.objects.filter(code="110106015000").exists():
            self.out("导入北京市区划代码 …")
            divisions.import_divisions(self.actor, BEIJING, province="11")
        city = Area.objects.get(code="110000000000")
        root = self.org(None, "中共北京市委员会", OrgKind.COMMITTEE, city, OrgSector.GOVERNMENT,
                        may_approve_admission=True)
        district_committees: dict[str, Org] = {}
        made = {}
        for spec in STREETS:
            street = Area.objects.get(code=spec.code + "000")
            district = street.parent
            self.out(f"生成 {district.name}{street.name} 的网格与党组织 …")
            generate_grids(self.actor, street, (spec.lat, spec.lng))
            if district.code not in district_committees:
                district_committees[district.code] = self.org(
                    root, f"中共北京市{district.name}委员会", OrgKind.COMMITTEE, district, OrgSector.GOVERNMENT,
                    may_approve_admission=True)
            made[spec.code] = self.street_orgs(spec, street, district_committees[district.code])
        return made

    def street_orgs(self, spec: DemoStreet, street: Area, district_committee: Org) -> dict:
        working = self.org(district_committee, f"中共北京市{street.parent.name}{street.name}工作委员会",
                           OrgKind.WORKING_COMMITTEE, street, may_approve_admission=True)
        first_branch = None
        for community in street.children.filter(level=AreaLevel.COMMUNITY).order_by("code"):
            short = community.name.removesuffix("居委会").removesuffix("村委会")
            committee = self.org(working, f"中共{short}委员会", OrgKind.COMMITTEE, community)
            for grid in community.children.filter(level=AreaLevel.GRID).order_by("code"):
                branch = self.org(committee, f"{short}{grid.name}党支部", OrgKind.BRANCH, grid)
                self.org(branch, f"{short}{grid.name}第一党小组", OrgKind.GROUP, grid)
                first_branch = first_branch or branch
        building = areas.area_create_local(self.actor, parent=street, level=AreaLevel.BUILDING, name=spec.building)
        building_committee = self.org(working, spec.committee, OrgKind.COMMITTEE, building, OrgSector.BUILDING)
        for _ in range(3):
            company = self.fake.company()
            self.org(building_committee, f"{company}党支部", OrgKind.BRANCH, building,
                     OrgSector.PRIVATE_ENTERPRISE, unit_name=company)
        self.org(building_committee, f"{spec.building}联合党支部", OrgKind.BRANCH, building,
                 OrgSector.PRIVATE_ENTERPRISE, is_joint=True, joint_units=4)
        self.org(working, f"{street.name}流动党员网络e支部", OrgKind.BRANCH, street, is_online=True)
        self.org(working, f"{street.name}老旧小区改造项目临时党支部", OrgKind.BRANCH, street,
                 is_temporary=True, temporary_until=date(2027, 6, 30))
        return {"working": working, "first_branch": first_branch}

    def accounts(self, made: dict) -> list[tuple[str, str, str]]:
        majiabao = made["110106015"]
        fengtai = Area.objects.get(code="110106000000")
        community = majiabao["first_branch"].parent.area
        grid = majiabao["first_branch"].area
        departments = [accounts.department_create(self.actor, name=name, kind=kind, area=fengtai)
                       for name, kind in DEPARTMENTS]
        department = departments[0]
        people = [
            ("district", "丰台区委组织部 王组织员", "district_organizer", {"area": fengtai}, {}),
            ("street", "马家堡街道 李干事", "street_worker", {"area": majiabao["working"].area}, {}),
            ("community", f"{community.name} 张书记", "community_secretary", {"area": community}, {}),
            ("branch", f"{majiabao['first_branch'].name} 赵书记", "branch_secretary",
             {"org": majiabao["first_branch"]}, {}),
            ("grid", f"{grid.name} 刘网格员", "grid_worker", {"area": grid}, {}),
            ("dept", "丰台区城管执法局 陈办理人", "dept_handler", {"area": fengtai}, {"department": department}),
            ("auditor", "安全审计员 孙审计", "auditor", {}, {}),
            ("security", "安全管理员 周安全", "security_officer", {}, {}),
            ("admin", "系统管理员 吴管理", "system_admin", {}, {"is_staff": True}),
        ]
        rows = []
        for n, (username, display, role_code, node, extra) in enumerate(people):
            user = accounts.user_create(self.actor, username=username, display_name=display, password=PASSWORD,
                                        mobile=f"1380000{n:04d}", is_demo=True, **extra)
            accounts.grant_create(self.actor, user=user, role=Role.objects.get(code=role_code), **node)
            scope_name = next(iter(node.values())).name if node else "全部"
            rows.append((username, Role.objects.get(code=role_code).name, scope_name))
        return rows


def load_demo(out=None) -> list[tuple[str, str, str]]:
    if settings.PRODUCTION:
        raise RuntimeError("the demo is never loaded into a production database (JICENG_ENV=production)")
    with transaction.atomic():
        builder = DemoBuilder(out)
        made = builder.build()
        rows = builder.accounts(made)
        for step in registry.demo_steps():
            rows += step(builder.actor, made, builder.out) or []
        return rows

