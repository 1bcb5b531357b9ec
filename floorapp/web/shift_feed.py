"""An associate's own shifts, their secret calendar link, and the feed the link serves.

The feed (`/calendar/<token>.ics`) is public by design, since a phone's calendar
cannot log in: the unguessable token is the key, it is limited per address and per
link, and answers 404 once replaced or revoked.
"""

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from floorapp.extensions import limiter
from floorapp.services.metrics.periods import local_today
from floorapp.services.org import shift_feed, shifts
from floorapp.web.access import acting_user, store_for_caller

bp = Blueprint("shift_feed", __name__)


def _page(store, *, new_secret: str | None = None):
    user = acting_user()
    today = local_today(store.timezone)
    upcoming = shifts.user_shifts(user, today, today + timedelta(days=27))
    feed_url = (current_app.config["PUBLIC_BASE_URL"].rstrip("/")
                + url_for("shift_feed.feed", feed_token=new_secret)) if new_secret else None
    return render_template("shifts/mine.html", store=store, upcoming=upcoming,
                           has_link=shift_feed.has_link(user), feed_url=feed_url)


@bp.get("/stores/<code>/my-shifts")
@login_required
def mine(code: str):
    """Show the caller's shifts for the next four weeks and their calendar link's state."""
    return _page(store_for_caller(code))


@bp.post("/stores/<code>/my-shifts/feed")
@login_required
def new_link(code: str):
    """Make a new calendar link (the old one stops working) and show it this once."""
    store = store_for_caller(code)
    secret = shift_feed.new_link(acting_user())
    return _page(store, new_secret=secret), 201, {"Cache-Control": "no-store"}


@bp.post("/stores/<code>/my-shifts/feed/revoke")
@login_required
def revoke_link(code: str):
    """Stop the caller's calendar link."""
    store = store_for_caller(code)
    if shift_feed.revoke(acting_user()):
        flash("Your calendar link no longer works; make a new one to subscribe again.",
              "success")
    return redirect(url_for("shift_feed.mine", code=store.code))


def _link_key() -> str:
    return str((request.view_args or {}).get("feed_token", ""))[:100]


@bp.get("/calendar/<feed_token>.ics")
@limiter.limit(lambda: current_app.config["SHIFT_FEED_LIMIT_PER_LINK"], key_func=_link_key)
@limiter.limit(lambda: current_app.config["SHIFT_FEED_LIMIT_PER_ADDRESS"])
def feed(feed_token: str):
    """Serve the link owner's shifts as iCalendar (public: the token is the key)."""
    owner = shift_feed.feed_owner(feed_token)
    return Response(shift_feed.calendar_bytes(owner), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=900",
                             "Content-Disposition": 'inline; filename="shifts.ics"'})
