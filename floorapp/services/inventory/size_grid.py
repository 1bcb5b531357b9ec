"""A product with its size grid for one store: floor, stockroom, bin, held, other stores.

`product_view` is one Core statement (variants × every store's stock row, or this
store's alone, with the active holds summed per row); the grid and the nearest sizes
are built from its rows in Python. Holds count until released or until `expires_at`
passes, so an expired hold stops counting the moment it expires, with no job running.
"""

import functools
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from floorapp.errors import NotFound
from floorapp.extensions import db
from floorapp.models import Hold, Product, Stock, Store, Variant
from floorapp.models.types import UTCDateTime
from floorapp.services.core.input_parsing import valid_id
from floorapp.services.inventory.catalog import PRODUCT_COLUMNS, _product_dict
from floorapp.services.inventory.sizes import width_sort_key

NEAREST = 3


def product_view(product_id: int, store: Store, *, now: datetime | None = None,
                 other_stores: bool = True) -> dict:
    """Return the product, its variants with this store's figures, and the grid.

    `other_stores=False` reads this store's stock rows alone (the customer's view of a
    store that names no others): a third of the rows on a three-store chain, far fewer
    on a real one, and each variant's other stores left empty.
    """
    if not valid_id(product_id):
        raise NotFound(f"No product with the id {product_id}.")
    return _view({"product_id": product_id}, store, now=now, other_stores=other_stores,
                 missing=f"No product with the id {product_id}.")


def product_view_of_code(code: str, store: Store, *, now: datetime | None = None,
                         other_stores: bool = True) -> dict:
    """Return `product_view` of the product one of whose sizes has this UPC or SKU, in
    the same one statement (a customer's scan at a sign is a hot path)."""
    return _view({"upc": code, "sku": code.upper()}, store, now=now,
                 other_stores=other_stores, missing=f"No size with the code {code}.")


def _view(params: dict, store: Store, *, now: datetime | None, other_stores: bool,
          missing: str) -> dict:
    params = {**params, "now": now or datetime.now(UTC)}
    if not other_stores:
        params["store_id"] = store.id
    statement = _view_statement(other_stores, "upc" in params)
    rows = db.session.connection().execute(statement, params).all()
    if not rows:
        raise NotFound(missing)
    return _assemble(rows, store)


@functools.cache
def _view_statement(other_stores: bool, by_code: bool):
    """Build the product-view statement once per shape; requests bind the product (or a
    size's code), the time and (for one store's rows alone) the store."""
    held = (select(func.coalesce(func.sum(Hold.qty), 0))
            .where(Hold.variant_id == Variant.id, Hold.store_id == Stock.store_id,
                   Hold.released_at.is_(None),
                   Hold.expires_at > bindparam("now", type_=UTCDateTime()))
            .scalar_subquery())
    stock_of_variant = Stock.variant_id == Variant.id
    if not other_stores:
        stock_of_variant = and_(stock_of_variant, Stock.store_id == bindparam("store_id"))
    product = bindparam("product_id")
    if by_code:
        coded = aliased(Variant)
        product = (select(coded.product_id).where(or_(coded.upc == bindparam("upc"),
                                                      coded.sku == bindparam("sku")))
                   .limit(1).scalar_subquery())
    return (
        select(*PRODUCT_COLUMNS, Variant.id.label("variant_id"), Variant.sku, Variant.upc,
               Variant.size_label, Variant.width, Variant.size_sort, Stock.store_id,
               Store.code.label("store_code"), Stock.floor_qty, Stock.stockroom_qty,
               Stock.bin, Stock.updated_at, held.label("held"))
        .select_from(Product)
        .outerjoin(Variant, Variant.product_id == Product.id)
        .outerjoin(Stock, stock_of_variant)
        .outerjoin(Store, Store.id == Stock.store_id)
        .where(Product.id == product))


def _assemble(rows, store: Store) -> dict:
    variants: dict[int, dict] = {}
    for row in rows:
        if row.variant_id is None:
            continue
        variant = variants.get(row.variant_id) or variants.setdefault(
            row.variant_id, _empty_variant(row))
        if row.store_id == store.id:
            held, _ = held_and_available(row.floor_qty, row.stockroom_qty, row.held)
            variant.update(floor=row.floor_qty, stockroom=row.stockroom_qty, bin=row.bin,
                           held=held, as_of=row.updated_at)
        elif row.store_id is not None:
            available = max(row.floor_qty + row.stockroom_qty - row.held, 0)
            variant["other_stores"].append({"store": row.store_code, "available": available})
    ordered = sorted(variants.values(),
                     key=lambda v: (v["size_sort"], width_sort_key(v["width"])))
    for variant in ordered:
        variant["available"] = variant["floor"] + variant["stockroom"] - variant["held"]
        variant["other_stores"].sort(key=lambda entry: entry["store"])
    as_of = [v["as_of"] for v in ordered if v["as_of"] is not None]
    return {"product": _product_dict(rows[0]), "store": store.code, "variants": ordered,
            "as_of": max(as_of) if as_of else None, "grid": _grid(ordered)}


def held_and_available(floor: int, stockroom: int, held: int) -> tuple[int, int]:
    """Return (held, available) of a size in a store: holds never count above what is there."""
    held = min(held, floor + stockroom)
    return held, floor + stockroom - held


def _empty_variant(row) -> dict:
    return {"id": row.variant_id, "sku": row.sku, "upc": row.upc, "size": row.size_label,
            "width": row.width, "size_sort": row.size_sort, "floor": 0, "stockroom": 0,
            "bin": "", "held": 0, "as_of": None, "other_stores": []}


def _grid(variants: list[dict]) -> dict:
    """Lay variants out as rows of sizes and columns of widths (one column if none)."""
    sizes = list(dict.fromkeys(v["size"] for v in variants))
    widths = sorted({v["width"] for v in variants}, key=width_sort_key)
    cells = {(v["size"], v["width"]): v for v in variants}
    rows = [{"size": size, "cells": [cells.get((size, width)) for width in widths]}
            for size in sizes]
    return {"widths": widths, "rows": rows}


def nearest_in_stock(view: dict, variant_id: int, *, count: int = NEAREST) -> list[dict]:
    """Return the sizes nearest to an out-of-stock variant that are available, same width first."""
    wanted = next((v for v in view["variants"] if v["id"] == variant_id), None)
    if wanted is None:
        raise NotFound("That size is not one of this product's.")
    candidates = [v for v in view["variants"] if v["available"] > 0 and v["id"] != variant_id]
    candidates.sort(key=lambda v: (v["width"] != wanted["width"],
                                   abs(v["size_sort"] - wanted["size_sort"]), v["size_sort"]))
    return candidates[:count]


def find_variant(view: dict, variant_id: int) -> dict:
    """Return one variant of a product view, or raise NotFound."""
    for variant in view["variants"]:
        if variant["id"] == variant_id:
            return variant
    raise NotFound("That size is not one of this product's.")
