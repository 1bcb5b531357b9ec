"""The append-only event log: one row per state change, written in the change's transaction.

On PostgreSQL each row also sends a NOTIFY on the `floorapp_events` channel. PostgreSQL
delivers a notification only when its transaction commits (and never if it rolls
back), so listeners are woken after the commit, as the realtime contract requires.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import text

from floorapp.extensions import db
from floorapp.models import Event, EventKind

NOTIFY_CHANNEL = "floorapp_events"
EVENTS_WRITTEN = "floorapp_events_written"  # session.info flag: wake the listener on commit


def record_event(*, store_id: int, kind: EventKind, at: datetime, request_id: int | None = None,
                 actor_id: int | None = None, subject_id: int | None = None,
                 from_status: str | None = None, to_status: str | None = None,
                 data: dict[str, Any] | None = None) -> Event:
    """Add an event row to the current transaction (flushed, not committed)."""
    event = Event(store_id=store_id, kind=kind, at=at, request_id=request_id,
                  actor_id=actor_id, subject_id=subject_id, from_status=from_status,
                  to_status=to_status, data=data or {})
    db.session.add(event)
    db.session.flush()
    db.session.info[EVENTS_WRITTEN] = True
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_notify(:channel, :payload)"),
                           {"channel": NOTIFY_CHANNEL, "payload": str(store_id)})
    return event
