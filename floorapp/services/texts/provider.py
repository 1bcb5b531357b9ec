"""Sending one text through the configured provider (SMS_BACKEND): `log` or `twilio`.

`log` writes the text to the server log and calls it sent, so the demo shows its texts
(the status page's "texts sent" line) with no account. `twilio` POSTs to Twilio's
Messages resource with the `twilio` package, at TWILIO_API_BASE_URL, which must be
under TWILIO_API_ALLOW (checked at start-up and again before each send): the server
never sends a customer's number anywhere it did not allow-list.

Twilio's answers (https://www.twilio.com/docs/usage/twilios-response):
- 201: sent; the Message's `sid` is kept for the status callbacks;
- error 21610 (the recipient replied STOP to this sender): remembered as an opt-out;
- 429 or 5xx, or no answer: retried with backoff;
- any other 4xx (21211 invalid To, 21408 region not enabled…): failed, recorded.

Nothing here touches the database: `send` takes a `Text` and returns an `Outcome`.
"""

import logging
from dataclasses import dataclass

import requests
from flask import current_app
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from floorapp.services.notify.endpoints import endpoint_problem

log = logging.getLogger(__name__)
SENT, RETRY, FAIL, OPTED_OUT = "sent", "retry", "fail", "opted_out"
UNSUBSCRIBED = 21610  # "Attempt to send to unsubscribed recipient"


@dataclass(frozen=True)
class Text:
    """One claimed outbox row with its number, read at claim time."""

    id: int
    attempts: int
    request_id: int
    to: str
    body: str


@dataclass(frozen=True)
class Outcome:
    """What the provider said: sent (with its id), retry later, failed, or opted out."""

    kind: str
    sid: str | None = None
    status: int | None = None
    code: int | None = None
    detail: str = ""


def send(text: Text) -> Outcome:
    """Send one text with the configured backend (inside an app context); never raises."""
    if current_app.config["SMS_BACKEND"] == "twilio":
        return send_twilio(text)
    log.info("SMS (log backend) to …%s: %s", text.to[-4:], text.body)
    return Outcome(SENT, sid=f"log-{text.id}")


def send_twilio(text: Text) -> Outcome:
    """POST the text to Twilio's Messages resource and classify the answer."""
    config = current_app.config
    base = config["TWILIO_API_BASE_URL"]
    problem = endpoint_problem(base + "/", config["TWILIO_API_ALLOW"])
    if problem:  # the allow-list changed under a running base URL
        return Outcome(FAIL, detail=f"Twilio API base URL refused: {problem}")
    fields = {"to": text.to, "body": text.body, "status_callback": _callback_url()}
    if config["TWILIO_MESSAGING_SERVICE_SID"]:
        fields["messaging_service_sid"] = config["TWILIO_MESSAGING_SERVICE_SID"]
    else:
        fields["from_"] = config["TWILIO_FROM"]
    try:
        message = _client().api.v2010.accounts(config["TWILIO_ACCOUNT_SID"]).messages.create(
            **fields)
    except TwilioRestException as error:
        return classify(error.status, error.code, error.msg)
    except (requests.RequestException, TwilioException) as error:
        return Outcome(RETRY, detail=f"cannot reach Twilio: {type(error).__name__}")
    return Outcome(SENT, sid=message.sid, status=201)


def classify(status: int, code: int | None, message: str) -> Outcome:
    """Map Twilio's error answer to an outcome (see the module's docstring)."""
    detail = f"{status} {code or ''} {' '.join(str(message).split())}".strip()[:300]
    if code == UNSUBSCRIBED:
        return Outcome(OPTED_OUT, status=status, code=code, detail=detail)
    if status == 429 or status >= 500:
        return Outcome(RETRY, status=status, code=code, detail=detail)
    return Outcome(FAIL, status=status, code=code, detail=detail)


def _client() -> Client:
    """Return a Twilio client pointed at the configured (allow-listed) API base URL.

    The library's own requests session, without its retries (the outbox retries), and
    with a timeout, so a stalled API holds one sender for SMS_TIMEOUT_S at most.
    """
    config = current_app.config
    http = TwilioHttpClient(timeout=float(config["SMS_TIMEOUT_S"]))
    client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                    http_client=http)
    client.api.base_url = config["TWILIO_API_BASE_URL"]  # twilio.base.domain.Domain
    return client


def _callback_url() -> str:
    """Where Twilio posts the text's delivery status (signed, see web/sms_hooks.py)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/sms/status"
