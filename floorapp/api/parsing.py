"""Reading API input: JSON objects or form posts, and the idempotency key."""

from typing import Any

from flask import request

from floorapp.errors import InvalidInput, Unauthorized
from floorapp.models import User
from floorapp.services.core import idempotency


def body() -> dict[str, Any]:
    """Return the request body as a dict: a JSON object, or the form fields.

    Before the handler ran, floorapp/web/wire.py capped its size, parsed the JSON once
    (Flask caches it; a body nested too deep was a 400 there) and refused control
    characters in every string, so this only checks the shape.
    """
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise InvalidInput("The body must be a JSON object.", code="invalid_json")
        return data
    return request.form.to_dict()


def idempotency_key(data: dict[str, Any]) -> str | None:
    """Return the Idempotency-Key header, or the `idempotency_key` field."""
    raw = request.headers.get("Idempotency-Key") or data.get("idempotency_key")
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput("The idempotency key must be text.")
    return idempotency.check_key(raw)


def api_user() -> User:
    """Return the logged-in user, or answer 401 (the API never redirects to a page)."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        raise Unauthorized("Log in first: this needs an associate's or manager's session.")
    return current_user._get_current_object()
