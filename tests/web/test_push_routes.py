"""The Web Push pages: My devices (works without JavaScript), the floor page's button, the
customer's button on the status page, and the customer's push-only service worker."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import PushSubscription, Status, User
from floorapp.web.devices import since
from tests.factories import TEST_PASSWORD, make_help_request, make_sign, make_store, make_user
from tests.push_factories import LOCAL_PUSH, browser_subscription, make_device

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")


@pytest.fixture
def push_app(make_app):
    app = make_app(PUSH_ENDPOINT_ALLOW=LOCAL_PUSH)
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="maria", store=store)
        make_device(user=make_user(login="sam", store=store), label="Zebra TC52")
    return app


def _login(app, login: str):
    client = app.test_client()
    client.post("/login", data={"login": login, "password": TEST_PASSWORD})
    return client


def _ids_of(app, login: str) -> list[int]:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(login=login))
        return list(db.session.scalars(select(PushSubscription.id).filter_by(user_id=user_id)))


def test_my_devices_lists_each_device_with_since_and_a_remove_form(push_app):
    maria = _login(push_app, "maria")
    maria.post("/api/v1/me/push-subscriptions", json=browser_subscription(),
               headers={"User-Agent": ANDROID_CHROME})
    page = maria.get("/me/devices").text
    assert "Chrome on Android, since today" in page and "this device" in page
    assert "Zebra TC52" not in page  # Sam's
    (mine,) = _ids_of(push_app, "maria")
    assert f'action="/me/devices/{mine}/remove"' in page and 'name="csrf_token"' in page


def test_removing_a_device_with_the_form_works_without_javascript(push_app):
    maria = _login(push_app, "maria")
    maria.post("/api/v1/me/push-subscriptions", json=browser_subscription())
    (mine,) = _ids_of(push_app, "maria")
    answer = maria.post(f"/me/devices/{mine}/remove")
    assert answer.status_code == 303 and answer.headers["Location"] == "/me/devices"
    assert _ids_of(push_app, "maria") == []
    assert "No device is notified yet" in maria.get("/me/devices").text


def test_removing_another_persons_device_answers_404_and_keeps_it(push_app):
    (sams,) = _ids_of(push_app, "sam")
    maria = _login(push_app, "maria")
    assert maria.post(f"/me/devices/{sams}/remove").status_code == 404
    assert maria.post("/me/devices/%C2%B2/remove").status_code == 404
    assert _ids_of(push_app, "sam") == [sams]


def test_the_remove_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        device_id = make_device(user=make_user(login="maria", store=make_store())).id
    client = app.test_client()
    token = client.get("/login").text.split('name="csrf_token" type="hidden" value="')[1]
    client.post("/login", data={"login": "maria", "password": TEST_PASSWORD,
                                "csrf_token": token.split('"')[0]})
    assert client.post(f"/me/devices/{device_id}/remove").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1


def test_the_floor_page_offers_the_button_only_to_scripts_and_links_my_devices(push_app):
    page = _login(push_app, "maria").get("/stores/NYC-1/floor").text
    assert "data-push-subscribe hidden>Notify me on this device</button>" in page
    assert 'href="/me/devices"' in page and "js/push.js" in page


def _status_page(app, *, status=Status.WAITING, lang="en") -> str:
    with app.app_context():
        store = db.session.scalar(select(User).filter_by(login="maria")).home_store
        token = make_help_request(sign=make_sign(zone=store.zones[0]), status=status,
                                  language=lang).public_token
    return app.test_client().get(f"/h/{token}").text


def test_the_status_page_has_the_customers_button_hidden_until_a_script_finds_push(push_app):
    page = _status_page(push_app)
    assert '<div id="phone-push" class="phone-push" hidden' in page
    assert "Tell me on this phone when someone is on the way" in page
    assert "js/customer-push.js" in page and 'data-worker="/h/push-sw.js"' in page


def test_the_customers_button_is_in_spanish_for_a_spanish_request(push_app):
    page = _status_page(push_app, lang="es")
    assert "Avíseme en este teléfono cuando alguien vaya en camino" in page


def test_an_ended_request_offers_no_notifications(push_app):
    assert "phone-push" not in _status_page(push_app, status=Status.RESOLVED)


def test_the_customers_worker_only_shows_pushes_and_caches_nothing(client):
    answer = client.get("/h/push-sw.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert 'addEventListener("push"' in answer.text and '"fetch"' not in answer.text


def test_the_associates_worker_handles_push_and_notification_clicks(client):
    worker = client.get("/sw.js").text
    for needle in ('addEventListener("push"', 'addEventListener("notificationclick"',
                   "Idempotency-Key", "push-${", "Claim waiting to send", "/api/v1/me/csrf-token"):
        assert needle in worker, needle


@pytest.mark.parametrize(("added", "shown"), [
    (datetime(2026, 12, 3, 15, 0, tzinfo=UTC), "today"),
    (datetime(2026, 12, 1, 15, 0, tzinfo=UTC), "Tue"),
    (datetime(2026, 11, 3, 15, 0, tzinfo=UTC), "3 Nov"),
    (datetime(2025, 11, 3, 15, 0, tzinfo=UTC), "3 Nov 2025"),
])
def test_since_says_when_as_a_person_would(added, shown):
    now = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    assert since(added, "America/New_York", now) == shown
