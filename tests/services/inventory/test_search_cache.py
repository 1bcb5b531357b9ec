"""The worker's cache of search matches: hits read no search, writes show at once."""

import contextlib
import functools

from sqlalchemy import event, select

from floorapp.extensions import db
from floorapp.models import Stock, Variant
from floorapp.services.help.product_match import suggest
from floorapp.services.inventory import catalog_import
from floorapp.services.inventory.catalog import search_products
from floorapp.services.inventory.search_cache import app_cache
from tests.factories import make_product, make_store

import_csv = functools.partial(catalog_import.import_csv, actor=None, dry_run=False)
HEADER = "style,brand,name,color,price,department,sku,upc,size,width,store,floor,stockroom,bin\n"


@contextlib.contextmanager
def statements():
    """Collect the SQL the current app's engine sends, while the block runs."""
    seen: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _searches(seen: list[str]) -> int:
    """Count the text searches among the statements (only they read search_text)."""
    return sum("search_text" in statement for statement in seen)


def _names(query: str) -> list[str]:
    return [row["name"] for row in search_products(query)["results"]]


def test_a_repeated_search_is_answered_from_the_cache_with_the_same_results(app):
    with app.app_context():
        make_product(name="Cloudburst Runner", brand="Northway")
        make_product(name="Cloud Sandal", brand="Castile")
        with statements() as first:
            found = search_products("cloud")
        with statements() as again:
            assert search_products("cloud") == found
        db.session.rollback()
    assert [row["name"] for row in found["results"]] == ["Cloud Sandal", "Cloudburst Runner"]
    assert (_searches(first), _searches(again)) == (1, 0)
    assert len(again) == 2  # the catalog's version, and the products by id


def test_an_exact_code_is_still_told_from_the_cache(app):
    with app.app_context():
        product = make_product(style="M42", name="Oxford", sizes=("9",))
        sku = product.variants_by_key[("9", "")].sku
        assert search_products(sku)["exact_product_id"] == product.id
        with statements() as again:
            assert search_products(sku)["exact_product_id"] == product.id
        db.session.rollback()
    assert _searches(again) == 0


def test_an_import_shows_in_the_next_search_here_and_in_another_app(make_app):
    here, there = make_app(), make_app()  # two workers on one database
    with here.app_context():
        make_store(code="SHOP")
        import_csv(HEADER + "W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-8,,8,,SHOP,1,2,\n")
        assert _names("glide") == ["Glide Flat"]
        db.session.rollback()
    with there.app_context():
        assert _names("glide") == ["Glide Flat"]
        db.session.rollback()
    with here.app_context():  # an edit of the product, and a new one
        report = import_csv(HEADER + "W1,Vela,Drift Flat,Navy,89.99,Women's Shoes,W1-8,,8,,,,,\n"
                            "W2,Vela,Glide Boot,Navy,99.00,Women's Shoes,W2-8,,8,,,,,\n")
        assert report.applied
        assert _names("glide") == ["Glide Boot"] and _names("drift") == ["Drift Flat"]
        db.session.rollback()
    with there.app_context(), statements() as seen:
        assert _names("glide") == ["Glide Boot"] and _names("drift") == ["Drift Flat"]
        db.session.rollback()
    assert _searches(seen) == 2


def test_a_stock_change_keeps_the_match_and_is_read_fresh(app):
    with app.app_context():
        store = make_store(code="SHOP")
        make_product(style="W1", name="Glide Flat", stock={store: {("8", ""): (1, 0)}})
        make_product(style="W2", name="Glide Boot")
        assert [row["name"] for row in suggest(store.id, "glide")] == ["Glide Flat"]
        variant = db.session.scalar(select(Variant).where(Variant.sku == "W2-8"))
        db.session.add(Stock(variant_id=variant.id, store_id=store.id, floor_qty=2))
        db.session.commit()
        with statements() as seen:
            assert sorted(row["name"] for row in suggest(store.id, "glide")) == [
                "Glide Boot", "Glide Flat"]
        db.session.rollback()
    assert _searches(seen) == 0


def test_the_cache_keeps_at_most_its_entries_dropping_the_least_recently_used(make_app):
    app = make_app(SEARCH_CACHE_ENTRIES=2)
    with app.app_context():
        for name in ("Alpine Sandal", "Harbor Loafer", "Trail Runner"):
            make_product(name=name)
        for query in ("alpine", "harbor", "alpine", "trail"):
            search_products(query)
        assert len(app_cache()) == 2
        with statements() as seen:
            search_products("alpine")  # used lately: kept
            search_products("harbor")  # the least recently used: dropped
        db.session.rollback()
    assert _searches(seen) == 1
