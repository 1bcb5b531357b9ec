"""The size grid: natural order, widths as columns, and figures that match the database."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Hold, Stock
from floorapp.services.inventory.size_grid import nearest_in_stock, product_view
from tests.factories import make_product, make_store


def test_the_grid_orders_sizes_naturally_with_widths_as_a_second_axis(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("10", "9.5", "5", "7.5"), widths=("W", "N", "M"))
        view = product_view(product.id, store)
        assert [row["size"] for row in view["grid"]["rows"]] == ["5", "7.5", "9.5", "10"]
        assert view["grid"]["widths"] == ["N", "M", "W"]
        assert [c["width"] for c in view["grid"]["rows"][0]["cells"]] == ["N", "M", "W"]


def test_each_cell_shows_this_stores_floor_stockroom_bin_and_the_other_stores(app):
    with app.app_context():
        here, there = make_store(code="HERE"), make_store(code="THERE")
        product = make_product(sizes=("8", "9"), stock={
            here: {("8", ""): (1, 3, "B-12"), ("9", ""): (0, 0)},
            there: {("8", ""): (2, 2)},
        })
        view = product_view(product.id, here)
        eight, nine = view["variants"]
        assert (eight["floor"], eight["stockroom"], eight["bin"], eight["available"]) == (
            1, 3, "B-12", 4)
        assert eight["other_stores"] == [{"store": "THERE", "available": 4}]
        assert (nine["available"], nine["other_stores"]) == (0, [])
        assert view["as_of"] is not None


def test_the_grids_figures_match_the_database(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("6", "7", "8"), stock={
            store: {("6", ""): (2, 5), ("7", ""): (0, 1), ("8", ""): (3, 0)}})
        now = datetime.now(UTC)
        variant = product.variants_by_key[("6", "")]
        db.session.add_all([
            Hold(store_id=store.id, variant_id=variant.id, customer_label="A", qty=2,
                 expires_at=now + timedelta(minutes=30)),
            Hold(store_id=store.id, variant_id=variant.id, customer_label="old", qty=1,
                 expires_at=now - timedelta(minutes=1)),
        ])
        db.session.commit()
        for cell in product_view(product.id, store)["variants"]:
            stock = db.session.get(Stock, (cell["id"], store.id))
            held = db.session.scalar(select(func.coalesce(func.sum(Hold.qty), 0)).where(
                Hold.variant_id == cell["id"], Hold.expires_at > now))
            assert (cell["floor"], cell["stockroom"], cell["held"]) == (
                stock.floor_qty, stock.stockroom_qty, held)
            assert cell["available"] == stock.floor_qty + stock.stockroom_qty - held


def test_nearest_sizes_in_stock_prefer_the_same_width_then_the_closest_size(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("8", "8.5", "9", "9.5", "10"), widths=("M", "W"), stock={
            store: {("9", "W"): (0, 0), ("8", "W"): (1, 0), ("10", "W"): (0, 2),
                    ("9", "M"): (4, 0), ("9.5", "W"): (0, 1)}})
        view = product_view(product.id, store)
        wanted = product.variants_by_key[("9", "W")].id
        nearest = [(v["size"], v["width"]) for v in nearest_in_stock(view, wanted)]
        assert nearest == [("9.5", "W"), ("8", "W"), ("10", "W")]
