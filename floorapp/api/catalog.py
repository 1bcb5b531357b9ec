"""The catalog and stock API: search, products with their size run, codes, stock,
stock pulls and holds. Documented in floorapp/api/openapi_catalog.py.
"""

from flask import Blueprint, jsonify, request

from floorapp.api.callers import (
    caller_store,
    current_caller,
    require_scope,
    require_stock_writer,
    session_user,
)
from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import csrf, db
from floorapp.models import Variant
from floorapp.services import catalog, pulls, size_grid, stock

bp = Blueprint("catalog_api", __name__)
csrf.exempt(bp)  # callers.current_caller checks CSRF for session callers itself


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Send a JSON object (Content-Type: application/json).")
    return body


def _int_field(body: dict, name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise InvalidInput(f"{name} must be a positive whole number.")
    return value


@bp.get("/products")
def search():
    """Search products: best first; an exact UPC/SKU is flagged."""
    require_scope(current_caller(), "catalog:read")
    limit = catalog.parse_limit(request.args.get("limit"))
    return jsonify(catalog.search_products(request.args.get("q"), limit=limit))


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    """Return a product with each variant's figures for the caller's store."""
    caller = current_caller()
    require_scope(caller, "catalog:read")
    store = caller_store(caller, request.args.get("store"))
    return jsonify(serialize_view(size_grid.product_view(product_id, store)))


def serialize_view(view: dict) -> dict:
    """Return a product view as JSON-ready data (times as ISO 8601)."""
    variants = [{key: value for key, value in variant.items() if key != "size_sort"}
                | {"as_of": _iso(variant["as_of"])} for variant in view["variants"]]
    return {"product": view["product"], "store": view["store"], "as_of": _iso(view["as_of"]),
            "variants": variants}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@bp.get("/variants/by-code/<code>")
def by_code(code: str):
    """Return the variant with this UPC or SKU, and its product."""
    require_scope(current_caller(), "catalog:read")
    return jsonify(catalog.variant_by_code(code))


@bp.put("/stores/<code>/stock/<sku>")
def put_stock(code: str, sku: str):
    """Set a variant's floor and stockroom quantities (and bin) in a store."""
    caller = current_caller()
    store = caller_store(caller, code)
    require_stock_writer(caller, store)
    body = _json_body()
    variant = db.session.scalar(db.select(Variant).where(Variant.sku == sku.strip().upper()))
    if variant is None:
        raise NotFound(f"No variant has the SKU {sku!r}.")
    bin_location = body.get("bin")
    if bin_location is not None and not isinstance(bin_location, str):
        raise InvalidInput("bin must be a string.")
    saved = stock.set_stock(store=store, variant_id=variant.id, floor=_qty(body, "floor"),
                            stockroom=_qty(body, "stockroom"), bin_location=bin_location,
                            actor=caller.user)
    return jsonify(store=code.upper(), sku=variant.sku, floor=saved.floor_qty,
                   stockroom=saved.stockroom_qty, bin=saved.bin,
                   as_of=_iso(saved.updated_at))


def _qty(body: dict, name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{name} must be a whole number of units, 0 or more.")
    return value


@bp.post("/stock-pulls")
def create_pull():
    """Ask the stockroom of the caller's store for a variant."""
    caller = current_caller()
    user = session_user(caller, "ask the stockroom for a pair")
    body = _json_body()
    store = caller_store(caller, body.get("store") if isinstance(body.get("store"), str) else None)
    pull = pulls.ask_for_pull(store=store, variant_id=_int_field(body, "variant_id"), user=user,
                              help_request_id=_int_field(body, "help_request_id",
                                                         required=False))
    return jsonify(pulls.pull_dict(pull)), 201


@bp.get("/stock-pulls/<int:pull_id>")
def get_pull(pull_id: int):
    """Return a stock pull with its status and timings."""
    caller = current_caller()
    session_user(caller, "follow a stock pull")
    store = caller_store(caller, request.args.get("store"))
    return jsonify(pulls.pull_dict(pulls.get_pull(store, pull_id)))


@bp.post("/stock-pulls/<int:pull_id>/status")
def move_pull(pull_id: int):
    """Move a stock pull to picked, delivered or not_found."""
    caller = current_caller()
    user = session_user(caller, "move a stock pull")
    store = caller_store(caller, request.args.get("store"))
    pulls.get_pull(store, pull_id)  # another store's pull is not found, whatever the body
    status = _json_body().get("status")
    if not isinstance(status, str):
        raise InvalidInput("status must be picked, delivered or not_found.")
    return jsonify(pulls.pull_dict(pulls.move_pull(store=store, pull_id=pull_id, to=status,
                                                   user=user)))


@bp.post("/holds")
def create_hold():
    """Hold units of a variant for a customer for some minutes."""
    caller = current_caller()
    require_scope(caller, "holds:write")
    body = _json_body()
    store = caller_store(caller, body.get("store") if isinstance(body.get("store"), str) else None)
    label, minutes = body.get("customer_label"), body.get("minutes")
    if not isinstance(label, str) or not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput("Send customer_label (text) and minutes (a whole number).")
    hold = stock.place_hold(store=store, variant_id=_int_field(body, "variant_id"),
                            customer_label=label, minutes=minutes,
                            qty=_int_field(body, "qty", required=False) or 1, user=caller.user)
    return jsonify(hold_dict(hold)), 201


@bp.post("/holds/<int:hold_id>/release")
def release_hold(hold_id: int):
    """Release a hold before it expires."""
    caller = current_caller()
    require_scope(caller, "holds:write")
    store = caller_store(caller, request.args.get("store"))
    return jsonify(hold_dict(stock.release_hold(store=store, hold_id=hold_id)))


def hold_dict(hold) -> dict:
    """Return a hold as the API shows it."""
    return {"id": hold.id, "variant_id": hold.variant_id, "customer_label": hold.customer_label,
            "qty": hold.qty, "created_at": _iso(hold.created_at),
            "expires_at": _iso(hold.expires_at), "released_at": _iso(hold.released_at)}
