"""The OpenAPI description of going away: availability with hand-overs, breaks and backups.

Merged into openapi.document after the help paths, so `/me/availability` here is the
one the document shows (services/help/away.py is what it describes).
"""

from typing import Any

from floorapp.api.openapi.help import AVAILABILITY, ERROR, TIME, _errors, _json, _path_param
from floorapp.services.help.away import QUEUE

SESSION = [{"session": []}]
ID_OR_NULL = {"type": ["integer", "null"]}
BREAK = {
    "type": "object",
    "required": ["id", "user_id", "zone_id", "backup_id", "started_at", "expected_return_at",
                 "ended_at"],
    "properties": {"id": {"type": "integer"}, "user_id": {"type": "integer"},
                   "zone_id": ID_OR_NULL, "backup_id": ID_OR_NULL, "started_at": TIME,
                   "expected_return_at": TIME, "ended_at": TIME},
}
HOLDING = {
    "description": "Going on break or off while holding requests nobody was named for "
                   "(`holding_requests`, with `requests`), a backup not on shift "
                   "(`backup_unavailable`), or already on break (`already_on_break`)",
    "content": {"application/json": {"schema": {"allOf": [ERROR, {"type": "object", "properties": {
        "error": {"type": "object", "properties": {"requests": {"type": "array", "items": {
            "type": "object", "required": ["id", "status", "zone", "need", "choices"],
            "properties": {"id": {"type": "integer"}, "status": {"type": "string"},
                           "zone": {"type": "string"}, "need": {"type": "string"},
                           "choices": {"type": "array", "items": {"type": "string"}}}}}}}}}]}}},
}
AVAILABILITY_BODY = {
    "type": "object", "required": ["availability"],
    "properties": {
        "availability": {"type": "string", "enum": AVAILABILITY},
        "zone_id": {"type": ["integer", "null"],
                    "description": "on_floor: the zone to cover; none after a break: the "
                                   "zone left"},
        "held": {"type": "object", "additionalProperties": {"type": ["string", "integer"]},
                 "description": f"on_break/off: for each request held, a colleague's user id "
                                f"or \"{QUEUE}\" (only a request not yet reached)"},
        "until": {"type": ["string", "integer"],
                  "description": "on_break: minutes (1-240) or \"HH:MM\" in the store's time "
                                 "zone; none: 15 minutes"},
        "backup_id": {"type": ["integer", "string", "null"],
                      "description": "on_break: the colleague on shift who covers the zone; "
                                     "none: the suggested one"},
    },
}


def break_paths() -> dict[str, Any]:
    """Return the paths of availability, breaks and backups."""
    return {
        "/me/availability": {"post": {
            "summary": "Set my availability (going away hands over what I hold)",
            "security": SESSION,
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": AVAILABILITY_BODY}}},
            "responses": {"200": _json({"type": "object",
                                        "required": ["availability", "zone_id", "on_break"],
                                        "properties": {"availability": {"type": "string"},
                                                       "zone_id": ID_OR_NULL,
                                                       "on_break": {"oneOf": [BREAK,
                                                                              {"type": "null"}]}}},
                                       "The new availability, and the break if on one"),
                          "409": HOLDING, **_errors(400, 401)}}},
        "/stores/{code}/breaks/{break_id}/backup": {"post": {
            "summary": "Name another backup for an open break (the one on break, or a manager)",
            "security": SESSION,
            "parameters": [_path_param("code"),
                           {"name": "break_id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["backup_id"],
                "properties": {"backup_id": {"type": ["integer", "string"]}}}}}},
            "responses": {"200": _json({"type": "object", "required": ["on_break"],
                                        "properties": {"on_break": BREAK}}, "The break"),
                          **_errors(400, 401, 403, 404, 409)}}},
    }
