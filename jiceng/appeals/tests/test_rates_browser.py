"""The three-rates page in a real browser: the charts draw on their canvases and the community map is
coloured from the communities' boundaries (no internet tiles)."""

import pytest

from jiceng.appeals.tests.rates_factory import make_appeal, when
from jiceng.appeals.tests.workflow_helpers import ensure_catalogue
from jiceng.testing import BROWSER_MARKS, PASSWORD, chromium, phone_page, square

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with chromium() as browser:
        yield phone_page(browser)


def test_the_rates_page_draws_its_charts_and_map(transactional_db, live_server, world, personas, phone):
    ensure_catalogue()  # another transactional test's flush may have erased the migration-seeded catalogue
    world.jiayuan.geometry = square(116.37, 39.84)
    world.jiayuan.save()
    p = "2026-10"
    make_appeal(place=world.jiayuan, received_at=when(p), solved="solved", satisfied="satisfied")
    make_appeal(place=world.jiaomen, received_at=when(p), solved="unsolved", satisfied="basic", category="city.manhole")
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", "street")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/appeals/rates/?area={world.majiabao.code}&period={p}")
    assert phone.get_by_role("heading", name="三率考核").is_visible()
    for chart in ("#chart-trend", "#chart-bars", "#chart-share"):
        phone.wait_for_selector(f"{chart} canvas")
        size = phone.eval_on_selector(f"{chart} canvas", "c => [c.width, c.height]")
        assert size[0] > 100 and size[1] > 100, chart
    assert phone.locator("#rates-map path.leaflet-interactive").count() == 1  # 嘉园一里 has a boundary
    assert phone.locator("#rates-map img.leaflet-tile").count() == 0
    assert "满意率 = " in phone.locator("#def-title + dl").inner_text()
