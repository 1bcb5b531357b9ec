"""The append-only event log: one row per state change, written in the change's transaction.

On PostgreSQL each row also sends a NOTIFY on the `floorapp_events` channel. PostgreSQL
delivers a notification only when its transaction commits (and never if it rolls
back), so listeners are woken after the commit, as the realtime contract requires.

Every state change writes here, inside the store's write lock (services/core/transactions.py),
so the row is one Core INSERT (with the NOTIFY in its RETURNING on PostgreSQL): one
round trip while the lock is held instead of an ORM flush and a second statement.
The reads at the end are the live streams' (floorapp/realtime.py): plain Core selects
outside any request's session.
"""

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    bindparam,
    column,
    func,
    insert,
    select,
    true,
    values,
)

from floorapp.extensions import db
from floorapp.models import Event, EventKind, HelpRequest
from floorapp.services.core.times import iso

NOTIFY_CHANNEL = "floorapp_events"
EVENTS_WRITTEN = "floorapp_events_written"  # session.info flag: wake the listener on commit


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
    session.info[EVENTS_WRITTEN] = True


@functools.cache
def _insert_statement(dialect: str):
    """Build the event INSERT once per backend (with the wake-up NOTIFY on PostgreSQL)."""
    statement = insert(Event.__table__)
    if dialect == "postgresql":
        statement = statement.returning(
            func.pg_notify(bindparam("channel"), bindparam("payload")))
    return statement


EVENT_COLUMNS = (Event.id, Event.store_id, Event.request_id, Event.kind, Event.at,
                 Event.actor_id, Event.subject_id, Event.from_status, Event.to_status, Event.data)


def event_rows(engine: Engine | Connection, store_id: int | None, after: int,
               request_id: int | None = None, limit: int = 1000) -> list[dict]:
    """Return a store's (or, with no store, every store's) events after id `after`, in order.

    Given an engine, reads on a fresh connection; given a connection (the listener's
    own), reads on it and ends the read at once, so it never holds a snapshot. Each row
    also names its request's zone (`zone_id`, None for availability): a zone's stream
    is filtered on it (floorapp/sse.py).
    """
    query = (select(*EVENT_COLUMNS, HelpRequest.zone_id)
             .outerjoin(HelpRequest, HelpRequest.id == Event.request_id).where(Event.id > after))
    if store_id is not None:
        query = query.where(Event.store_id == store_id)
    if request_id is not None:
        query = query.where(Event.request_id == request_id)
    query = query.order_by(Event.id).limit(limit)
    if isinstance(engine, Connection):
        rows = engine.execute(query).mappings().all()
        engine.rollback()
    else:
        with engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
    return [_plain(row) for row in rows]


def events_after_each(connection: Connection, positions: dict[int, int],
                      limit: int = 1000) -> list[dict]:
    """Return each store's events after its own position, in id order, in one statement.

    PostgreSQL only (a LATERAL join over the positions as a VALUES list): the listener
    reads every notified store, or every watched store on a quiet second, in one round
    trip however many stores its streams watch, instead of one read per store (800
    stores' streams held by one worker had it spend its second reading). Ends the read
    at once, as `event_rows` does; at most `limit` events per store.
    """
    watched = values(column("store_id", Integer), column("after", Integer),
                     name="watched").data(list(positions.items()))
    new = (select(*EVENT_COLUMNS, HelpRequest.zone_id)
           .outerjoin(HelpRequest, HelpRequest.id == Event.request_id)
           .where(Event.store_id == watched.c.store_id, Event.id > watched.c.after)
           .order_by(Event.id).limit(limit).lateral("new"))
    rows = connection.execute(select(new).select_from(watched).join(new, true())
                              .order_by(new.c.id)).mappings().all()
    connection.rollback()
    return [_plain(row) for row in rows]


def _plain(row) -> dict:
    item = dict(row)
    item["kind"] = row["kind"].value
    item["at"] = iso(row["at"])
    return item


def last_event_id(engine: Engine, store_id: int | None) -> int:
    """Return the id of a store's (or any store's) latest event (0 when there is none)."""
    query = select(func.coalesce(func.max(Event.id), 0))
    if store_id is not None:
        query = query.where(Event.store_id == store_id)
    with engine.connect() as connection:
        return connection.scalar(query)
