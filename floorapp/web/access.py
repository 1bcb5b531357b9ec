"""Who is asking: the one place pages and API routes resolve the caller and their store.

Four doors: `managed_store` (settings, people, signs, catalog, shifts: the store's
managers and admins), `figures_store` (dashboard, staffing, metrics JSON and CSV: those,
plus the regional manager of the store's region), `board_store` (the live board: the
store's staff, admins and that regional manager) and `store_for_caller` (everything
else of a store: its staff and admins). A regional manager comes in only by
`figures_store` and `board_store`: they read, they never manage, and they never work
the floor (no queue, lookup, streams or signs); `manages` keeps the board's forms from
them.
"""

from collections.abc import Callable
from functools import wraps

from flask_login import current_user, login_required

from floorapp.errors import Forbidden
from floorapp.models import Role, Store, User
from floorapp.services.org import regions, stores


def acting_user() -> User:
    """Return the logged-in user as a model object (not Flask-Login's proxy)."""
    return current_user._get_current_object()


def store_for_caller(code: str) -> Store:
    """Return the store `code` if the caller may see it; otherwise answer 404."""
    return stores.visible_store(acting_user(), code)


def managed_store(code: str) -> Store:
    """Return the store `code` if the caller manages it; otherwise 404 or 403."""
    store = store_for_caller(code)
    stores.require_manager(acting_user(), store)
    return store


def figures_store(code: str) -> Store:
    """Return the store `code` if the caller may read its figures; otherwise 404 or 403."""
    return regions.figures_store(acting_user(), code)


def board_store(code: str) -> Store:
    """Return the store `code` if the caller may watch its live board; otherwise 404."""
    return regions.board_store(acting_user(), code)


def manages(store: Store) -> bool:
    """Tell whether the caller manages `store` (its managers and admins, nobody else)."""
    return stores.manages(acting_user(), store)


def admin_required(view: Callable) -> Callable:
    """Let only logged-in admins through."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if acting_user().role is not Role.ADMIN:
            raise Forbidden("Only an admin can do that.")
        return view(*args, **kwargs)

    return wrapper
