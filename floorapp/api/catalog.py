"""The catalog and stock API: search, products with their size run, codes, stock,
stock pulls and holds. Documented in floorapp/api/openapi/catalog.py.
"""

from flask import Blueprint, jsonify, request

from floorapp.api.callers import (
    caller_store,
    current_caller,
    require_scope,
    require_stock_writer,
    session_user,
)
from floorapp.api.parsing import body as json_or_form
from floorapp.api.parsing import idempotency_key
from floorapp.errors import InvalidInput
from floorapp.extensions import csrf
from floorapp.services.core import idempotency
from floorapp.services.core.input_parsing import whole_number
from floorapp.services.core.times import iso
from floorapp.services.inventory import catalog, pulls, size_grid, stock

bp = Blueprint("api_catalog", __name__)
csrf.exempt(bp)  # callers.current_caller checks CSRF for session callers itself


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Send a JSON object (Content-Type: application/json).")
    return body


def _int_field(body: dict, name: str, *, required: bool = True) -> int | None:
    value = _whole(body.get(name))
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
                | {"as_of": iso(variant["as_of"])} for variant in view["variants"]]
    return {"product": view["product"], "store": view["store"], "as_of": iso(view["as_of"]),
            "variants": variants}


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
    variant = catalog.variant_by_sku(sku)
    saved = stock.set_stock(store=store, variant_id=variant.id, floor=_qty(body, "floor"),
                            stockroom=_qty(body, "stockroom"), bin_location=_bin(body),
                            actor=caller.user)
    return jsonify(store=code.upper(), sku=variant.sku, floor=saved.floor_qty,
                   stockroom=saved.stockroom_qty, bin=saved.bin,
                   as_of=iso(saved.updated_at))


def _qty(body: dict, name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{name} must be a whole number of units, 0 or more.")
    return value


def _bin(body: dict) -> str | None:
    bin_location = body.get("bin")
    if bin_location is not None and not isinstance(bin_location, str):
        raise InvalidInput("bin must be a string.")
    return bin_location


def _write_body() -> dict:
    """Return a write's body: a JSON object, or form fields (the app's outbox sends forms)."""
    if request.mimetype == "application/x-www-form-urlencoded":
        return json_or_form()
    return _json_body()


def _write_to_store(caller) -> tuple[dict, object]:
    """Return a write's body and the store it names (`store`), or the caller's own store."""
    data = _write_body()
    store = data.get("store")
    return data, caller_store(caller, store if isinstance(store, str) else None)


def _whole(value: object) -> object:
    """Read a form field's digits as a number; anything else is left for the checks."""
    if isinstance(value, str) and not request.is_json:
        text = value.strip()
        if text == "":
            return None
        if (number := whole_number(text)) is not None:
            return number
    return value


def _keyed(caller, data: dict, kind: str, *parts: object) -> idempotency.KeyedCall:
    """Return the call's idempotency key, scoped to its kind, the caller and the target."""
    owner = idempotency.owner(user=caller.user, token=caller.token)
    return idempotency.KeyedCall.scoped(kind, owner, *parts, key=idempotency_key(data))


def _answer(call: idempotency.KeyedCall):
    """Send what the service answered (the stored answer, for a replay)."""
    status, payload = call.answer
    return jsonify(payload), status


@bp.post("/stock-pulls")
def create_pull():
    """Ask the stockroom of the caller's store for a variant (a replayed key: the same pull)."""
    caller = current_caller()
    user = session_user(caller, "ask the stockroom for a pair")
    data, store = _write_to_store(caller)
    call = _keyed(caller, data, "pull", store.id)
    pulls.ask_for_pull(store=store, variant_id=_int_field(data, "variant_id"), user=user,
                       help_request_id=_int_field(data, "help_request_id", required=False),
                       call=call)
    return _answer(call)


@bp.get("/stock-pulls/<int:pull_id>")
def get_pull(pull_id: int):
    """Return a stock pull with its status and timings."""
    caller = current_caller()
    session_user(caller, "follow a stock pull")
    store = caller_store(caller, request.args.get("store"))
    return jsonify(pulls.pull_dict(pulls.get_pull(store, pull_id)))


@bp.post("/stock-pulls/<int:pull_id>/status")
def move_pull(pull_id: int):
    """Move a stock pull to picked, delivered or not_found (a replayed key: the same answer)."""
    caller = current_caller()
    user = session_user(caller, "move a stock pull")
    store = caller_store(caller, request.args.get("store"))
    pulls.get_pull(store, pull_id)  # another store's pull is not found, whatever the body
    data = _write_body()
    status = data.get("status")
    if not isinstance(status, str):
        raise InvalidInput("status must be picked, delivered or not_found.")
    call = _keyed(caller, data, "pull-move", pull_id)
    pulls.move_pull(store=store, pull_id=pull_id, to=status, user=user, call=call)
    return _answer(call)


@bp.post("/holds")
def create_hold():
    """Hold units of a variant for a customer for some minutes (a replayed key: one hold)."""
    caller = current_caller()
    require_scope(caller, "holds:write")
    data, store = _write_to_store(caller)
    label, minutes = data.get("customer_label"), _whole(data.get("minutes"))
    if not isinstance(label, str) or not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput("Send customer_label (text) and minutes (a whole number).")
    call = _keyed(caller, data, "hold", store.id)
    stock.place_hold(store=store, variant_id=_int_field(data, "variant_id"),
                     customer_label=label, minutes=minutes,
                     qty=_int_field(data, "qty", required=False) or 1, user=caller.user,
                     call=call)
    return _answer(call)


@bp.post("/holds/<int:hold_id>/release")
def release_hold(hold_id: int):
    """Release a hold before it expires (a replayed key: the same answer, not a 409)."""
    caller = current_caller()
    require_scope(caller, "holds:write")
    store = caller_store(caller, request.args.get("store"))
    data = json_or_form()  # only for a key sent as a field; the release itself has no body
    call = _keyed(caller, data, "hold-release", hold_id)
    stock.release_hold(store=store, hold_id=hold_id, call=call)
    return _answer(call)
