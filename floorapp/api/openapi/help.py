"""The OpenAPI description of the help-request endpoints (merged into openapi.document).

Every enum is read from the model's enum (or the service's tuple), so the document
cannot drift from what the API accepts and answers (tests/api/test_openapi_enums.py).
"""

from typing import Any

from floorapp.models import OPEN_STATUSES, Availability, Need, Outcome, Status
from floorapp.services.help.intake import LANGUAGES
from floorapp.services.help.sla import SlaState

ERROR = {"$ref": "#/components/schemas/Error"}
TIME = {"type": ["string", "null"], "format": "date-time"}
NEEDS = [need.value for need in Need]
STATUSES = [status.value for status in Status]
OPEN = [status.value for status in OPEN_STATUSES]
# A resolve names one of these; spam is marked only by a manager's "Clear spam".
RESOLVE_OUTCOMES = [outcome.value for outcome in Outcome if outcome is not Outcome.SPAM]
AVAILABILITY = [availability.value for availability in Availability]
SLA_STATES = [state.value for state in SlaState]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    text = {400: "Invalid input", 401: "Not logged in", 403: "Not allowed", 404: "Not found",
            409: "Not allowed from the current state", 410: "The sign's code was retired",
            422: "Idempotency key reused with another body", 429: "Rate limited"}
    return {str(status): _json(ERROR, text[status]) for status in statuses}


SUBMISSION = {
    "type": "object", "required": ["need"], "additionalProperties": True,
    "properties": {
        "need": {"type": "string", "enum": NEEDS},
        "product": {"type": "string", "maxLength": 120},
        "size": {"type": "string", "maxLength": 24},
        "note": {"type": "string", "maxLength": 280},
        "language": {"type": "string", "enum": list(LANGUAGES)},
        "product_id": {"type": "integer", "minimum": 1,
                       "description": "A product this store carries (from the suggestions); "
                                      "any other is refused with 400 product_not_in_store"},
        "sku": {"type": "string", "maxLength": 40,
                "description": "A SKU or UPC of a product this store carries: names the size too"},
        "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 128},
        "sign_pass": {"type": "string", "maxLength": 200,
                      "description": "Required: the pass from GET /signs/{sign_token} (valid "
                                     "2 h); without it, or from another Origin, 403"},
        "open_request": {"type": "string", "maxLength": 64,
                         "description": "The public token of this device's request: while it "
                                        "is open at this sign it is returned (200), no new one"},
    },
}
SIGN = {
    "type": "object", "required": ["zone", "store", "sign_pass", "submit_url"],
    "properties": {"zone": {"type": "string"}, "store": {"type": "string"},
                   "sign_pass": {"type": "string"}, "submit_url": {"type": "string"}},
}
CREATED = {
    "type": "object", "required": ["id", "public_token", "status", "status_url"],
    "properties": {"id": {"type": "integer"}, "public_token": {"type": "string"},
                   "status": {"type": "string", "enum": STATUSES},
                   "status_url": {"type": "string"}},
}
ID_OR_NULL = {"type": ["integer", "null"]}
PUBLIC_STATUS = {
    "type": "object", "required": ["status", "position", "estimate_s", "associate", "events_url",
                                   "product_id", "variant_id"],
    "properties": {"status": {"type": "string", "enum": STATUSES},
                   "product_id": ID_OR_NULL, "variant_id": ID_OR_NULL,
                   "position": {"type": ["integer", "null"], "minimum": 1},
                   "estimate_s": {"type": ["integer", "null"], "minimum": 0},
                   "associate": {"type": ["string", "null"]},
                   "events_url": {"type": "string"}},
}
HELP_REQUEST = {
    "type": "object",
    "required": ["id", "status", "zone_id", "need", "product", "size", "product_id",
                 "variant_id", "note", "requested_at", "acknowledged_at", "reached_at",
                 "resolved_at", "closed_at", "claimed_by_id", "outcome", "escalation_level"],
    "properties": {
        "id": {"type": "integer"}, "status": {"type": "string", "enum": STATUSES},
        "product_id": ID_OR_NULL, "variant_id": ID_OR_NULL,
        "zone_id": {"type": "integer"}, "need": {"type": "string", "enum": NEEDS},
        "product": {"type": "string"}, "size": {"type": "string"}, "note": {"type": "string"},
        "requested_at": {"type": "string", "format": "date-time"},
        "acknowledged_at": TIME, "reached_at": TIME, "resolved_at": TIME, "closed_at": TIME,
        "claimed_by_id": {"type": ["integer", "null"]},
        "outcome": {"type": ["string", "null"],
                    "enum": [*(outcome.value for outcome in Outcome), None]},
        "escalation_level": {"type": "integer", "minimum": 0, "maximum": 2},
    },
}
QUEUE_ITEM = {
    "type": "object",
    "required": ["id", "status", "need", "zone_id", "zone", "product_query", "size_label",
                 "product_id", "variant_id", "note", "requested_at", "claimed_by_id",
                 "claimed_by", "escalation_level", "waited_s", "sla"],
    "properties": {
        "product_id": ID_OR_NULL, "variant_id": ID_OR_NULL,
        "id": {"type": "integer"}, "status": {"type": "string", "enum": OPEN},
        "need": {"type": "string", "enum": NEEDS}, "zone_id": {"type": "integer"},
        "zone": {"type": "string"}, "product_query": {"type": "string"},
        "size_label": {"type": "string"}, "note": {"type": "string"},
        "requested_at": {"type": "string", "format": "date-time"},
        "claimed_by_id": {"type": ["integer", "null"]},
        "claimed_by": {"type": ["string", "null"]},
        "escalation_level": {"type": "integer"}, "waited_s": {"type": "integer", "minimum": 0},
        "sla": {"type": "string", "enum": SLA_STATES},
    },
}
SUGGESTIONS = {
    "type": "object", "required": ["products"],
    "properties": {"products": {"type": "array", "maxItems": 5, "items": {
        "type": "object", "required": ["id", "name", "brand", "color", "image_url", "sizes"],
        "additionalProperties": False,
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "brand": {"type": "string"}, "color": {"type": "string"},
                       "image_url": {"type": ["string", "null"]},
                       "sizes": {"type": "array", "items": {"type": "string"}}}}}},
}
MOVE_BODY = {
    "type": "object",
    "properties": {"outcome": {"type": "string", "enum": RESOLVE_OUTCOMES,
                               "description": "resolve only"},
                   "to_user_id": {"type": "integer", "description": "handoff only"}},
}
IDEMPOTENCY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False,
                      "schema": {"type": "string", "minLength": 1, "maxLength": 128}}
STREAM = {"description": "text/event-stream: `id:` is the event id, `data:` one JSON event; "
                         "comments every ~15 s keep the connection alive",
          "content": {"text/event-stream": {"schema": {"type": "string"}}}}
RESUME = [{"name": "Last-Event-ID", "in": "header", "required": False,
           "schema": {"type": "string", "pattern": "^[0-9]+$"}},
          {"name": "last_event_id", "in": "query", "required": False,
           "schema": {"type": "integer", "minimum": 0}}]
SESSION = [{"session": []}]


def _path_param(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def _moves() -> dict[str, Any]:
    paths = {}
    for move, summary in (("claim", "Claim a waiting request (on my way)"),
                          ("arrive", "Mark arrival at the customer"),
                          ("resolve", "Resolve with an outcome"),
                          ("release", "Release back to the queue"),
                          ("handoff", "Hand off to a colleague of the store"),
                          ("cancel", "Cancel (managers)")):
        paths[f"/help-requests/{{id}}/{move}"] = {"post": {
            "summary": summary, "security": SESSION,
            "parameters": [_path_param("id", {"type": "integer"}), IDEMPOTENCY_HEADER,
                           {"name": "X-CSRFToken", "in": "header", "required": False,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": False, "content": {
                "application/json": {"schema": MOVE_BODY},
                "application/x-www-form-urlencoded": {"schema": MOVE_BODY}}},
            "responses": {"200": _json({"type": "object", "required": ["help_request"],
                                        "properties": {"help_request": HELP_REQUEST}},
                                       "The request after the move"),
                          **_errors(400, 401, 403, 404, 409, 422)}}}
    return paths


def help_paths() -> dict[str, Any]:
    """Return the paths of the help-request API."""
    return {
        "/signs/{sign_token}/help-requests": {"post": {
            "summary": "Ask for help from a sign (public)",
            "parameters": [_path_param("sign_token"), IDEMPOTENCY_HEADER],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": SUBMISSION},
                "application/x-www-form-urlencoded": {"schema": SUBMISSION}}},
            "responses": {"201": _json(CREATED, "Created"),
                          "200": _json(CREATED, "The same idempotency key, or this device's "
                                                "open request: the same request"),
                          **_errors(400, 403, 404, 410, 422, 429)}}},
        "/signs/{sign_token}": {"get": {
            "summary": "A sign's place and a fresh pass to submit from it (public)",
            "parameters": [_path_param("sign_token")],
            "responses": {"200": _json(SIGN, "The sign"), **_errors(404, 410, 429)}}},
        "/signs/{sign_token}/products": {"get": {
            "summary": "Suggest the sign's store's products as the customer types (public)",
            "description": "Name, brand, color, a same-origin image and the sizes the store "
                           "carries; nothing internal. Fewer than 2 letters: no suggestions.",
            "parameters": [_path_param("sign_token"),
                           {"name": "q", "in": "query", "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 80}}],
            "responses": {"200": _json(SUGGESTIONS, "At most 5 products, best first"),
                          **_errors(400, 404, 410, 429)}}},
        "/help-requests/{public_token}": {"get": {
            "summary": "A customer's request: status, position, estimate (public)",
            "parameters": [_path_param("public_token")],
            "responses": {"200": _json(PUBLIC_STATUS, "The status"), **_errors(404, 429)}}},
        "/help-requests/{public_token}/events": {"get": {
            "summary": "A customer's request, live (SSE)",
            "parameters": [_path_param("public_token"), *RESUME],
            "responses": {"200": STREAM, **_errors(404, 429)}}},
        "/stores/{code}/queue": {"get": {
            "summary": "The store's open requests, oldest first", "security": SESSION,
            "parameters": [_path_param("code")],
            "responses": {"200": _json({"type": "object",
                                        "required": ["store", "acknowledge_target_s", "requests"],
                                        "properties": {"store": {"type": "string"},
                                                       "acknowledge_target_s": {"type": "integer"},
                                                       "requests": {"type": "array",
                                                                    "items": QUEUE_ITEM}}},
                                       "The queue"), **_errors(401, 404)}}},
        "/stores/{code}/events": {"get": {
            "summary": "The store's event log, live (SSE); `zone`: that zone's requests, "
                       "every zone's arrivals and escalations, and availability",
            "security": SESSION,
            "parameters": [_path_param("code"), *RESUME,
                           {"name": "zone", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": STREAM, **_errors(400, 401, 404)}}},
        **_moves(),
    }


def security_schemes() -> dict[str, Any]:
    """Return the session cookie scheme the staff endpoints use."""
    return {"session": {"type": "apiKey", "in": "cookie", "name": "session"}}
