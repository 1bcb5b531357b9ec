"""The handheld pages: search without JS, codes jump, the grid, actions, the customer view."""

import io
import re

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import ApiToken, Hold, LookupMiss, Product, Role, Stock, StockPull
from floorapp.services.inventory.catalog_write import make_upc
from tests.factories import make_product, make_store, make_user


@pytest.fixture
def shop(app):
    with app.app_context():
        here, there = make_store(code="HERE"), make_store(code="THERE")
        product = make_product(style="W5", name="Glide Flat", sizes=("8", "9", "10"), stock={
            here: {("8", ""): (1, 2, "A-3"), ("9", ""): (0, 0), ("10", ""): (0, 1, "C-9")},
            there: {("9", ""): (4, 0)}})
        variant = product.variants_by_key[("8", "")]
        variant.upc = make_upc(777)
        db.session.commit()
        make_user(login="ann", store=here)
        make_user(login="max", role=Role.MANAGER, store=here)
        return {"product": product.id, "v8": variant.id, "upc": variant.upc,
                "v9": product.variants_by_key[("9", "")].id,
                "v10": product.variants_by_key[("10", "")].id}


def test_the_search_form_works_without_javascript(shop, client, auth):
    auth.login("ann")
    page = client.get("/stores/HERE/lookup?q=glide").get_data(as_text=True)
    assert "Glide Flat" in page and f"/stores/HERE/products/{shop['product']}" in page


def test_a_scanned_or_typed_upc_jumps_to_its_size(shop, client, auth):
    auth.login("ann")
    response = client.get(f"/stores/HERE/lookup?q={shop['upc']}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/stores/HERE/products/{shop['product']}?variant={shop['v8']}#selected")


def test_the_results_partial_answers_as_you_type(shop, client, auth):
    auth.login("ann")
    partial = client.get("/stores/HERE/lookup/results?q=gli").get_data(as_text=True)
    assert "Glide Flat" in partial and "<html" not in partial


def test_another_stores_lookup_is_not_found(shop, client, auth):
    auth.login("ann")
    assert client.get("/stores/THERE/lookup?q=glide").status_code == 404
    assert client.get(f"/stores/THERE/products/{shop['product']}").status_code == 404


def test_the_product_page_shows_the_cells_figures_bin_and_other_stores(shop, client, auth):
    auth.login("ann")
    page = client.get(f"/stores/HERE/products/{shop['product']}?variant={shop['v8']}")
    text = page.get_data(as_text=True)
    assert "Size 8" in text and "bin A-3" in text and "out of stock" in text
    assert "Ask the stockroom for this pair" in text


def test_landing_on_an_out_of_stock_size_suggests_nearest_and_records_a_miss(shop, app, client,
                                                                            auth):
    auth.login("ann")
    text = client.get(f"/stores/HERE/products/{shop['product']}?variant={shop['v9']}").get_data(
        as_text=True)
    assert "Nearest sizes in stock" in text and "THERE: 4" in text
    client.get(f"/stores/HERE/products/{shop['product']}?variant={shop['v9']}")  # a reload
    with app.app_context():
        misses = db.session.scalars(select(LookupMiss)).all()
        assert [(m.size_label, m.product_id) for m in misses] == [("9", shop["product"])]


def test_the_customer_view_shows_sizes_to_take_home_and_nothing_internal(shop, client, auth):
    auth.login("ann")
    text = client.get(f"/stores/HERE/products/{shop['product']}/customer").get_data(as_text=True)
    assert "Sizes you can take home today" in text
    assert "A-3" not in text and "THERE" not in text and "Stockroom" not in text
    assert "<li>8</li>" in text and "<li>10</li>" in text and "<li>9</li>" not in text


def test_holding_and_asking_for_a_pair_from_a_cell(shop, app, client, auth):
    auth.login("ann")
    held = client.post(f"/stores/HERE/variants/{shop['v8']}/hold",
                       data={"customer_label": "Ms Lee", "minutes": "30"})
    assert held.status_code == 302 and "after=action" in held.headers["Location"]
    client.post(f"/stores/HERE/variants/{shop['v8']}/pull")
    text = client.get(f"/stores/HERE/products/{shop['product']}?variant={shop['v8']}").get_data(
        as_text=True)
    assert "Ms Lee" in text and "Your stockroom requests" in text
    too_many = client.post(f"/stores/HERE/variants/{shop['v10']}/hold",
                           data={"customer_label": "B", "minutes": "30"}, follow_redirects=True)
    assert too_many.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 2
        assert db.session.scalar(select(func.count()).select_from(StockPull)) == 1


def test_the_stockroom_moves_a_pull_from_its_list(shop, app, client, auth):
    auth.login("ann")
    client.post(f"/stores/HERE/variants/{shop['v8']}/pull")
    assert "Glide Flat" in client.get("/stores/HERE/pulls").get_data(as_text=True)
    with app.app_context():
        pull_id = db.session.scalars(select(StockPull.id)).one()
    client.post(f"/stores/HERE/pulls/{pull_id}/picked")
    client.post(f"/stores/HERE/pulls/{pull_id}/delivered")
    with app.app_context():
        assert db.session.get(StockPull, pull_id).delivered_at is not None


def test_managers_adjust_stock_by_hand_and_associates_cannot(shop, app, client, auth):
    auth.login("ann")
    form = {"floor": "3", "stockroom": "0", "bin": "Z-1"}
    assert client.post(f"/stores/HERE/variants/{shop['v9']}/stock", data=form).status_code == 403
    auth.logout()
    auth.login("max")
    client.post(f"/stores/HERE/variants/{shop['v9']}/stock", data=form)
    client.post(f"/stores/HERE/variants/{shop['v9']}/stock", data=form | {"floor": "-2"})
    with app.app_context():
        from floorapp.models import Store
        here = db.session.scalar(select(Store.id).where(Store.code == "HERE"))
        stock = db.session.get(Stock, (shop["v9"], here))
        assert (stock.floor_qty, stock.bin) == (3, "Z-1")


def test_an_admin_imports_a_csv_after_seeing_the_dry_run(shop, app, client, auth):
    with app.app_context():  # a new product is the chain's: an admin's (a manager's: 403)
        make_user(login="root", role=Role.ADMIN)
    auth.login("root")
    csv_text = b"style,brand,name,sku,size,floor,stockroom\nK1,Okra,Puddle Boot,K1-10C,10C,2,0\n"
    checked = client.post("/stores/HERE/catalog/import", data={
        "file": (io.BytesIO(csv_text), "catalog.csv")}, content_type="multipart/form-data")
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "What this file would change" in text
    with app.app_context():
        assert db.session.scalar(select(Product).where(Product.style == "K1")) is None
    upload = text.split('name="upload" value="')[1].split('"')[0]
    done = client.post("/stores/HERE/catalog/import/confirm", data={"upload": upload})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Product).where(Product.style == "K1")) is not None


def test_associates_cannot_import_or_manage_tokens(shop, client, auth):
    auth.login("ann")
    assert client.get("/stores/HERE/catalog/import").status_code == 403
    assert client.get("/stores/HERE/api-tokens").status_code == 403


def test_a_manager_creates_a_token_sees_it_once_and_revokes_it(shop, app, client, auth):
    auth.login("max")
    created = client.post("/stores/HERE/api-tokens", data={"name": "Till", "scopes": [
        "stock:write"]})
    assert created.status_code == 201
    secret = created.get_data(as_text=True).split('id="new-secret" readonly value="')[1][:20]
    assert secret.startswith("fa_")
    assert secret not in client.get("/stores/HERE/api-tokens").get_data(as_text=True)
    with app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    client.post(f"/stores/HERE/api-tokens/{token_id}/revoke")
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None


def test_holding_the_last_pair_is_not_counted_as_lost_demand(shop, app, client, auth):
    auth.login("ann")
    response = client.post(f"/stores/HERE/variants/{shop['v10']}/hold",
                           data={"customer_label": "Ms Lee", "minutes": "30"},
                           follow_redirects=True)
    assert "Held for Ms Lee." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LookupMiss)) == 0


OUTBOX_FORM = re.compile(r'<form method="post"[^>]* data-outbox="([^"]+)"[^>]*'
                         r' data-idempotency-key="([^"]+)"[^>]*>\s*<input[^>]*csrf_token[^>]*>'
                         r'\s*<input type="hidden" name="idempotency_key" value="([^"]+)">')


def test_each_rendered_action_form_names_its_api_call_and_a_fresh_key(shop, app, client, auth):
    auth.login("ann")
    client.post(f"/stores/HERE/variants/{shop['v8']}/hold",
                data={"customer_label": "Ms Lee", "minutes": "30"})
    page = f"/stores/HERE/products/{shop['product']}?variant={shop['v8']}"
    first = OUTBOX_FORM.findall(client.get(page).get_data(as_text=True))
    again = OUTBOX_FORM.findall(client.get(page).get_data(as_text=True))
    with app.app_context():
        hold_id = db.session.scalars(select(Hold.id)).one()
    assert [url for url, _, _ in first] == [
        "/api/v1/stock-pulls", "/api/v1/holds", f"/api/v1/holds/{hold_id}/release"]
    assert all(attribute == field for _, attribute, field in first)
    keys = {key for _, key, _ in first + again}
    assert len(keys) == 6, "a key is one intent: never shared by two forms or two renders"
    client.post(f"/stores/HERE/variants/{shop['v8']}/pull")
    pulls_page = client.get("/stores/HERE/pulls").get_data(as_text=True)
    assert len(OUTBOX_FORM.findall(pulls_page)) == 2  # picked, not found


def test_a_form_sent_twice_with_its_key_holds_and_asks_once(shop, app, client, auth):
    auth.login("ann")
    for _ in range(2):
        held = client.post(f"/stores/HERE/variants/{shop['v10']}/hold", follow_redirects=True,
                           data={"customer_label": "Ms Lee", "minutes": "30",
                                 "idempotency_key": "form-key"})
        assert "Held for Ms Lee." in held.get_data(as_text=True)  # the last pair: no 409
        client.post(f"/stores/HERE/variants/{shop['v10']}/pull",
                    data={"idempotency_key": "pull-key"})
    other = client.post(f"/stores/HERE/variants/{shop['v10']}/hold", follow_redirects=True,
                        data={"customer_label": "Mr Park", "minutes": "30",
                              "idempotency_key": "form-key"})
    assert "already used for a different request" in other.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 1
        assert db.session.scalar(select(func.count()).select_from(StockPull)) == 1
