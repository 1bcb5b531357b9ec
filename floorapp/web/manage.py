"""Managing stores, zones and people: managers for their store, admins for all."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from floorapp.errors import DomainError
from floorapp.models import Role
from floorapp.services.core import audit
from floorapp.services.org import stores, users
from floorapp.web.access import acting_user, admin_required, managed_store

bp = Blueprint("manage", __name__)


@bp.get("/stores/<code>/settings")
@login_required
def settings(code: str):
    """Show a store's settings, zones and team to its manager."""
    return _settings_page(managed_store(code))


@bp.post("/stores/<code>/settings")
@login_required
def update_settings(code: str):
    """Change a store's name, time zone, service targets and price-check setting."""
    store = managed_store(code)
    form = request.form
    try:
        stores.update_store(store, name=form.get("name", ""), timezone=form.get("timezone", ""),
                            acknowledge_target_s=form.get("acknowledge_target_s", ""),
                            reach_target_s=form.get("reach_target_s", ""),
                            show_other_stores=form.get("show_other_stores") == "on",
                            actor=acting_user())
    except DomainError as error:
        return _settings_page(store, error=error)
    flash("Store settings saved.", "success")
    return redirect(url_for("manage.settings", code=store.code))


@bp.post("/stores/<code>/zones")
@login_required
def add_zone(code: str):
    """Add a zone to a store."""
    store = managed_store(code)
    try:
        zone = stores.add_zone(store, request.form.get("name", ""), actor=acting_user())
    except DomainError as error:
        return _settings_page(store, error=error)
    flash(f"Zone {zone.name!r} added.", "success")
    return redirect(url_for("manage.settings", code=store.code))


@bp.post("/stores/<code>/zones/<int:zone_id>/stockroom")
@login_required
def set_stockroom(code: str, zone_id: int):
    """Mark a zone as the stockroom (its associates get the stock pulls), or not."""
    store = managed_store(code)
    try:
        zone = stores.set_stockroom(store, zone_id, request.form.get("stockroom"),
                                    actor=acting_user())
    except DomainError as error:
        return _settings_page(store, error=error)
    flash(f"Zone {zone.name!r}: {'stockroom' if zone.stockroom else 'not a stockroom'}.",
          "success")
    return redirect(url_for("manage.settings", code=store.code))


@bp.post("/stores/<code>/staff")
@login_required
def add_associate(code: str):
    """Create an associate (or, for an admin, any store role) in this store."""
    store = managed_store(code)
    form = request.form
    try:
        user = users.create_user_as(
            acting_user(), login=form.get("login", ""), name=form.get("name", ""),
            password=form.get("password", ""), role=form.get("role", Role.ASSOCIATE.value),
            store_code=store.code)
    except DomainError as error:
        return _settings_page(store, error=error)
    flash(f"{user.name} can now log in as {user.login}.", "success")
    return redirect(url_for("manage.settings", code=store.code))


def _settings_page(store, *, error: DomainError | None = None):
    status = error.status if error else 200
    return render_template("manage/settings.html", store=store, error=error,
                           staff=users.store_staff(store), roles=_assignable_roles()), status


def _assignable_roles() -> list[Role]:
    if acting_user().role is Role.ADMIN:
        return [Role.ASSOCIATE, Role.MANAGER]
    return [Role.ASSOCIATE]


@bp.post("/users/<login>/deactivate")
@login_required
def deactivate_user(login: str):
    """Deactivate a user and end their sessions."""
    user = users.deactivate_as(acting_user(), login)
    flash(f"{user.name} is deactivated and logged out everywhere.", "success")
    return redirect(_back_to(user))


@bp.post("/users/<login>/role")
@admin_required
def change_role(login: str):
    """Change a user's role (admins only)."""
    user = users.set_role_as(acting_user(), login, request.form.get("role", ""))
    flash(f"{user.name} is now {user.role.value}.", "success")
    return redirect(url_for("manage.people"))


def _back_to(user) -> str:
    if acting_user().role is Role.ADMIN:
        return url_for("manage.people")
    return url_for("manage.settings", code=user.home_store.code)


@bp.get("/admin/stores")
@admin_required
def stores_page():
    """List every store, with a form to add one."""
    return _stores_page()


@bp.post("/admin/stores")
@admin_required
def create_store():
    """Create a store."""
    form = request.form
    try:
        store = stores.create_store(code=form.get("code", ""), name=form.get("name", ""),
                                    timezone=form.get("timezone", ""), actor=acting_user())
    except DomainError as error:
        return _stores_page(error=error)
    flash(f"Store {store.code} created.", "success")
    return redirect(url_for("manage.settings", code=store.code))


def _stores_page(*, error: DomainError | None = None):
    return render_template("manage/stores.html", stores=stores.list_stores(),
                           error=error), error.status if error else 200


@bp.get("/admin/users")
@admin_required
def people():
    """List every user, with their role and store, for an admin."""
    return _people_page()


@bp.post("/admin/users")
@admin_required
def create_user():
    """Create a user of any role (admins only)."""
    form = request.form
    try:
        user = users.create_user_as(
            acting_user(), login=form.get("login", ""), name=form.get("name", ""),
            password=form.get("password", ""), role=form.get("role", ""),
            store_code=form.get("store") or None)
    except DomainError as error:
        return _people_page(error=error)
    flash(f"{user.name} can now log in as {user.login}.", "success")
    return redirect(url_for("manage.people"))


def _people_page(*, error: DomainError | None = None):
    return render_template("manage/people.html", people=users.list_users(),
                           stores=stores.list_stores(), roles=list(Role),
                           error=error), error.status if error else 200


@bp.get("/stores/<code>/audit")
@login_required
def store_audit(code: str):
    """Show the newest manager and admin actions on a store."""
    store = managed_store(code)
    return render_template("manage/audit.html", store=store,
                           entries=audit.entries(store=store))


@bp.get("/admin/audit")
@admin_required
def audit_log():
    """Show the newest manager and admin actions across all stores."""
    return render_template("manage/audit.html", store=None, entries=audit.entries(store=None))
