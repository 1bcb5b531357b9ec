"""What a customer's text back means: STOP, START, or a message for the associate.

Twilio posts each incoming text to the inbound webhook (web/sms_hooks.py, which checks
its signature first). STOP and Twilio's other opt-out words are honoured at once and
remembered for the number; START lifts that. Anything else is the customer's message
on the newest request that still holds the number, posted exactly as the status page
posts it (services/conversation/thread.py: the holder sees it live on the SSE stream,
and gets a push), keyed by Twilio's MessageSid so a redelivered webhook posts once.
"""

from collections.abc import Mapping

from floorapp.errors import Conflict, InvalidInput
from floorapp.extensions import db
from floorapp.models import HelpRequest
from floorapp.services.core.idempotency import KeyReused
from floorapp.services.texts import consent as consents
from floorapp.services.texts.numbers import keyword, parse_number

MAX_SID = 64


def receive(form: Mapping[str, str]) -> str:
    """Act on one incoming text; return what it was: stop, start, message or ignored."""
    number = parse_number(form.get("From"))
    body = str(form.get("Body") or "")
    word = keyword(body)
    if word == "stop":
        consents.stop(number)
        return "stop"
    if word == "start":
        consents.start(number)
        return "start"
    found = consents.latest_for_number(number)
    if found is None or found.opted_out_at is not None:
        return "ignored"  # no request holds this number now: nothing to post it to
    token = db.session.get(HelpRequest, found.request_id).public_token
    sid = str(form.get("MessageSid") or "")[:MAX_SID] or None
    from floorapp.services.conversation import thread  # thread -> intake -> moves -> texts

    try:
        thread.post_as_customer(token, body[:thread.MAX_BODY], key=sid)
    except (InvalidInput, Conflict, KeyReused):
        return "ignored"  # empty, or the thread has closed: Twilio needs no error back
    return "message"
