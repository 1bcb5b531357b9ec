"""Idempotency keys on stock pulls and holds: a replay answers the first response.

POST /stock-pulls, /stock-pulls/{id}/status, /holds and /holds/{id}/release take an
Idempotency-Key header (or an `idempotency_key` field, as the outbox sends forms). The
same key with the same body answers the stored response and changes nothing; with
another body, 422; concurrent replays of one key place one hold and ask one pull.
"""

import threading

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Hold, IdempotencyRecord, StockPull
from floorapp.services.org import tokens
from tests.factories import TEST_PASSWORD, make_product, make_store, make_user

THREADS = 6


@pytest.fixture
def shop(app):
    """A store with the last pair of a size (one in the stockroom), and two associates."""
    with app.app_context():
        store = make_store(code="HERE")
        product = make_product(style="W9", sizes=("9", "10"), stock={
            store: {("9", ""): (0, 1, "B-2"), ("10", ""): (2, 2)}})
        make_user(login="ann", store=store)
        make_user(login="bob", store=store)
        _, raw = tokens.create_token(name="POS", store=store, scopes="holds:write",
                                     created_by=None)
        return {"last": product.variants_by_key[("9", "")].id,
                "plenty": product.variants_by_key[("10", "")].id, "token": raw}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _post(client, url, key, **body):
    return client.post(url, json=body, headers={"Idempotency-Key": key})


def _hold(client, key, variant_id, label="Ms Lee", minutes=15, **extra):
    return _post(client, "/api/v1/holds", key, variant_id=variant_id, customer_label=label,
                 minutes=minutes, **extra)


def test_a_replayed_hold_answers_the_first_hold_even_once_the_pair_is_gone(
        app, shop, client, auth):
    auth.login("ann")
    first = _hold(client, "hold-1", shop["last"])
    again = _hold(client, "hold-1", shop["last"])  # the last pair is held now, by this hold
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json
    assert _hold(client, "hold-2", shop["last"]).status_code == 409  # a new key really acts
    assert _count(app, Hold) == 1


def test_a_hold_key_reused_with_another_body_is_refused_and_writes_nothing(
        app, shop, client, auth):
    auth.login("ann")
    assert _hold(client, "hold-1", shop["plenty"], label="Ms Lee").status_code == 201
    other = _hold(client, "hold-1", shop["plenty"], label="Mr Park")
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"
    assert _count(app, Hold) == 1 and _count(app, IdempotencyRecord) == 1


def test_the_outbox_form_post_and_the_json_call_of_one_hold_are_one_call(
        app, shop, client, auth):
    auth.login("ann")
    form = client.post("/api/v1/holds", data={
        "variant_id": str(shop["plenty"]), "customer_label": " Ms  Lee ", "minutes": "15",
        "idempotency_key": "from-the-outbox"}, headers={"Accept": "application/json"})
    assert form.status_code == 201 and form.json["customer_label"] == "Ms Lee"
    replay = _hold(client, "from-the-outbox", shop["plenty"])  # the same hold, as JSON
    assert replay.status_code == 201 and replay.json == form.json
    assert _count(app, Hold) == 1


@pytest.mark.parametrize("fields", [
    {"variant_id": "x", "customer_label": "A", "minutes": "15"},
    {"variant_id": "-1", "customer_label": "A", "minutes": "15"},
    {"customer_label": "A", "minutes": "15"},
    {"variant_id": "1", "customer_label": "A", "minutes": "soon"},
    {"variant_id": "1", "customer_label": "A", "minutes": "15", "qty": "0"}])
def test_bad_form_fields_answer_400_and_write_nothing(app, shop, client, auth, fields):
    auth.login("ann")
    response = client.post("/api/v1/holds", data=fields, headers={"Idempotency-Key": "k"})
    assert response.status_code == 400 and response.json["error"]["message"]
    assert _count(app, Hold) == 0 and _count(app, IdempotencyRecord) == 0


def test_a_key_is_the_callers_own_a_token_and_a_person_do_not_share_it(
        app, shop, client, auth):
    auth.login("ann")
    by_ann = _hold(client, "same-key", shop["plenty"])
    by_pos = app.test_client().post(
        "/api/v1/holds", json={"variant_id": shop["plenty"], "customer_label": "Ms Lee",
                               "minutes": 15},
        headers={"Idempotency-Key": "same-key", "Authorization": f"Bearer {shop['token']}"})
    assert (by_ann.status_code, by_pos.status_code) == (201, 201)
    assert by_ann.json["id"] != by_pos.json["id"] and _count(app, Hold) == 2


def test_a_replayed_release_answers_the_first_release_not_a_conflict(app, shop, client, auth):
    auth.login("ann")
    hold_id = _hold(client, "hold-1", shop["plenty"]).json["id"]
    url = f"/api/v1/holds/{hold_id}/release"
    first = client.post(url, headers={"Idempotency-Key": "release-1"})
    again = client.post(url, headers={"Idempotency-Key": "release-1"})
    assert (first.status_code, again.status_code) == (200, 200) and again.json == first.json
    assert client.post(url, headers={"Idempotency-Key": "release-2"}).status_code == 409


def test_a_replayed_pull_asks_the_stockroom_once(app, shop, client, auth):
    auth.login("ann")
    first = _post(client, "/api/v1/stock-pulls", "pull-1", variant_id=shop["last"])
    again = _post(client, "/api/v1/stock-pulls", "pull-1", variant_id=shop["last"])
    assert (first.status_code, again.status_code) == (201, 201) and again.json == first.json
    other = _post(client, "/api/v1/stock-pulls", "pull-1", variant_id=shop["plenty"])
    assert other.status_code == 422
    assert _post(client, "/api/v1/stock-pulls", "pull-2",
                 variant_id=shop["last"]).status_code == 201
    assert _count(app, StockPull) == 2


def test_a_replayed_pull_move_answers_the_first_move_and_another_status_is_422(
        app, shop, client, auth):
    auth.login("ann")
    pull_id = _post(client, "/api/v1/stock-pulls", "pull-1", variant_id=shop["last"]).json["id"]
    url = f"/api/v1/stock-pulls/{pull_id}/status"
    picked = _post(client, url, "move-1", status="picked")
    again = client.post(url, data={"status": "picked", "idempotency_key": "move-1"})
    assert (picked.status_code, again.status_code) == (200, 200) and again.json == picked.json
    assert _post(client, url, "move-1", status="not_found").status_code == 422
    assert _post(client, url, "move-2", status="picked").status_code == 409
    with app.app_context():
        assert db.session.get(StockPull, pull_id).status.value == "picked"


def test_a_malformed_key_is_refused_before_anything_is_written(app, shop, client, auth):
    auth.login("ann")
    response = _hold(client, "k" * 129, shop["plenty"])
    assert response.status_code == 400 and _count(app, Hold) == 0


def _logged_in_clients(app, count: int) -> list:
    clients = []
    for _ in range(count):
        client = app.test_client()
        client.post("/login", data={"login": "ann", "password": TEST_PASSWORD})
        clients.append(client)
    return clients


def _race(app, call) -> list:
    """Run `call(client)` in THREADS threads at once, each with ann's own session."""
    answers, start = [], threading.Barrier(THREADS)

    def run(client):
        start.wait()
        answers.append(call(client))

    threads = [threading.Thread(target=run, args=(client,))
               for client in _logged_in_clients(app, THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_replays_of_one_hold_key_place_one_hold(app, shop):
    answers = _race(app, lambda client: _hold(client, "double-tap", shop["last"]))
    assert [a.status_code for a in answers] == [201] * THREADS
    assert len({a.json["id"] for a in answers}) == 1 and _count(app, Hold) == 1


def test_concurrent_replays_of_one_pull_key_ask_one_pull(app, shop):
    answers = _race(app, lambda client: _post(client, "/api/v1/stock-pulls", "double-tap",
                                              variant_id=shop["last"]))
    assert [a.status_code for a in answers] == [201] * THREADS
    assert len({a.json["id"] for a in answers}) == 1 and _count(app, StockPull) == 1


def test_the_openapi_document_names_the_key_and_the_422_on_these_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/stock-pulls", "/stock-pulls/{pull_id}/status", "/holds",
                 "/holds/{hold_id}/release"):
        operation = paths[path]["post"]
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]], path
        assert "422" in operation["responses"], path
