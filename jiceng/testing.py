"""Shared test fixtures: a small real tree and one persona per role, built through the services like
production data.

Territory: 北京市 ▸ 市辖区 ▸ 丰台区 ▸ 马家堡街道 ▸ {嘉园一里社区 ▸ 第1网格, 第2网格; 角门东里社区}
           and 石景山区 ▸ 八角街道 ▸ 八角北路社区.
Orgs: 市委 ▸ 丰台区委 ▸ 马家堡街道工委 ▸ 嘉园一里社区党委 ▸ 第1网格党支部 ▸ 第一党小组;
      市委 ▸ 石景山区委 ▸ 八角街道工委 ▸ 八角北路社区党委.
"""

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from jiceng.core.models import Area, Org, Role
from jiceng.core.models.territory import AreaLevel
from jiceng.core.pinyin import initials
from jiceng.core.scope import system_actor
from jiceng.core.services import accounts, areas, orgs
from jiceng.core.services.areas import official_path

PASSWORD = "Jiceng@2026"
SYSTEM = system_actor("tests")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="Debian's chromium is not installed (make browser installs it)"),
]


@contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright for Python (it never downloads a browser).

    Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are
    still synchronous, so Django's async-safety guard stands aside meanwhile."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--no-first-run", "--disable-sync", "--disable-quic"])
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def phone_page(browser):
    """A new page the size of a phone (390×844, touch)."""
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                               has_touch=True).new_page()


def official(code12: str, name: str, level: str, parent: Area | None) -> Area:
    depth = {"province": 1, "city": 2, "district": 3, "street": 4, "community": 5}[level]
    return Area.objects.create(code=code12, name=name, level=level, parent=parent, depth=depth,
                               path=official_path(code12, level), pinyin=initials(name))


def square(lng: float, lat: float, side: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + side, lat], [lng + side, lat + side],
                                                [lng, lat + side], [lng, lat]]]}


@dataclass
class World:
    beijing: Area
    fengtai: Area
    majiabao: Area
    jiayuan: Area
    jiaomen: Area
    grid1: Area
    grid2: Area
    shijingshan: Area
    bajiao: Area
    bajiao_community: Area
    city_committee: Org
    fengtai_committee: Org
    majiabao_committee: Org
    jiayuan_committee: Org
    grid_branch: Org
    grid_group: Org
    bajiao_committee: Org
    bajiao_community_committee: Org


@pytest.fixture
def world(db) -> World:
    bj = official("110000000000", "北京市", AreaLevel.PROVINCE, None)
    city = official("110100000000", "市辖区", AreaLevel.CITY, bj)
    ft = official("110106000000", "丰台区", AreaLevel.DISTRICT, city)
    mjb = official("110106015000", "马家堡街道", AreaLevel.STREET, ft)
    jy = official("110106015001", "嘉园一里社区", AreaLevel.COMMUNITY, mjb)
    jm = official("110106015002", "角门东里社区", AreaLevel.COMMUNITY, mjb)
    sjs = official("110107000000", "石景山区", AreaLevel.DISTRICT, city)
    bjj = official("110107003000", "八角街道", AreaLevel.STREET, sjs)
    bjc = official("110107003001", "八角北路社区", AreaLevel.COMMUNITY, bjj)
    g1 = areas.area_create_local(SYSTEM, parent=jy, level=AreaLevel.GRID, name="第1网格",
                                 geometry=square(116.37, 39.84))
    g2 = areas.area_create_local(SYSTEM, parent=jy, level=AreaLevel.GRID, name="第2网格",
                                 geometry=square(116.38, 39.84))

    def org(parent, name, kind, area, **kw):
        return orgs.org_create(SYSTEM, parent=parent, name=name, kind=kind, area=area, **kw)[0]

    city_c = org(None, "中共北京市委员会", "committee", bj, sector="government")
    ft_c = org(city_c, "中共北京市丰台区委员会", "committee", ft, sector="government")
    mjb_c = org(ft_c, "中共马家堡街道工作委员会", "working_committee", mjb)
    jy_c = org(mjb_c, "中共嘉园一里社区委员会", "committee", jy)
    branch = org(jy_c, "嘉园一里第1网格党支部", "branch", g1)
    group = org(branch, "第1网格第一党小组", "group", g1)
    sjs_c = org(city_c, "中共北京市石景山区委员会", "committee", sjs, sector="government")
    bj_c = org(sjs_c, "中共八角街道工作委员会", "working_committee", bjj)
    bjc_c = org(bj_c, "中共八角北路社区委员会", "committee", bjc)
    return World(bj, ft, mjb, jy, jm, g1, g2, sjs, bjj, bjc, city_c, ft_c, mjb_c, jy_c, branch, group, bj_c, bjc_c)


PERSONAS = {
    # username: (role, node attribute on World or None for the whole system, node kind)
    "district": ("district_organizer", "fengtai", "area"),
    "street": ("street_worker", "majiabao", "area"),
    "community": ("community_secretary", "jiayuan", "area"),
    "branch": ("branch_secretary", "grid_branch", "org"),
    "grid": ("grid_worker", "grid1", "area"),
    "dept": ("dept_handler", "fengtai", "area"),
    "auditor": ("auditor", None, None),
    "security": ("security_officer", None, None),
    "admin": ("system_admin", None, None),
}


@pytest.fixture
def personas(world):
    """One account per role, granted like the demo; returns {username: User}."""
    made = {}
    for n, (username, (role_code, attr, kind)) in enumerate(PERSONAS.items()):
        user = accounts.user_create(SYSTEM, username=username, display_name=username, password=PASSWORD,
                                    mobile=f"1391234{n:04d}", is_staff=username == "admin")
        node = {kind: getattr(world, attr)} if attr else {}
        accounts.grant_create(SYSTEM, user=user, role=Role.objects.get(code=role_code), **node)
        made[username] = user
    return made


@pytest.fixture
def client_for(personas):
    """``client_for("street")``: a test client signed in as that persona."""
    def make(username: str) -> Client:
        client = Client()
        client.force_login(personas[username])
        return client
    return make


@pytest.fixture
def token_for(personas):
    """``token_for("street")``: headers with a fresh personal token of that persona."""
    def make(username: str) -> dict:
        _token, raw = accounts.token_issue(SYSTEM, user=personas[username], name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    return make
