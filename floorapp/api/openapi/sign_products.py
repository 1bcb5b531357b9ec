"""The OpenAPI description of the customer's price check (merged into openapi.document).

The size words come from the service's tuple, so the document cannot drift from what
the API answers.
"""

from typing import Any

from floorapp.api.openapi.help import _errors, _json, _path_param
from floorapp.services.inventory.customer_view import MAX_CODE, SIZE_WORDS

SIZE = {
    "type": "object", "additionalProperties": False,
    "required": ["size", "width", "label", "availability", "elsewhere"],
    "properties": {
        "size": {"type": "string"}, "width": {"type": "string"},
        "label": {"type": "string", "description": "as the sign's form reads it: \"9 W\""},
        "availability": {"type": "string", "enum": list(SIZE_WORDS), "description": (
            "last_one: exactly one to sell here; on_shelf: some on the floor; from_back: only "
            "in the stockroom; not_here: none (floor + stockroom − active holds)")},
        "elsewhere": {"type": "array", "items": {"type": "string"}, "description": (
            "names of other stores that have it, only for a size not here and only when the "
            "store turns it on; never counts")}},
}
CUSTOMER_VIEW = {
    "type": "object", "additionalProperties": False,
    "required": ["store", "product", "sizes", "looked_up"],
    "properties": {
        "store": {"type": "string"},
        "product": {"type": "object", "additionalProperties": False,
                    "required": ["id", "name", "brand", "color", "price_cents", "image_url",
                                 "apparel"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                   "brand": {"type": "string"}, "color": {"type": "string"},
                                   "price_cents": {"type": "integer", "minimum": 0},
                                   "image_url": {"type": ["string", "null"],
                                                 "description": "same-origin only"},
                                   "apparel": {"type": "boolean"}}},
        "sizes": {"type": "array", "items": {"$ref": "#/components/schemas/CustomerSize"}},
        "looked_up": {"oneOf": [{"$ref": "#/components/schemas/CustomerSize"},
                                {"type": "null"}],
                      "description": "the size a code names (codes only)"}},
}
PUBLIC = "Public; limited per address and per sign (429). 404 also for a product this " \
         "store does not carry; 410 for a retired sign."


def paths() -> dict[str, Any]:
    """Return the price check's two paths."""
    answer = _json({"$ref": "#/components/schemas/CustomerView"}, "The customer's view")
    return {
        "/signs/{sign_token}/products/{product_id}": {"get": {
            "summary": "A product of the sign's store as the customer sees it (public)",
            "description": PUBLIC,
            "parameters": [_path_param("sign_token"),
                           _path_param("product_id", {"type": "integer", "minimum": 1})],
            "responses": {"200": answer, **_errors(400, 404, 410, 429)}}},
        "/signs/{sign_token}/codes/{tag_code}": {"get": {
            "summary": "The product a scanned or typed UPC or SKU names (public)",
            "description": PUBLIC + " A size not here is counted as lost demand "
                                    "(\"customer looked it up\").",
            "parameters": [_path_param("sign_token"), _path_param(
                "tag_code", {"type": "string", "maxLength": MAX_CODE,
                             "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"})],
            "responses": {"200": answer, **_errors(400, 404, 410, 429)}}},
    }


SCHEMAS = {"CustomerView": CUSTOMER_VIEW, "CustomerSize": SIZE}
