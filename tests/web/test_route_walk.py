"""Every registered route, walked as a stranger, as another store's associate and
manager, as another region's regional manager, as store A's own regional manager (who
reads its figures and nothing else), and with the cookie of a session that ended
(logged out, or idle).

Routes come from the app's own URL map, so a new route is checked without anyone
remembering to add it here. Public and chain-wide routes are listed on purpose below.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from floorapp.extensions import db
from floorapp.models import LoginSession, Role, User
from tests.web.route_values import walk

# Routes anyone may call: each is public by design (customers, the installable app).
PUBLIC_ENDPOINTS = {
    "static", "health.healthz", "auth.login", "api.openapi",
    "pwa.manifest", "pwa.icon", "pwa.service_worker", "pwa.offline",
    "customer.sign", "customer.status", "customer.cancel", "customer.rate",
    "api_help.submit", "api_help.status", "api_help.products", "api_help.sign",
    "api_events.request_events",
    "pwa.customer_service_worker", "api_push.public_key", "api_push.subscribe_customer",
    "api_sign_products.product", "api_sign_products.code",
    "price_check.check", "price_check.product",
    "api_messages.customer_messages", "api_messages.customer_post",
    "api_messages.customer_photo", "customer.post_message", "customer.texts",
    "customer.write_message",
    "shift_feed.feed",  # a phone's calendar cannot log in: the secret link is the key
}
# Twilio's webhooks (sms.inbound_text, sms.delivery_status) are public too, but listed
# nowhere: unsigned, as the walk calls them, they must deny (403) like a private route.
# Routes for any logged-in user that name no store: they act on the caller or in the
# caller's own store, or show the chain-wide catalog with the caller's store's figures.
OWN_ENDPOINTS = {
    "home.index", "auth.logout", "api_queue.set_availability",
    "api_catalog.search", "api_catalog.product", "api_catalog.by_code",
    "api_catalog.create_pull", "api_catalog.create_hold",
    "lookup.start", "lookup.image",
    "api_push.subscribe", "api_push.devices", "api_push.csrf_token", "devices.index",
}
DENIED = {401, 403, 404, 405}
# All a regional manager may call of a store of their region: they read its figures and
# its live board, and act on nothing (floorapp/web/access.py).
REGIONAL_READS = {
    "dashboard.dashboard", "dashboard.staffing_page", "dashboard.live_board",
    "dashboard.live_board_part", "api_metrics.store_metrics", "api_metrics.requests_csv",
    "api_metrics.metrics_csv", "api_metrics.store_staffing", "api_metrics.store_staffing_csv",
    "regions.region", "api_regions.region_metrics"}
STREAMS = {"api_events.store_events", "api_events.request_events"}


def call(client, endpoint: str, method: str, url: str):
    """Call a route; an event stream (which never ends) gives its status, not its body."""
    if endpoint in STREAMS:
        response = client.open(url, method=method)
        response.close()
        response.text_seen = ""
    else:
        response = client.open(url, method=method, buffered=True)
        response.text_seen = response.text
    return response


def assert_logged_out_everywhere(app, client, values):
    """Every private route sends this client to the login page or denies it, with no data.

    Logging out is left out: a live session would end there, and so hide a hole from
    every route after it.
    """
    for endpoint, method, url in walk(app, values):
        if endpoint in PUBLIC_ENDPOINTS | {"auth.logout"}:
            continue
        response = call(client, endpoint, method, url)
        to_login = response.status_code == 302 and response.headers["Location"].startswith(
            "/login")
        assert to_login or response.status_code in DENIED, (method, url, response.status_code)
        assert "blue jacket" not in response.text_seen and "Ms Blue" not in response.text_seen


def assert_kept_out_of_store_a(app, client, values):
    """Every route naming store A (or its things) denies this client, with no data."""
    for endpoint, method, url in walk(app, values):
        if endpoint in PUBLIC_ENDPOINTS | OWN_ENDPOINTS:
            continue
        response = call(client, endpoint, method, url)
        assert response.status_code in DENIED, (method, url, response.status_code)
        text = response.text_seen
        assert "blue jacket" not in text and "Alpha Flagship" not in text
        assert "Ms Blue" not in text


def test_strangers_get_no_data_from_any_private_route(app, client, store_a):
    assert_logged_out_everywhere(app, client, store_a)


def test_another_stores_associate_gets_no_data_from_store_a(app, client, auth, store_a):
    auth.login("b.associate")
    assert_kept_out_of_store_a(app, client, store_a)


def test_another_stores_manager_gets_no_data_from_store_a(app, client, auth, store_a):
    auth.login("b.manager")
    assert_kept_out_of_store_a(app, client, store_a)
    with app.app_context():  # nothing of store A was changed on the way
        assert db.session.scalar(select(User.active).filter_by(login="a.manager"))
        assert db.session.scalar(select(User.role).filter_by(login="a.manager")) is Role.MANAGER


def test_another_regions_manager_gets_no_data_from_store_a(app, client, auth, store_a):
    auth.login("b.regional")
    assert_kept_out_of_store_a(app, client, store_a)
    assert client.get("/regions/REGION-B").status_code == 200  # their own region answers


def test_a_regional_manager_reads_store_as_figures_and_is_refused_everything_else(
        app, client, auth, store_a):
    auth.login("a.regional")
    read = set()
    for endpoint, method, url in walk(app, store_a):
        if endpoint in PUBLIC_ENDPOINTS | {"auth.logout"}:
            continue
        response = call(client, endpoint, method, url)
        assert response.status_code < 500, (method, url, response.status_code)
        if endpoint in REGIONAL_READS and method == "GET":
            # let in: the page, or the API asking for its missing ?from=&to= (400)
            assert response.status_code in (200, 400), (method, url, response.status_code)
            read.add(endpoint)
        elif endpoint not in OWN_ENDPOINTS:
            assert response.status_code in DENIED, (method, url, response.status_code)
            assert "blue jacket" not in response.text_seen and "Ms Blue" not in response.text_seen
    assert read == REGIONAL_READS
    with app.app_context():  # nothing of store A was changed on the way
        assert db.session.scalar(select(User.active).filter_by(login="a.manager"))
        assert db.session.scalar(select(User.role).filter_by(login="a.manager")) is Role.MANAGER


def test_an_associate_logged_out_on_the_server_gets_nothing_with_the_old_cookie(
        app, client, auth, store_a):
    auth.login("a.associate")
    assert "blue jacket" in client.get("/stores/AAA-1/floor").text  # the live session sees it
    cookie = client.get_cookie("session").value
    auth.logout()
    client.set_cookie("session", cookie)  # the browser (or a thief) kept the cookie
    assert_logged_out_everywhere(app, client, store_a)


def test_an_associate_whose_session_went_idle_gets_nothing_with_the_cookie(
        app, client, auth, store_a):
    auth.login("a.associate")
    assert "blue jacket" in client.get("/stores/AAA-1/floor").text  # the live session sees it
    with app.app_context():
        long_ago = datetime.now(UTC) - timedelta(days=2)
        db.session.execute(update(LoginSession).values(last_seen_at=long_ago))
        db.session.commit()
    assert_logged_out_everywhere(app, client, store_a)
