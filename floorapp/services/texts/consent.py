"""A customer's "text me" number on one request: given, erased, and STOP or START.

The number is kept on that request alone and erased when the request ends: at once
after a cancel or expiry; after a resolve once its conversation closes
(FLOORAPP_MESSAGE_WINDOW_MINUTES after it: the feedback text needs the number, and so
does a manager answering a poor rating by text, services/conversation/recovery.py), by
the workers' tick; and by the retention purge at the latest
(services/core/maintenance.py). STOP is remembered for the number (a keyed hash,
models/sms.py), so a later request's opt-in with it is refused until START.
"""

from datetime import datetime

from sqlalchemy import delete, select, update

from floorapp.errors import Conflict
from floorapp.extensions import db
from floorapp.models import (
    OPEN_STATUSES,
    SmsConsent,
    SmsMessage,
    SmsOptOut,
    SmsOutcome,
    Status,
)
from floorapp.models.types import utcnow
from floorapp.services.core.transactions import begin_write, rolls_back, writes
from floorapp.services.texts.numbers import number_hash, parse_number


@rolls_back
def opt_in(public_token: str, typed: object, *, now: datetime | None = None) -> SmsConsent:
    """Keep the customer's mobile number for their open request (replacing an earlier one)."""
    now = now or utcnow()
    from floorapp.services.help import intake  # intake -> moves -> notify.plan -> here

    number = parse_number(typed)  # InvalidInput before anything is read or written
    found = intake.by_public_token(public_token)
    begin_write(found.store_id)
    if found.status not in OPEN_STATUSES:
        raise Conflict("This request has ended, so we will not text about it.",
                       code="request_closed")
    check_number(number)
    consent = db.session.scalar(select(SmsConsent).where(SmsConsent.request_id == found.id))
    if consent is None:
        consent = SmsConsent(request_id=found.id, store_id=found.store_id, created_at=now)
        db.session.add(consent)
    consent.number, consent.last_digits = number, number[-4:]
    consent.language, consent.erased_at, consent.opted_out_at = found.language or "en", None, None
    db.session.commit()
    return consent


def check_number(typed: object) -> str:
    """Return the typed number in E.164 if it may be texted; InvalidInput or Conflict if not."""
    number = parse_number(typed)
    if is_opted_out(number):
        raise Conflict("This number asked us to stop texting it. Text START to our number "
                       "to allow texts again.", code="opted_out")
    return number


def for_request(request_id: int) -> SmsConsent | None:
    """Return the request's consent (its number may be erased), or None."""
    return db.session.scalar(select(SmsConsent).where(SmsConsent.request_id == request_id))


def is_opted_out(number: str) -> bool:
    """Tell whether this E.164 number answered STOP (and not START since)."""
    return db.session.get(SmsOptOut, number_hash(number)) is not None


def erase(request_id: int, *, now: datetime, reason: str = "the request ended") -> None:
    """Erase the request's number and close its unsent texts (in the caller's transaction)."""
    consents = select(SmsConsent.id).where(SmsConsent.request_id == request_id)
    _close_unsent(SmsMessage.consent_id.in_(consents), SmsOutcome.ERASED,
                  f"number erased: {reason}", now)
    db.session.execute(update(SmsConsent).where(SmsConsent.request_id == request_id,
                                                SmsConsent.number.is_not(None))
                       .values(number=None, erased_at=now)
                       .execution_options(synchronize_session=False))


def erase_if_done(request_ids: set[int], *, now: datetime) -> None:
    """Erase the numbers of ended requests that owe no more texts (after a send finished);
    a resolved one keeps its number while its conversation is open (see the module)."""
    from floorapp.models import HelpRequest

    for request_id in sorted(request_ids):
        status = db.session.scalar(select(HelpRequest.status).where(HelpRequest.id == request_id))
        unsent = db.session.scalar(select(SmsMessage.id).where(
            SmsMessage.request_id == request_id, SmsMessage.sent_at.is_(None)).limit(1))
        if status not in OPEN_STATUSES and status is not Status.RESOLVED and unsent is None:
            erase(request_id, now=now, reason="the last text left")


@writes
def erase_after_conversations(*, now: datetime | None = None) -> int:
    """Erase the numbers of resolved requests whose conversation has closed (the tick's
    job); return how many. A read finds them first, so a tick with none writes nothing."""
    from floorapp.models import HelpRequest
    from floorapp.services.conversation import thread

    now = now or utcnow()
    done = list(db.session.scalars(
        select(SmsConsent.request_id).join(HelpRequest, HelpRequest.id == SmsConsent.request_id)
        .where(SmsConsent.number.is_not(None), HelpRequest.status == Status.RESOLVED,
               HelpRequest.resolved_at <= now - thread.window())))
    for request_id in done:
        erase(request_id, now=now, reason="the conversation closed")
    db.session.commit()
    return len(done)


@writes
def stop(number: str, *, now: datetime | None = None) -> None:
    """Honour STOP at once: remember the number, close every text owed to it. Commits."""
    record_stop(number, now=now or utcnow())
    db.session.commit()


def record_stop(number: str, *, now: datetime) -> None:
    """Remember the number's STOP, mark its consents, close its texts (caller's transaction)."""
    key = number_hash(number)
    if db.session.get(SmsOptOut, key) is None:
        db.session.add(SmsOptOut(number_hash=key, opted_out_at=now))
    consents = select(SmsConsent.id).where(SmsConsent.number == number)
    _close_unsent(SmsMessage.consent_id.in_(consents), SmsOutcome.OPTED_OUT,
                  "the number answered STOP", now)
    db.session.execute(update(SmsConsent).where(SmsConsent.number == number,
                                                SmsConsent.opted_out_at.is_(None))
                       .values(opted_out_at=now).execution_options(synchronize_session=False))


@writes
def start(number: str) -> None:
    """Honour START: texts may go to this number again (for requests that ask). Commits."""
    db.session.execute(delete(SmsOptOut).where(SmsOptOut.number_hash == number_hash(number)))
    db.session.execute(update(SmsConsent).where(SmsConsent.number == number)
                       .values(opted_out_at=None).execution_options(synchronize_session=False))
    db.session.commit()


def latest_for_number(number: str) -> SmsConsent | None:
    """Return the newest consent still holding this number (a reply's request), or None."""
    return db.session.scalar(select(SmsConsent).where(SmsConsent.number == number)
                             .order_by(SmsConsent.created_at.desc(), SmsConsent.id.desc())
                             .limit(1))


def _close_unsent(which, outcome: SmsOutcome, detail: str, now: datetime) -> None:
    db.session.execute(update(SmsMessage).where(which, SmsMessage.sent_at.is_(None))
                       .values(sent_at=now, outcome=outcome, detail=detail,
                               claimed_until=None)
                       .execution_options(synchronize_session=False))
