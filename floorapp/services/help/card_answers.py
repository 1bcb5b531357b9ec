"""The answer a queue card carries, so the associate walks over knowing it.

A request whose product and size are known shows that size's figures in this store
("Size 9 W — 2 on the floor, 3 in the stockroom (bin B-12)"), or the nearest sizes in
stock when it is out here. The figures are the size grid's (services/inventory/size_grid.py):
floor, stockroom and active holds counted the same way, the same nearest sizes. One
statement reads every product of the queue, so a long queue costs one query, not one
per card.
"""

import functools
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, select

from floorapp.extensions import db
from floorapp.models import Hold, Product, Stock, Store, Variant
from floorapp.models.types import UTCDateTime
from floorapp.services.inventory.size_grid import held_and_available, nearest_in_stock


def answers(store: Store, items: list[dict], *, now: datetime | None = None) -> dict[int, dict]:
    """Return, per request id of the queue, its product and (size known) the size's figures."""
    product_ids = sorted({item["product_id"] for item in items if item.get("product_id")})
    if not product_ids:
        return {}
    params = {"store_id": store.id, "product_ids": product_ids, "now": now or datetime.now(UTC)}
    rows = db.session.connection().execute(_statement(), params).all()
    products = _by_product(rows)
    found = {}
    for item in items:
        product = products.get(item.get("product_id"))
        if product is not None:
            found[item["id"]] = _answer(product, item.get("variant_id"))
    return found


@functools.cache
def _statement():
    """Build the statement once: the queue's products' variants × this store's stock row."""
    held = (select(func.coalesce(func.sum(Hold.qty), 0))
            .where(Hold.variant_id == Variant.id, Hold.store_id == bindparam("store_id"),
                   Hold.released_at.is_(None),
                   Hold.expires_at > bindparam("now", type_=UTCDateTime()))
            .scalar_subquery())
    return (
        select(Product.id.label("product_id"), Product.brand, Product.name, Product.color,
               Variant.id.label("variant_id"), Variant.size_label, Variant.width,
               Variant.size_sort, Stock.floor_qty, Stock.stockroom_qty, Stock.bin,
               held.label("held"))
        .select_from(Product)
        .join(Variant, Variant.product_id == Product.id)
        .outerjoin(Stock, and_(Stock.variant_id == Variant.id,
                               Stock.store_id == bindparam("store_id")))
        .where(Product.id.in_(bindparam("product_ids", expanding=True))))


def _by_product(rows) -> dict[int, dict]:
    products: dict[int, dict] = {}
    for row in rows:
        product = products.setdefault(row.product_id, {
            "id": row.product_id, "variants": [],
            "name": f"{row.brand} {row.name}" + (f", {row.color}" if row.color else "")})
        floor, stockroom = row.floor_qty or 0, row.stockroom_qty or 0
        held, available = held_and_available(floor, stockroom, row.held)
        product["variants"].append({
            "id": row.variant_id, "size": f"{row.size_label} {row.width}".strip(),
            "width": row.width, "size_sort": row.size_sort, "floor": floor,
            "stockroom": stockroom, "bin": row.bin or "", "held": held,
            "available": available})
    return products


def _answer(product: dict, variant_id: int | None) -> dict:
    answer = {"product_id": product["id"], "product": product["name"], "variant_id": None}
    variant = next((v for v in product["variants"] if v["id"] == variant_id), None)
    if variant is None:
        return answer
    nearest = [] if variant["available"] > 0 else nearest_in_stock(product, variant["id"])
    return answer | {
        "variant_id": variant["id"], "size": variant["size"], "floor": variant["floor"],
        "stockroom": variant["stockroom"], "bin": variant["bin"], "held": variant["held"],
        "available": variant["available"],
        "nearest": [{"size": v["size"], "available": v["available"]} for v in nearest]}
