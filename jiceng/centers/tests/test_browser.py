"""The public center list and a center's page in a real browser on a phone-sized screen."""


import pytest

from jiceng.centers.services import catalogue
from jiceng.centers.tests import helpers as h
from jiceng.testing import BROWSER_MARKS, SYSTEM, chromium, phone_page

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with chromium() as browser:
        yield phone_page(browser)


def test_resident_finds_the_nearest_center_and_its_services_on_a_phone(transactional_db, live_server, world, phone):
    near = h.center(world.majiabao)
    h.room(near)
    catalogue.service_create(SYSTEM, center=near, name="居住证办理", category="政务服务", channel="booking")
    far = h.center(world.bajiao, name="八角街道党群服务中心")
    far.lat, far.lng = 39.9075, 116.212
    far.save()
    phone.goto(f"{live_server.url}/centers/?lat=39.846&lng=116.372")
    cards = phone.locator(".jc-center-card .jc-center-name")
    assert cards.all_inner_texts() == ["马家堡街道党群服务中心", "八角街道党群服务中心"]
    assert phone.locator("#centers-map .leaflet-interactive").count() == 2  # two points drawn, no tiles
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    cards.first.click()
    phone.wait_for_url(f"{live_server.url}/centers/{near.pk}/")
    assert phone.get_by_role("heading", name="今日开放").is_visible()
    assert phone.get_by_text("居住证办理").is_visible()
    assert phone.get_by_text("第一会议室").is_visible()


def test_public_pages_in_large_text_mode_have_no_serious_accessibility_violations(transactional_db, live_server,
                                                                                   world, phone):
    center = h.center(world.majiabao)
    h.room(center)
    catalogue.service_create(SYSTEM, center=center, name="法律咨询", category="公益服务", channel="booking")
    phone.context.add_cookies([{"name": "jc_font", "value": "large", "url": live_server.url}])
    for path in ("/centers/", f"/centers/{center.pk}/"):
        phone.goto(live_server.url + path)
        assert "large-text" in (phone.get_attribute("html", "class") or "")
        phone.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
        result = phone.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], path
