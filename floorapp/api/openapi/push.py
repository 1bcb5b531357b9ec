"""The OpenAPI description of the Web Push endpoints (merged into openapi.document)."""

from typing import Any

from floorapp.api.openapi.help import SESSION, _errors, _json, _path_param
from floorapp.services.notify.subscription_input import MAX_LABEL

CSRF_HEADER = {"name": "X-CSRFToken", "in": "header", "required": False,
               "schema": {"type": "string"}}
SUBSCRIPTION = {
    "type": "object", "required": ["endpoint", "keys"],
    "description": "The browser's PushSubscription.toJSON(), with an optional label",
    "properties": {
        "endpoint": {"type": "string", "maxLength": 1024,
                     "description": "Must start with a prefix of FLOORAPP_PUSH_ENDPOINT_ALLOW "
                                    "(the browsers' push services); any other: 400"},
        "expirationTime": {"type": ["number", "null"]},
        "keys": {"type": "object", "required": ["p256dh", "auth"], "properties": {
            "p256dh": {"type": "string", "description": "base64url, an uncompressed P-256 point"},
            "auth": {"type": "string", "description": "base64url, 16 bytes"}}},
        "label": {"type": "string", "maxLength": MAX_LABEL,
                  "description": "What to call the device; default from the User-Agent"},
    },
}
TIME = {"type": "string", "format": "date-time"}
SUBSCRIBED = {"type": "object", "required": ["id", "label", "created_at"],
              "properties": {"id": {"type": "integer"}, "label": {"type": "string"},
                             "created_at": TIME}}
DEVICE = {"type": "object",
          "required": ["id", "label", "created_at", "last_pushed_at", "this_device"],
          "properties": {"id": {"type": "integer"}, "label": {"type": "string"},
                         "created_at": TIME, "last_pushed_at": {"type": ["string", "null"],
                                                               "format": "date-time"},
                         "this_device": {"type": "boolean"}}}


def _body() -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": SUBSCRIPTION}}}


def push_paths() -> dict[str, Any]:
    """Return the paths of the Web Push API."""
    return {
        "/push/key": {"get": {
            "summary": "The server's VAPID public key (applicationServerKey), public",
            "responses": {"200": _json({"type": "object", "required": ["public_key"],
                                        "properties": {"public_key": {"type": "string"}}},
                                       "base64url of the uncompressed P-256 point")}}},
        "/me/push-subscriptions": {
            "post": {"summary": "Notify me on this device (this login session's browser)",
                     "security": SESSION, "parameters": [CSRF_HEADER], "requestBody": _body(),
                     "responses": {"201": _json(SUBSCRIBED, "Subscribed (the same endpoint "
                                                "again: its row, moved to the caller)"),
                                   **_errors(400, 401, 409)}},
            "get": {"summary": "My devices", "security": SESSION,
                    "responses": {"200": _json({"type": "object", "required": ["devices"],
                                                "properties": {"devices": {
                                                    "type": "array", "items": DEVICE}}},
                                               "Newest first"), **_errors(401)}}},
        "/me/push-subscriptions/{subscription_id}": {"delete": {
            "summary": "Remove one of my devices", "security": SESSION,
            "parameters": [_path_param("subscription_id", {"type": "integer"}), CSRF_HEADER],
            "responses": {"204": {"description": "Removed"}, **_errors(401, 404)}}},
        "/me/csrf-token": {"get": {
            "summary": "This session's CSRF token (the service worker's claim sends it)",
            "security": SESSION,
            "responses": {"200": _json({"type": "object", "required": ["csrf_token"],
                                        "properties": {"csrf_token": {"type": "string"}}},
                                       "The X-CSRFToken value"), **_errors(401)}}},
        "/help-requests/{public_token}/push-subscription": {"post": {
            "summary": "Tell this phone when someone is on the way (public, open requests only)",
            "parameters": [_path_param("public_token")], "requestBody": _body(),
            "responses": {"201": _json(SUBSCRIBED, "Subscribed to this request alone"),
                          **_errors(400, 403, 404, 409, 429)}}},
    }
