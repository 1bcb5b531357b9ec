"""The help-request JSON API: public submission and status, the staff's queue and moves."""

import re

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Availability, HelpRequest, Role
from floorapp.services.help import availability
from tests.factories import make_sign, make_user, with_pass


@pytest.fixture
def shop(app):
    """A sign, two associates of its store (on the floor) and a stranger from elsewhere."""
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        maria = make_user(login="maria", name="Maria Lopez", store=store)
        sam = make_user(login="sam", name="Sam Okafor", store=store)
        make_user(login="boss", name="Ada Boss", store=store, role=Role.MANAGER)
        make_user(login="stranger", name="Other Person")
        for person in (maria, sam):
            availability.set_availability(person, "on_floor")
        return {"token": sign.token, "code": store.code, "sam": sam.id}


def _submit(client, token, **json):
    return client.post(f"/api/v1/signs/{token}/help-requests",
                       json=with_pass(client, token, {"need": "find_size", **json}),
                       headers={"Idempotency-Key": json.pop("key", "k1")} if "key" in json else {})


def test_a_submission_answers_201_with_the_status_link(client, shop):
    response = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                           json=with_pass(client, shop['token'], {"need": "find_size",
                                                                   "size": "9"}),
                           headers={"Idempotency-Key": "abc"})
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"id", "public_token", "status", "status_url"}
    assert body["status"] == "waiting" and body["status_url"] == f"/h/{body['public_token']}"
    again = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                        json=with_pass(client, shop['token'], {"need": "find_size", "size": "9"}),
                        headers={"Idempotency-Key": "abc"})
    assert again.status_code == 200 and again.json["id"] == body["id"]
    other = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                        json=with_pass(client, shop['token'], {"need": "other"}),
                        headers={"Idempotency-Key": "abc"})
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"


def test_a_form_post_with_the_key_in_a_field_works_too(app, client, shop):
    form = {"need": "checkout", "idempotency_key": "form-key"}
    first = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                        data=with_pass(client, shop['token'], form))
    second = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                         data=with_pass(client, shop['token'], form))
    assert (first.status_code, second.status_code) == (201, 200)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 1


@pytest.mark.parametrize("payload, status, code", [
    ({"need": "juggling"}, 400, "invalid_need"),
    ({"need": "other", "note": "x" * 281}, 400, "too_long"),
    ({"need": "other", "note": 42}, 400, "invalid_input"),
])
def test_bad_submissions_answer_400_and_write_nothing(app, client, shop, payload, status, code):
    response = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                           json=with_pass(client, shop['token'], payload))
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 0


def test_a_body_that_is_not_a_json_object_is_refused(client, shop):
    response = client.post(f"/api/v1/signs/{shop['token']}/help-requests", data="[1, 2",
                           content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


def test_unknown_and_retired_signs_answer_404_and_410(app, client):
    assert client.post("/api/v1/signs/nope/help-requests", json={"need": "other"}).status_code \
        == 404
    with app.app_context():
        retired = make_sign(active=False).token
    response = client.post(f"/api/v1/signs/{retired}/help-requests",
                           json=with_pass(client, retired, {"need": "other"}))
    assert response.status_code == 410 and response.json["error"]["code"] == "sign_retired"


def test_the_public_status_shows_position_estimate_and_first_name(client, auth, shop):
    first = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                        json=with_pass(client, shop['token'], {"need": "other"}))
    second = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                         json=with_pass(client, shop['token'], {"need": "other"}))
    status = client.get(f"/api/v1/help-requests/{second.json['public_token']}").json
    assert status["status"] == "waiting" and status["position"] == 2
    assert isinstance(status["estimate_s"], int) and status["associate"] is None
    auth.login("maria")
    assert client.post(f"/api/v1/help-requests/{first.json['id']}/claim").status_code == 200
    claimed = client.get(f"/api/v1/help-requests/{first.json['public_token']}").json
    assert (claimed["status"], claimed["associate"]) == ("claimed", "Maria")
    assert client.get(f"/api/v1/help-requests/{second.json['public_token']}").json[
        "position"] == 1
    assert client.get("/api/v1/help-requests/unknown-token").status_code == 404


def test_the_staff_moves_end_to_end_with_409_on_a_wrong_state(client, auth, shop):
    created = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                          json=with_pass(client, shop['token'], {"need": "other"}))
    rid = created.json["id"]
    auth.login("maria")
    queue = client.get(f"/api/v1/stores/{shop['code']}/queue").json
    assert [item["id"] for item in queue["requests"]] == [rid]
    assert client.post(f"/api/v1/help-requests/{rid}/arrive").status_code == 409
    assert client.post(f"/api/v1/help-requests/{rid}/claim").json["help_request"][
        "status"] == "claimed"
    second = client.post(f"/api/v1/help-requests/{rid}/claim")
    assert second.status_code == 409 and "already claimed by Maria" in \
        second.json["error"]["message"]
    assert client.post(f"/api/v1/help-requests/{rid}/handoff",
                       json={"to_user_id": shop["sam"]}).status_code == 200
    auth.logout()
    auth.login("sam")
    assert client.post(f"/api/v1/help-requests/{rid}/arrive").status_code == 200
    bad = client.post(f"/api/v1/help-requests/{rid}/resolve", json={"outcome": "meh"})
    assert bad.status_code == 400
    done = client.post(f"/api/v1/help-requests/{rid}/resolve", json={"outcome": "sold"})
    assert done.json["help_request"]["outcome"] == "sold"


def test_a_replayed_claim_with_its_key_gets_the_same_answer(client, auth, shop):
    rid = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                      json=with_pass(client, shop['token'], {"need": "other"})).json["id"]
    auth.login("maria")
    first = client.post(f"/api/v1/help-requests/{rid}/claim", headers={"Idempotency-Key": "t1"})
    again = client.post(f"/api/v1/help-requests/{rid}/claim", headers={"Idempotency-Key": "t1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json == again.json
    assert client.post(f"/api/v1/help-requests/{rid}/claim").status_code == 409


def test_staff_endpoints_need_a_session_and_hide_other_stores(client, auth, shop):
    rid = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                      json=with_pass(client, shop['token'], {"need": "other"})).json["id"]
    assert client.get(f"/api/v1/stores/{shop['code']}/queue").status_code == 401
    assert client.post(f"/api/v1/help-requests/{rid}/claim").status_code == 401
    auth.login("stranger")
    assert client.get(f"/api/v1/stores/{shop['code']}/queue").status_code == 404
    assert client.post(f"/api/v1/help-requests/{rid}/claim").status_code == 404
    assert client.post("/api/v1/help-requests/99999999999/claim").status_code == 404


def test_an_associate_cannot_cancel_but_a_manager_can(client, auth, shop):
    rid = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                      json=with_pass(client, shop['token'], {"need": "other"})).json["id"]
    auth.login("maria")
    assert client.post(f"/api/v1/help-requests/{rid}/cancel").status_code == 403
    auth.logout()
    auth.login("boss")
    assert client.post(f"/api/v1/help-requests/{rid}/cancel").json["help_request"][
        "status"] == "cancelled"


def test_availability_is_set_through_the_api(app, client, auth, shop):
    auth.login("maria")
    client.post("/api/v1/me/availability", json={"availability": "on_floor"})
    response = client.post("/api/v1/me/availability", json={"availability": "on_break"})
    body = response.json
    assert (body["availability"], body["zone_id"]) == ("on_break", None)
    assert body["on_break"]["expected_return_at"] is not None  # 15 minutes when none is said
    assert client.post("/api/v1/me/availability", json={"availability": "nap"}).status_code == 400


def test_logging_out_sets_the_associate_off(app, client, auth, shop):
    auth.login("maria")
    auth.logout()
    with app.app_context():
        from floorapp.models import User

        maria = db.session.scalar(select(User).where(User.login == "maria"))
        assert maria.availability is Availability.OFF


def test_fetch_calls_need_the_csrf_header_when_csrf_is_on(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(login="maria", name="Maria Lopez", store=make_sign().zone.store)
    client = app.test_client()
    client.post("/login", data={"login": "maria", "password": "correct-horse-battery",
                                "csrf_token": _csrf(client, "/login")})
    csrf = _csrf(client, "/", follow=True)  # the session is new after login, and so its token
    # (on_floor: a break starts from the floor, and maria has just logged in, off)
    without = client.post("/api/v1/me/availability", json={"availability": "on_floor"})
    assert without.status_code == 400 and without.json["error"]["code"] == "csrf_failed"
    with_header = client.post("/api/v1/me/availability", json={"availability": "on_floor"},
                              headers={"X-CSRFToken": csrf})
    assert with_header.status_code == 200


def _csrf(client, path: str, follow: bool = False) -> str:
    page = client.get(path, follow_redirects=follow).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_every_help_route_is_documented_in_the_openapi_document(app, client):
    documented = set(client.get("/api/v1/openapi.json").json["paths"])
    routes = {rule.rule.removeprefix("/api/v1") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint.startswith("api_")}
    as_openapi = {re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", route).replace("{request_id}", "{id}")
                  for route in routes if "<any(" not in route}
    # The thread's routes are one path each: the request by id or by public token.
    as_openapi = {re.sub(r"^/help-requests/\{(?:id|public_token)\}/(messages|photos)",
                         r"/help-requests/{request}/\1", route) for route in as_openapi}
    moves = {f"/help-requests/{{id}}/{move}" for move in
             ("claim", "arrive", "resolve", "release", "handoff", "cancel")}
    assert as_openapi | moves <= documented


def test_an_oversized_body_is_refused_with_413_and_nothing_written(app, client, shop):
    response = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                           json=with_pass(client, shop['token'], {"need": "other",
                                                                   "padding": "x" * 20000}))
    assert response.status_code == 413 and "error" in response.json
    page = client.post(f"/s/{shop['token']}",
                       data=with_pass(client, shop['token'], {"need": "other",
                                                               "note": "x" * 20000}))
    assert page.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 0
