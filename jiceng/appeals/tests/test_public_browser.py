"""The public appeal form on a phone in a real browser: pin on the map, file, get the ticket, track it;
the form and tracking page in 大字 mode have no serious accessibility violations."""

import pytest

from jiceng.appeals.models import Appeal
from jiceng.appeals.tests.workflow_helpers import ensure_catalogue
from jiceng.testing import BROWSER_MARKS, chromium, phone_page

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with chromium() as browser:
        yield phone_page(browser)


def test_a_resident_files_an_appeal_on_a_phone_and_tracks_it(transactional_db, live_server, world, phone):
    ensure_catalogue()  # another transactional test's flush may have erased the migration-seeded catalogue
    phone.goto(f"{live_server.url}/appeal/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    phone.locator("#appeal-map .leaflet-interactive").first.wait_for()  # the grid boundaries, no tiles
    phone.get_by_label("投诉").check()
    phone.get_by_label("诉求类别").select_option("city.manhole")
    phone.get_by_label("诉求内容").fill("小区门口井盖丢了，晚上很危险")
    phone.locator("#appeal-map").scroll_into_view_if_needed()
    box = phone.locator("#appeal-map").bounding_box()
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a pin in the middle
    assert phone.locator("input[name=lat]").input_value()
    assert "已选位置" in phone.locator("#appeal-pin-status").inner_text()
    phone.get_by_label("手机号").fill("13800138000")
    button = phone.get_by_role("button", name="提交诉求")
    assert button.bounding_box()["height"] >= 44
    button.click()
    phone.wait_for_url("**/appeal/done/**")
    appeal = Appeal.objects.get()
    assert phone.locator("[data-jc-ticket]").inner_text() == appeal.ticket_no
    assert appeal.grid_id is not None and appeal.channel == "web"
    phone.get_by_role("link", name="查询办理进度").click()
    phone.get_by_label("手机号后四位").fill("8000")
    phone.get_by_role("button", name="查询").click()
    assert phone.get_by_role("heading", name=f"诉求 {appeal.ticket_no}").is_visible()


def test_the_public_pages_in_large_text_mode_have_no_serious_violations(transactional_db, live_server, world, phone):
    ensure_catalogue()
    phone.context.add_cookies([{"name": "jc_font", "value": "large", "url": live_server.url}])
    for path in ("/appeal/new/", "/appeal/track/"):
        phone.goto(live_server.url + path)
        assert "large-text" in (phone.get_attribute("html", "class") or "")
        phone.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
        result = phone.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], (path, serious)
