"""The dispatch board and an appeal's page on a phone: a department handler signs an order and resolves it."""

import pytest

from jiceng.appeals.models import Appeal, Status
from jiceng.appeals.tests.workflow_helpers import departments, dispatched, ensure_catalogue, new_appeal
from jiceng.testing import BROWSER_MARKS, PASSWORD, chromium, phone_page

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with chromium() as browser:
        yield phone_page(browser)


def _sign_in(phone, base, username):
    phone.goto(f"{base}/login/")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{base}/")


def test_board_and_detail_on_a_phone(transactional_db, live_server, world, personas, phone):
    ensure_catalogue()
    chengguan, _market = departments(world, personas)
    appeal = dispatched(chengguan)
    new_appeal(content="另一处井盖丢失")
    _sign_in(phone, live_server.url, "dept")
    phone.goto(f"{live_server.url}/appeals/")
    assert phone.get_by_text(appeal.ticket_no).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_text(appeal.ticket_no).click()
    phone.wait_for_url(f"{live_server.url}/appeals/{appeal.pk}/")
    assert phone.locator("#appeal-map .leaflet-interactive").count() == 2  # the grid and the point, no tiles
    phone.get_by_role("button", name="签收").first.click()
    phone.wait_for_url(f"{live_server.url}/appeals/{appeal.pk}/")
    assert phone.get_by_text("已签收。").is_visible()
    phone.locator("#action-resolve summary").click()
    phone.fill("textarea[name=resolve-solution]", "已补装井盖")
    phone.locator("#action-resolve button[type=submit]").click()
    phone.wait_for_url(f"{live_server.url}/appeals/{appeal.pk}/")
    assert Appeal.objects.get(pk=appeal.pk).status == Status.RESOLVED
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
