"""The thread's API: the customer by public token, the store's staff by id, on both databases.

Every refusal is a clear 4xx that stores nothing; a replayed Idempotency-Key posts once.
"""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Event, EventKind, HelpRequest, RequestMessage, RequestPhoto, Role
from tests.factories import TEST_PASSWORD, make_sign, make_store, make_user, submit_request
from tests.photo_files import (
    SVG_WITH_SCRIPT,
    TEXT_AS_JPEG,
    has_gps,
    jpeg_with_gps,
    png_of_size,
    truncated_jpeg,
)


@pytest.fixture
def talk(app):
    """A request at a sign of NYC-1, its token and id; Maria works there, Olga elsewhere."""
    with app.app_context():
        store = make_store(code="NYC-1")
        sign = make_sign(zone=store.zones[0])
        make_user(login="maria", name="Maria Lopez", store=store)
        make_user(login="olga", store=make_store(code="BOS-1"))
        request = submit_request(sign=sign)
        return {"token": request.public_token, "id": request.id}


def _login(app, login):
    client = app.test_client()
    assert client.post("/login", data={"login": login, "password": TEST_PASSWORD}
                       ).status_code == 302
    return client


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(RequestMessage)),
                db.session.scalar(select(func.count()).select_from(RequestPhoto)))


def test_customer_and_staff_talk_through_the_api(app, client, talk):
    url = f"/api/v1/help-requests/{talk['token']}/messages"
    posted = client.post(url, json={"body": "<b>by the mirrors</b> http://evil.example"})
    assert posted.status_code == 201 and posted.json["message"]["author"] == "customer"
    maria = _login(app, "maria")
    staff_url = f"/api/v1/help-requests/{talk['id']}/messages"
    assert maria.post(f"/api/v1/help-requests/{talk['id']}/claim",
                      headers={"Idempotency-Key": "claim-1"}).status_code == 200
    assert maria.get(staff_url).json["messages"][0]["body"] == (
        "<b>by the mirrors</b> http://evil.example")  # kept as typed: pages escape it
    reply = maria.post(staff_url, json={"body": "On my way"},
                       headers={"Idempotency-Key": "reply-1"})
    assert reply.status_code == 201 and reply.json["message"]["name"] == "Maria"
    replay = maria.post(staff_url, json={"body": "On my way"},
                        headers={"Idempotency-Key": "reply-1"})
    assert replay.status_code == 200 and replay.json == reply.json
    thread = client.get(url).json
    assert thread["open"] is True
    assert [m["body"] for m in thread["messages"]][1:] == ["On my way"]
    assert _counts(app) == (2, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event).where(
            Event.kind == EventKind.MESSAGE)) == 2


def test_only_the_holder_and_the_stores_managers_answer_the_rest_read(app, talk):
    with app.app_context():
        store = db.session.get(HelpRequest, talk["id"]).store
        make_user(login="sam", name="Sam Okafor", store=store)
        make_user(login="ada", name="Ada Boss", store=store, role=Role.MANAGER)
    staff_url = f"/api/v1/help-requests/{talk['id']}/messages"
    maria, sam, ada = (_login(app, login) for login in ("maria", "sam", "ada"))
    waiting = sam.post(staff_url, json={"body": "On my way"})
    assert waiting.status_code == 403 and waiting.json["error"]["code"] == "not_holder"
    assert maria.post(f"/api/v1/help-requests/{talk['id']}/claim",
                      headers={"Idempotency-Key": "claim-1"}).status_code == 200
    refused = sam.post(staff_url, json={"body": "Two minutes"},
                       headers={"Idempotency-Key": "sam-1"})
    assert refused.status_code == 403 and "Maria holds" in refused.json["error"]["message"]
    assert sam.get(staff_url).status_code == 200 and _counts(app) == (0, 0)  # sam reads
    assert ada.post(staff_url, json={"body": "I'm sending Maria"}).status_code == 201
    assert maria.post(staff_url, json={"body": "Two minutes"}).status_code == 201
    assert [m["name"] for m in sam.get(staff_url).json["messages"]] == ["Ada", "Maria"]


def test_another_stores_staff_and_strangers_get_nothing(app, client, talk):
    staff_url = f"/api/v1/help-requests/{talk['id']}/messages"
    olga = _login(app, "olga")
    assert olga.get(staff_url).status_code == 404
    assert olga.post(staff_url, json={"body": "hi"}).status_code == 404
    assert client.get(staff_url).status_code == 401
    assert client.get("/api/v1/help-requests/not-a-token/messages").status_code == 404
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize("payload,code", [
    ({"body": "x" * 501}, "too_long"), ({"body": ""}, "empty_message"),
    ({"body": 12}, "invalid_message"), ({}, "empty_message")])
def test_bad_bodies_are_400_and_store_nothing(app, client, talk, payload, code):
    answer = client.post(f"/api/v1/help-requests/{talk['token']}/messages", json=payload)
    assert answer.status_code == 400 and answer.json["error"]["code"] == code
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", b'{"body": "a\\u0000b"}',
                                  b'{"body": "ring\\u0007"}'])
def test_junk_json_and_control_characters_are_400(app, client, talk, data):
    answer = client.post(f"/api/v1/help-requests/{talk['token']}/messages", data=data,
                         content_type="application/json")
    assert answer.status_code == 400 and "error" in answer.json
    assert _counts(app) == (0, 0)


def test_a_post_from_another_site_is_refused(app, client, talk):
    answer = client.post(f"/api/v1/help-requests/{talk['token']}/messages",
                         json={"body": "hi"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403 and _counts(app) == (0, 0)


def test_a_photo_is_stored_without_gps_and_served_only_to_its_two_sides(app, client, talk):
    answer = client.post(f"/api/v1/help-requests/{talk['token']}/messages", data={
        "body": "this one", "photo": (io.BytesIO(jpeg_with_gps()), "IMG_0001.JPG")})
    assert answer.status_code == 201, answer.json
    photo_id = answer.json["message"]["photo_id"]
    customer_url = f"/api/v1/help-requests/{talk['token']}/photos/{photo_id}"
    served = client.get(customer_url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert not has_gps(served.data)
    assert Image.open(io.BytesIO(served.data)).size == (1600, 1200)
    staff_url = f"/api/v1/help-requests/{talk['id']}/photos/{photo_id}"
    staff_served = _login(app, "maria").get(staff_url)
    assert staff_served.data == served.data
    assert staff_served.headers["Cache-Control"] == "private, no-store"
    assert _login(app, "olga").get(staff_url).status_code == 404
    assert client.get(staff_url).status_code == 401
    listed = client.get(f"/api/v1/help-requests/{talk['token']}/messages").json["messages"]
    assert listed[0]["photo_url"] == customer_url


@pytest.mark.parametrize("raw,name", [
    (TEXT_AS_JPEG, "photo.jpg"), (png_of_size(20_000, 20_000), "huge.png"),
    (truncated_jpeg(), "cut.jpg"), (SVG_WITH_SCRIPT, "x.svg")],
    ids=["text-named-jpg", "20000x20000-png", "truncated-jpeg", "svg-with-script"])
def test_bad_photos_are_refused_and_nothing_is_stored(app, client, talk, raw, name):
    answer = client.post(f"/api/v1/help-requests/{talk['token']}/messages", data={
        "body": "look", "photo": (io.BytesIO(raw), name)})
    assert answer.status_code == 400 and answer.json["error"]["code"] in (
        "invalid_photo", "photo_too_large")
    assert _counts(app) == (0, 0)


def test_an_upload_over_the_body_cap_is_413(app, client, talk):
    answer = client.post(f"/api/v1/help-requests/{talk['token']}/messages", data={
        "photo": (io.BytesIO(b"\xff" * (9 * 1024 * 1024)), "big.jpg")})
    assert answer.status_code == 413 and _counts(app) == (0, 0)


def test_the_customer_is_rate_limited_per_request(make_app):
    app = make_app(MESSAGE_LIMIT_PER_REQUEST="2 per minute")
    with app.app_context():
        token = submit_request(sign=make_sign()).public_token
    client = app.test_client()
    url = f"/api/v1/help-requests/{token}/messages"
    assert [client.post(url, json={"body": f"m{n}"}).status_code for n in range(3)] == [
        201, 201, 429]
    assert _counts(app) == (2, 0)


def test_the_customers_send_from_the_page_replayed_under_its_key_is_one_message(
        app, client, talk):
    url = f"/api/v1/help-requests/{talk['token']}/messages"

    def send():  # as static/js/customer-status.js sends the form: FormData, the key in a header
        return client.post(url, data={"body": "this one", "idempotency_key": "page-key",
                                      "photo": (io.BytesIO(jpeg_with_gps()), "IMG_2.JPG")},
                           headers={"Idempotency-Key": "page-key"})

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json and _counts(app) == (1, 1)
