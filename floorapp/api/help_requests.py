"""The customer's API: submit from a sign, and follow the request by its public token."""

from flask import Blueprint, jsonify, request, url_for

from floorapp.api.parsing import body, idempotency_key
from floorapp.extensions import csrf
from floorapp.services import help_intake, help_views, product_match
from floorapp.web.public_limits import status_limit, submit_limits, suggest_limit

bp = Blueprint("api_help", __name__)


@bp.post("/signs/<sign_token>/help-requests")
@csrf.exempt  # public and sessionless: there is no logged-in user to forge a request for
@submit_limits
def submit(sign_token: str):
    """Create a help request from a sign (the same idempotency key: the same request)."""
    data = body()
    submission = help_intake.parse_submission(data)
    help_request, created = help_intake.submit(sign_token, submission,
                                               idempotency_key=idempotency_key(data))
    status_url = url_for("customer.status", public_token=help_request.public_token)
    payload = {"id": help_request.id, "public_token": help_request.public_token,
               "status": help_request.status.value, "status_url": status_url}
    return jsonify(payload), 201 if created else 200


@bp.get("/help-requests/<public_token>")
@status_limit
def status(public_token: str):
    """Return a customer's request: status, queue position, estimate, associate."""
    help_request = help_intake.by_public_token(public_token)
    shown = help_views.customer_status(help_request)
    return jsonify(status=shown.status, position=shown.position, estimate_s=shown.estimate_s,
                   associate=shown.associate, product_id=help_request.product_id,
                   variant_id=help_request.variant_id,
                   events_url=url_for("api_events.request_events", public_token=public_token))


@bp.get("/signs/<sign_token>/products")
@suggest_limit
def products(sign_token: str):
    """Suggest a few of the sign's store's products for what the customer types (public)."""
    store_id = help_intake.sign_store_id(sign_token)
    return jsonify(products=product_match.suggest(store_id, request.args.get("q")))
