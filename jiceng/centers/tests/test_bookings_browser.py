"""In a real browser: a resident books the last place; a second resident then sees "full, waitlist
position 1" after pressing the button (headless Debian Chromium through Playwright)."""

import re

import pytest

from jiceng.centers.tests import booking_helpers as h
from jiceng.testing import BROWSER_MARKS, chromium

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def book_as(browser, url: str, phone: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
    page = context.new_page()
    page.goto(url)
    page.click("#jc-book-button")  # not signed in: the button leads to the code login
    page.fill("input[name=phone]", phone)
    page.click("main form button[type=submit]")
    code = page.locator("#jc-demo-code").inner_text()
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_url(url)
    page.click("#jc-book-button")
    page.wait_for_url(url)
    return context, page


def test_last_place_then_full_with_waitlist_position_one(transactional_db, live_server, world, browser):
    act = h.activity(h.center(world), capacity=1)
    session = act.sessions.get()
    url = f"{live_server.url}/activities/{act.pk}/sessions/{session.pk}/"

    first, page = book_as(browser, url, "13800001111")
    assert "您已预约成功" in page.inner_text(".jc-book")
    assert re.fullmatch(r"[2-9A-Z]{8}", page.inner_text("#jc-booking-code"))
    assert page.locator(".jc-qr svg").count() == 1
    first.close()

    second, page = book_as(browser, url, "13800002222")
    assert "已满，您在候补第 1 位" in page.inner_text(".jc-book")
    assert "剩余 0" in page.inner_text("#jc-places")
    page.reload()  # the state stays for the person looking
    assert page.locator(".jc-book").get_attribute("data-state") == "waitlisted"
    page.locator("[data-jc-font=large]:visible").first.click()  # 大字 mode (适老化)
    page.reload()
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 18
    assert "候补第 1 位" in page.inner_text(".jc-book")
    second.close()


def test_public_booking_pages_have_no_serious_accessibility_violations(transactional_db, live_server, world,
                                                                        browser):
    act = h.activity(h.center(world), capacity=1)
    session = act.sessions.get()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    for path in ["/activities/", f"/activities/{act.pk}/sessions/{session.pk}/", "/my/login/"]:
        page.goto(live_server.url + path)
        page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], path
    context.close()
