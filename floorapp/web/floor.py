"""The associate's handheld: the store's live queue, my current request, my availability.

Every button is a plain POST form (works without JavaScript); static/js/floor.js
enhances the page with the live stream, a sound and a vibration for new requests.
With JavaScript the moves go through the app shell's outbox (static/js/outbox.js) to the
JSON API instead, each form carrying its own idempotency key, so an action taken in a
dead spot is sent when the connection returns and applied once.
"""

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, user_logged_out

from floorapp import realtime
from floorapp.extensions import db
from floorapp.models import Availability, Outcome
from floorapp.services.conversation import thread
from floorapp.services.core.input_parsing import id_or_none
from floorapp.services.help import availability, away, spam
from floorapp.services.help import moves as help_queue
from floorapp.services.help.away import HoldingRequests
from floorapp.services.help.queue_page import queue_page, staff_photo_url
from floorapp.web import refusals
from floorapp.web.access import acting_user, managed_store, store_for_caller
from floorapp.web.redirects import safe_next

bp = Blueprint("floor", __name__)
MOVE_MESSAGES = {"claim": "On your way: the customer sees your first name.",
                 "arrive": "Marked as with the customer.", "resolve": "Request resolved.",
                 "release": "Released back to the queue.", "handoff": "Handed off."}
OUTCOME_LABELS = {Outcome.HELPED: "Helped", Outcome.SOLD: "Sold",
                  Outcome.OUT_OF_STOCK: "Out of stock", Outcome.CUSTOMER_GONE: "Customer gone"}
NEED_LABELS = {"find_size": "Find a size", "product_question": "Product question",
               "fitting_room": "Fitting room", "checkout": "Check out", "other": "Something else"}


@user_logged_out.connect
def _off_on_logout(_app, user=None, **_extra) -> None:
    """Logging out sets the associate off, so nobody counts them as covering a zone."""
    if user is not None and getattr(user, "id", None):
        availability.log_off(user, actor_id=user.id)


@bp.before_app_request
def _start_realtime() -> None:
    """Start this worker's listener (and its escalation timer) with its first request."""
    app = current_app._get_current_object()
    if not app.testing and "floorapp_hub" not in app.extensions:
        realtime.hub_for(app, db.engine).start()


@bp.before_request
def _note_activity() -> None:
    if current_user.is_authenticated:
        availability.touch(acting_user())


@bp.get("/stores/<code>/floor")
@login_required
def queue(code: str):
    """Show the store's open requests, oldest first, with my current request on top."""
    store = store_for_caller(code)
    user = acting_user()
    return render_template(
        "floor/queue.html", store=store, me=user, **queue_page(store, user),
        outcomes=OUTCOME_LABELS, needs=NEED_LABELS, availabilities=Availability,
        new_key=new_idempotency_key, size_run_url=size_run_url)


def new_idempotency_key() -> str:
    """Return a fresh key for one rendered action form: one user intent, applied once."""
    return secrets.token_urlsafe(18)


@bp.post("/stores/<code>/floor/requests/<int:request_id>/<any(claim, arrive, resolve, release, "
         "handoff):move>")
@login_required
def move(code: str, request_id: int, move: str):
    """Claim, arrive, resolve, release or hand off a request from the handheld.

    A claimed request that names a product lands the associate on its size run, so
    they walk over with the answer.
    """
    store = store_for_caller(code)
    with refusals.flashed():
        help_request = help_queue.make_move(move, store.id, request_id, acting_user(),
                                            request.form)
        flash(MOVE_MESSAGES[move], "success")
        if move == "claim" and help_request.product_id:
            return redirect(size_run_url(store.code, help_request.product_id,
                                         help_request.variant_id, help_request.id), 303)
    return redirect(url_for("floor.queue", code=store.code), 303)


@bp.post("/stores/<code>/floor/requests/<int:request_id>/messages")
@login_required
def post_message(code: str, request_id: int):
    """Answer the customer on the card or the lookup (a quick reply or free text), without
    JavaScript; back to the page it was sent from (`next`), else to the card."""
    store = store_for_caller(code)
    back = safe_next(request.form.get("next")) or url_for(
        "floor.queue", code=store.code, _anchor=f"request-{request_id}")
    with refusals.flashed():
        thread.post_as_staff(acting_user(), request_id, request.form.get("body"),
                             key=request.form.get("idempotency_key"))
        flash("Sent to the customer.", "success")
    return redirect(back, 303)


@bp.get("/stores/<code>/floor/requests/<int:request_id>/thread")
@login_required
def thread_part(code: str, request_id: int):
    """Return a request's thread alone, for static/js/staff-thread.js to swap in live."""
    store = store_for_caller(code)
    conversation = thread.for_staff(acting_user(), store, request_id,
                                    photo_url=staff_photo_url)
    return render_template("floor/_thread.html", store=store, conversation=conversation,
                           back=safe_next(request.args.get("back")),
                           new_key=new_idempotency_key)


def size_run_url(code: str, product_id: int, variant_id: int | None,
                 help_request_id: int | None = None) -> str:
    """Return the lookup page of a request's product, on its size when one is known; opened
    from a request, the page carries its thread (web/lookup.py)."""
    if variant_id is None:
        return url_for("lookup.product", code=code, product_id=product_id,
                       help_request=help_request_id)
    return url_for("lookup.product", code=code, product_id=product_id,
                   help_request=help_request_id, variant=variant_id, _anchor="selected")


@bp.post("/stores/<code>/floor/availability")
@login_required
def set_availability(code: str):
    """Set my availability: on the floor (a zone or the whole store), on break, off.

    Going away while holding requests nobody was named for answers 409 with the page,
    whose form then asks, for each, who takes it (services/help/away.py).
    """
    store = store_for_caller(code)
    form = request.form
    with refusals.flashed():
        try:
            availability.set_availability(
                acting_user(), form.get("availability", ""), id_or_none(form.get("zone_id", "")),
                held=held_choices(form), until=form.get("until_at") or form.get("until", ""),
                backup_id=form.get("backup_id"))
        except HoldingRequests as refusal:
            flash(refusal.message, "error")
            return queue(code), 409
    return redirect(url_for("floor.queue", code=store.code), 303)


def held_choices(form) -> dict[str, str]:
    """Read the form's "held-<request id>" selects: who takes each request I hold."""
    return {name.removeprefix("held-"): value for name, value in form.items()
            if name.startswith("held-")}


@bp.post("/stores/<code>/floor/breaks/<int:break_id>/backup")
@login_required
def change_backup(code: str, break_id: int):
    """Name another backup for a break (mine, or anyone's as a manager)."""
    store = store_for_caller(code)
    with refusals.flashed():
        away.change_backup(store.id, break_id, acting_user(), request.form.get("backup_id"))
        flash("Backup changed: they have been told.", "success")
    back = "dashboard.live_board" if request.form.get("back") == "board" else "floor.queue"
    return redirect(url_for(back, code=store.code), 303)


@bp.post("/stores/<code>/floor/clear-spam")
@login_required
def clear_spam(code: str):
    """Cancel as spam what still waits from a sign (or every sign) in the last minutes."""
    store = managed_store(code)
    with refusals.flashed():
        cleared = spam.clear_spam(store, acting_user(),
                                  sign_id=spam.parse_sign(request.form.get("sign_id")),
                                  minutes=spam.parse_window(request.form.get("minutes")))
        flash(f"Cleared {cleared.count} waiting request{'' if cleared.count == 1 else 's'} "
              f"as spam.", "success")
    return redirect(url_for("floor.queue", code=store.code), 303)
