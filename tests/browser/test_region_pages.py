"""The regional pages in Chromium: axe-clean at phone and desktop width, same-origin only."""

import pytest

from floorapp.demo import seed as demo
from tests.browser.conftest import DESKTOP, PHONE, check_page, log_in

PASSWORD = "browser-demo-pw"
PAGES_BY_LOGIN = {
    demo.REGIONAL_LOGIN: ["/regions/US-COASTS?range=30d", "/regions/US-COASTS?range=forever",
                          "/stores/LA-GROVE/dashboard?range=30d", "/stores/NYC-5TH/board"],
    "admin": ["/regions", "/regions/US-COASTS?range=7d"],
}


@pytest.fixture
def chain(live_server):
    """The demo (its region of both stores and its regional manager), with 30 days' history."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=30)
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("login", list(PAGES_BY_LOGIN))
def test_region_pages_have_no_accessibility_violations_and_stay_on_this_origin(
        chain, new_page, login, viewport):
    page = new_page(viewport)
    elsewhere = []
    page.on("request", lambda request: None if request.url.startswith(chain.url)
            else elsewhere.append(request.url))
    log_in(page, chain.url, login, PASSWORD)
    for number, path in enumerate(PAGES_BY_LOGIN[login]):
        check_page(page, chain.url + path, f"region-{login}-{number}-{viewport['width']}")
    assert elsewhere == []


def test_a_regional_manager_goes_from_the_region_to_a_stores_dashboard(chain, new_page):
    page = new_page(DESKTOP)
    log_in(page, chain.url, demo.REGIONAL_LOGIN, PASSWORD)
    assert page.url == chain.url + "/regions/US-COASTS"
    page.get_by_role("link", name="The Grove, Los Angeles", exact=True).click()
    assert page.get_by_role("heading", name="Dashboard: The Grove, Los Angeles").is_visible()
    page.get_by_role("link", name="The Coasts", exact=True).first.click()
    assert page.url == chain.url + "/regions/US-COASTS"
