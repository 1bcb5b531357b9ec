"""The landing pages: where a logged-in user starts, and a store's overview."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, redirect, render_template, url_for
from flask_login import login_required

from floorapp.models import Role
from floorapp.services.org import users
from floorapp.web.access import acting_user, store_for_caller

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    """Send admins to the list of stores, a regional manager to their region, and
    everybody else to their home store."""
    user = acting_user()
    if user.role is Role.ADMIN:
        return redirect(url_for("manage.stores_page"))
    if user.role is Role.REGIONAL_MANAGER:
        return redirect(url_for("regions.region", code=user.region.code))
    if user.role is Role.ASSOCIATE:
        return redirect(url_for("floor.queue", code=user.home_store.code))
    return redirect(url_for("home.store", code=user.home_store.code))


@bp.get("/stores/<code>")
@login_required
def store(code: str):
    """Show a store: its local time, targets, zones and team."""
    shown = store_for_caller(code)
    local_now = datetime.now(UTC).astimezone(ZoneInfo(shown.timezone))
    return render_template("home/store.html", store=shown, local_now=local_now,
                           staff=users.store_staff(shown))
