"""A member signs in to a meeting with the code shown at the door, on a phone, in a real browser."""

import os
import shutil
from pathlib import Path

import pytest

from jiceng.orglife.models import Attendance
from jiceng.orglife.tests import meeting_helpers as h
from jiceng.testing import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                      has_touch=True)
        yield context.new_page()
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_a_member_signs_in_to_a_meeting_by_code(transactional_db, live_server, world, phone):
    people = h.roll(world.grid_branch, 2)
    h.own_account(people[0], "dangyuan")
    meeting = h.meeting(world.grid_branch, minutes_from_now=10, topic="主题党日：重温入党誓词")
    phone.goto(f"{live_server.url}/login/")
    phone.fill("input[name=username]", "dangyuan")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/orglife/my/")
    assert phone.get_by_text("主题党日：重温入党誓词").is_visible()
    phone.fill("input[name=code]", "000000" if meeting.checkin_code != "000000" else "111111")
    phone.get_by_role("button", name="签到", exact=True).click()
    assert phone.get_by_text("签到码不正确").is_visible()
    phone.fill("input[name=code]", meeting.checkin_code)
    phone.get_by_role("button", name="签到", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/orglife/my/{meeting.pk}/")
    assert phone.get_by_test_id("my-state").inner_text().startswith("已签到")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert Attendance.objects.get(meeting=meeting, member=people[0]).sign_method == "code"
