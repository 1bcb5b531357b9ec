"""Cache headers on signed-in answers, and which login session an answer belongs to.

A handheld passes from one associate to the next. Every answer to a signed-in request
says `Cache-Control: no-store` (or the view's own `private, no-store`), so neither the
browser, a proxy nor the service worker keeps it, except the associate's floor pages
that the service worker keeps for a dead spot: they say `private, no-cache` and `Vary:
Cookie`. `X-Floorapp-Session` tells the service worker whose answer it is: a keyed hash
of the login session's token (never the token) or `none` when the request carried no
live session (anonymous, logged out, idle, deactivated, role changed). The service
worker keeps a page only under its session and drops every other session's pages as soon
as another tag, or `none`, arrives.
"""

import hashlib
import hmac

from flask import Flask, current_app, request, session
from flask_login import current_user

SESSION_HEADER = "X-Floorapp-Session"
NO_SESSION = "none"
# The pages an associate needs in a dead spot (the queue, the store, the lookup and the
# stockroom list, which the outbox acts on). Managers' and admins' pages, API answers and
# everything else signed-in are no-store: a dashboard, the API tokens or the store's
# settings are never readable from this device after the session.
OFFLINE_ENDPOINTS = frozenset({
    "home.store", "floor.queue", "lookup.search", "lookup.results", "lookup.product",
    "lookup.customer_view", "lookup.pull_list",
})
# The same bytes for everybody (and asked for on every page): left as they are, and no
# session lookup for them. A product's picture needs a login but shows nothing of anyone's.
ASSET_ENDPOINTS = frozenset({"static", "pwa.icon", "pwa.manifest", "pwa.service_worker",
                             "lookup.image"})
OFFLINE_CACHING = "private, no-cache"


def register(app: Flask) -> None:
    """Label every answer with its session and its caching."""
    app.after_request(add_cache_headers)


def add_cache_headers(response):
    """Set `X-Floorapp-Session` and, on signed-in answers, `Cache-Control` (see module)."""
    if request.endpoint in ASSET_ENDPOINTS:
        return response
    if "Authorization" in request.headers:  # an integration's API call: nothing to keep
        response.headers["Cache-Control"] = "no-store"
        return response
    token = session.get("sid")
    # is_anonymous reads no column: a stream has closed the database session by now
    if not token or current_user.is_anonymous:
        response.headers[SESSION_HEADER] = NO_SESSION
        return response
    response.headers[SESSION_HEADER] = session_tag(token)
    if request.endpoint in OFFLINE_ENDPOINTS and response.status_code == 200:
        response.headers["Cache-Control"] = OFFLINE_CACHING
        response.vary.add("Cookie")
    elif "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"  # kept if the view said more
    return response


def session_tag(token: str) -> str:
    """Return the public name of a login session: it cannot be turned back into the token."""
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"sw-session:" + token.encode(), hashlib.sha256).hexdigest()[:32]
