"""Web Push subscriptions: the server's public key, a person's devices, a customer's phone.

The staff routes take the session cookie (writes with the X-CSRFToken header, as the
rest of the staff API). `GET /me/csrf-token` hands that header's value to the service
worker, which has no page to read it from when a notification's "Claim" is tapped.
The customer's route is public: its capability is the request's public token, it is
rate-limited per address and refused when the browser says another site sent it.
"""

from flask import Blueprint, current_app, jsonify, request, session
from flask_wtf.csrf import generate_csrf

from floorapp.api.parsing import api_user, body
from floorapp.extensions import csrf
from floorapp.services.core.input_parsing import whole_number
from floorapp.services.notify import subscriptions, vapid
from floorapp.web import sign_pass
from floorapp.web.language import select_locale
from floorapp.web.public_limits import push_subscribe_limit

bp = Blueprint("api_push", __name__)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@bp.get("/push/key")
def public_key():
    """Return the VAPID public key a browser subscribes with (`applicationServerKey`)."""
    return jsonify(public_key=vapid.application_server_key())


@bp.post("/me/push-subscriptions")
def subscribe():
    """Subscribe this browser (`PushSubscription.toJSON()`) to the caller's pushes."""
    row = subscriptions.subscribe_device(
        api_user(), session.get("sid"), body(), user_agent=request.user_agent.string,
        language=select_locale(), devices_per_user=int(current_app.config["PUSH_DEVICES_PER_USER"]))
    return jsonify(id=row.id, label=row.label, created_at=_iso(row.created_at)), 201


@bp.get("/me/push-subscriptions")
def devices():
    """List the caller's subscribed devices; `this_device` marks this login session's."""
    user = api_user()
    here = subscriptions.this_session_id(session.get("sid"))
    return jsonify(devices=[
        {"id": row.id, "label": row.label, "created_at": _iso(row.created_at),
         "last_pushed_at": _iso(row.last_pushed_at), "this_device": row.login_session_id == here}
        for row in subscriptions.devices_of(user)])


@bp.delete("/me/push-subscriptions/<subscription_id>")
def remove(subscription_id: str):
    """Remove one of the caller's devices (another's answers 404, like a missing one)."""
    subscriptions.remove_device(api_user(), whole_number(subscription_id))
    return "", 204


@bp.get("/me/csrf-token")
def csrf_token():
    """Return the session's CSRF token, for the service worker's claim from a notification."""
    api_user()
    return jsonify(csrf_token=generate_csrf())


@bp.post("/help-requests/<public_token>/push-subscription")
@csrf.exempt  # sessionless: the public token is the capability; other sites are refused
@push_subscribe_limit
def subscribe_customer(public_token: str):
    """Tell this phone when someone is on the way (only while the request is open)."""
    sign_pass.refuse_other_sites()
    row = subscriptions.subscribe_customer(public_token, body(),
                                           user_agent=request.user_agent.string)
    return jsonify(id=row.id, label=row.label, created_at=_iso(row.created_at)), 201
