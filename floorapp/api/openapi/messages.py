"""The OpenAPI description of a request's thread and photos (merged into openapi.document).

The staff name the request by its id (digits), the customer by its public token (32
URL-safe characters), on one path template each (see `message_paths`).
"""

from typing import Any

from floorapp.api.openapi.help import _errors, _json, _path_param
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


REQUEST = {"name": "request", "in": "path", "required": True,
           "description": "The request's id (digits: its store's staff, with a session) or its "
                          "public_token (32 characters: its customer, public)",
           "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
BOTH = "With an id, staff of the request's store (session, X-CSRFToken); with the " \
       "public token, its customer (public; other sites refused)."


def message_paths() -> dict[str, Any]:
    """Return the thread's paths: one template, the request named by id or by token.

    The router tells them apart by shape (the int converter is tried first); OpenAPI
    forbids two templates that differ only in a parameter's name, so each path is one.
    """
    content = {"application/json": {"schema": TEXT},
               "multipart/form-data": {"schema": WITH_PHOTO}}
    return {
        "/help-requests/{request}/messages": {
            "get": {"summary": "A request's thread, oldest first", "description": BOTH,
                    "parameters": [REQUEST],
                    "responses": {"200": _json(THREAD, "Oldest first"),
                                  **_errors(401, 404, 429)}},
            "post": {"summary": "Write on a request's thread (a photo: the customer only)",
                     "description": BOTH + " Of the staff, the associate who holds the "
                     "request answers, and the store's managers always may; anyone else "
                     "gets 403 `not_holder` (they read the thread, and claim to answer).",
                     "parameters": [REQUEST, KEY],
                     "requestBody": {"required": True, "content": content},
                     "responses": {"201": _json(POSTED, "Posted"),
                                   "200": _json(POSTED, "A replay of the key: the first one"),
                                   **_errors(400, 401, 403, 404, 409, 422, 429)}}},
        "/help-requests/{request}/photos/{photo_id}": {"get": {
            "summary": "A customer's photo", "description": BOTH,
            "parameters": [REQUEST, _path_param("photo_id", ID)],
            "responses": {"200": PHOTO, **_errors(401, 404, 429)}}},
    }
