"""The customer's price check at a sign (/s/<token>/check): type or scan, read, ask for it.

Works without JavaScript: the check is a GET form (a name or the tag's code), the answer
a page of words, and "Bring me a 9 W" a POST to the sign's own form (customer.sign) with
the product and the size, so it takes exactly the path, pass and limits of a request typed
there and lands on the request's status page. With JavaScript a "Scan" button appears;
the camera code loads only when it is tapped (static/js/customer-check-scanner.js).
"""

import functools
import secrets

from flask import Blueprint, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from floorapp.errors import InvalidInput
from floorapp.services.help import intake
from floorapp.services.inventory import colors, customer_view
from floorapp.web import customer_errors, sign_pass
from floorapp.web.after_response import after_response
from floorapp.web.language import chosen_language, remember_choice
from floorapp.web.public_limits import check_limits
from floorapp.web.security import CONTENT_SECURITY_POLICY

bp = Blueprint("price_check", __name__)
customer_errors.register(bp)
bp.after_request(remember_choice)
# The scanner's fallback compiles WebAssembly (zxing-wasm, from this origin): this page
# alone may, and still runs no script but ours ('wasm-unsafe-eval' allows no JS eval).
CHECK_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")


@bp.after_request
def _allow_the_scanner(response):
    response.headers["Content-Security-Policy"] = CHECK_PAGE_POLICY
    return response


@bp.before_request
def _pick_language() -> None:
    g.language = chosen_language()


@bp.context_processor
def _page_values() -> dict:
    return {"language": str(get_locale() or "en"), "size_words": size_words(),
            "new_key": lambda: secrets.token_urlsafe(18), "swatch": colors.swatch}


def size_words() -> dict[str, str]:
    """Return the four size words as the customer reads them, in the page's language."""
    return {customer_view.ON_SHELF: _("On the shelf"),
            customer_view.FROM_BACK: _("We can bring it from the back"),
            customer_view.LAST_ONE: _("Last one"),
            customer_view.NOT_HERE: _("Not in this store")}


@bp.get("/s/<sign_token>/check")
@check_limits
def check(sign_token: str):
    """Show the check form; with ?q= (a name or a code) the answer under it."""
    sign = intake.sign_for(sign_token)
    typed = request.args.get("q")
    if typed is None:
        return _page(sign)
    try:
        answer = customer_view.check(sign.zone.store, typed)
    except InvalidInput as error:
        return _page(sign, typed=typed[:64], error=_refusal(error)), 400
    if answer["kind"] == "product":
        after_response(functools.partial(customer_view.record_miss, sign.zone.store_id,
                                         answer["view"]))
    return _page(sign, typed=typed, answer=answer)


def _refusal(error: InvalidInput) -> str:
    """Say in the page's language why a typed code was refused."""
    if error.code == "empty_code":
        return _("Please type a name, or the code printed on the tag.")
    if error.code == "too_long":
        return _("That is longer than any code: a tag's code is at most 40 characters.")
    return _("Please type only the letters and digits printed on the tag.")


@bp.get("/s/<sign_token>/check/<int:product_id>")
@check_limits
def product(sign_token: str, product_id: int):
    """Show one of the store's products, chosen from the list a name gave."""
    sign = intake.sign_for(sign_token)
    view = customer_view.product_for_customer(sign.zone.store, product_id)
    return _page(sign, answer={"kind": "product", "view": view})


def _page(sign, *, typed: str = "", answer: dict | None = None, error: str | None = None):
    return render_template("customer/check.html", sign=sign, zone=sign.zone,
                           store=sign.zone.store, typed=typed, answer=answer,
                           error=error, sign_pass=sign_pass.issue(sign.token))
