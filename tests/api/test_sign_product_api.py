"""The customer's price check over JSON: public, this store only, rate-limited, junk refused."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Event, HelpRequest, LookupMiss, LookupSource, RetiredSignToken
from floorapp.services.inventory.customer_view import SIZE_WORDS
from tests.factories import make_product, make_sign, make_store


@pytest.fixture
def shop(app):
    """A sign's store stocking a runner; a boot only another store carries; a retired code."""
    with app.app_context():
        sign = make_sign()
        store, there = sign.zone.store, make_store(code="THERE", name="Fifth Avenue")
        runner = make_product(style="NW100", brand="Northway", name="Harbor Runner",
                              color="Navy", price_cents=8999, sizes=("9", "9.5"),
                              widths=("M", "W"),
                              stock={store: {("9", "W"): (2, 3, "B-12"), ("9.5", "M"): (0, 1)},
                                     there: {("9", "M"): (5, 0)}})
        boot = make_product(style="VL200", brand="Vela", name="Harbor Boot", sizes=("9",),
                            stock={there: {("9", ""): (4, 0, "Z-9")}})
        runner.variants_by_key[("9", "W")].upc = "036000291452"
        db.session.add(RetiredSignToken(token="old-code", sign_id=sign.id))
        db.session.commit()
        return {"token": sign.token, "runner": runner.id, "boot": boot.id}


def _written(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(t))
                     for t in (HelpRequest, Event, LookupMiss))


def test_a_product_answers_the_customers_view(client, shop):
    response = client.get(f"/api/v1/signs/{shop['token']}/products/{shop['runner']}")
    assert response.status_code == 200
    body = response.json
    assert body["product"]["name"] == "Harbor Runner" and body["product"]["price_cents"] == 8999
    assert {s["label"]: s["availability"] for s in body["sizes"]} == {
        "9 M": "not_here", "9 W": "on_shelf", "9.5 M": "last_one", "9.5 W": "not_here"}
    assert body["looked_up"] is None
    assert all(s["availability"] in SIZE_WORDS for s in body["sizes"])
    assert "B-12" not in response.text and "NW100" not in response.text
    assert "THERE" not in response.text and "Fifth" not in response.text


def test_a_scanned_upc_or_a_typed_sku_names_the_size(client, shop):
    by_upc = client.get(f"/api/v1/signs/{shop['token']}/codes/036000291452").json
    assert by_upc["looked_up"]["label"] == "9 W"
    by_sku = client.get(f"/api/v1/signs/{shop['token']}/codes/nw100-9.5m").json
    assert by_sku["looked_up"] == {"size": "9.5", "width": "M", "label": "9.5 M",
                                   "availability": "last_one", "elsewhere": []}


def _sources(app):
    with app.app_context():
        return db.session.scalars(select(LookupMiss.source)).all()


def test_a_size_not_here_counts_as_a_customers_look_once_after_the_answer(app, client, shop):
    url = f"/api/v1/signs/{shop['token']}/codes/NW100-9M"
    answer = client.get(url)
    assert answer.json["looked_up"]["availability"] == "not_here"
    assert _sources(app) == []  # the answer did not wait for the write
    answer.close()  # what a WSGI server does after the last byte
    assert _sources(app) == [LookupSource.CUSTOMER]
    client.get(url).close()
    assert _sources(app) == [LookupSource.CUSTOMER]


@pytest.mark.parametrize(("path", "status"), [
    ("/api/v1/signs/old-code/products/{runner}", 410),
    ("/api/v1/signs/old-code/codes/NW100-9W", 410),
    ("/api/v1/signs/nope/products/{runner}", 404),
    ("/api/v1/signs/nope/codes/NW100-9W", 404),
    ("/api/v1/signs/{token}/products/{boot}", 404),
    ("/api/v1/signs/{token}/products/999999", 404),
    ("/api/v1/signs/{token}/codes/VL200-9", 404),
    ("/api/v1/signs/{token}/codes/NO-SUCH-CODE", 404),
])
def test_retired_unknown_and_other_stores_products_answer_410_or_404(app, client, shop, path,
                                                                     status):
    before = _written(app)
    response = client.get(path.format(**shop))
    assert response.status_code == status
    assert set(response.json) == {"error"} and response.json["error"]["message"]
    assert _written(app) == before


def test_another_stores_exclusive_is_word_for_word_an_unknown_code(client, shop):
    exclusive = client.get(f"/api/v1/signs/{shop['token']}/codes/VL200-9")
    unknown = client.get(f"/api/v1/signs/{shop['token']}/codes/VL200-8")
    assert exclusive.json == unknown.json and exclusive.status_code == unknown.status_code


@pytest.mark.parametrize("code", [
    "x" * 10_000, "x" * 65, "x" * 41, "١٢٣٤٥٦٧٨٩٠١٢", "１２３４", "NW100%00", "NW%1B[2J",
    "NW100%20%0A", "%E2%80%AE123", "a<b>", "%20",
])
def test_junk_codes_answer_400_with_a_message_and_write_nothing(app, client, shop, code):
    before = _written(app)
    response = client.get(f"/api/v1/signs/{shop['token']}/codes/{code}")
    assert response.status_code == 400, (code[:20], response.status_code)
    assert response.json["error"]["message"]
    assert _written(app) == before


@pytest.mark.parametrize("product_id", ["٣", "²", "-1", "+1", "9" * 30, "1.5", "abc"])
def test_bad_product_ids_answer_a_4xx_and_write_nothing(app, client, shop, product_id):
    before = _written(app)
    response = client.get(f"/api/v1/signs/{shop['token']}/products/{quote(product_id)}")
    assert response.status_code in (400, 404)
    assert response.json["error"]["message"]
    assert _written(app) == before


def _limited(make_app, **limits):
    app = make_app(**limits)
    with app.app_context():
        token, other = make_sign().token, make_sign().token
        product_id = make_product(stock={}).id  # not carried: answered 404, still counted
    return app.test_client(), f"/api/v1/signs/{token}/products/{product_id}", other


def test_the_price_check_is_limited_per_address(make_app):
    client, url, other = _limited(make_app, CHECK_LIMIT_PER_ADDRESS="3 per minute")
    assert [client.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]
    assert client.get(f"/api/v1/signs/{other}/codes/X-1").status_code == 429
    assert client.get(url, environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 404


def test_the_price_check_is_limited_per_sign(make_app):
    client, url, other = _limited(make_app, CHECK_LIMIT_PER_SIGN="3 per minute")
    codes = [client.get(url, environ_base={"REMOTE_ADDR": f"10.1.1.{n}"}).status_code
             for n in range(4)]
    assert codes == [404, 404, 404, 429]
    refused = client.get(url.replace("/products/", "/codes/X-") + "1",
                         environ_base={"REMOTE_ADDR": "10.1.1.9"})
    assert refused.status_code == 429 and refused.json["error"]["message"]
    assert client.get(f"/api/v1/signs/{other}/codes/X-1",
                      environ_base={"REMOTE_ADDR": "10.1.1.9"}).status_code == 404


def test_both_routes_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/signs/{sign_token}/products/{product_id}" in spec["paths"]
    assert "/signs/{sign_token}/codes/{tag_code}" in spec["paths"]
    assert spec["components"]["schemas"]["CustomerSize"]["properties"]["availability"][
        "enum"] == list(SIZE_WORDS)
