"""The customer's API: submit from a sign, and follow the request by its public token."""

from flask import Blueprint, jsonify, request, url_for

from floorapp.api.parsing import body, idempotency_key
from floorapp.extensions import csrf
from floorapp.services.help import intake, product_match, views
from floorapp.web import sign_pass
from floorapp.web.public_limits import (
    count_at_ceiling,
    status_limit,
    submit_limits,
    suggest_limit,
)

bp = Blueprint("api_help", __name__)


@bp.get("/signs/<sign_token>")
@suggest_limit
def sign(sign_token: str):
    """Return a sign's place and a fresh pass to submit from it (what its page carries)."""
    found = intake.sign_for(sign_token)
    return jsonify(zone=found.zone.name, store=found.zone.store.name,
                   sign_pass=sign_pass.issue(sign_token),
                   submit_url=url_for("api_help.submit", sign_token=sign_token))


def _pass_field() -> object:
    return body().get("sign_pass")


@bp.post("/signs/<sign_token>/help-requests")
@csrf.exempt  # sessionless: the sign's pass and the Origin check stand in (web/sign_pass.py)
@sign_pass.required(_pass_field)
@submit_limits
def submit(sign_token: str):
    """Create a help request from a sign (the same idempotency key: the same request).

    `open_request`, the public token of the request this device already has, returns
    that request (200) while it is open at this sign instead of queueing another.
    """
    count_at_ceiling()
    data = body()
    submission = intake.parse_submission(data)
    open_token = data.get("open_request")
    help_request, created = intake.submit(
        sign_token, submission, idempotency_key=idempotency_key(data),
        open_token=open_token if isinstance(open_token, str) else None)
    status_url = url_for("customer.status", public_token=help_request.public_token)
    payload = {"id": help_request.id, "public_token": help_request.public_token,
               "status": help_request.status.value, "status_url": status_url}
    return jsonify(payload), 201 if created else 200


@bp.get("/help-requests/<public_token>")
@status_limit
def status(public_token: str):
    """Return a customer's request: status, queue position, estimate, associate."""
    help_request = intake.by_public_token(public_token)
    shown = views.customer_status(help_request)
    return jsonify(status=shown.status, position=shown.position, estimate_s=shown.estimate_s,
                   associate=shown.associate, product_id=help_request.product_id,
                   variant_id=help_request.variant_id,
                   events_url=url_for("api_events.request_events", public_token=public_token))


@bp.get("/signs/<sign_token>/products")
@suggest_limit
def products(sign_token: str):
    """Suggest a few of the sign's store's products for what the customer types (public)."""
    store_id = intake.sign_store_id(sign_token)
    return jsonify(products=product_match.suggest(store_id, request.args.get("q")))
