"""The customer's price check over JSON: a product or a tag's code, as a shopper sees it.

Public (a sign's token is the only key) and rate-limited per address and per sign,
shared with the check page (web/public_limits.check_limits). A retired sign answers 410
and an unknown one 404, as the sign's page does; a product or code this store does not
carry answers 404 exactly like one nobody has (services/inventory/customer_view.py).
"""

import functools

from flask import Blueprint, jsonify

from floorapp.services.help import intake
from floorapp.services.inventory import customer_view
from floorapp.web.after_response import after_response
from floorapp.web.public_limits import check_limits

bp = Blueprint("api_sign_products", __name__)


@bp.get("/signs/<sign_token>/products/<int:product_id>")
@check_limits
def product(sign_token: str, product_id: int):
    """Return a product of the sign's store: picture, name, price, each size as a word."""
    store = intake.sign_store(sign_token)
    return jsonify(customer_view.public(customer_view.product_for_customer(store, product_id)))


@bp.get("/signs/<sign_token>/codes/<tag_code>")
@check_limits
def code(sign_token: str, tag_code: str):
    """Return the product a scanned or typed UPC or SKU names, with `looked_up` its size;
    a size that is not here is recorded as lost demand once the answer has been sent."""
    store = intake.sign_store(sign_token)
    shown = customer_view.code_for_customer(store, tag_code)
    after_response(functools.partial(customer_view.record_miss, store.id, shown))
    return jsonify(customer_view.public(shown))
