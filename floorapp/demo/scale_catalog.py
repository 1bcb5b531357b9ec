"""The benchmark catalog: 50,000 styles and 1,000,000 variants, stocked in a few stores.

Written through the driver's bulk paths (sqlite3 executemany inside one
transaction; PostgreSQL COPY), because a million ORM objects would take minutes.
Styles start with "S" so they never collide with the demo's.
"""

import itertools
import random
import time
from datetime import UTC, datetime

from sqlalchemy import select

from floorapp.demo.catalog import (
    DEPARTMENTS,
    product_rows,
    refuse_if_styles_exist,
    stock_figures,
    variant_rows,
)
from floorapp.extensions import db
from floorapp.models import Product, Store, Variant
from floorapp.services.core.transactions import writes
from floorapp.services.inventory.catalog_write import bump_catalog_version
from floorapp.services.org import stores as store_service

PREFIX = "S"
# 20 variants per style on average: women's 39, men's 26, kids' 18, apparel 6, mixed so.
MIX = ((DEPARTMENTS[0], 0.25), (DEPARTMENTS[1], 0.25), (DEPARTMENTS[2], 0.15),
       (DEPARTMENTS[3], 0.35))
PRODUCT_COLUMNS = ("style", "brand", "name", "color", "price_cents", "department",
                   "image_url", "search_text", "updated_at")
VARIANT_COLUMNS = ("product_id", "sku", "upc", "size_label", "width", "size_sort")
STOCK_COLUMNS = ("variant_id", "store_id", "floor_qty", "stockroom_qty", "bin", "updated_at")


@writes
def scale_catalog(*, styles: int, seed: int, store_count: int = 3) -> dict:
    """Create `styles` styles with their variants and stock in `store_count` stores.

    Returns counts and the seconds taken. Uses the existing stores first and adds
    SCALE-n stores when there are fewer than `store_count`.
    """
    started = time.perf_counter()
    refuse_if_styles_exist(PREFIX)
    stores = _stores(store_count)
    rng = random.Random(seed)  # noqa: S311  (benchmark data, not secrets)
    upc_counter = itertools.count(10_000_000_000 + seed * 1_000_000_000 % 70_000_000_000)
    products = variants = stock = 0
    for department, share in MIX:
        count = max(1, round(styles * share))
        rows = list(product_rows(rng, department, count, PREFIX))
        _copy("products", PRODUCT_COLUMNS, rows)
        ids = dict(db.session.execute(select(Product.style, Product.id).where(
            Product.style.like(f"{PREFIX}{department.letter}%"))).all())
        variant_list = [v for row in rows for v in variant_rows(
            department, ids[row["style"]], row["style"], upc_counter)]
        _copy("variants", VARIANT_COLUMNS, variant_list)
        stock += _scale_stock(rng, department, stores)
        products, variants = products + len(rows), variants + len(variant_list)
    bump_catalog_version()
    db.session.commit()
    _analyze()
    return {"products": products, "variants": variants, "stock_rows": stock,
            "stores": [s.code for s in stores], "seconds": time.perf_counter() - started}


def _stores(count: int) -> list[Store]:
    existing = list(db.session.scalars(select(Store).order_by(Store.id).limit(count)))
    for number in range(len(existing) + 1, count + 1):
        existing.append(store_service.create_store(
            code=f"SCALE-{number}", name=f"Scale store {number}", timezone="America/Chicago"))
    return existing


def _scale_stock(rng: random.Random, department, stores: list[Store]) -> int:
    rows = db.session.execute(select(Variant.id, Variant.size_label).where(
        Variant.sku.like(f"{PREFIX}{department.letter}%")).order_by(Variant.id)).all()
    positions = {size: i / max(len(department.sizes) - 1, 1)
                 for i, size in enumerate(department.sizes)}
    now, out = datetime.now(UTC), []
    for store in stores:
        for variant_id, size in rows:
            figures = stock_figures(rng, positions[size])
            if figures is not None:
                out.append({"variant_id": variant_id, "store_id": store.id,
                            "floor_qty": figures[0], "stockroom_qty": figures[1],
                            "bin": f"B-{variant_id % 97:02d}" if figures[1] else "",
                            "updated_at": now})
    _copy("stock", STOCK_COLUMNS, out)
    return len(out)


def _copy(table: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    """Write rows with the driver's fastest path, in the session's transaction."""
    raw = db.session.connection().connection.driver_connection
    if db.engine.dialect.name == "sqlite":
        sqlite_rows = [tuple(_sqlite_value(row[c]) for c in columns) for row in rows]
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608  (constants)
                        sqlite_rows)
        return
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))


def _sqlite_value(value):
    # UTCDateTime stores naive UTC on SQLite, in SQLAlchemy's text format.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load."""
    connection = db.session.connection()
    connection.exec_driver_sql("ANALYZE")
    db.session.commit()
