"""The handheld lookup: search or scan, the size grid, the customer view, the pulls list.

Pages render on the server (the same services the API uses, so the figures match);
static/js/lookup.js adds results as you type and camera scanning where the browser
has BarcodeDetector. Without JavaScript the plain GET search form does everything.
A size grid opened from a queue card (`?help_request=<id>`) carries that request's
thread, so an associate standing with the grid open answers "Bringing your size" there.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import login_required

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Role, Store
from floorapp.services.conversation import thread
from floorapp.services.core.event_log import last_event_id
from floorapp.services.core.input_parsing import id_or_none
from floorapp.services.help.queue_page import staff_photo_url
from floorapp.services.inventory import catalog, colors, pulls, size_grid, stock
from floorapp.services.org import stores
from floorapp.web.access import acting_user, store_for_caller
from floorapp.web.floor import new_idempotency_key

bp = Blueprint("lookup", __name__)
HOLD_MINUTES = (15, 30, 60, 120)


@bp.get("/lookup")
@login_required
def start():
    """Send the associate to their store's lookup (admins to the first store).

    A regional manager works no floor and has no lookup: 404, naming no store's code.
    """
    user = acting_user()
    first = next(iter(stores.list_stores()), None) if user.role is Role.ADMIN else None
    store = user.home_store or first
    if store is None:
        raise NotFound("There is no store whose lookup you may use.")
    return redirect(url_for("lookup.search", code=store.code))


@bp.get("/stores/<code>/lookup")
@login_required
def search(code: str):
    """Show the search box and, for a query, the matches; an exact code jumps to its size."""
    store = store_for_caller(code)
    query = request.args.get("q", "")
    result, error = _search(query)
    if result and result["exact_product_id"]:
        variant = _exact_variant(query)
        return redirect(url_for("lookup.product", code=store.code,
                                product_id=result["exact_product_id"],
                                variant=variant, _anchor="selected"))
    status = error.status if error else 200
    return render_template("lookup/search.html", store=store, query=query, result=result,
                           error=error), status


def _search(query: str):
    if not query.strip():
        return None, None
    try:
        return catalog.search_products(query, limit=catalog.parse_limit(
            request.args.get("limit"))), None
    except InvalidInput as error:
        return None, error


def _exact_variant(query: str) -> int | None:
    try:
        return catalog.variant_by_code(query)["variant"]["id"]
    except NotFound:
        return None


@bp.get("/stores/<code>/lookup/results")
@login_required
def results(code: str):
    """Return the results list alone, for the search-as-you-type script."""
    store = store_for_caller(code)
    result, error = _search(request.args.get("q", ""))
    return render_template("lookup/_results.html", store=store, result=result, error=error)


@bp.get("/stores/<code>/products/<int:product_id>")
@login_required
def product(code: str, product_id: int):
    """Show a product's size grid for this store, and the chosen size's figures and actions."""
    store = store_for_caller(code)
    view = size_grid.product_view(product_id, store)
    conversation = _conversation(store)  # before _selected, which may record a miss
    selected, nearest = _selected(view, store)
    user, holds, my_pulls = acting_user(), [], []
    if selected is not None:  # the plain grid is the hot path: only a chosen size needs these
        holds = stock.active_holds(store, variant_ids=[selected["id"]])
        variant_ids = {v["id"] for v in view["variants"]}
        my_pulls = [row for row in pulls.store_pulls(store, asked_by=user)
                    if row.Variant.id in variant_ids]
    return render_template(
        "lookup/product.html", store=store, view=view, selected=selected, nearest=nearest,
        holds=holds, my_pulls=my_pulls, new_key=new_idempotency_key,
        conversation=conversation,
        after=last_event_id(db.engine, store.id) if conversation else None,
        hold_minutes=HOLD_MINUTES, local=_local_time(store),
        can_adjust=user.role is Role.ADMIN or (user.role is Role.MANAGER
                                               and user.home_store_id == store.id))


def _conversation(store: Store) -> dict | None:
    """The thread of the request the grid was opened from (another store's or none: 404)."""
    raw = request.args.get("help_request")
    if raw is None:
        return None
    return thread.for_staff(acting_user(), store, id_or_none(raw) or 0,
                            photo_url=staff_photo_url)


def _selected(view: dict, store: Store):
    variant_id = id_or_none(request.args.get("variant", ""))
    if variant_id is None:
        return None, []
    selected = size_grid.find_variant(view, variant_id)
    if selected["available"] > 0:
        return selected, []
    if request.args.get("after") == "action":  # back from a hold or pull: not a new lookup
        return selected, size_grid.nearest_in_stock(view, selected["id"])
    # The lookup ended on a size this store cannot sell: that is lost demand.
    stock.record_lookup_miss(store_id=store.id, variant_id=selected["id"], user=acting_user())
    return selected, size_grid.nearest_in_stock(view, selected["id"])


def _local_time(store: Store):
    zone = ZoneInfo(store.timezone)

    def local(moment: datetime | None, pattern: str = "%a %H:%M") -> str:
        return moment.astimezone(zone).strftime(pattern) if moment else "—"

    return local


@bp.get("/stores/<code>/products/<int:product_id>/customer")
@login_required
def customer_view(code: str, product_id: int):
    """Show the customer the product and the sizes they can take home today; nothing internal."""
    store = store_for_caller(code)
    view = size_grid.product_view(product_id, store)
    take_home = [v for v in view["variants"] if v["available"] > 0]
    return render_template("lookup/customer.html", store=store, view=view, take_home=take_home)


@bp.get("/stores/<code>/pulls")
@login_required
def pull_list(code: str):
    """Show the stockroom the open pulls of this store, oldest first."""
    store = store_for_caller(code)
    open_pulls = sorted(pulls.store_pulls(store, open_only=True),
                        key=lambda row: row.StockPull.asked_at)
    return render_template("lookup/pulls.html", store=store, open_pulls=open_pulls,
                           local=_local_time(store), new_key=new_idempotency_key)


@bp.get("/catalog/images/<int:product_id>.svg")
@login_required
def image(product_id: int):
    """Draw a simple silhouette of the product in its color (the demo has no photos)."""
    product = catalog.get_product(product_id)
    svg = render_template("lookup/image.svg", fill=colors.swatch(product.color),
                          apparel=product.department == "Apparel")
    response = Response(svg, mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    response.cache_control.private = True
    return response

