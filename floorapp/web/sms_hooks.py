"""Twilio's webhooks: the customers' replies (/sms/inbound) and delivery statuses (/sms/status).

Public and without CSRF tokens (Twilio cannot hold one), so each request must carry a
valid X-Twilio-Signature: an HMAC of the URL Twilio was configured with (our
PUBLIC_BASE_URL and the path, never the Host header a caller chooses) and the posted
fields, keyed by TWILIO_AUTH_TOKEN, checked with the `twilio` package's RequestValidator.
Anything else is a 403 before a field is read, and changes nothing. Rate-limited per
address like every public endpoint.
"""

from flask import Blueprint, current_app, request
from twilio.request_validator import RequestValidator

from floorapp.errors import Forbidden, InvalidInput
from floorapp.extensions import csrf
from floorapp.services.texts import delivery, inbound
from floorapp.web.public_limits import sms_webhook_limit

bp = Blueprint("sms", __name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signed_url() -> str:
    """Return the URL Twilio signed: the configured public base URL, path and query."""
    query = request.query_string.decode("ascii", "replace")
    return current_app.config["PUBLIC_BASE_URL"] + request.path + (f"?{query}" if query else "")


def _require_signature() -> None:
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature or not RequestValidator(token).validate(
            signed_url(), request.form, signature):
        raise Forbidden("This webhook accepts only requests signed by the text provider.",
                        code="bad_signature")


@bp.post("/sms/inbound")
@csrf.exempt  # Twilio's signature stands in (see the module's docstring)
@sms_webhook_limit
def inbound_text():
    """Receive a customer's text: STOP/START, or a message for the associate."""
    _require_signature()
    inbound.receive(request.form)
    return EMPTY_TWIML, 200, {"Content-Type": "text/xml; charset=utf-8"}


@bp.post("/sms/status")
@csrf.exempt  # Twilio's signature stands in
@sms_webhook_limit
def delivery_status():
    """Record a text's delivery status (queued, sent, delivered, undelivered, failed)."""
    _require_signature()
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if not sid or not status or len(sid) > 64 or len(status) > 16:
        raise InvalidInput("MessageSid and MessageStatus are required.", code="invalid_status")
    delivery.record_status(sid, status, request.form.get("ErrorCode", "")[:8])
    return "", 204
