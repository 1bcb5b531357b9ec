"""The customer's API names a product: product_id or sku on submit, ids in the status, and
the sign's public, rate-limited product suggestions."""

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Event, HelpRequest, IdempotencyRecord, RetiredSignToken
from tests.factories import make_product, make_sign, make_store, with_pass


@pytest.fixture
def shop(app):
    """A sign's store stocking a runner; a boot only another store stocks."""
    with app.app_context():
        sign = make_sign()
        store, there = sign.zone.store, make_store(code="THERE")
        runner = make_product(style="NW100", brand="Northway", name="Harbor Runner",
                              color="Navy", sizes=("9", "9.5"), widths=("M", "W"),
                              stock={store: {("9", "W"): (2, 3, "B-12"), ("9.5", "M"): (0, 1)}})
        boot = make_product(style="VL200", brand="Vela", name="Harbor Boot", sizes=("9",),
                            stock={there: {("9", ""): (4, 0, "Z-9")}})
        db.session.add(RetiredSignToken(token="old-code", sign_id=sign.id))
        db.session.commit()
        return {"token": sign.token, "runner": runner.id, "boot": boot.id,
                "nine": runner.variants_by_key[("9", "W")].id,
                "half": runner.variants_by_key[("9.5", "M")].id}


def _submit(client, token, **json):
    return client.post(f"/api/v1/signs/{token}/help-requests",
                       json=with_pass(client, token, {"need": "find_size", **json}))


def _written(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(t))
                     for t in (HelpRequest, Event, IdempotencyRecord))


def test_a_chosen_product_id_and_size_come_back_in_the_status(client, shop):
    created = _submit(client, shop["token"], product_id=shop["runner"], size="9 W")
    assert created.status_code == 201
    status = client.get(f"/api/v1/help-requests/{created.json['public_token']}").json
    assert (status["product_id"], status["variant_id"]) == (shop["runner"], shop["nine"])


def test_a_sku_names_the_product_and_the_size(client, shop):
    created = _submit(client, shop["token"], sku="nw100-9.5m")
    status = client.get(f"/api/v1/help-requests/{created.json['public_token']}").json
    assert (status["product_id"], status["variant_id"]) == (shop["runner"], shop["half"])


def test_free_text_has_no_ids_in_the_status(client, shop):
    created = _submit(client, shop["token"], product="the blue ones", size="9")
    status = client.get(f"/api/v1/help-requests/{created.json['public_token']}").json
    assert (status["product_id"], status["variant_id"]) == (None, None)


@pytest.mark.parametrize(("fields", "code"), [
    ({"product_id": "boot"}, "product_not_in_store"),
    ({"product_id": 999_999}, "product_not_in_store"),
    ({"sku": "VL200-9"}, "product_not_in_store"),
    ({"sku": "NO-SUCH-SKU"}, "product_not_in_store"),
    ({"product_id": "boot", "sku": "NW100-9W"}, "product_not_in_store"),
    ({"product_id": "nine"}, "invalid_product"),
    ({"product_id": True}, "invalid_product"),
    ({"product_id": 1.5}, "invalid_product"),
    ({"product_id": {"id": 1}}, "invalid_product"),
    ({"product_id": 2**63}, "invalid_product"),
    ({"sku": 12}, "invalid_input"),
    ({"sku": "x" * 41}, "too_long"),
])
def test_a_product_not_in_this_store_is_refused_with_the_error_shape_and_nothing_written(
        app, client, shop, fields, code):
    fields = {name: shop["boot"] if value == "boot" else value for name, value in fields.items()}
    if fields.get("product_id") == "nine":
        fields["product_id"] = "9 W"
    before = _written(app)
    response = client.post(f"/api/v1/signs/{shop['token']}/help-requests",
                           json=with_pass(client, shop['token'], {"need": "find_size", **fields}),
                           headers={"Idempotency-Key": "one-key"})
    assert response.status_code == 400
    assert set(response.json) == {"error"} and response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert _written(app) == before


def test_the_same_key_and_choice_answer_the_first_request(app, client, shop):
    body = with_pass(client, shop["token"], {"need": "find_size", "product_id": shop["runner"],
                                             "size": "9 W"})
    url, headers = f"/api/v1/signs/{shop['token']}/help-requests", {"Idempotency-Key": "k-9"}
    first = client.post(url, json=body, headers=headers)
    before = _written(app)
    again = client.post(url, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and _written(app) == before
    changed = client.post(url, json={**body, "size": "9.5 M"}, headers=headers)
    assert changed.status_code == 422 and _written(app) == before


def test_suggestions_are_this_stores_products_and_nothing_internal(client, shop):
    response = client.get(f"/api/v1/signs/{shop['token']}/products?q=harbor")
    assert response.status_code == 200
    assert response.json == {"products": [
        {"id": shop["runner"], "name": "Harbor Runner", "brand": "Northway", "color": "Navy",
         "image_url": None, "sizes": ["9 W", "9.5 M"]}]}
    raw = response.get_data(as_text=True)
    assert "B-12" not in raw and "price" not in raw and "stock" not in raw
    assert client.get(f"/api/v1/signs/{shop['token']}/products?q=h").json == {"products": []}


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/v1/signs/{token}/products?q=" + "x" * 81, 400, "invalid_input"),
    ("/api/v1/signs/{token}/products", 400, "invalid_input"),
    ("/api/v1/signs/{token}/products?q=a%00b", 400, "nul_character"),
    ("/api/v1/signs/{token}/products?q=a%01b", 400, "control_character"),
    ("/api/v1/signs/not-a-sign/products?q=harbor", 404, "not_found"),
    ("/api/v1/signs/old-code/products?q=harbor", 410, None),
])
def test_bad_suggestion_asks_get_a_clear_4xx_in_the_error_shape(client, shop, path, status,
                                                                code):
    response = client.get(path.format(token=shop["token"]))
    assert response.status_code == status
    assert set(response.json) == {"error"} and response.json["error"]["message"]
    if code:
        assert response.json["error"]["code"] == code


def test_suggestions_are_rate_limited_per_address(make_app):
    app = make_app(SUGGEST_LIMIT_PER_ADDRESS="3 per minute")
    with app.app_context():
        token = make_sign().token
    client = app.test_client()
    codes = [client.get(f"/api/v1/signs/{token}/products?q=runner").status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(f"/api/v1/signs/{token}/products?q=runner",
                      environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200
