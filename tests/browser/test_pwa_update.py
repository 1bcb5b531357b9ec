"""A new deploy reaches the handheld: the changed service worker offers a reload that takes."""

from playwright.sync_api import expect

from floorapp.demo import seed as demo
from floorapp.web import pwa
from tests.browser.conftest import PHONE, axe_violations, log_in, save_screenshot

PASSWORD = "browser-demo-pw"


def test_a_changed_service_worker_offers_a_reload_that_loads_the_new_version(
        live_server, new_page, monkeypatch):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
    old = pwa.shell_version(live_server.app.static_folder)
    page = new_page(PHONE)
    log_in(page, live_server.url, "nyc.associate1", PASSWORD)
    page.goto(live_server.url + "/stores/NYC-5TH/floor")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    banner = page.locator("#update-banner")
    expect(banner).to_be_hidden()
    assert f"floorapp-shell-{old}" in page.evaluate("caches.keys()")

    # The deploy: the live server now serves a service worker of another shell version.
    monkeypatch.setattr(pwa, "shell_version", lambda _folder: "next-deploy")
    page.reload()  # the associate's next visit finds the changed worker
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("An update is available.")
    save_screenshot(page, "update-available-360")
    assert axe_violations(page) == []

    page.evaluate("window.__same_page = true")
    with page.expect_navigation():
        banner.get_by_role("button", name="Reload").click()
    assert page.evaluate("window.__same_page") is None, "the page was reloaded"
    expect(banner).to_be_hidden()
    caches = page.evaluate("caches.keys()")
    assert "floorapp-shell-next-deploy" in caches
    assert f"floorapp-shell-{old}" not in caches, "the old version's shell was dropped"
