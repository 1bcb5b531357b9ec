"""Who may change what through the catalog import.

A store manager's import sets only their own store's stock (floor, stockroom, bin) of
products and sizes the catalog already holds; everything every store sees (products,
sizes, codes, prices) and every other store's stock is an admin's (or the command
line's). A row beyond the importer's reach refuses the whole file, skipping or not.
"""

import pytest
from sqlalchemy import select

from floorapp.errors import Forbidden
from floorapp.extensions import db
from floorapp.models import AuditEntry, Product, Role, Stock, Store, User, Variant
from floorapp.services.inventory.catalog_import import import_csv
from tests.factories import make_product, make_store, make_user

HEADER = "style,brand,name,color,price,department,sku,upc,size,width,store,floor,stockroom,bin\n"
FIELDS = HEADER.strip().split(",")
TEE = {"style": "A7", "brand": "Okra", "name": "Field Tee", "color": "Red", "price": "19.00",
       "department": "Apparel", "sku": "A7-M", "size": "M", "floor": "9"}
SAME = {"style": "W1", "brand": "Vela", "name": "Glide Flat", "color": "Navy",
        "price": "89.00", "department": "Women's Shoes", "sku": "W1-8", "upc": "",
        "size": "8", "width": "", "store": "", "floor": "1", "stockroom": "2", "bin": "N-9"}


@pytest.fixture
def chain(app):
    """Two stores stocking one product, each with a manager; an admin; an associate."""
    with app.app_context():
        nyc, la = make_store(code="NYC-5TH"), make_store(code="LA-GROVE")
        make_product(style="W1", brand="Vela", name="Glide Flat", price_cents=8900,
                     sizes=("8", "9"), stock={nyc: {("8", ""): (3, 4, "N-1")},
                                              la: {("8", ""): (5, 6, "L-1")}})
        make_product(style="A7", brand="Okra", name="Field Tee", color="Red", price_cents=1900,
                     department="Apparel", sizes=("M",), stock={nyc: {("M", ""): (1, 1, "T-1")}})
        make_user(login="nyc.boss", role=Role.MANAGER, store=nyc)
        make_user(login="admin", role=Role.ADMIN)
        make_user(login="ann", store=nyc)
    return app


def _csv(*rows: dict) -> str:
    return HEADER + "".join(",".join(SAME[name] if name not in row else row[name]
                                     for name in FIELDS) + "\n" for row in rows)


def _user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def _store(code: str) -> Store:
    return db.session.scalar(select(Store).where(Store.code == code))


def _stock(code: str, sku: str = "W1-8") -> tuple | None:
    row = db.session.scalar(select(Stock).join(Variant).where(
        Variant.sku == sku, Stock.store_id == _store(code).id))
    return (row.floor_qty, row.stockroom_qty, row.bin) if row else None


def _as_manager(text: str, **options):
    return import_csv(text, actor=_user("nyc.boss"), default_store=_store("NYC-5TH"),
                      **{"dry_run": False} | options)


def _untouched() -> None:
    assert _stock("NYC-5TH") == (3, 4, "N-1") and _stock("LA-GROVE") == (5, 6, "L-1")
    assert _stock("NYC-5TH", "W1-9") is None and _stock("NYC-5TH", "A7-M") == (1, 1, "T-1")
    product = db.session.scalar(select(Product).where(Product.style == "W1"))
    assert (product.brand, product.name, product.price_cents) == ("Vela", "Glide Flat", 8900)
    assert len(db.session.scalars(select(Variant)).all()) == 3
    assert db.session.scalars(select(AuditEntry)).all() == []


@pytest.mark.parametrize("skip_bad_rows", [False, True])
def test_a_managers_rows_for_another_store_refuse_the_whole_import(chain, skip_bad_rows):
    with chain.app_context():
        report = _as_manager(_csv({"floor": "7"}, {"store": "LA-GROVE", "floor": "0",
                                                   "stockroom": "0", "bin": "X"},
                                  {"sku": "W1-9", "size": "9", "store": "la-grove"}),
                             skip_bad_rows=skip_bad_rows)
        assert not report.applied and report.forbidden == 2
        assert [line for line, _ in report.errors] == [3, 4]
        assert "LA-GROVE" in report.errors[0][1] and "NYC-5TH" in report.errors[0][1]
        _untouched()


def test_a_row_for_a_store_that_does_not_exist_is_refused_like_another_store(chain):
    with chain.app_context():
        report = _as_manager(_csv({"store": "NOWHERE"}))
        assert not report.applied and report.forbidden == 1
        assert "NOWHERE" in report.errors[0][1] and "NYC-5TH" in report.errors[0][1]
        _untouched()


def test_a_manager_sets_their_own_stores_stock_of_sizes_the_catalog_holds(chain):
    with chain.app_context():
        report = _as_manager(_csv({"floor": "7", "stockroom": "0", "bin": "N-2"},
                                  {"sku": "W1-9", "size": "9", "store": "NYC-5TH"}))
        assert report.applied and report.errors == [] and report.stock_set == 2
        assert (report.products_created, report.products_updated) == (0, 0)
        assert (report.variants_created, report.variants_updated) == (0, 0)
        assert _stock("NYC-5TH") == (7, 0, "N-2") and _stock("NYC-5TH", "W1-9") == (1, 2, "N-9")
        assert _stock("LA-GROVE") == (5, 6, "L-1")


@pytest.mark.parametrize(("change", "words"), [
    ({"style": "K1", "sku": "K1-8"}, "not in the catalog"),
    ({"sku": "W1-10", "size": "10"}, "not in the catalog"),
    ({"price": "1.00"}, "price"),
    ({"name": "Free Flat"}, "name"),
    ({"brand": "Knockoff"}, "brand"),
    ({"color": "Red"}, "color"),
    ({"department": "Sale"}, "department"),
    ({"upc": "036000291452"}, "upc"),
    ({"width": "W"}, "width"),
    ({"size": "8.5"}, "size"),
])
def test_a_managers_row_that_would_change_the_chain_wide_catalog_refuses_the_import(
        chain, change, words):
    with chain.app_context():
        report = _as_manager(_csv(TEE, change), skip_bad_rows=True)
        assert not report.applied and report.forbidden == 1
        assert report.errors[0][0] == 3 and words in report.errors[0][1]
        assert "admin" in report.errors[0][1]
        _untouched()


def test_a_managers_file_without_a_column_leaves_that_field_alone(chain):
    with chain.app_context():
        report = _as_manager("style,brand,name,sku,size,floor,stockroom\n"
                             "W1,Vela,Glide Flat,W1-8,8,2,2\n")
        assert report.applied and report.errors == []
        product = db.session.scalar(select(Product).where(Product.style == "W1"))
        assert (product.color, product.department) == ("Navy", "Women's Shoes")
        assert _stock("NYC-5TH") == (2, 2, "N-1")


def test_a_managers_dry_run_reports_the_same_refusals(chain):
    with chain.app_context():
        report = _as_manager(_csv({"store": "LA-GROVE"}, {"price": "1.00"}), dry_run=True)
        assert report.forbidden == 2 and [line for line, _ in report.errors] == [2, 3]
        _untouched()


def test_a_manager_cannot_import_into_a_store_they_do_not_run(chain):
    with chain.app_context():
        with pytest.raises(Forbidden, match="own store"):
            import_csv(_csv({}), dry_run=False, actor=_user("nyc.boss"),
                       default_store=_store("LA-GROVE"))
        _untouched()


def test_an_associate_cannot_import(chain):
    with chain.app_context(), pytest.raises(Forbidden):
        import_csv(_csv({}), dry_run=True, actor=_user("ann"), default_store=_store("NYC-5TH"))


def test_an_admin_changes_products_sizes_and_any_stores_stock(chain):
    with chain.app_context():
        report = import_csv(_csv({"store": "LA-GROVE", "floor": "0", "stockroom": "0",
                                  "price": "79.00"},
                                 {"sku": "W1-10", "size": "10", "store": "NYC-5TH",
                                  "price": "79.00"}),
                            dry_run=False, actor=_user("admin"), default_store=_store("NYC-5TH"))
        assert report.applied and report.errors == [] and report.variants_created == 1
        assert _stock("LA-GROVE") == (0, 0, "N-9") and _stock("NYC-5TH", "W1-10") == (1, 2, "N-9")
        product = db.session.scalar(select(Product).where(Product.style == "W1"))
        assert product.price_cents == 7900


def _audit() -> list[tuple]:
    codes = {store.id: store.code for store in db.session.scalars(select(Store))}
    return [(entry.action, codes.get(entry.store_id), entry.actor.login if entry.actor else None,
             entry.data.get("stock_set")) for entry in
            db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_managers_import_is_audited_under_their_store(chain):
    with chain.app_context():
        _as_manager(_csv({}, {"sku": "W1-9", "size": "9"}))
        assert _audit() == [("catalog.import", "NYC-5TH", "nyc.boss", 2),
                            ("stock.import", "NYC-5TH", "nyc.boss", 2)]


def test_each_stock_change_is_audited_under_the_store_whose_stock_changed(chain):
    with chain.app_context():
        import_csv(_csv({"store": "LA-GROVE", "floor": "0", "stockroom": "0"},
                        {"sku": "W1-9", "size": "9", "store": "LA-GROVE"},
                        {"style": "K1", "sku": "K1-8", "store": "NYC-5TH"}),
                   dry_run=False, actor=_user("admin"), default_store=_store("NYC-5TH"))
        assert _audit() == [("catalog.import", None, "admin", 3),
                            ("stock.import", "LA-GROVE", "admin", 2),
                            ("stock.import", "NYC-5TH", "admin", 1)]
        la = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "stock.import")).first()
        assert la.data["skus"] == ["W1-8", "W1-9"]
