"""A shared handheld never shows one associate's pages to the next, offline or not.

The service worker keeps a page only for the login session that saw it, shows it offline
only within the server's idle window, and never keeps a signed-in page that is no-store.
"""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import LoginSession, Sign, Store, Zone
from floorapp.services.help.intake import submit
from tests.browser.conftest import PHONE, log_in, save_screenshot
from tests.factories import make_submission

PASSWORD = "browser-demo-pw"
STORE = "NYC-5TH"
QUEUE = f"/stores/{STORE}/floor"
NOTE = "Ms Lee, red scarf, by the fitting rooms"
PAGE_CACHES = """() => caches.keys().then((names) => names.filter(
  (name) => name.startsWith("floorapp-pages")))"""


@pytest.fixture
def floor(live_server):
    """The demo's stores and people, and a waiting request with a customer's note."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        token = db.session.scalar(select(Sign.token).join(Zone).join(Store).where(
            Store.code == STORE).limit(1))
        submit(token, make_submission(note=NOTE))
    return live_server


def _open_under_the_service_worker(page, url: str) -> None:
    page.goto(url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker's control, so a page it may keep is kept


def _queue_kept_for(page, server, login: str) -> None:
    log_in(page, server.url, login, PASSWORD)
    _open_under_the_service_worker(page, server.url + QUEUE)
    expect(page.locator(".queue")).to_contain_text(NOTE)
    page.wait_for_function(f"""() => caches.keys().then((names) => Promise.all(names
      .filter((name) => name.startsWith("floorapp-pages")).map((name) => caches.open(name)
      .then((cache) => cache.match("{QUEUE}"))))).then((hits) => hits.some(Boolean))""")


def _expect_offline_page(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(page.locator("body")).not_to_contain_text(NOTE)


def test_the_next_associate_never_sees_the_last_ones_queue_offline(floor, new_page):
    page = new_page(PHONE)
    _queue_kept_for(page, floor, "nyc.associate1")
    page.context.clear_cookies()  # the first associate walked away; their cookie expired
    # The next person (a floater from the other store) logs in: they land on their queue.
    log_in(page, floor.url, "la.associate1", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    page.context.set_offline(True)
    page.goto(floor.url + QUEUE)
    _expect_offline_page(page)
    save_screenshot(page, "offline-page-360")
    page.context.set_offline(False)


def test_a_session_ended_on_the_server_drops_its_pages_at_the_next_answer(floor, new_page):
    page = new_page(PHONE)
    _queue_kept_for(page, floor, "nyc.associate1")
    with floor.app.app_context():  # the associate walked away and the session went idle
        for row in db.session.scalars(select(LoginSession)):
            row.last_seen_at -= floor.app.config["SESSION_IDLE"] + timedelta(minutes=1)
        db.session.commit()
    page.goto(floor.url + QUEUE)  # the next person picks the handheld up: the login page
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert page.evaluate(PAGE_CACHES) == []
    page.context.set_offline(True)
    page.goto(floor.url + QUEUE)
    _expect_offline_page(page)
    page.context.set_offline(False)


def test_offline_a_kept_page_is_shown_only_within_the_idle_window(floor, new_page):
    # 75 seconds idle: the worker's window is a minute less (the server notes use once a
    # minute), so the page is shown for 15 seconds after the last answer.
    floor.app.config.update(SESSION_IDLE_MINUTES=1.25, SESSION_IDLE=timedelta(seconds=75))
    page = new_page(PHONE)
    _queue_kept_for(page, floor, "nyc.associate1")
    last_answer = time.monotonic()
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".queue")).to_contain_text(NOTE)  # the dead spot: the queue still reads
    expect(page.locator("#connection-banner")).to_contain_text("Offline — last updated")
    time.sleep(max(0.0, last_answer + 16 - time.monotonic()))
    page.reload()  # the session would have ended by now: its pages are gone
    _expect_offline_page(page)
    assert page.evaluate(PAGE_CACHES) == []
    page.context.set_offline(False)


@pytest.mark.parametrize("path", ["/dashboard", "/api-tokens", "/settings"])
def test_a_managers_no_store_page_is_never_served_offline(floor, new_page, path):
    page = new_page(PHONE)
    log_in(page, floor.url, "nyc.manager", PASSWORD)
    _open_under_the_service_worker(page, f"{floor.url}/stores/{STORE}{path}")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("You are offline")
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    page.context.set_offline(False)


def test_the_offline_page_kept_by_the_worker_belongs_to_nobody(floor, new_page):
    page = new_page(PHONE)
    log_in(page, floor.url, "nyc.associate1", PASSWORD)
    page.goto(floor.url + QUEUE)
    # A new worker installs while the associate is logged in (as after a deploy).
    page.evaluate("""() => navigator.serviceWorker.getRegistrations()
      .then((all) => Promise.all(all.map((registration) => registration.unregister())))
      .then(() => caches.keys())
      .then((names) => Promise.all(names.map((name) => caches.delete(name))))""")
    _open_under_the_service_worker(page, floor.url + QUEUE)
    kept = page.evaluate("""() => caches.match("/offline").then((hit) => hit.text())""")
    assert 'data-user=""' in kept
    assert "nyc.associate1" not in kept and "Log out" not in kept


def test_an_api_answer_is_never_served_offline_from_the_worker(floor, new_page):
    page = new_page(PHONE)
    log_in(page, floor.url, "nyc.associate1", PASSWORD)
    _open_under_the_service_worker(page, floor.url + QUEUE)
    ask = f"""() => fetch("/api/v1/stores/{STORE}/queue",
      {{headers: {{Accept: "application/json"}}}})
      .then((response) => response.text().then((text) => [response.status, text]))"""
    status, body = page.evaluate(ask)
    assert status == 200 and NOTE in body
    page.context.set_offline(True)
    status, body = page.evaluate(ask)
    assert status == 503 and NOTE not in body
    page.context.set_offline(False)


def test_logging_out_still_drops_every_kept_page(floor, new_page):
    page = new_page(PHONE)
    _queue_kept_for(page, floor, "nyc.associate1")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.wait_for_function(f"() => ({PAGE_CACHES})().then((names) => names.length === 0)")
    page.context.set_offline(True)
    page.goto(floor.url + QUEUE)
    _expect_offline_page(page)
    page.context.set_offline(False)
