"""Every foundation page, seen in Chromium at a phone's and a desktop's width, passes axe."""

import pytest

from floorapp.demo import seed as demo
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    check_page,
    log_in,
)

PAGES_BY_LOGIN = {
    None: ["/login", "/no-such-page"],
    "nyc.associate1": ["/stores/NYC-5TH"],
    "nyc.manager": ["/stores/NYC-5TH/settings", "/stores/NYC-5TH/audit"],
    "admin": ["/admin/stores", "/admin/users", "/admin/audit"],
}


@pytest.fixture
def demo_server(live_server):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password="browser-demo-pw", history_days=0)
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("login", list(PAGES_BY_LOGIN), ids=lambda v: v or "anonymous")
def test_pages_have_no_accessibility_violations(demo_server, new_page, login, viewport):
    page = new_page(viewport)
    if login:
        log_in(page, demo_server.url, login, "browser-demo-pw")
    for path in PAGES_BY_LOGIN[login]:
        name = f"{login or 'anonymous'}{path.replace('/', '_')}-{viewport['width']}"
        check_page(page, demo_server.url + path, name)


def test_logging_in_and_out_in_the_browser(demo_server, new_page):
    page = new_page(PHONE)
    page.goto(demo_server.url + "/")
    assert page.url.endswith("/login?next=/")
    page.get_by_label("Login").fill("nyc.associate1")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == (
        "That login and password don't match an active account.")
    page.get_by_label("Password").fill("browser-demo-pw")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Queue"  # an associate's home
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("status").inner_text() == "You are logged out."


