"""The push outbox's life: claim due rows, record what the push service said, close the rest.

Every worker of every host drains the one outbox, so each step is safe against the
others:

- `claim` takes due rows with FOR UPDATE SKIP LOCKED on PostgreSQL (two workers
  claiming at once get different rows, neither waits) and under the writer lock on
  SQLite (claims of one host queue). In the same transaction it leases each row
  (`claimed_until`) and counts the attempt. A worker that dies mid-send leaves the
  lease to run out; any worker then claims the row again.
- `finish` writes an outcome only where the row still carries the attempt number it
  claimed and is unfinished: a worker whose lease ran out while a push service
  stalled cannot overwrite the result of the attempt that came after it.
- `close_stale` ends rows nobody can send: their subscription was removed, or a
  worker died on their last attempt.

A duplicate (the rare lease that ran out while its push was in fact delivered) is
harmless: the same tag replaces the notification on the device, and the same Topic
replaces it at the push service.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from floorapp.extensions import db
from floorapp.models import PushMessage, PushOutcome, PushSubscription
from floorapp.models.types import utcnow
from floorapp.services.core.transactions import writes
from floorapp.services.notify.sender import FAIL, GONE, RETRY, SENT, Outcome, Push

FIRST_RETRY_S = 2.0  # then 4, 8, 16… doubling per attempt
MAX_RETRY_DELAY_S = 3600.0  # a Retry-After further away than this is not waited for
SUBSCRIPTION_REMOVED = "subscription removed"


def claim(limit: int, *, now: datetime | None = None) -> list[Push]:
    """Lease up to `limit` due pushes to this worker, oldest first, and return them.

    On SQLite a plain read comes first: an idle worker's poll then takes no writer
    lock (one a second from every worker would queue the requests' writes). On
    PostgreSQL the locking read is as cheap when nothing is due, so it goes first.
    """
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "sqlite":
        found = db.session.scalar(select(PushMessage.id).where(*_due(now)).limit(1))
        db.session.commit()
        if found is None:
            return []
    return _lease(limit, now)


_COLUMNS = (PushMessage.id, PushMessage.attempts, PushMessage.subscription_id,
            PushSubscription.endpoint, PushSubscription.p256dh, PushSubscription.auth,
            PushMessage.tag, PushMessage.payload, PushMessage.urgency, PushMessage.created_at,
            PushMessage.ttl_s)


def _due(now: datetime) -> tuple:
    """The rows a worker may claim now: unfinished, due, not leased, with a subscription."""
    return (PushMessage.sent_at.is_(None), PushMessage.next_attempt_at <= now,
            PushMessage.subscription_id.is_not(None),
            PushMessage.attempts < int(current_app.config["PUSH_MAX_ATTEMPTS"]),
            or_(PushMessage.claimed_until.is_(None), PushMessage.claimed_until <= now))


@writes
def _lease(limit: int, now: datetime) -> list[Push]:
    rows = db.session.execute(
        select(*_COLUMNS)
        .join(PushSubscription, PushSubscription.id == PushMessage.subscription_id)
        .where(*_due(now)).order_by(PushMessage.next_attempt_at, PushMessage.id)
        .limit(max(0, limit)).with_for_update(skip_locked=True, of=PushMessage)).all()
    if rows:
        lease = now + timedelta(seconds=float(current_app.config["PUSH_LEASE_S"]))
        db.session.execute(
            update(PushMessage).where(PushMessage.id.in_([r.id for r in rows]))
            .values(claimed_until=lease, attempts=PushMessage.attempts + 1)
            .execution_options(synchronize_session=False))
    db.session.commit()
    return [Push(id=r.id, attempts=r.attempts + 1, subscription_id=r.subscription_id,
                 endpoint=r.endpoint, p256dh=r.p256dh, auth=r.auth, tag=r.tag,
                 payload=dict(r.payload), urgency=r.urgency,
                 expires_at=r.created_at + timedelta(seconds=r.ttl_s)) for r in rows]


def finish(push: Push, outcome: Outcome, *, now: datetime | None = None) -> bool:
    """Record a send's outcome; False when a later attempt or another worker got there first."""
    return finish_many([(push, outcome)], now=now)[0]


def finish_many(results: list[tuple[Push, Outcome]], *, now: datetime | None = None
                ) -> list[bool]:
    """Record several sends' outcomes: one transaction for all but the gone ones.

    A busy worker's senders finish together, so one commit serves many pushes. The
    subscriptions' last_pushed_at are written last, in one statement in id order, and
    each gone subscription is deleted in a transaction of its own: two workers' batches
    then never lock the same subscriptions in opposite orders (no deadlock).
    """
    now = now or utcnow()
    gone = [(index, push, outcome) for index, (push, outcome) in enumerate(results)
            if outcome.kind == GONE]
    done = _record_batch([r for r in results if r[1].kind != GONE], now)
    marks = iter(done)
    recorded = [False if outcome.kind == GONE else next(marks) for _, outcome in results]
    for index, push, outcome in gone:
        recorded[index] = _record_gone(push, outcome, now)
    return recorded


@writes
def _record_batch(results: list[tuple[Push, Outcome]], now: datetime) -> list[bool]:
    done, sent_to = [], set()
    for push, outcome in results:
        if outcome.kind == SENT:
            done.append(_close(push, now, PushOutcome.SENT, ""))
            if done[-1]:
                sent_to.add(push.subscription_id)
        elif outcome.kind == RETRY:
            done.append(_retry_or_give_up(push, outcome, now))
        else:
            done.append(_close(push, now, PushOutcome.GAVE_UP, outcome.detail or FAIL))
    if sent_to:
        db.session.execute(update(PushSubscription)
                           .where(PushSubscription.id.in_(sorted(sent_to)))
                           .values(last_pushed_at=now)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return done


@writes
def _record_gone(push: Push, outcome: Outcome, now: datetime) -> bool:
    done = _close(push, now, PushOutcome.GONE, outcome.detail)
    if done:
        _forget_subscription(push.subscription_id, now, outcome.detail)
    db.session.commit()
    return done


def _guarded(push: Push):
    """The row as this attempt claimed it, unfinished: the only row a finish may write."""
    return update(PushMessage).where(
        PushMessage.id == push.id, PushMessage.attempts == push.attempts,
        PushMessage.sent_at.is_(None)).execution_options(synchronize_session=False)


def _close(push: Push, now: datetime, outcome: PushOutcome, detail: str) -> bool:
    result = db.session.execute(_guarded(push).values(
        sent_at=now, outcome=outcome, detail=detail[:500], claimed_until=None))
    return result.rowcount == 1


def _retry_or_give_up(push: Push, outcome: Outcome, now: datetime) -> bool:
    """Try again after the backoff (or the service's Retry-After), or give up and say why."""
    attempts = int(current_app.config["PUSH_MAX_ATTEMPTS"])
    delay = retry_delay_s(push.attempts, outcome.retry_after_s)
    when = now + timedelta(seconds=delay)
    reason = outcome.detail or f"{outcome.status}"
    if push.attempts >= attempts:
        return _close(push, now, PushOutcome.GAVE_UP,
                      f"gave up after {push.attempts} attempts: {reason}")
    if when > push.expires_at:  # nobody wants "a customer is waiting" after it expired
        return _close(push, now, PushOutcome.GAVE_UP,
                      f"TTL over before the next attempt: {reason}")
    result = db.session.execute(_guarded(push).values(
        next_attempt_at=when, claimed_until=None,
        detail=f"attempt {push.attempts}: {reason}"[:500]))
    return result.rowcount == 1


def retry_delay_s(attempt: int, retry_after_s: float | None) -> float:
    """Return the wait before the next attempt: 2 s doubling, or longer if the service asks."""
    backoff = FIRST_RETRY_S * 2 ** max(0, attempt - 1)
    asked = min(retry_after_s, MAX_RETRY_DELAY_S) if retry_after_s is not None else 0.0
    return min(max(backoff, asked), MAX_RETRY_DELAY_S)


def _forget_subscription(subscription_id: int, now: datetime, detail: str) -> None:
    """The push service says the browser unsubscribed: close its pushes, delete it."""
    db.session.execute(
        update(PushMessage).where(PushMessage.subscription_id == subscription_id,
                                  PushMessage.sent_at.is_(None))
        .values(sent_at=now, outcome=PushOutcome.GONE, detail=detail[:500], claimed_until=None)
        .execution_options(synchronize_session=False))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id)
                       .execution_options(synchronize_session=False))


def close_stale(*, now: datetime | None = None) -> int:
    """Give up the pushes nobody can send; return how many were closed.

    A removed subscription leaves its pushes behind (the key is SET NULL); and a row
    whose last attempt's lease ran out had a worker die while sending it. Looked for
    with a plain read first, so an idle poll takes no writer lock.
    """
    now = now or utcnow()
    attempts = int(current_app.config["PUSH_MAX_ATTEMPTS"])
    stale = or_(PushMessage.subscription_id.is_(None),
                (PushMessage.attempts >= attempts) & (PushMessage.claimed_until <= now))
    found = db.session.scalar(select(PushMessage.id).where(
        PushMessage.sent_at.is_(None), stale).limit(1))
    db.session.commit()
    return 0 if found is None else _close_stale(now, attempts)


@writes
def _close_stale(now: datetime, attempts: int) -> int:
    removed = db.session.execute(
        update(PushMessage).where(PushMessage.subscription_id.is_(None),
                                  PushMessage.sent_at.is_(None))
        .values(sent_at=now, outcome=PushOutcome.GAVE_UP, detail=SUBSCRIPTION_REMOVED,
                claimed_until=None).execution_options(synchronize_session=False)).rowcount
    abandoned = db.session.execute(
        update(PushMessage).where(PushMessage.sent_at.is_(None),
                                  PushMessage.attempts >= attempts,
                                  PushMessage.claimed_until <= now)
        .values(sent_at=now, outcome=PushOutcome.GAVE_UP, claimed_until=None,
                detail=f"no answer recorded after {attempts} attempts (lease ran out)")
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return removed + abandoned


@dataclass(frozen=True)
class OutboxCounts:
    """How many pushes wait, are in flight, and ended each way (for the CLI and tests)."""

    waiting: int
    sent: int
    gone: int
    gave_up: int


def counts() -> OutboxCounts:
    """Count the outbox's rows by state."""
    rows = dict(db.session.execute(
        select(PushMessage.outcome, db.func.count()).group_by(PushMessage.outcome)).all())
    return OutboxCounts(waiting=rows.get(None, 0), sent=rows.get(PushOutcome.SENT, 0),
                        gone=rows.get(PushOutcome.GONE, 0),
                        gave_up=rows.get(PushOutcome.GAVE_UP, 0))
