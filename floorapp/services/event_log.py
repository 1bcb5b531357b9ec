"""The append-only event log: one row per state change, written in the change's transaction.

On PostgreSQL each row also sends a NOTIFY on the `floorapp_events` channel. PostgreSQL
delivers a notification only when its transaction commits (and never if it rolls
back), so listeners are woken after the commit, as the realtime contract requires.

Every state change writes here, inside the store's write lock (services/transactions.py),
so the row is one Core INSERT (with the NOTIFY in its RETURNING on PostgreSQL): one
round trip while the lock is held instead of an ORM flush and a second statement.
"""

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert

from floorapp.extensions import db
from floorapp.models import Event, EventKind

NOTIFY_CHANNEL = "floorapp_events"


def record_event(*, store_id: int, kind: EventKind, at: datetime, request_id: int | None = None,
                 actor_id: int | None = None, subject_id: int | None = None,
                 from_status: str | None = None, to_status: str | None = None,
                 data: dict[str, Any] | None = None) -> None:
    """Write an event row in the current transaction (not committed)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()  # the event may point at a request added a moment ago
    connection = session.connection()
    values = {"store_id": store_id, "kind": kind, "at": at, "request_id": request_id,
              "actor_id": actor_id, "subject_id": subject_id, "from_status": from_status,
              "to_status": to_status, "data": data or {}}
    dialect = connection.dialect.name
    if dialect == "postgresql":
        values |= {"channel": NOTIFY_CHANNEL, "payload": str(store_id)}
    connection.execute(_insert_statement(dialect), values)


@functools.cache
def _insert_statement(dialect: str):
    """Build the event INSERT once per backend (with the wake-up NOTIFY on PostgreSQL)."""
    statement = insert(Event.__table__)
    if dialect == "postgresql":
        statement = statement.returning(
            func.pg_notify(bindparam("channel"), bindparam("payload")))
    return statement
