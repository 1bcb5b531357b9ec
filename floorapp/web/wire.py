"""Guards on the raw request, before any handler reads it: body size and control characters.

A body over MAX_CONTENT_LENGTH answers 413 even on a route that would fail before
reading it, and even where a handler reads JSON with `silent=True` (which would turn
the 413 into a vaguer 400). Then every text the request carries is checked once,
by floorapp/services/core/input_parsing.py: the path, each query field, each form field
(urlencoded or multipart, and upload file names) and every string of a JSON body,
which must also be nested at most MAX_JSON_DEPTH deep (a deeper body used to be a
RecursionError, a 500). The checks read the parsed values, not raw bytes, so an
escape (`%00`, `\\u0000`) cannot slip past and a form already parsed is still seen.

`register` puts the guard FIRST among the before-request functions: Flask-WTF's
CSRF check (bound earlier, in register_extensions) reads the form too, and nothing
must read a body before its size is capped.
"""

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from floorapp.services.core.input_parsing import (
    MAX_ID,
    check_field,
    check_json,
    check_text,
    json_too_deep,
)

# Blueprints whose bodies are a help request or a move: a few hundred bytes, so 16 KB
# is plenty (a flood cannot cost memory), and the limit must hold before this module
# reads the body below. This is the one place those routes' bodies are capped.
SMALL_BODY_BLUEPRINTS = {"api_help", "api_queue", "customer"}
SMALL_BODY_BYTES = 16 * 1024
# The thread's routes carry a customer's photo: its cap (services/conversation/photos.py)
# and room for the form's other fields.
PHOTO_BODY_BLUEPRINTS = {"api_messages"}
PHOTO_BODY_ENDPOINTS = {"customer.post_message"}
PHOTO_BODY_BYTES = 8 * 1024 * 1024 + 64 * 1024
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: ASCII digits only, at most a database id (else a 404).

    Werkzeug's own reads `\\d+`, so '٣' was id 3 and thirty nines reached the database
    (an overflow, a 500 on both backends).
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register(app: Flask) -> None:
    """Check every request's size and text before anything else sees it.

    Called before the blueprints are registered, so their `<int:…>` rules use IdConverter.
    """
    app.url_map.converters["int"] = IdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)


def check_request() -> None:
    """Refuse an oversized body (413), or control characters or deep JSON (400)."""
    if request.blueprint in PHOTO_BODY_BLUEPRINTS or request.endpoint in PHOTO_BODY_ENDPOINTS:
        _cap_body(PHOTO_BODY_BYTES)
    elif request.blueprint in SMALL_BODY_BLUEPRINTS:
        _cap_body(SMALL_BODY_BYTES)
    limit = request.max_content_length
    if limit and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    check_text(request.path, "address", multi_line=False)
    for name, value in request.args.items(multi=True):
        check_field(name, value)
    if request.mimetype in FORM_TYPES:
        _check_form()
    elif request.is_json:
        _check_json()


def _check_form() -> None:
    for name, value in request.form.items(multi=True):
        check_field(name, value)
    for name, upload in request.files.items(multi=True):
        check_text(name, "field name", multi_line=False)
        check_text(upload.filename or "", "file name", multi_line=False)


def _check_json() -> None:
    """Parse the body once (Flask caches it for the handler) and check what it holds."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise json_too_deep() from None
    check_json(data)


def _cap_body(size: int) -> None:
    """Lower this request's body limit to `size` (never above the app's own limit)."""
    limit = min(size, current_app.config.get("MAX_CONTENT_LENGTH") or size)
    request.max_content_length = limit
    request.max_form_memory_size = limit
