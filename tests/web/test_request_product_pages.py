"""The sign's form names a product and size; the associate's card answers and the claim lands
on the size run (plain forms, no JavaScript)."""

import re

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Event, HelpRequest
from tests.factories import (
    forget_open_request,
    make_product,
    make_sign,
    make_store,
    make_user,
    with_pass,
)


@pytest.fixture
def shop(app):
    """A store with a sign and two associates; a shoe it stocks and one only another store has."""
    with app.app_context():
        store = make_store(code="NYC-1")
        sign = make_sign(zone=store.zones[0])
        there = make_store(code="THERE")
        make_user(login="maria", name="Maria Lopez", store=store)
        make_user(login="sam", name="Sam Okafor", store=store)
        runner = make_product(style="NW100", brand="Northway", name="Harbor Runner",
                              color="Navy", sizes=("9", "9.5"), widths=("W",),
                              stock={store: {("9", "W"): (2, 3, "B-12"), ("9.5", "W"): (0, 0)}})
        boot = make_product(style="VL200", name="Ember Boot", sizes=("9",),
                            stock={there: {("9", ""): (4, 0)}})
        return {"token": sign.token, "runner": runner.id, "boot": boot.id,
                "nine": runner.variants_by_key[("9", "W")].id,
                "half": runner.variants_by_key[("9.5", "W")].id}


def _post(client, token, **fields):
    forget_open_request(client)  # each post is another customer
    return client.post(f"/s/{token}",
                       data=with_pass(client, token, {"need": "find_size", **fields}))


def _latest(app):
    with app.app_context():
        return db.session.scalars(select(HelpRequest).order_by(HelpRequest.id.desc())).first()


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(t))
                     for t in (HelpRequest, Event))


def test_a_typed_style_and_size_are_matched_on_submit_without_javascript(app, client, shop):
    assert _post(client, shop["token"], product="nw100", size="9 wide").status_code == 303
    stored = _latest(app)
    assert (stored.product_id, stored.variant_id) == (shop["runner"], shop["nine"])
    assert (stored.product_query, stored.size_label) == ("nw100", "9 wide")


def test_an_unknown_product_is_kept_as_the_customer_typed_it(app, client, shop):
    assert _post(client, shop["token"], product="Ember Boot", size="9").status_code == 303
    stored = _latest(app)
    assert (stored.product_id, stored.variant_id, stored.product_query) == (
        None, None, "Ember Boot")


def test_a_chosen_product_is_stored_with_the_size(app, client, shop):
    response = _post(client, shop["token"], product="Northway Harbor Runner, Navy",
                     product_id=str(shop["runner"]), size="9.5 W")
    assert response.status_code == 303
    stored = _latest(app)
    assert (stored.product_id, stored.variant_id) == (shop["runner"], shop["half"])


@pytest.mark.parametrize("product_id", ["boot", "999999", "abc"])
def test_a_chosen_product_not_in_this_store_gets_the_form_again_with_the_message(
        app, client, shop, product_id):
    before = _counts(app)
    chosen = str(shop["boot"]) if product_id == "boot" else product_id
    response = _post(client, shop["token"], product="Ember Boot", product_id=chosen,
                     size="9", note="by the mirror", idempotency_key="same-key")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "We could not find that product in this store." in page
    assert 'value="Ember Boot"' in page and "by the mirror" in page
    assert 'name="product_id" id="product-id" value=""' in page  # sent again: free text
    assert _counts(app) == before
    again = _post(client, shop["token"], product="Ember Boot", size="9", note="by the mirror",
                  idempotency_key="same-key")
    assert again.status_code == 303 and _counts(app)[0] == before[0] + 1


def test_the_message_is_in_spanish_for_a_spanish_customer(client, shop):
    page = client.post(f"/s/{shop['token']}?lang=es", data=with_pass(client, shop['token'], {
        "need": "find_size", "product_id": str(shop["boot"])})).get_data(as_text=True)
    assert "No encontramos ese producto en esta tienda." in page


def test_the_card_answers_with_the_sizes_figures_and_opens_the_size_run(app, client, auth, shop):
    ids = []
    for size in ("9 W", "9.5 W", ""):
        _post(client, shop["token"], product="NW100", size=size)
        ids.append(_latest(app).id)
    auth.login("maria")
    page = client.get("/stores/NYC-1/floor").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Size 9 W — 2 on the floor, 3 in the stockroom (bin B-12)" in text
    assert "Size 9.5 W — out here; nearest 9 W (5)" in text
    base = f"/stores/NYC-1/products/{shop['runner']}"
    # opened from its request, the size run carries the request's thread (web/lookup.py)
    nine, half, product_only = (f"{base}?help_request={rid}" for rid in ids)
    assert f'href="{nine}&amp;variant={shop["nine"]}#selected">Open the size run' in page
    assert f'href="{half}&amp;variant={shop["half"]}#selected">Open the size run' in page
    assert f'href="{product_only}">Open the product' in page
    assert text.count("Northway Harbor Runner, Navy") == 3


def test_claiming_from_the_queue_page_lands_on_the_size_run(app, client, auth, shop):
    _post(client, shop["token"], product="NW100", size="9 W")
    rid = _latest(app).id
    auth.login("maria")
    response = client.post(f"/stores/NYC-1/floor/requests/{rid}/claim")
    assert response.status_code == 303
    assert response.location == (f"/stores/NYC-1/products/{shop['runner']}"
                                 f"?help_request={rid}&variant={shop['nine']}#selected")
    page = client.get(response.location).get_data(as_text=True)
    assert "On your way" in page and "B-12" in page


def test_claiming_a_request_with_a_product_only_lands_on_the_product(app, client, auth, shop):
    _post(client, shop["token"], product="NW100")
    rid = _latest(app).id
    auth.login("maria")
    response = client.post(f"/stores/NYC-1/floor/requests/{rid}/claim")
    assert response.location == f"/stores/NYC-1/products/{shop['runner']}?help_request={rid}"


def test_claiming_free_text_or_a_refused_claim_stays_on_the_queue(app, client, auth, shop):
    _post(client, shop["token"], product="something blue")
    free = _latest(app).id
    _post(client, shop["token"], product="NW100", size="9 W")
    taken = _latest(app).id
    auth.login("sam")
    client.post(f"/stores/NYC-1/floor/requests/{taken}/claim")
    auth.logout()
    auth.login("maria")
    assert client.post(f"/stores/NYC-1/floor/requests/{free}/claim").location == (
        "/stores/NYC-1/floor")
    refused = client.post(f"/stores/NYC-1/floor/requests/{taken}/claim")
    assert refused.location == "/stores/NYC-1/floor"  # already Sam's: explained on the queue
    assert "already claimed by Sam" in client.get(refused.location).get_data(as_text=True)


def test_the_json_claim_is_unchanged_and_the_queue_json_names_the_product(app, client, auth,
                                                                         shop):
    _post(client, shop["token"], product="NW100", size="9 W")
    rid = _latest(app).id
    auth.login("maria")
    queue = client.get("/api/v1/stores/NYC-1/queue").json["requests"]
    assert [(i["id"], i["product_id"], i["variant_id"]) for i in queue] == [
        (rid, shop["runner"], shop["nine"])]
    claimed = client.post(f"/api/v1/help-requests/{rid}/claim", json={},
                          headers={"Idempotency-Key": "c-1"})
    assert claimed.status_code == 200
    summary = claimed.json["help_request"]
    assert (summary["status"], summary["product_id"], summary["variant_id"]) == (
        "claimed", shop["runner"], shop["nine"])
