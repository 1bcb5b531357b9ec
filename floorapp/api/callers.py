"""Who calls the API: a logged-in associate (session) or an integration (Bearer token).

Session callers see their home store (admins any store, by `?store=`); another
store answers 404, as on the pages. A regional manager has no home store and sees no
store here (404 for every `?store=`): they read figures (floorapp/api/metrics.py and
floorapp/api/regions.py, through web/access.py's `figures_store`), never the catalog,
the queue or stock writes. Token callers are bound to the token's store
(or every store) and its scopes; another store answers 403.
"""

from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user

from floorapp.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from floorapp.extensions import csrf
from floorapp.models import ApiToken, Role, Store, User
from floorapp.services.org import stores, tokens

SESSION_WRITE_ROLES = (Role.MANAGER, Role.ADMIN)


@dataclass
class Caller:
    """The authenticated caller: exactly one of `user` and `token` is set."""

    user: User | None = None
    token: ApiToken | None = None


def current_caller() -> Caller:
    """Return the caller from the Bearer token or the session, or raise Unauthorized."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthorized("Use Authorization: Bearer <token>.")
        return Caller(token=tokens.authenticate(raw.strip()))
    if not current_user.is_authenticated:
        raise Unauthorized("Log in, or send an API token: Authorization: Bearer <token>.")
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_app.config.get(
            "WTF_CSRF_ENABLED", True):
        csrf.protect()  # a session can be ridden by another site; a Bearer token cannot
    return Caller(user=current_user._get_current_object())


def require_scope(caller: Caller, scope: str) -> None:
    """Raise Forbidden unless a token caller holds `scope`."""
    if caller.token is not None and scope not in caller.token.scope_list:
        raise Forbidden(f"This API token lacks the {scope!r} scope.")


def caller_store(caller: Caller, code: str | None) -> Store:
    """Return the store the call is about: the named one if allowed, else the caller's own."""
    if caller.user is not None:
        if code:
            return stores.visible_store(caller.user, code)
        if caller.user.role is Role.REGIONAL_MANAGER:  # no store is theirs to work in
            raise NotFound("A regional manager reads figures; no store's stock is theirs.")
        if caller.user.home_store is None:
            raise InvalidInput("Name the store: ?store=CODE.")
        return caller.user.home_store
    token = caller.token
    if code:
        store = stores.store_by_code(code)
        if store is None or (token.store_id is not None and token.store_id != store.id):
            raise Forbidden("This API token is not for that store.")
        return store
    if token.store_id is None:
        raise InvalidInput("This token is for every store: name one with ?store=CODE.")
    return stores.store_by_id(token.store_id)


def require_stock_writer(caller: Caller, store: Store) -> None:
    """Let through a token with stock:write for this store, or this store's managers."""
    if caller.token is not None:
        require_scope(caller, "stock:write")
        return
    stores.require_manager(caller.user, store)


def session_user(caller: Caller, what: str) -> User:
    """Return the session user, or refuse a token caller for something only people do."""
    if caller.user is None:
        raise Forbidden(f"Only a logged-in associate can {what}.")
    return caller.user
