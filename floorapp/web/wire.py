"""Guards on the raw request, before any handler reads it: body size and NUL characters.

A body over MAX_CONTENT_LENGTH answers 413 even on a route that would fail before
reading it, and even where a handler reads JSON with `silent=True` (which would turn
the 413 into a vaguer 400). NUL characters are refused in the query string and in
JSON or form bodies: PostgreSQL cannot store them in text, so without this guard the
same input is stored on SQLite and fails with a 500 on PostgreSQL.
"""

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from floorapp.errors import InvalidInput

JSON_NUL = (b"\x00", b"\\u0000")
# Blueprints whose bodies are a help request or a move: a few hundred bytes, so 16 KB
# is plenty (a flood cannot cost memory), and the limit must hold before this module
# reads the body below. This is the one place those routes' bodies are capped.
SMALL_BODY_BLUEPRINTS = {"api_help", "api_queue", "customer"}
SMALL_BODY_BYTES = 16 * 1024
URLENCODED_NUL = (b"\x00", b"%00")


def register(app: Flask) -> None:
    """Check every request's size and text before the handlers see it."""
    app.before_request(check_request)


def check_request() -> None:
    """Refuse an oversized body (413) or NUL characters in the query or body (400)."""
    if request.blueprint in SMALL_BODY_BLUEPRINTS:
        _cap_body(SMALL_BODY_BYTES)
    limit = request.max_content_length
    if limit and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if "\x00" in request.path or _contains(request.query_string, URLENCODED_NUL):
        raise InvalidInput("The address contains a NUL character.", code="nul_character")
    if request.is_json:
        markers = JSON_NUL
    elif request.mimetype == "application/x-www-form-urlencoded":
        markers = URLENCODED_NUL
    else:
        return
    if _contains(request.get_data(cache=True), markers):
        raise InvalidInput("Text cannot contain NUL characters.", code="nul_character")


def _cap_body(size: int) -> None:
    """Lower this request's body limit to `size` (never above the app's own limit)."""
    limit = min(size, current_app.config.get("MAX_CONTENT_LENGTH") or size)
    request.max_content_length = limit
    request.max_form_memory_size = limit


def _contains(raw: bytes, markers: tuple[bytes, ...]) -> bool:
    return any(marker in raw for marker in markers)
