"""Web Push in Chromium: the floor page's button, the service worker's push and
notificationclick handlers, and the customer's button.

Headless Chromium has no push service to subscribe with (pushManager.subscribe() fails
with "Registration failed"), so the page is given a subscription of the same shape as a
browser's (an init script standing in for pushManager), and pushes are delivered to the
real service worker through the DevTools protocol (ServiceWorker.deliverPushMessage).
DevTools cannot tap a notification, so the tap is a NotificationEvent dispatched inside
the worker, on the notification the worker itself showed.
"""

import json
import time

from playwright.sync_api import expect
from sqlalchemy import func, select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Event, EventKind, HelpRequest, PushSubscription, Sign, Store, Zone
from tests.browser.conftest import DESKTOP, PHONE, check_page, log_in, save_screenshot
from tests.factories import submit_request
from tests.push_factories import LOCAL_PUSH, browser_subscription

PASSWORD = "pw-push-browser"
# How long each wait for the browser (the worker's registration, a notification shown or
# closed, a claim landing) goes on: a wait, not a bound. On the 2-core VM under load (the
# whole suite; a benchmark's data build) a first notification was twice not shown within
# 5 s; in 30 runs beside a CPU hog it showed within 25 ms. The cause is not found yet.
WAIT_S = 15
# pushManager as a browser with a push service has it: subscribe() after permission, then
# getSubscription() returns the same subscription.
FAKE_PUSH_MANAGER = """(subscription) => {
  let current = null;
  const wrap = (data) => ({ endpoint: data.endpoint, toJSON: () => data,
                            unsubscribe: async () => true });
  PushManager.prototype.subscribe = async function () {
    current = wrap(subscription);
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
}"""
NOTIFICATIONS = """(tag) => navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications({ tag }))
  .then((shown) => shown.map((n) => ({ title: n.title, body: n.body, silent: n.silent,
                                       actions: n.actions.map((a) => a.action), data: n.data })))"""
# A tap on the notification's "Claim" button, inside the worker (DevTools has no tap).
TAP_CLAIM = """async ([tag, taps]) => {
  let [notification] = await self.registration.getNotifications({ tag });
  for (let wait = 0; !notification && wait < 40; wait += 1) {  // just replaced: a moment
    await new Promise((resolve) => setTimeout(resolve, 50));
    [notification] = await self.registration.getNotifications({ tag });
  }
  if (!notification) return false;
  for (let tap = 0; tap < taps; tap += 1) {
    const event = new NotificationEvent("notificationclick", { notification, action: "claim" });
    try { self.dispatchEvent(event); } catch (error) { /* waitUntil refuses a synthetic event */ }
  }
  return true;
}"""


def _seed(server) -> dict:
    server.app.config["PUSH_ENDPOINT_ALLOW"] = LOCAL_PUSH
    with server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        sign = db.session.scalar(select(Sign).join(Zone).join(Store)
                                 .where(Store.code == "NYC-5TH").limit(1))
        help_request = submit_request(sign=sign, product="Atlas Runner", size="9 W")
        return {"request_id": help_request.id, "public_token": help_request.public_token}


def _claims(server, request_id: int) -> int:
    with server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Event).where(
            Event.request_id == request_id, Event.kind == EventKind.CLAIMED))


def _subscribed_floor(server, new_page, viewport=PHONE):
    page = new_page(viewport)
    page.context.grant_permissions(["notifications"], origin=server.url)
    page.add_init_script(script=f"({FAKE_PUSH_MANAGER})({json.dumps(browser_subscription())})")
    log_in(page, server.url, "nyc.associate1", PASSWORD)
    page.goto(server.url + "/stores/NYC-5TH/floor")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # under the worker's control from here on
    return page


def _deliver(page, server, payload: dict) -> None:
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + WAIT_S
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    registration = next(r for r in registrations if not r["isDeleted"])
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": server.url, "registrationId": registration["registrationId"],
        "data": json.dumps(payload)})
    cdp.detach()


def _shown(page, tag: str, body: str | None = None) -> list[dict]:
    """The notifications shown under `tag`, once one is (with `body`, if given)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        shown = page.evaluate(NOTIFICATIONS, tag)
        if (shown and (body is None or shown[0]["body"] == body)) or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(50)


def _payload(request_id: int, push_id: int = 345) -> dict:
    return {"v": 1, "tag": f"request-{request_id}", "title": "Women's shoes · Find my size",
            "body": "Atlas Runner 9 W — 2 in the stockroom",
            "url": f"/stores/NYC-5TH/floor#request-{request_id}", "renotify": True,
            "silent": False, "lang": "en", "actions": [{"action": "claim", "title": "Claim"}],
            "claim": {"request_id": request_id, "store": "NYC-5TH"}, "push_id": push_id}


def _replacement(request_id: int, body: str) -> dict:
    return {"v": 1, "tag": f"request-{request_id}", "title": "Women's shoes · Find my size",
            "body": body, "url": "/stores/NYC-5TH/floor", "renotify": False, "silent": True,
            "lang": "en", "actions": []}


def _wait_for_claims(server, request_id: int, count: int) -> int:
    deadline = time.monotonic() + WAIT_S
    while _claims(server, request_id) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return _claims(server, request_id)


def test_the_button_asks_only_after_a_tap_and_subscribes_this_device(live_server, new_page):
    _seed(live_server)
    page = _subscribed_floor(live_server, new_page)
    box = page.locator("#push")
    expect(box.locator("[data-push-state]")).to_contain_text("even when floorapp is not on screen")
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    save_screenshot(page, "push-floor-button-360")
    box.get_by_role("button", name="Notify me on this device").click()
    expect(box.locator("[data-push-state]")).to_have_text(
        "This device is notified of new requests while you are logged in.")
    expect(box.get_by_role("button", name="Notify me on this device")).to_be_hidden()
    save_screenshot(page, "push-floor-granted-360")
    with live_server.app.app_context():
        row = db.session.scalar(select(PushSubscription))
        assert row.label.startswith("Chrome") and row.user_id is not None
    page.reload()  # on the next visit the page says so without asking again
    expect(box.locator("[data-push-state]")).to_contain_text("This device is notified")
    page.get_by_role("link", name="My devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My devices")
    expect(page.locator(".device")).to_contain_text("this device")


def test_a_blocked_permission_is_said_in_plain_words(live_server, new_page):
    _seed(live_server)
    page = new_page(PHONE)
    log_in(page, live_server.url, "nyc.associate1", PASSWORD)
    page.goto(live_server.url + "/stores/NYC-5TH/floor")  # permission not granted: ask denies
    page.locator("[data-push-subscribe]").click()
    expect(page.locator("[data-push-state]")).to_contain_text(
        "Notifications are blocked for this site in the browser's settings; the queue still "
        "beeps while this page is open")


def test_an_iphone_without_the_app_installed_is_told_to_add_it_to_the_home_screen(
        live_server, browser):
    _seed(live_server)
    context = browser.new_context(viewport=PHONE, user_agent=(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"))
    try:
        page = context.new_page()
        page.add_init_script(script="delete window.PushManager;")  # as Safari outside the app
        log_in(page, live_server.url, "nyc.associate1", PASSWORD)
        page.goto(live_server.url + "/stores/NYC-5TH/floor")
        expect(page.locator("[data-push-state]")).to_have_text(
            "On iPhone, add floorapp to the Home Screen first, then open it from there.")
        expect(page.locator("[data-push-subscribe]")).to_be_hidden()
    finally:
        context.close()


def test_a_push_is_shown_replaced_by_the_same_tag_and_its_claim_claims_once(
        live_server, new_page):
    seeded = _seed(live_server)
    request_id = seeded["request_id"]
    page = _subscribed_floor(live_server, new_page)
    tag = f"request-{request_id}"
    _deliver(page, live_server, _payload(request_id))
    (shown,) = _shown(page, tag)
    assert shown["title"] == "Women's shoes · Find my size" and shown["actions"] == ["claim"]
    assert shown["data"]["push_id"] == 345
    _deliver(page, live_server, _replacement(request_id, "Maria took it"))
    (replaced,) = _shown(page, tag, "Maria took it")
    assert replaced["body"] == "Maria took it" and replaced["actions"] == []
    _deliver(page, live_server, _payload(request_id))  # offered again (Maria released it)
    worker = page.context.service_workers[0]
    assert worker.evaluate(TAP_CLAIM, [tag, 2])  # tapped twice: the same key, one claim
    assert _wait_for_claims(live_server, request_id, 1) == 1
    assert _shown(page, tag, "Claimed: you are on your way.")[0]["body"] == (
        "Claimed: you are on your way.")
    assert _shown(page, tag)[0]["actions"] == []  # the claimed one offers no Claim any more
    _deliver(page, live_server, _payload(request_id))  # the same push again (a lease ran out)
    _shown(page, tag, _payload(request_id)["body"])
    assert worker.evaluate(TAP_CLAIM, [tag, 1])  # later, the same key: the stored answer
    assert _shown(page, tag, "Claimed: you are on your way.")[0]["body"] == (
        "Claimed: you are on your way.")
    time.sleep(0.5)
    assert _claims(live_server, request_id) == 1
    with live_server.app.app_context():
        assert db.session.get(HelpRequest, request_id).status.value == "claimed"


def test_a_claim_tapped_offline_waits_and_lands_once_when_the_connection_returns(
        live_server, new_page):
    seeded = _seed(live_server)
    request_id = seeded["request_id"]
    page = _subscribed_floor(live_server, new_page)
    tag = f"request-{request_id}"
    _deliver(page, live_server, _payload(request_id, push_id=346))
    assert _shown(page, tag)
    page.context.set_offline(True)
    worker = page.context.service_workers[0]
    assert worker.evaluate(TAP_CLAIM, [tag, 1])
    (waiting,) = _shown(page, tag, "Claim waiting to send")
    assert waiting["actions"] == []
    assert _claims(live_server, request_id) == 0
    page.context.set_offline(False)
    page.reload()  # a page of the app finds the connection: the worker sends what waits
    assert _wait_for_claims(live_server, request_id, 1) == 1
    assert _shown(page, tag, "Claimed: you are on your way.")[0]["body"] == (
        "Claimed: you are on your way.")
    page.reload()
    time.sleep(0.5)
    assert _claims(live_server, request_id) == 1


def test_a_tap_on_the_notification_opens_the_card(live_server, new_page):
    seeded = _seed(live_server)
    page = _subscribed_floor(live_server, new_page)
    tag = f"request-{seeded['request_id']}"
    _deliver(page, live_server, _payload(seeded["request_id"]))
    _shown(page, tag)
    page.goto(live_server.url + "/me/devices")
    page.context.service_workers[0].evaluate("""async (tag) => {
      const [notification] = await self.registration.getNotifications({ tag });
      try { self.dispatchEvent(new NotificationEvent("notificationclick", { notification })); }
      catch (error) { /* waitUntil refuses a synthetic event */ }
    }""", tag)
    page.wait_for_url(f"**/stores/NYC-5TH/floor#{tag}", timeout=5000)


def test_logging_out_removes_the_device_and_closes_its_notifications(live_server, new_page):
    seeded = _seed(live_server)
    page = _subscribed_floor(live_server, new_page)
    page.locator("[data-push-subscribe]").click()
    expect(page.locator("[data-push-state]")).to_contain_text("This device is notified")
    tag = f"request-{seeded['request_id']}"
    for _ in range(3):  # set-up: under load DevTools' first delivery can miss the worker
        _deliver(page, live_server, _payload(seeded["request_id"]))
        if _shown(page, tag):
            break
    assert _shown(page, tag)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    deadline = time.monotonic() + WAIT_S
    while page.evaluate(NOTIFICATIONS, tag) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert page.evaluate(NOTIFICATIONS, tag) == []
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_the_push_pages_pass_axe_and_fit_a_phone_and_a_desktop(live_server, new_page):
    seeded = _seed(live_server)
    for viewport, width in ((PHONE, 360), (DESKTOP, 1280)):
        page = _subscribed_floor(live_server, new_page, viewport)
        page.locator("[data-push-subscribe]").click()
        expect(page.locator("[data-push-state]")).to_contain_text("This device is notified")
        check_page(page, live_server.url + "/me/devices", f"push-devices-{width}")
        check_page(page, live_server.url + "/stores/NYC-5TH/floor", f"push-floor-{width}")
        customer = new_page(viewport)
        check_page(customer, f"{live_server.url}/h/{seeded['public_token']}",
                   f"push-customer-status-{width}")
        expect(customer.get_by_role("button", name="Tell me on this phone when someone is on "
                                                   "the way")).to_be_visible()


def test_the_customers_button_subscribes_their_phone_to_the_request(live_server, new_page):
    seeded = _seed(live_server)
    page = new_page(PHONE)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(script=f"({FAKE_PUSH_MANAGER})({json.dumps(browser_subscription())})")
    page.goto(f"{live_server.url}/h/{seeded['public_token']}?lang=es")
    page.get_by_role("button",
                     name="Avíseme en este teléfono cuando alguien vaya en camino").click()
    expect(page.locator("[data-phone-push-state]")).to_have_text(
        "Le avisaremos en este teléfono cuando alguien vaya en camino.")
    save_screenshot(page, "push-customer-on-es-360")
    with live_server.app.app_context():
        row = db.session.scalar(select(PushSubscription))
        assert row.help_request_id == seeded["request_id"] and row.user_id is None
    assert page.evaluate("navigator.serviceWorker.getRegistration('/h/').then((r) => "
                         "r.active.scriptURL)").endswith("/h/push-sw.js")
