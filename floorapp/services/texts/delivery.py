"""The SMS outbox's life: claim due texts, record what the provider said, erase after.

Shaped like the push outbox (services/notify/delivery.py), whose backoff it shares:
`claim` leases due rows with FOR UPDATE SKIP LOCKED on PostgreSQL and under the writer
lock on SQLite, counting the attempt; a worker that dies mid-send leaves the lease to
run out and any worker sends the row again. `finish` writes an outcome only where the
row still carries the attempt it claimed. A text's number is read from its consent at
claim time: a number erased or opted out meanwhile is never texted.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from floorapp.extensions import db
from floorapp.models import SmsConsent, SmsMessage, SmsOutcome
from floorapp.models.types import utcnow
from floorapp.services.core.transactions import writes
from floorapp.services.notify.delivery import retry_delay_s
from floorapp.services.texts import consent as consents
from floorapp.services.texts.provider import FAIL, OPTED_OUT, RETRY, SENT, Outcome, Text


def _due(now: datetime) -> tuple:
    return (SmsMessage.sent_at.is_(None), SmsMessage.next_attempt_at <= now,
            SmsMessage.attempts < int(current_app.config["SMS_MAX_ATTEMPTS"]),
            or_(SmsMessage.claimed_until.is_(None), SmsMessage.claimed_until <= now))


def claim(limit: int, *, now: datetime | None = None) -> list[Text]:
    """Lease up to `limit` due texts to this worker, oldest first, and return them.

    On SQLite a plain read first, so an idle poll takes no writer lock.
    """
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "sqlite":
        found = db.session.scalar(select(SmsMessage.id).where(*_due(now)).limit(1))
        db.session.commit()
        if found is None:
            return []
    return _lease(limit, now)


@writes
def _lease(limit: int, now: datetime) -> list[Text]:
    rows = db.session.execute(
        select(SmsMessage.id, SmsMessage.attempts, SmsMessage.request_id, SmsMessage.body,
               SmsConsent.number, SmsConsent.opted_out_at)
        .join(SmsConsent, SmsConsent.id == SmsMessage.consent_id)
        .where(*_due(now)).order_by(SmsMessage.next_attempt_at, SmsMessage.id)
        .limit(max(0, limit)).with_for_update(skip_locked=True, of=SmsMessage)).all()
    texts, lease = [], now + timedelta(seconds=float(current_app.config["SMS_LEASE_S"]))
    for row in rows:
        if row.number is None or row.opted_out_at is not None or consents.is_opted_out(
                row.number):
            _close(row.id, row.attempts, now, SmsOutcome.ERASED if row.number is None
                   else SmsOutcome.OPTED_OUT, "no number to text (erased or STOP)")
            continue
        db.session.execute(update(SmsMessage).where(SmsMessage.id == row.id).values(
            claimed_until=lease, attempts=SmsMessage.attempts + 1))
        texts.append(Text(row.id, row.attempts + 1, row.request_id, row.number, row.body))
    db.session.commit()
    return texts


@writes
def finish(text: Text, outcome: Outcome, *, now: datetime | None = None) -> bool:
    """Record a send's outcome; False when a later attempt got there first. Commits."""
    now = now or utcnow()
    if outcome.kind == SENT:
        done = _close(text.id, text.attempts, now, SmsOutcome.SENT, "", sid=outcome.sid)
    elif outcome.kind == OPTED_OUT:  # Twilio's 21610: the number said STOP to this sender
        done = _close(text.id, text.attempts, now, SmsOutcome.OPTED_OUT, outcome.detail)
        if done:
            consents.record_stop(text.to, now=now)
    elif outcome.kind == RETRY and text.attempts < int(current_app.config["SMS_MAX_ATTEMPTS"]):
        when = now + timedelta(seconds=retry_delay_s(text.attempts, None))
        done = db.session.execute(_guarded(text.id, text.attempts).values(
            next_attempt_at=when, claimed_until=None,
            detail=f"attempt {text.attempts}: {outcome.detail}"[:500])).rowcount == 1
    else:
        reason = outcome.detail if outcome.kind == FAIL else \
            f"gave up after {text.attempts} attempts: {outcome.detail}"
        done = _close(text.id, text.attempts, now, SmsOutcome.FAILED, reason)
    if done and outcome.kind != RETRY:
        consents.erase_if_done({text.request_id}, now=now)
    db.session.commit()
    return done


@writes
def record_status(sid: str, status: str, error_code: str = "") -> bool:
    """Record a delivery status Twilio called back with; False for an unknown sid. Commits."""
    detail = f"delivery: {status}" + (f" (error {error_code})" if error_code else "")
    result = db.session.execute(
        update(SmsMessage).where(SmsMessage.provider_sid == sid)
        .values(delivery_status=status[:16], detail=detail[:500])
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _guarded(message_id: int, attempts: int):
    return update(SmsMessage).where(SmsMessage.id == message_id, SmsMessage.attempts == attempts,
                                    SmsMessage.sent_at.is_(None)) \
        .execution_options(synchronize_session=False)


def _close(message_id: int, attempts: int, now: datetime, outcome: SmsOutcome, detail: str,
           *, sid: str | None = None) -> bool:
    return db.session.execute(_guarded(message_id, attempts).values(
        sent_at=now, outcome=outcome, detail=detail[:500], claimed_until=None,
        provider_sid=sid)).rowcount == 1


def sent_for(request_id: int) -> list[dict]:
    """Return the request's texts that left, oldest first (the status page's line)."""
    rows = db.session.execute(
        select(SmsMessage.kind, SmsMessage.body, SmsMessage.sent_at, SmsMessage.delivery_status)
        .where(SmsMessage.request_id == request_id, SmsMessage.outcome == SmsOutcome.SENT)
        .order_by(SmsMessage.id)).all()
    return [{"kind": r.kind.value, "body": r.body, "status": r.delivery_status} for r in rows]
