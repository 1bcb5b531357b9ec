"""What an associate does from a size cell: ask the stockroom, hold, adjust (managers).

Each action is a CSRF-protected POST that calls one service and redirects back to
the product page (post/redirect/get), with the outcome or the refusal as a flash.
Each rendered form carries its own idempotency key (a hidden field), so a form sent
twice acts once. With JavaScript the same forms go through the app shell's outbox to
the JSON API instead (static/js/outbox.js), with the same key.
"""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import login_required

from floorapp.errors import NotFound
from floorapp.services.core import idempotency
from floorapp.services.core.input_parsing import id_or_none
from floorapp.services.inventory import catalog, pulls, stock
from floorapp.web import refusals
from floorapp.web.access import acting_user, managed_store, store_for_caller

bp = Blueprint("lookup_actions", __name__)


def _keyed(kind: str, *parts: object) -> idempotency.KeyedCall:
    """Return the form's idempotency key, scoped as the JSON API scopes the same call."""
    return idempotency.KeyedCall.scoped(
        kind, idempotency.owner(user=acting_user()), *parts,
        key=idempotency.check_key(request.form.get("idempotency_key")))


def _back(store_code: str, variant_id: int):
    try:
        product_id = catalog.get_variant(variant_id).product_id
    except NotFound:
        return redirect(url_for("lookup.search", code=store_code))
    # `after` tells the page this is the associate's own action, not a new lookup; a grid
    # opened from a request keeps its thread (`help_request` in the form's action).
    return redirect(url_for("lookup.product", code=store_code, product_id=product_id,
                            help_request=id_or_none(request.args.get("help_request", "")),
                            variant=variant_id, after="action", _anchor="selected"))


@bp.post("/stores/<code>/variants/<int:variant_id>/pull")
@login_required
def ask_for_pull(code: str, variant_id: int):
    """Ask the stockroom to bring this size to the floor."""
    store = store_for_caller(code)
    with refusals.flashed():
        pulls.ask_for_pull(store=store, variant_id=variant_id, user=acting_user(),
                           call=_keyed("pull", store.id))
        flash("The stockroom has your request; its status shows below.", "success")
    return _back(store.code, variant_id)


@bp.post("/stores/<code>/variants/<int:variant_id>/hold")
@login_required
def hold(code: str, variant_id: int):
    """Hold this size for a customer for some minutes."""
    store = store_for_caller(code)
    form = request.form
    with refusals.flashed():
        placed = stock.place_hold(store=store, variant_id=variant_id,
                                  customer_label=form.get("customer_label", ""),
                                  minutes=form.get("minutes", ""), user=acting_user(),
                                  call=_keyed("hold", store.id))
        flash(f"Held for {placed.customer_label}.", "success")
    return _back(store.code, variant_id)


@bp.post("/stores/<code>/holds/<int:hold_id>/release")
@login_required
def release(code: str, hold_id: int):
    """Release a hold early."""
    store = store_for_caller(code)
    with refusals.flashed():
        released = stock.release_hold(store=store, hold_id=hold_id,
                                      call=_keyed("hold-release", hold_id))
        flash(f"Released the hold for {released.customer_label}.", "success")
        return _back(store.code, released.variant_id)
    return redirect(request.referrer or url_for("lookup.search", code=store.code))


@bp.post("/stores/<code>/pulls/<int:pull_id>/<status>")
@login_required
def move_pull(code: str, pull_id: int, status: str):
    """Mark a pull picked, delivered or not found (the stockroom's buttons)."""
    store = store_for_caller(code)
    with refusals.flashed():
        moved = pulls.move_pull(store=store, pull_id=pull_id, to=status, user=acting_user(),
                                call=_keyed("pull-move", pull_id))
        flash(f"Pull {moved.id} is {moved.status.value.replace('_', ' ')}.", "success")
    return redirect(url_for("lookup.pull_list", code=store.code))


@bp.post("/stores/<code>/variants/<int:variant_id>/stock")
@login_required
def adjust(code: str, variant_id: int):
    """Set this size's floor and stockroom quantities and bin by hand (managers)."""
    store = managed_store(code)
    form = request.form
    with refusals.flashed():
        stock.set_stock(store=store, variant_id=variant_id, floor=form.get("floor", ""),
                        stockroom=form.get("stockroom", ""), bin_location=form.get("bin"),
                        actor=acting_user())
        flash("Stock updated.", "success")
    return _back(store.code, variant_id)
