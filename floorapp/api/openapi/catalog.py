"""The OpenAPI paths and schemas of the catalog API (floorapp/api/catalog.py).

The pull statuses and the token scopes are read from the model and the service, so
the document cannot drift from them (tests/api/test_openapi_enums.py).
"""

from typing import Any

from floorapp.models import PullStatus
from floorapp.services.inventory.pulls import PULL_MOVES
from floorapp.services.org.tokens import SCOPES

ERR = {"$ref": "#/components/schemas/Error"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
PRODUCT = {
    "type": "object",
    "required": ["id", "style", "name", "brand", "color", "price_cents", "department",
                 "image_url"],
    "properties": {
        "id": {"type": "integer"}, "style": {"type": "string"}, "name": {"type": "string"},
        "brand": {"type": "string"}, "color": {"type": "string"},
        "price_cents": {"type": "integer", "minimum": 0}, "department": {"type": "string"},
        "image_url": {"type": "string", "description": "empty: use the generated image"},
    },
}
VARIANT_STOCK = {
    "type": "object",
    "required": ["id", "sku", "upc", "size", "width", "floor", "stockroom", "bin", "held",
                 "available", "as_of", "other_stores"],
    "properties": {
        "id": {"type": "integer"}, "sku": {"type": "string"},
        "upc": {"type": ["string", "null"]}, "size": {"type": "string"},
        "width": {"type": "string"}, "floor": {"type": "integer", "minimum": 0},
        "stockroom": {"type": "integer", "minimum": 0}, "bin": {"type": "string"},
        "held": {"type": "integer", "minimum": 0}, "available": {"type": "integer"},
        "as_of": NULLABLE_TIME,
        "other_stores": {"type": "array", "items": {
            "type": "object", "required": ["store", "available"],
            "properties": {"store": {"type": "string"},
                           "available": {"type": "integer", "minimum": 0}}}},
    },
}
PULL = {
    "type": "object",
    "required": ["id", "variant_id", "status", "help_request_id", "asked_at", "picked_at",
                 "delivered_at", "not_found_at", "seconds_to_pick", "seconds_to_close"],
    "properties": {
        "id": {"type": "integer"}, "variant_id": {"type": "integer"},
        "status": {"enum": [status.value for status in PullStatus]},
        "help_request_id": {"type": ["integer", "null"]},
        "asked_at": {"type": "string", "format": "date-time"}, "picked_at": NULLABLE_TIME,
        "delivered_at": NULLABLE_TIME, "not_found_at": NULLABLE_TIME,
        "seconds_to_pick": {"type": ["integer", "null"]},
        "seconds_to_close": {"type": ["integer", "null"]},
    },
}
HOLD = {
    "type": "object",
    "required": ["id", "variant_id", "customer_label", "qty", "created_at", "expires_at",
                 "released_at"],
    "properties": {
        "id": {"type": "integer"}, "variant_id": {"type": "integer"},
        "customer_label": {"type": "string"}, "qty": {"type": "integer", "minimum": 1},
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"}, "released_at": NULLABLE_TIME,
    },
}
STORE_PARAM = {"name": "store", "in": "query", "required": False,
               "description": "a store code (admins, or tokens for every store)",
               "schema": {"type": "string", "maxLength": 16}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _responses(ok: str, schema: dict, *errors: str) -> dict:
    answers = {ok: {"description": "OK"} | _json(schema)}
    for status in ("400", "401", *errors):
        answers[status] = {"description": "Error"} | _json(ERR)
    return answers


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _body(schema: dict) -> dict:
    return {"required": True} | _json(schema)


KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 128,
              "description": "the Idempotency-Key, for a form that cannot set headers"}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False, "schema": KEY_SCHEMA,
    "description": "one key per intent: a replay with the same body answers the first "
                   "response (status and body) and changes nothing; the same key with "
                   "another body answers 422. Keys are the caller's own and live a day."}


def _keyed_body(schema: dict) -> dict:
    """A write's body: JSON, or form fields (the app's outbox), with an optional key field."""
    keyed = schema | {"properties": schema["properties"] | {"idempotency_key": KEY_SCHEMA}}
    return {"required": True, "content": {"application/json": {"schema": keyed},
                                          "application/x-www-form-urlencoded": {
                                              "schema": keyed}}}



def paths() -> dict[str, Any]:
    """Return the catalog API's paths."""
    return {
        "/products": {"get": {
            "summary": "Search products by name, brand, style, SKU or UPC, best first",
            "parameters": [
                {"name": "q", "in": "query", "required": True,
                 "schema": {"type": "string", "minLength": 1, "maxLength": 80}},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 20}}],
            "responses": _responses("200", {
                "type": "object", "required": ["query", "results", "exact_product_id"],
                "properties": {"query": {"type": "string"},
                               "results": {"type": "array", "items": PRODUCT},
                               "exact_product_id": {"type": ["integer", "null"]}}}, "403"),
        }},
        "/products/{product_id}": {"get": {
            "summary": "A product with each variant's stock in the caller's store",
            "parameters": [_path_id("product_id"), STORE_PARAM],
            "responses": _responses("200", {
                "type": "object", "required": ["product", "store", "as_of", "variants"],
                "properties": {"product": PRODUCT, "store": {"type": "string"},
                               "as_of": NULLABLE_TIME,
                               "variants": {"type": "array", "items": VARIANT_STOCK}}},
                "403", "404"),
        }},
        "/variants/by-code/{code}": {"get": {
            "summary": "The variant with a UPC or SKU, and its product",
            "parameters": [{"name": "code", "in": "path", "required": True,
                            "schema": {"type": "string", "maxLength": 40}}],
            "responses": _responses("200", {
                "type": "object", "required": ["variant", "product"],
                "properties": {"product": PRODUCT, "variant": {
                    "type": "object", "required": ["id", "sku", "upc", "size", "width"],
                    "properties": {"id": {"type": "integer"}, "sku": {"type": "string"},
                                   "upc": {"type": ["string", "null"]},
                                   "size": {"type": "string"}, "width": {"type": "string"}}}}},
                "403", "404"),
        }},
        "/stores/{code}/stock/{sku}": {"put": {
            "summary": "Set a variant's quantities in a store (token scope stock:write)",
            "description": "Writes only this store's stock, never the product or its sizes "
                           "(the chain's catalog changes only by an admin's import). A token "
                           "for one store answers 403 for any other store; a manager's "
                           "session, 404 for a store that is not theirs.",
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": _body({
                "type": "object", "required": ["floor", "stockroom"],
                "properties": {"floor": {"type": "integer", "minimum": 0, "maximum": 100000},
                               "stockroom": {"type": "integer", "minimum": 0,
                                             "maximum": 100000},
                               "bin": {"type": "string", "maxLength": 24}}}),
            "responses": _responses("200", {
                "type": "object",
                "required": ["store", "sku", "floor", "stockroom", "bin", "as_of"],
                "properties": {"store": {"type": "string"}, "sku": {"type": "string"},
                               "floor": {"type": "integer"}, "stockroom": {"type": "integer"},
                               "bin": {"type": "string"}, "as_of": NULLABLE_TIME}},
                "403", "404"),
        }},
        **_pull_and_hold_paths(),
    }


def _pull_and_hold_paths() -> dict[str, Any]:
    return {
        "/stock-pulls": {"post": {
            "summary": "Ask the stockroom for a variant (logged-in associates)",
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": _keyed_body({
                "type": "object", "required": ["variant_id"],
                "properties": {"variant_id": {"type": "integer", "minimum": 1},
                               "help_request_id": {"type": ["integer", "null"], "minimum": 1},
                               "store": {"type": "string"}}}),
            "responses": _responses("201", PULL, "403", "404", "422"),
        }},
        "/stock-pulls/{pull_id}": {"get": {
            "summary": "A stock pull with its status and timings",
            "parameters": [_path_id("pull_id"), STORE_PARAM],
            "responses": _responses("200", PULL, "403", "404"),
        }},
        "/stock-pulls/{pull_id}/status": {"post": {
            "summary": "Move a stock pull: open → picked → delivered, or not_found",
            "parameters": [_path_id("pull_id"), STORE_PARAM, IDEMPOTENCY_KEY],
            "requestBody": _keyed_body({"type": "object", "required": ["status"], "properties": {
                "status": {"enum": [status.value for status in PULL_MOVES]}}}),
            "responses": _responses("200", PULL, "403", "404", "409", "422"),
        }},
        "/holds": {"post": {
            "summary": "Hold units of a variant for a customer (never more than available)",
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": _keyed_body({
                "type": "object", "required": ["variant_id", "customer_label", "minutes"],
                "properties": {"variant_id": {"type": "integer", "minimum": 1},
                               "customer_label": {"type": "string", "minLength": 1,
                                                  "maxLength": 60},
                               "minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
                               "qty": {"type": "integer", "minimum": 1, "default": 1},
                               "store": {"type": "string"}}}),
            "responses": _responses("201", HOLD, "403", "404", "409", "422"),
        }},
        "/holds/{hold_id}/release": {"post": {
            "summary": "Release a hold before it expires",
            "parameters": [_path_id("hold_id"), STORE_PARAM, IDEMPOTENCY_KEY],
            "responses": _responses("200", HOLD, "403", "404", "409", "422"),
        }},
    }


SECURITY_SCHEMES = {
    "bearerToken": {"type": "http", "scheme": "bearer",
                    "description": f"An API token (scopes {', '.join(SCOPES)}), "
                                   "or a logged-in session cookie"},
}
