"""The OpenAPI description of a request's thread and photos (merged into openapi.document).

The staff's paths name the request by `request_id` (digits), the customer's by
`public_token` (32 URL-safe characters): the router tells them apart by shape, as it
does for the moves and the public status.
"""

from typing import Any

from floorapp.api.openapi.help import SESSION, _errors, _json, _path_param
from floorapp.models import Author
from floorapp.services.conversation.thread import MAX_BODY

ID = {"type": "integer", "minimum": 1}
MESSAGE = {
    "type": "object", "required": ["id", "author", "name", "body", "at", "photo_id"],
    "properties": {
        "id": {"type": "integer"}, "author": {"type": "string", "enum": [a.value for a in Author]},
        "name": {"type": "string", "description": "The staff author's first name, else ''"},
        "body": {"type": "string", "maxLength": MAX_BODY,
                 "description": "Plain text, never HTML: show it escaped, make no links"},
        "at": {"type": "string", "format": "date-time"},
        "photo_id": {"type": ["integer", "null"]},
        "photo_url": {"type": ["string", "null"]}}}
THREAD = {"type": "object", "required": ["messages"], "properties": {
    "open": {"type": "boolean", "description": "The customer may still write"},
    "messages": {"type": "array", "items": MESSAGE}}}
POSTED = {"type": "object", "required": ["message"], "properties": {"message": MESSAGE}}
KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
       "schema": {"type": "string", "maxLength": 128}}
TEXT = {"type": "object", "properties": {
    "body": {"type": "string", "maxLength": MAX_BODY},
    "idempotency_key": {"type": "string", "maxLength": 128}}}
WITH_PHOTO = {"type": "object", "properties": {
    **TEXT["properties"], "photo": {"type": "string", "contentMediaType": "image/*",
                                    "description": "JPEG, PNG, WebP or HEIC, at most 8 MB; "
                                                   "re-encoded as JPEG without metadata"}}}
PHOTO = {"description": "The photo (private, no-store, nosniff)",
         "content": {"image/jpeg": {"schema": {"type": "string",
                                               "contentMediaType": "image/jpeg"}}}}


def _post(schema: dict, summary: str, *, staff: bool) -> dict[str, Any]:
    content = {"application/json": {"schema": TEXT}}
    if not staff:
        content["multipart/form-data"] = {"schema": WITH_PHOTO}
    statuses = (400, 401, 404, 422) if staff else (400, 403, 404, 409, 422, 429)
    operation = {"summary": summary, "parameters": [schema, KEY],
                 "requestBody": {"required": True, "content": content},
                 "responses": {"201": _json(POSTED, "Posted"),
                               "200": _json(POSTED, "A replay of the key: the first message"),
                               **_errors(*statuses)}}
    return operation | ({"security": SESSION} if staff else {})


def message_paths() -> dict[str, Any]:
    """Return the paths of the thread: the staff's by id, the customer's by token."""
    staff, customer = _path_param("request_id", ID), _path_param("public_token")
    return {
        "/help-requests/{request_id}/messages": {
            "get": {"summary": "A request's thread (staff of its store)", "security": SESSION,
                    "parameters": [staff],
                    "responses": {"200": _json(THREAD, "Oldest first"), **_errors(401, 404)}},
            "post": _post(staff, "Reply on a request's thread (staff of its store)",
                          staff=True)},
        "/help-requests/{public_token}/messages": {
            "get": {"summary": "The thread, to the request's customer (public)",
                    "parameters": [customer],
                    "responses": {"200": _json(THREAD, "Oldest first"), **_errors(404, 429)}},
            "post": _post(customer, "The customer writes, with one optional photo (public; "
                          "other sites refused)", staff=False)},
        "/help-requests/{request_id}/photos/{photo_id}": {"get": {
            "summary": "A customer's photo (staff of the request's store)", "security": SESSION,
            "parameters": [staff, _path_param("photo_id", ID)],
            "responses": {"200": PHOTO, **_errors(401, 404)}}},
        "/help-requests/{public_token}/photos/{photo_id}": {"get": {
            "summary": "A photo, to the request's customer", "parameters": [
                customer, _path_param("photo_id", ID)],
            "responses": {"200": PHOTO, **_errors(404, 429)}}},
    }
