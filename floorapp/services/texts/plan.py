"""Which texts a request's moves and messages owe, written into the SMS outbox.

Called by services/notify/plan.py beside the pushes, inside the move's or the post's
write transaction (the store's write lock is held), so a refused or rolled-back change
texts nothing and nothing is sent inside the customer's request. Each text has a
dedupe key ("12:on_the_way", "12:message:40", "12:feedback"), unique in the outbox:
a replayed post, a release and second claim, or a double resolve owe it once.

Texts go only to a consent that still has its number and has not said STOP:
- on claim, "<first name> is on the way" (once per request);
- an associate's message, while the customer's status page is not open;
- after a resolve, one short text with the rating link.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, SmsConsent, SmsKind, SmsMessage, StreamLease, StreamWorker
from floorapp.models.types import utcnow
from floorapp.services.notify.messages import cut
from floorapp.services.texts import consent as consents

SMS_WRITTEN = "floorapp_sms_written"  # session.info flag: wake this worker's SMS sender
MAX_BODY = 300  # two SMS segments of GSM text at most; the thread has the whole message


def request_claimed(help_request: HelpRequest, first_name: str) -> None:
    """Owe "<first name> is on the way" (once), if the customer asked for texts."""
    consent = _live_consent(help_request.id)
    if consent is None or not first_name:
        return
    with force_locale(consent.language):
        body = gettext("%(name)s is on the way to help you (%(store)s). Reply here to "
                       "message them. Reply STOP to stop texts.",
                       name=cut(first_name, 30), store=cut(help_request.store.name, 40))
    _enqueue(consent, SmsKind.ON_THE_WAY, f"{help_request.id}:on_the_way", body)


def request_ended(help_request: HelpRequest, name: str, *, now: datetime) -> None:
    """After a resolve owe the feedback text; after a cancel or expiry erase the number."""
    consent = _live_consent(help_request.id)
    if name != "resolve" or consent is None:
        consents.erase(help_request.id, now=now)
        return
    with force_locale(consent.language):
        body = gettext("Thanks for shopping at %(store)s. How was the help? Rate it here: "
                       "%(link)s", store=cut(help_request.store.name, 40),
                       link=status_link(help_request.public_token))
    _enqueue(consent, SmsKind.FEEDBACK, f"{help_request.id}:feedback", body)


def staff_message(help_request: HelpRequest, message_id: int, first_name: str,
                  text: str) -> None:
    """Owe an associate's message as a text, when the customer's page is not open."""
    consent = _live_consent(help_request.id)
    if consent is None or status_page_open(help_request.public_token):
        return
    with force_locale(consent.language):
        body = gettext("%(name)s: %(text)s (Reply here to answer.)",
                       name=cut(first_name or gettext("The store"), 30), text=cut(text, 200))
    _enqueue(consent, SmsKind.MESSAGE, f"{help_request.id}:message:{message_id}", body)


def status_page_open(public_token: str, *, now: datetime | None = None) -> bool:
    """Tell whether the customer's status page is open: a live status stream of theirs.

    The page holds a Server-Sent Events stream while it is open (with JavaScript), and
    every open stream holds a lease (models/streams.py) that counts while its worker's
    heartbeat is fresh, on every host. No live lease: the page is closed, asleep in a
    background tab whose stream the phone cut, or shown without JavaScript (which
    refreshes only every 15 s), and a text is what reaches the customer.
    """
    now = now or utcnow()
    renew_s = float(current_app.config["STREAM_LEASE_RENEW_S"])
    live = select(StreamWorker.tag).where(StreamWorker.renewed_at >= now - timedelta(
        seconds=3 * renew_s))
    return bool(db.session.scalar(
        select(func.count()).select_from(StreamLease).where(
            StreamLease.subject == f"token:{public_token[:64]}", StreamLease.worker.in_(live))))


def status_link(public_token: str) -> str:
    """Return the status page's address as the customer's phone opens it."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/h/{public_token}"


def _live_consent(request_id: int) -> SmsConsent | None:
    consent = consents.for_request(request_id)
    if consent is None or consent.number is None or consent.opted_out_at is not None:
        return None
    if consents.is_opted_out(consent.number):
        return None
    return consent


def _enqueue(consent: SmsConsent, kind: SmsKind, key: str, body: str) -> None:
    """Add the text to the current transaction unless this key was owed before."""
    if db.session.scalar(select(SmsMessage.id).where(SmsMessage.dedupe_key == key)):
        return
    now = utcnow()
    db.session.add(SmsMessage(consent_id=consent.id, request_id=consent.request_id, kind=kind,
                              dedupe_key=key, body=cut(body, MAX_BODY), created_at=now,
                              next_attempt_at=now, attempts=0, delivery_status="",
                              detail=""))
    db.session.info[SMS_WRITTEN] = True
