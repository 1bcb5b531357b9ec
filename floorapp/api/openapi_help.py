"""The OpenAPI paths of the help-request API (api/help_requests.py, api/queue.py, api/events.py).

The two event streams are documented as `text/event-stream`; they never end, so the
fuzz test (tests/api/test_fuzz.py) leaves them out and tests/reliability covers them.
"""

from typing import Any

ERR = {"$ref": "#/components/schemas/Error"}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
NEEDS = ["find_size", "product_question", "fitting_room", "checkout", "other"]
STATUSES = ["waiting", "claimed", "helping", "resolved", "cancelled", "expired"]
OUTCOMES = ["helped", "sold", "out_of_stock", "customer_gone"]
AVAILABILITIES = ["on_floor", "with_customer", "on_break", "off"]
MOVES = ["claim", "arrive", "resolve", "release", "handoff", "cancel"]
TEXT_FIELDS = {"product": 120, "size": 24, "note": 280}
ERROR_TEXT = {"400": "Invalid input", "401": "Not logged in", "403": "Not allowed",
              "404": "Not found (or another store's)", "409": "Not allowed from this state",
              "410": "The sign was retired", "413": "Body too large",
              "415": "Unsupported content type", "422": "Idempotency key reused",
              "429": "Too many requests"}


def _object(properties: dict, *optional: str) -> dict:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _responses(ok: dict[str, dict], *errors: str) -> dict:
    answers = {status: {"description": "OK"} | _json(schema) for status, schema in ok.items()}
    for status in ("400", "413", *errors):
        answers[status] = {"description": ERROR_TEXT[status]} | _json(ERR)
    return answers


def _path(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


TOKEN = {"type": "string", "minLength": 1, "maxLength": 64}
KEY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False,
              "description": "the same key with the same body answers the first response",
              "schema": {"type": "string", "maxLength": 128}}
SUBMISSION = {"type": "object", "required": ["need"], "properties": {
    "need": {"enum": NEEDS},
    **{name: {"type": "string", "maxLength": limit} for name, limit in TEXT_FIELDS.items()},
    "language": {"type": "string", "maxLength": 8},
    "idempotency_key": {"type": "string", "maxLength": 128}}}
SUBMITTED = _object({"id": {"type": "integer"}, "public_token": {"type": "string"},
                     "status": {"enum": STATUSES}, "status_url": {"type": "string"}})
CUSTOMER_STATUS = _object({
    "status": {"enum": STATUSES},
    "position": {"type": ["integer", "null"], "minimum": 1},
    "estimate_s": {"type": ["integer", "null"], "minimum": 0},
    "associate": {"type": ["string", "null"], "description": "the helper's first name"},
    "events_url": {"type": "string"}})
SUMMARY = _object({
    "id": {"type": "integer"}, "status": {"enum": STATUSES}, "zone_id": {"type": "integer"},
    "need": {"enum": NEEDS}, "product": {"type": "string"}, "size": {"type": "string"},
    "note": {"type": "string"}, "requested_at": TIME, "acknowledged_at": NULLABLE_TIME,
    "reached_at": NULLABLE_TIME, "resolved_at": NULLABLE_TIME, "closed_at": NULLABLE_TIME,
    "claimed_by_id": {"type": ["integer", "null"]},
    "outcome": {"enum": [*OUTCOMES, None]}, "escalation_level": {"type": "integer"}})
QUEUE_ITEM = _object({
    "id": {"type": "integer"}, "status": {"enum": ["waiting", "claimed", "helping"]},
    "need": {"enum": NEEDS}, "zone_id": {"type": "integer"}, "zone": {"type": "string"},
    "product_query": {"type": "string"}, "size_label": {"type": "string"},
    "note": {"type": "string"}, "requested_at": TIME,
    "claimed_by_id": {"type": ["integer", "null"]}, "claimed_by": {"type": ["string", "null"]},
    "escalation_level": {"type": "integer"}, "waited_s": {"type": "integer", "minimum": 0},
    "sla": {"enum": ["ok", "due_soon", "overdue"]}})
MOVE_BODY = {"type": "object", "properties": {
    "outcome": {"enum": OUTCOMES, "description": "resolve only"},
    "to_user_id": {"type": "integer", "description": "handoff only"},
    "idempotency_key": {"type": "string", "maxLength": 128}}}
SSE = {"description": "Server-Sent Events: `id:` is the event id; resume with Last-Event-ID",
       "content": {"text/event-stream": {"schema": {"type": "string"}}}}
RESUME = {"name": "Last-Event-ID", "in": "header", "required": False,
          "schema": {"type": "string"}}


def paths() -> dict[str, Any]:
    """Return the help-request API's paths."""
    return {
        "/signs/{sign_token}/help-requests": {"post": {
            "summary": "Ask for help from a sign (public; JSON or a form post)",
            "security": [],
            "parameters": [_path("sign_token", TOKEN), KEY_HEADER],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": SUBMISSION},
                "application/x-www-form-urlencoded": {"schema": SUBMISSION}}},
            "responses": _responses({"201": SUBMITTED, "200": SUBMITTED},
                                    "404", "410", "415", "422", "429"),
        }},
        "/help-requests/{public_token}": {"get": {
            "summary": "A customer's request: status, queue position and wait estimate",
            "security": [],
            "parameters": [_path("public_token", TOKEN)],
            "responses": _responses({"200": CUSTOMER_STATUS}, "404", "429"),
        }},
        "/help-requests/{public_token}/events": {"get": {
            "summary": "The customer's live stream of their request's changes (SSE)",
            "security": [],
            "parameters": [_path("public_token", TOKEN), RESUME],
            "responses": {"200": SSE} | _responses({}, "404", "429"),
        }},
        **_staff_paths(),
    }


def _staff_paths() -> dict[str, Any]:
    code = _path("code", {"type": "string", "maxLength": 16})
    return {
        "/stores/{code}/queue": {"get": {
            "summary": "The store's open requests, oldest first (the store's staff)",
            "parameters": [code],
            "responses": _responses({"200": _object({
                "store": {"type": "string"}, "acknowledge_target_s": {"type": "integer"},
                "requests": {"type": "array", "items": QUEUE_ITEM}})}, "401", "404"),
        }},
        "/stores/{code}/events": {"get": {
            "summary": "The store's live event log for its staff (SSE)",
            "parameters": [code, RESUME],
            "responses": {"200": SSE} | _responses({}, "401", "404"),
        }},
        "/help-requests/{request_id}/{move}": {"post": {
            "summary": "Claim, arrive, resolve, release, hand off or cancel (managers) a request",
            "parameters": [_path("request_id", {"type": "integer", "minimum": 0}),
                           _path("move", {"enum": MOVES}), KEY_HEADER],
            "requestBody": {"required": False, "content": {
                "application/json": {"schema": MOVE_BODY}}},
            "responses": _responses({"200": _object({"help_request": SUMMARY})},
                                    "401", "403", "404", "409", "415", "422"),
        }},
        "/me/availability": {"post": {
            "summary": "Set the caller's availability (and zone when on the floor)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["availability"], "properties": {
                    "availability": {"enum": ["on_floor", "on_break", "off"]},
                    "zone_id": {"type": ["integer", "null"]}}}}}},
            "responses": _responses({"200": _object({
                "availability": {"enum": AVAILABILITIES},
                "zone_id": {"type": ["integer", "null"]}})}, "401", "403", "415"),
        }},
    }
