"""A person's devices that get pushes ("Chrome on Android, since Tue"), each removable.

The list works without JavaScript: each Remove is a plain form post with its CSRF
token. Turning notifications on needs the browser (static/js/push.js on the floor page).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import login_required

from floorapp.services.core.input_parsing import whole_number
from floorapp.services.notify import subscriptions
from floorapp.web.access import acting_user

bp = Blueprint("devices", __name__)


def since(moment: datetime, timezone: str, now: datetime | None = None) -> str:
    """Say when a device was added as a person would: "today", "Tue", or "3 Nov"."""
    zone = ZoneInfo(timezone)
    local, today = moment.astimezone(zone), (now or datetime.now(UTC)).astimezone(zone)
    days = (today.date() - local.date()).days
    if days == 0:
        return "today"
    if 0 < days < 7:
        return local.strftime("%a")
    return f"{local.day} {local.strftime('%b')}" + (
        "" if local.year == today.year else f" {local.year}")


@bp.get("/me/devices")
@login_required
def index():
    """List the caller's devices, this one marked, with a Remove button each."""
    user = acting_user()
    timezone = user.home_store.timezone if user.home_store else "UTC"
    here = subscriptions.this_session_id(session.get("sid"))
    shown = [{"id": row.id, "label": row.label or "A browser",
              "since": since(row.created_at, timezone), "here": row.login_session_id == here}
             for row in subscriptions.devices_of(user)]
    return render_template("devices/index.html", devices=shown, title="My devices")


@bp.post("/me/devices/<subscription_id>/remove")
@login_required
def remove(subscription_id: str):
    """Remove one of the caller's devices (another's answers 404)."""
    subscriptions.remove_device(acting_user(), whole_number(subscription_id))
    flash("That device will not be notified any more.", "info")
    return redirect(url_for("devices.index"), 303)
