"""The Web Push API: the public key, a person's devices, a customer's phone, on both databases.

Subscriptions are real `PushSubscription.toJSON()` shapes (fresh P-256 keys); every
refusal is a 400 that stores nothing.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from floorapp.extensions import db
from floorapp.models import Event, EventKind, LoginSession, PushSubscription, Status, User
from floorapp.realtime import run_tick
from floorapp.services.notify.vapid import b64url_decode, b64url_encode
from tests.concurrency import at_once
from tests.factories import TEST_PASSWORD, make_help_request, make_sign, make_store, make_user
from tests.push_factories import LOCAL_PUSH, browser_subscription

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
MINE = "/api/v1/me/push-subscriptions"


@pytest.fixture
def push_app(make_app):
    app = make_app(PUSH_ENDPOINT_ALLOW=LOCAL_PUSH, PUSH_DEVICES_PER_USER=3)
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="maria", store=store)
        make_user(login="sam", store=store)
    return app


def _login(app, login: str):
    client = app.test_client()
    answer = client.post("/login", data={"login": login, "password": TEST_PASSWORD})
    assert answer.status_code == 302
    return client


@pytest.fixture
def maria(push_app):
    return _login(push_app, "maria")


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PushSubscription))


def test_the_public_key_is_the_uncompressed_point_browsers_subscribe_with(client):
    key = client.get("/api/v1/push/key").json["public_key"]
    raw = b64url_decode(key)
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key


def test_a_device_subscribes_and_is_listed_as_this_device(push_app, maria):
    answer = maria.post(MINE, json=browser_subscription(), headers={"User-Agent": ANDROID_CHROME})
    assert answer.status_code == 201
    assert answer.json["label"] == "Chrome on Android" and answer.json["id"] > 0
    listed = maria.get(MINE).json["devices"]
    assert [(d["id"], d["label"], d["this_device"], d["last_pushed_at"]) for d in listed] == [
        (answer.json["id"], "Chrome on Android", True, None)]
    with push_app.app_context():
        row = db.session.get(PushSubscription, answer.json["id"])
        user = db.session.scalar(select(User).filter_by(login="maria"))
        assert (row.user_id, row.store_id, row.session_version, row.help_request_id) == (
            user.id, user.home_store_id, user.session_version, None)
        assert row.login_session_id == db.session.scalar(
            select(LoginSession.id).where(LoginSession.user_id == user.id,
                                          LoginSession.ended_at.is_(None)))


def test_a_label_from_the_body_is_kept(maria):
    answer = maria.post(MINE, json=browser_subscription(label="Zebra TC52 by the tills"))
    assert answer.json["label"] == "Zebra TC52 by the tills"


def _with_key(name: str, value):
    data = browser_subscription()
    data["keys"][name] = value
    return data


OFF_CURVE = b64url_encode(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize("data", [
    {**browser_subscription(), "endpoint": "https://evil.example/push/1"},
    {**browser_subscription(), "endpoint": "http://127.0.0.1.evil.example/push"},
    {**browser_subscription(), "endpoint": 12},
    {"endpoint": browser_subscription()["endpoint"]},
    {**browser_subscription(), "keys": "p256dh"},
    _with_key("p256dh", OFF_CURVE),
    _with_key("p256dh", b64url_encode(b"\x04" + b"\x01" * 10)),
    _with_key("p256dh", "not base64url!"),
    _with_key("p256dh", None),
    _with_key("auth", b64url_encode(b"x" * 15)),
    _with_key("auth", 16),
    {**browser_subscription(), "label": "x" * 81},
    {**browser_subscription(), "label": ["Chrome"]},
], ids=["off-allow-list", "lookalike-host", "endpoint-not-text", "no-keys", "keys-not-object",
        "point-off-curve", "point-too-short", "p256dh-not-base64url", "p256dh-missing",
        "auth-15-bytes", "auth-not-text", "label-too-long", "label-not-text"])
def test_a_bad_subscription_is_refused_with_400_and_nothing_is_stored(push_app, maria, data):
    answer = maria.post(MINE, json=data)
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["message"]
    assert _count(push_app) == 0


@pytest.mark.parametrize("raw", [b"[1, 2]", b"{not json", b'"text"'])
def test_junk_json_is_refused_with_400_and_nothing_is_stored(push_app, maria, raw):
    answer = maria.post(MINE, data=raw, content_type="application/json")
    assert answer.status_code == 400
    assert _count(push_app) == 0


def test_a_label_with_a_control_character_is_refused(push_app, maria):
    answer = maria.post(MINE, json={**browser_subscription(), "label": "Zebra\u0007"})
    assert answer.status_code == 400 and _count(push_app) == 0


def test_a_stranger_can_neither_subscribe_nor_list(push_app):
    client = push_app.test_client()
    assert client.post(MINE, json=browser_subscription()).status_code == 401
    assert client.get(MINE).status_code == 401
    assert client.get("/api/v1/me/csrf-token").status_code == 401
    assert _count(push_app) == 0


def test_removing_my_device_answers_204_and_another_persons_answers_404(push_app, maria):
    sam = _login(push_app, "sam")
    mine = maria.post(MINE, json=browser_subscription()).json["id"]
    theirs = sam.post(MINE, json=browser_subscription()).json["id"]
    assert maria.delete(f"{MINE}/{theirs}").status_code == 404
    assert maria.delete(f"{MINE}/{theirs + 1000}").status_code == 404
    assert maria.delete(f"{MINE}/{mine}").status_code == 204
    assert maria.delete(f"{MINE}/{mine}").status_code == 404
    assert maria.get(MINE).json["devices"] == []
    assert [d["id"] for d in sam.get(MINE).json["devices"]] == [theirs]


def test_a_person_keeps_at_most_the_cap_of_devices_and_the_oldest_goes(push_app, maria):
    ids = [maria.post(MINE, json=browser_subscription()).json["id"] for _ in range(4)]
    assert [d["id"] for d in maria.get(MINE).json["devices"]] == ids[:0:-1]  # newest first


def test_the_same_endpoint_again_updates_its_row(push_app, maria):
    data = browser_subscription()
    first = maria.post(MINE, json=data).json["id"]
    renewed = {**data, "keys": browser_subscription()["keys"]}
    assert maria.post(MINE, json=renewed).json["id"] == first
    with push_app.app_context():
        assert db.session.get(PushSubscription, first).p256dh == renewed["keys"]["p256dh"]
    assert _count(push_app) == 1


def test_the_same_endpoint_for_the_next_person_moves_to_them(push_app, maria):
    data = browser_subscription()
    first = maria.post(MINE, json=data).json["id"]
    sam = _login(push_app, "sam")
    assert sam.post(MINE, json=data).json["id"] == first
    assert maria.get(MINE).json["devices"] == []
    assert [d["id"] for d in sam.get(MINE).json["devices"]] == [first]


def test_logging_out_removes_this_sessions_devices_only(push_app, maria):
    other_device = _login(push_app, "maria")
    kept = other_device.post(MINE, json=browser_subscription()).json["id"]
    maria.post(MINE, json=browser_subscription())
    assert maria.post("/logout").status_code == 302
    with push_app.app_context():
        assert list(db.session.scalars(select(PushSubscription.id))) == [kept]


def test_the_tick_sweeps_subscriptions_of_idle_ended_or_deactivated_sessions(push_app, maria):
    sam, kept = _login(push_app, "sam"), _login(push_app, "maria")
    maria.post(MINE, json=browser_subscription())
    sam.post(MINE, json=browser_subscription())
    live = kept.post(MINE, json=browser_subscription()).json["id"]
    with push_app.app_context():
        maria_id = db.session.scalar(select(User.id).filter_by(login="maria"))
        idle_session = db.session.scalar(select(PushSubscription.login_session_id)
                                         .where(PushSubscription.user_id == maria_id,
                                                PushSubscription.id != live))
        db.session.execute(update(LoginSession).where(LoginSession.id == idle_session)
                           .values(last_seen_at=datetime.now(UTC) - timedelta(hours=2)))
        db.session.execute(update(User).filter_by(login="sam").values(session_version=2))
        db.session.commit()
        report = run_tick(push_app)
        assert report["push_swept"] == 2
        assert list(db.session.scalars(select(PushSubscription.id))) == [live]
        db.session.execute(update(LoginSession).values(ended_at=datetime.now(UTC)))
        db.session.commit()
        assert run_tick(push_app)["push_swept"] == 1 and _count(push_app) == 0


def test_a_deactivated_persons_devices_are_swept(push_app, maria):
    maria.post(MINE, json=browser_subscription())
    with push_app.app_context():
        db.session.execute(update(User).filter_by(login="maria").values(active=False))
        db.session.commit()
        assert run_tick(push_app)["push_swept"] == 1


def test_the_claim_with_a_push_key_claims_once_when_sent_twice(push_app, maria):
    with push_app.app_context():
        store = db.session.scalar(select(User).filter_by(login="maria")).home_store
        request_id = make_help_request(sign=make_sign(zone=store.zones[0])).id
    headers = {"Idempotency-Key": "push-345"}
    first = maria.post(f"/api/v1/help-requests/{request_id}/claim", json={}, headers=headers)
    again = maria.post(f"/api/v1/help-requests/{request_id}/claim", json={}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json == again.json
    with push_app.app_context():
        claims = db.session.scalar(select(func.count()).select_from(Event).where(
            Event.request_id == request_id, Event.kind == EventKind.CLAIMED))
        assert claims == 1


def _customer_request(app, **fields) -> str:
    with app.app_context():
        store = db.session.scalar(select(User).filter_by(login="maria")).home_store
        return make_help_request(sign=make_sign(zone=store.zones[0]), **fields).public_token


def _phone(token: str) -> str:
    return f"/api/v1/help-requests/{token}/push-subscription"


def test_a_customer_subscribes_their_open_request_in_its_language(push_app):
    token = _customer_request(push_app, language="es")
    answer = push_app.test_client().post(_phone(token), json=browser_subscription(),
                                         headers={"User-Agent": ANDROID_CHROME})
    assert answer.status_code == 201 and answer.json["label"] == "Chrome on Android"
    with push_app.app_context():
        row = db.session.get(PushSubscription, answer.json["id"])
        assert (row.user_id, row.login_session_id, row.language) == (None, None, "es")
        assert row.help_request_id is not None and row.store_id is not None


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CANCELLED, Status.EXPIRED])
def test_a_customer_cannot_subscribe_a_request_that_ended(push_app, status):
    token = _customer_request(push_app, status=status)
    answer = push_app.test_client().post(_phone(token), json=browser_subscription())
    assert answer.status_code == 409 and answer.json["error"]["code"] == "request_closed"
    assert _count(push_app) == 0


def test_a_request_tells_at_most_two_phones(push_app):
    token, client = _customer_request(push_app), push_app.test_client()
    first = browser_subscription()
    assert client.post(_phone(token), json=first).status_code == 201
    assert client.post(_phone(token), json=browser_subscription()).status_code == 201
    assert client.post(_phone(token), json=first).status_code == 201  # the same phone again
    third = client.post(_phone(token), json=browser_subscription())
    assert third.status_code == 409 and _count(push_app) == 2


def test_a_bad_token_or_a_bad_subscription_stores_nothing(push_app):
    client = push_app.test_client()
    assert client.post(_phone("no-such-token"), json=browser_subscription()).status_code == 404
    token = _customer_request(push_app)
    refused = {**browser_subscription(), "endpoint": "https://evil.example/push"}
    assert client.post(_phone(token), json=refused).status_code == 400
    junk = client.post(_phone(token), data=b"[]", content_type="application/json")
    assert junk.status_code == 400
    assert _count(push_app) == 0


def test_another_site_cannot_subscribe_a_customers_request(push_app):
    token = _customer_request(push_app)
    answer = push_app.test_client().post(_phone(token), json=browser_subscription(),
                                         headers={"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403 and _count(push_app) == 0


def test_customers_subscriptions_are_rate_limited_per_address(make_app):
    app = make_app(PUSH_ENDPOINT_ALLOW=LOCAL_PUSH, PUSH_SUBSCRIBE_LIMIT="2 per hour")
    with app.app_context():
        make_user(login="maria", store=make_store())
    token, client = _customer_request(app), app.test_client()
    statuses = [client.post(_phone(token), json=browser_subscription()).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_the_csrf_token_route_gives_the_header_the_staff_api_takes(make_app):
    app = make_app(PUSH_ENDPOINT_ALLOW=LOCAL_PUSH, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(login="maria", store=make_store())
    client = app.test_client()
    page = client.get("/login").text
    csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"login": "maria", "password": TEST_PASSWORD, "csrf_token": csrf})
    assert client.post(MINE, json=browser_subscription()).status_code == 400  # no header
    token = client.get("/api/v1/me/csrf-token").json["csrf_token"]
    answer = client.post(MINE, json=browser_subscription(), headers={"X-CSRFToken": token})
    assert answer.status_code == 201


def test_the_same_endpoint_from_two_people_at_once_keeps_one_row(push_app, maria):
    sam, data = _login(push_app, "sam"), browser_subscription()
    answers = at_once(push_app, [lambda: maria.post(MINE, json=data).status_code,
                                 lambda: sam.post(MINE, json=data).status_code])
    assert answers == [201, 201]
    assert _count(push_app) == 1


def test_many_subscriptions_at_once_keep_the_cap(push_app):
    clients = [_login(push_app, "maria") for _ in range(6)]
    answers = at_once(push_app, [
        (lambda client=client: client.post(MINE, json=browser_subscription()).status_code)
        for client in clients])
    assert answers == [201] * 6
    assert _count(push_app) == 3  # PUSH_DEVICES_PER_USER in this app
