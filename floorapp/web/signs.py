"""QR signs for a store's managers: list them by zone, create, rotate, deactivate, print."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from markupsafe import Markup

from floorapp.errors import DomainError
from floorapp.services.org import signs as signage
from floorapp.web.access import acting_user, managed_store

bp = Blueprint("signs", __name__)


@bp.get("/stores/<code>/signs")
@login_required
def index(code: str):
    """List the store's signs zone by zone, with a form to add one."""
    return _index_page(managed_store(code))


@bp.post("/stores/<code>/signs")
@login_required
def create(code: str):
    """Create a sign for a zone of the store."""
    return _act(code, lambda user, store: signage.create_sign(
        user, store, zone_id=request.form.get("zone_id", ""), label=request.form.get("label")),
        "Sign {sign.id} added to {sign.zone.name}. Print it to hang it up.")


@bp.post("/stores/<code>/signs/<sign_id>/rotate")
@login_required
def rotate(code: str, sign_id: str):
    """Give a sign a new code; its old printout stops working."""
    return _act(code, lambda user, store: signage.rotate_sign(user, store, sign_id),
                "Sign {sign.id} has a new code. Print it and replace the old one.")


@bp.post("/stores/<code>/signs/<sign_id>/deactivate")
@login_required
def deactivate(code: str, sign_id: str):
    """Take a sign out of use."""
    return _act(code, lambda user, store: signage.deactivate_sign(user, store, sign_id),
                "Sign {sign.id} is deactivated; its code now says it is no longer in use.",
                anchored=False)


def _act(code: str, action, done: str, *, anchored: bool = True):
    """Run a manager's sign action: the list again with its refusal, or back to the sign."""
    store = managed_store(code)
    try:
        sign = action(acting_user(), store)
    except DomainError as error:
        return _index_page(store, error=error)
    flash(done.format(sign=sign), "success")
    return redirect(url_for("signs.index", code=store.code,
                            _anchor=f"sign-{sign.id}" if anchored else None))


@bp.get("/stores/<code>/signs/print")
@login_required
def print_sheet(code: str):
    """Show a printable sheet of the store's active signs (or one), one per printed page."""
    store = managed_store(code)
    signs = signage.printable_signs(store, sign_id=request.args.get("sign"))
    sheets = [_sheet(store, sign) for sign in signs]
    return render_template("signs/print.html", store=store, sheets=sheets)


def _sheet(store, sign) -> dict:
    url = signage.sign_url(current_app.config["PUBLIC_BASE_URL"], sign.token)
    title = f"QR code for help in {sign.zone.name}"
    return {"sign": sign, "url": url, "svg": Markup(signage.qr_svg(url, title=title))}  # noqa: S704


def _index_page(store, *, error: DomainError | None = None):
    status = error.status if error else 200
    return render_template("signs/index.html", store=store, error=error,
                           zones=signage.signs_of_store(store)), status
