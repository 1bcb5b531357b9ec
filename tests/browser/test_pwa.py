"""The associate app installs, and keeps the pages it has shown readable offline."""

from playwright.sync_api import expect

from floorapp.demo import seed as demo
from tests.browser.conftest import (
    CHROMIUM_FLAGS,
    PHONE,
    chromium_executable,
    log_in,
    save_screenshot,
)


def test_chrome_finds_the_app_installable(live_server, tmp_path, playwright):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium_executable(),
        args=CHROMIUM_FLAGS, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        session = context.new_cdp_session(page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest = session.send("Page.getAppManifest")
    finally:
        context.close()
    assert errors == [], errors
    assert manifest["errors"] == []


def test_a_page_seen_online_stays_readable_offline_with_a_banner(live_server, new_page):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password="browser-demo-pw", history_days=0)
    page = new_page(PHONE)
    log_in(page, live_server.url, "nyc.associate1", "browser-demo-pw")
    page.goto(live_server.url + "/stores/NYC-5TH")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker's control, so the page is cached
    expect(page.get_by_role("heading", level=1)).to_have_text("Fifth Avenue, New York")
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fifth Avenue, New York")
    expect(page.locator("#connection-banner")).to_contain_text("Offline — last updated")
    save_screenshot(page, "offline-store-page-360")
    page.goto(live_server.url + "/admin/stores")  # never opened online
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#connection-banner")).to_be_hidden()
