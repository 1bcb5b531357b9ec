"""Who is asking: the one place pages and API routes resolve the caller and their store."""

from collections.abc import Callable
from functools import wraps

from flask_login import current_user, login_required

from floorapp.errors import Forbidden
from floorapp.models import Role, Store, User
from floorapp.services.org import stores


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


def admin_required(view: Callable) -> Callable:
    """Let only logged-in admins through."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if acting_user().role is not Role.ADMIN:
            raise Forbidden("Only an admin can do that.")
        return view(*args, **kwargs)

    return wrapper
