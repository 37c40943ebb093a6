"""Pages in a real browser: headless Debian Chromium driven by Playwright for Python."""


import pytest

from jiceng.core.tests.conftest import PASSWORD
from jiceng.testing import BROWSER_MARKS, chromium

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_street_worker_sees_majiabao_communities_and_not_bajiao(transactional_db, live_server, world, personas, page):
    sign_in(page, live_server.url, "street")
    assert "马家堡街道" in page.inner_text("main")
    page.locator("main").get_by_role("link", name="马家堡街道").first.click()
    page.wait_for_url(f"{live_server.url}/areas/110106015000/")
    body = page.inner_text("main")
    assert "嘉园一里社区" in body
    assert "角门东里社区" in body
    assert "八角" not in body
    response = page.goto(f"{live_server.url}/areas/110107003000/")
    assert response.status == 404
    assert "八角北路社区" not in page.content()


def test_phone_layout_has_bottom_tabs_and_large_text_mode(transactional_db, live_server, world, personas, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, "street")
    assert page.locator("nav.jc-tabbar").is_visible()
    page.locator("[data-jc-font=large]:visible").first.click()
    page.reload()
    assert "large-text" in (page.get_attribute("html", "class") or "")
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 18
    context.close()


@pytest.mark.parametrize("path", ["/login/", "/", "/areas/110106015000/", "/orgs/"])
def test_main_pages_have_no_serious_accessibility_violations(transactional_db, live_server, world, personas, page,
                                                              path):
    if path != "/login/":
        sign_in(page, live_server.url, "street")
    page.goto(live_server.url + path)
    page.add_script_tag(url=f"{live_server.url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
