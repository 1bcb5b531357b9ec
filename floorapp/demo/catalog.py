"""A realistic demo catalog, and the 1,000,000-variant catalog the benchmarks use.

Both are generated from a seed (same seed, same catalog) and written with bulk
inserts: Core `insert()` executemany for the demo, the driver's own bulk paths
(sqlite3 executemany, PostgreSQL COPY) for the scale catalog.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from floorapp.errors import Conflict
from floorapp.extensions import db
from floorapp.models import Product, Stock, Store, Variant
from floorapp.services.inventory.catalog_write import (
    bump_catalog_version,
    make_upc,
    search_text_for,
)
from floorapp.services.inventory.colors import SWATCHES
from floorapp.services.inventory.sizes import size_sort_key

HALF_SIZES = [f"{n / 2:g}" for n in range(10, 23)]  # 5 … 11
MEN_SIZES = [f"{n / 2:g}" for n in range(14, 27)]  # 7 … 13
KIDS_SIZES = ["10C", "10.5C", "11C", "11.5C", "12C", "12.5C", "13C", "13.5C", "1Y", "1.5Y",
              "2Y", "2.5Y", "3Y", "3.5Y", "4Y", "5Y", "6Y", "7Y"]
APPAREL_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
BRANDS = ("Northway", "Castile", "Marlowe", "Juniper & Co", "Fieldcraft", "Vela", "Harlow",
          "Brightline", "Okra", "Tessel", "Rowan", "Saltmarsh")
MODELS = ("Cloud", "Harbor", "Summit", "Meadow", "Metro", "Coast", "Aurora", "Ridge",
          "Willow", "Canyon", "Solstice", "Drift", "Ember", "Breeze", "Atlas", "Luna")


@dataclass(frozen=True)
class Department:
    """A kind of product: where it is sold, its sizes, widths and price range."""

    name: str
    letter: str
    kinds: tuple[str, ...]
    sizes: list[str]
    widths: tuple[str, ...]
    prices: tuple[int, int]


DEPARTMENTS = (
    Department("Women's Shoes", "W", ("Pump", "Flat", "Runner", "Boot", "Sandal", "Loafer"),
               HALF_SIZES, ("N", "M", "W"), (4900, 18900)),
    Department("Men's Shoes", "M", ("Oxford", "Runner", "Boot", "Loafer", "Sneaker"),
               MEN_SIZES, ("M", "W"), (5900, 21900)),
    Department("Kids", "K", ("Sneaker", "Boot", "Sandal", "Runner"), KIDS_SIZES, ("",),
               (2900, 7900)),
    Department("Apparel", "A", ("Tee", "Hoodie", "Jacket", "Sweater", "Polo"), APPAREL_SIZES,
               ("",), (1900, 14900)),
)
DEMO_STYLES = {"W": 110, "M": 90, "K": 50, "A": 80}


def product_rows(rng: random.Random, department: Department, count: int,
                 prefix: str) -> Iterator[dict]:
    """Yield `count` product rows of a department with deterministic names and prices."""
    for number in range(1, count + 1):
        brand, color = rng.choice(BRANDS), rng.choice(list(SWATCHES))
        name = f"{rng.choice(MODELS)} {rng.choice(department.kinds)}"
        if rng.random() < 0.4:
            name += f" {rng.randint(2, 5)}"
        style = f"{prefix}{department.letter}{number:05d}"
        low, high = department.prices
        yield {"style": style, "brand": brand, "name": name, "color": color,
               "price_cents": rng.randrange(low, high, 500) + 99 - 100,
               "department": department.name, "image_url": "",
               "search_text": search_text_for(brand=brand, name=name, color=color,
                                              style=style, department=department.name),
               "updated_at": datetime.now(UTC)}


def variant_rows(department: Department, product_id: int, style: str,
                 upc_counter: Iterator[int]) -> Iterator[dict]:
    """Yield the variant rows of one product: every size in every width."""
    for size in department.sizes:
        sort = size_sort_key(size)
        for width in department.widths:
            yield {"product_id": product_id, "sku": f"{style}-{size}{width}".upper(),
                   "upc": make_upc(next(upc_counter)), "size_label": size, "width": width,
                   "size_sort": sort}


def stock_figures(rng: random.Random, size_position: float) -> tuple[int, int] | None:
    """Return (floor, stockroom) for a size, None for no row: middle sizes sell out first."""
    if rng.random() < 0.08:
        return None
    popular = 0.25 < size_position < 0.75
    if rng.random() < (0.3 if popular else 0.18):
        return 0, 0
    return rng.choice((0, 0, 1, 1, 2)), rng.randint(0, 6 if popular else 3)


def seed_demo_catalog(*, seed: int, stores: list[Store]) -> int:
    """Add the demo catalog (330 styles) with stock in each store; return the variant count.

    Flushes only: the demo seed commits once, at its end.
    """
    rng = random.Random(seed * 7919)  # noqa: S311  (demo data, not secrets)
    upc_counter = iter(range(81_234_500_000, 90_000_000_000))
    total = 0
    for department in DEPARTMENTS:
        rows = list(product_rows(rng, department, DEMO_STYLES[department.letter], ""))
        db.session.execute(insert(Product), rows)
        ids = dict(db.session.execute(select(Product.style, Product.id).where(
            Product.style.in_([row["style"] for row in rows]))).all())
        variants = [v for row in rows for v in variant_rows(
            department, ids[row["style"]], row["style"], upc_counter)]
        db.session.execute(insert(Variant), variants)
        total += len(variants)
        _demo_stock(rng, department, [row["style"] for row in rows], stores)
    bump_catalog_version()
    return total


def _demo_stock(rng: random.Random, department: Department, styles: list[str],
                stores: list[Store]) -> None:
    variants = db.session.execute(
        select(Variant.id, Variant.size_label, Variant.width).join(Product)
        .where(Product.style.in_(styles)).order_by(Variant.id)).all()
    positions = {size: i / max(len(department.sizes) - 1, 1)
                 for i, size in enumerate(department.sizes)}
    now, rows = datetime.now(UTC), []
    for store in stores:
        for variant in variants:
            figures = stock_figures(rng, positions[variant.size_label])
            if figures is None:
                continue
            rows.append({"variant_id": variant.id, "store_id": store.id, "floor_qty": figures[0],
                         "stockroom_qty": figures[1], "updated_at": now,
                         "bin": f"{department.letter}-{rng.randint(1, 40):02d}-"
                                f"{rng.randint(1, 6)}" if figures[1] else ""})
    db.session.execute(insert(Stock), rows)


def catalog_size() -> tuple[int, int]:
    """Return the number of products and variants."""
    return (db.session.scalar(select(func.count()).select_from(Product)),
            db.session.scalar(select(func.count()).select_from(Variant)))


def refuse_if_styles_exist(prefix: str) -> None:
    """Raise Conflict when a scale catalog with this prefix is in the database already."""
    found = db.session.scalar(select(Product.id).where(Product.style.like(f"{prefix}%")).limit(1))
    if found is not None:
        raise Conflict(f"Styles starting with {prefix!r} exist already; use an empty database.")
