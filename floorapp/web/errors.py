"""Error rendering: one vocabulary, an HTML page for people and JSON for the API."""

import contextlib
import logging
import sqlite3

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import TemplateNotFound
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from floorapp.access_log import redact
from floorapp.errors import DomainError
from floorapp.extensions import db

log = logging.getLogger(__name__)
PAGE_TITLES = {
    400: "That didn't work",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Already changed",
    413: "Too large",
    429: "Slow down",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


def register(app: Flask) -> None:
    """Install the handlers for domain errors, HTTP errors and unexpected failures."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    # every connection of the worker's pool busy past pool_timeout: overload, not a bug
    app.register_error_handler(PoolTimeout, _database_unavailable)
    # the embedded rate-limit file (floorapp/limits_storage.py) lives beside the database
    app.register_error_handler(sqlite3.OperationalError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected_error)


def wants_json() -> bool:
    """Tell whether the caller is the API or a client that prefers JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str, details: dict | None = None):
    """Return the error as `{"error": {...}}` JSON or as the page for its status."""
    if wants_json():
        return jsonify(error={**(details or {}), "code": code, "message": message}), status
    title = PAGE_TITLES.get(status, "That didn't work")
    try:
        page = render_template(f"errors/{status}.html", title=title, message=message)
    except TemplateNotFound:
        page = render_template("errors/_error.html", title=title, message=message)
    return page, status


def _domain_error(error: DomainError):
    # The service that refused has rolled back already (services/core/transactions.py).
    return error_response(error.status, error.code, error.message, error.details)


def _csrf_error(error: CSRFError):
    message = "This form has expired or was sent from elsewhere. Go back, reload and try again."
    return error_response(400, "csrf_failed", message)


def _http_error(error: HTTPException):
    status = error.code or 500
    code = (error.name or "error").lower().replace(" ", "_")
    return error_response(status, code, error.description or error.name)


def _unexpected_error(error: Exception):
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, redact(request.path))
    return error_response(500, "internal_error", "Something went wrong on our side. "
                          "Nothing was saved; please try again.")


def _database_unavailable(error: Exception):
    """Answer 503 while the database cannot be reached, or the worker's pool has no free
    connection in time (a burst: Retry-After); the pool reconnects by itself."""
    from flask import g

    from floorapp.extensions import login_manager

    log.warning("Database unavailable on %s %s: %s", request.method, redact(request.path),
                str(error).splitlines()[0] if str(error) else type(error).__name__)
    with contextlib.suppress(Exception):  # the connection is gone: nothing to undo
        db.session.rollback()
    db.session.remove()
    # The page must not load the user (or the user's store) from the missing database.
    g._login_user = login_manager.anonymous_user()
    response = make_response(error_response(
        503, "database_unavailable", "The store system cannot reach its database right now. "
        "Nothing was saved; please try again in a moment."))
    response.headers["Retry-After"] = "5"
    return response
