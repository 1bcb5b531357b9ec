"""The catalog import page: a manager's file reaches only their store's stock."""

import io

import pytest
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import AuditEntry, Product, Role, Stock, Store
from tests.factories import make_product, make_store, make_user

HEADER = b"style,brand,name,sku,size,store,floor,stockroom,bin\n"


@pytest.fixture
def chain(app):
    with app.app_context():
        nyc, la = make_store(code="NYC-5TH"), make_store(code="LA-GROVE")
        make_product(style="W1", brand="Vela", name="Glide Flat", sizes=("8",),
                     stock={nyc: {("8", ""): (3, 4, "N-1")}, la: {("8", ""): (5, 6, "L-1")}})
        make_user(login="nyc.boss", role=Role.MANAGER, store=nyc)
        make_user(login="root", role=Role.ADMIN)
    return app


def _check(client, code: str, body: bytes):
    return client.post(f"/stores/{code}/catalog/import", data={
        "file": (io.BytesIO(HEADER + body), "catalog.csv")}, content_type="multipart/form-data")


def _figures(code: str) -> tuple:
    store = db.session.scalar(select(Store).where(Store.code == code))
    row = db.session.scalars(select(Stock).where(Stock.store_id == store.id)).one()
    return row.floor_qty, row.stockroom_qty, row.bin


def _upload(page: str) -> str:
    return page.split('name="upload" value="')[1].split('"')[0]


def test_a_managers_file_naming_another_store_is_refused_with_its_line(chain, client, auth):
    auth.login("nyc.boss")
    checked = _check(client, "NYC-5TH", b"W1,Vela,Glide Flat,W1-8,8,LA-GROVE,0,0,X\n")
    page = checked.get_data(as_text=True)
    assert checked.status_code == 403
    assert "<td>2</td>" in page and "store LA-GROVE is not NYC-5TH" in page
    assert 'name="upload"' not in page and "Import this file" not in page
    with chain.app_context():
        assert _figures("LA-GROVE") == (5, 6, "L-1")
        assert db.session.scalars(select(AuditEntry)).all() == []


def test_a_managers_file_adding_a_product_is_refused(chain, client, auth):
    auth.login("nyc.boss")
    checked = _check(client, "NYC-5TH", b"K1,Okra,Puddle Boot,K1-10C,10C,,2,0,\n")
    assert checked.status_code == 403 and "only an admin adds" in checked.get_data(as_text=True)
    with chain.app_context():
        assert db.session.scalar(select(Product).where(Product.style == "K1")) is None


def test_a_manager_sets_their_stores_stock_after_the_dry_run(chain, client, auth):
    auth.login("nyc.boss")
    checked = _check(client, "NYC-5TH", b"W1,Vela,Glide Flat,W1-8,8,,7,1,N-2\n")
    assert checked.status_code == 200
    done = client.post("/stores/NYC-5TH/catalog/import/confirm",
                       data={"upload": _upload(checked.get_data(as_text=True))})
    assert done.status_code == 302
    with chain.app_context():
        assert _figures("NYC-5TH") == (7, 1, "N-2") and _figures("LA-GROVE") == (5, 6, "L-1")


def test_an_admin_sets_another_stores_stock_from_any_stores_page(chain, client, auth):
    auth.login("root")
    checked = _check(client, "NYC-5TH", b"W1,Vela,Glide Flat,W1-8,8,LA-GROVE,0,0,X\n")
    assert checked.status_code == 200
    client.post("/stores/NYC-5TH/catalog/import/confirm",
                data={"upload": _upload(checked.get_data(as_text=True))})
    with chain.app_context():
        assert _figures("LA-GROVE") == (0, 0, "X")
        la = db.session.scalar(select(Store.id).where(Store.code == "LA-GROVE"))
        assert db.session.scalar(select(AuditEntry.store_id).where(
            AuditEntry.action == "stock.import")) == la
