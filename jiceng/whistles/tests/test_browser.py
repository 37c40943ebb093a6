"""The whistle board in a real browser on a phone-sized screen: an overdue department shows red and
in words, the countdown is kept by the script, nothing is wider than the phone."""

import pytest

from jiceng.testing import BROWSER_MARKS, PASSWORD
from jiceng.whistles.tests import helpers as h

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    from jiceng.testing import chromium, phone_page

    with chromium() as browser:
        yield phone_page(browser)


def test_board_on_a_phone_shows_overdue_and_countdown(transactional_db, live_server, world, personas, phone):
    depts = h.departments(world)
    whistle = h.blow(world, depts)
    h.shift(h.call_of(whistle, depts["市场监管"]), 45)
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", "street")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/whistles/")
    overdue = phone.locator(".jc-call-overdue")
    assert overdue.count() == 1
    assert "丰台区市场监督管理局" in overdue.inner_text() and "超时未报到 15分钟" in overdue.inner_text()
    assert "rgb(200, 22, 29)" == overdue.evaluate("el => getComputedStyle(el).borderTopColor")
    waiting = phone.locator(".jc-call", has_text="丰台区城管执法局")
    assert "距报到时限 29分钟" in waiting.inner_text() or "距报到时限 30分钟" in waiting.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name=whistle.title).click()
    phone.wait_for_url(f"{live_server.url}/whistles/{whistle.pk}/")
    assert phone.get_by_role("heading", name="结束吹哨").is_visible()
