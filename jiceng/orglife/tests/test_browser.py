"""A member signs in to a meeting with the code shown at the door, on a phone, in a real browser."""


import pytest

from jiceng.orglife.models import Attendance
from jiceng.orglife.tests import meeting_helpers as h
from jiceng.testing import BROWSER_MARKS, PASSWORD, chromium, phone_page

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with chromium() as browser:
        yield phone_page(browser)


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
