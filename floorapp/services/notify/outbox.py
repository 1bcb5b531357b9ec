"""Writing pushes into the outbox, in the transaction of the change that causes them.

Nothing is sent here: services/notify/delivery.py sends after the commit, from any
worker, so a push never delays the customer's answer, a rolled-back change pushes
nothing, and a worker that dies mid-send loses nothing.
"""

from typing import Any

from sqlalchemy import insert

from floorapp.extensions import db
from floorapp.models import PushMessage, PushSubscription
from floorapp.models.types import utcnow

PUSH_WRITTEN = "floorapp_push_written"  # session.info flag: wake this worker's sender on commit
URGENCIES = ("very-low", "low", "normal", "high")  # RFC 8030 section 5.3


def enqueue(subscription: PushSubscription, *, tag: str, payload: dict[str, Any],
            urgency: str = "normal", ttl_s: int = 300) -> PushMessage:
    """Add one push for one subscription to the current transaction (not committed)."""
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {URGENCIES}")
    now = utcnow()
    message = PushMessage(subscription_id=subscription.id, store_id=subscription.store_id,
                          tag=tag, payload=payload, urgency=urgency, ttl_s=ttl_s,
                          created_at=now, next_attempt_at=now, attempts=0, detail="")
    db.session.add(message)
    db.session.info[PUSH_WRITTEN] = True
    return message


def enqueue_many(items: list[dict[str, Any]]) -> None:
    """Add many pushes in one statement, in the current transaction (not committed).

    Each item names `subscription_id`, `store_id`, `tag`, `payload`, `urgency` and
    `ttl_s`. A new request pushed to a whole floor is written while the store's write
    lock is held (services/notify/plan.py), so it is one executemany, not a row each.
    """
    if not items:
        return
    if any(item["urgency"] not in URGENCIES for item in items):
        raise ValueError(f"urgency must be one of {URGENCIES}")
    now = utcnow()
    db.session.execute(insert(PushMessage), [
        item | {"created_at": now, "next_attempt_at": now, "attempts": 0, "detail": ""}
        for item in items])
    db.session.info[PUSH_WRITTEN] = True
