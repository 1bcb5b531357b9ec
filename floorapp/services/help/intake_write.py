"""The writes of a new help request, made while its store's write lock is held.

The lock (services/core/transactions.py) keeps a store's event ids in commit order, so a
submission to a store waits until the one before it has committed: the time it is held
is the store's whole throughput. So everything a submission can know beforehand is read
before the lock (`prepare`): the request's id, drawn from its sequence in the statement
that reads the sign (services/help/intake.py), the devices to alert and what they are
told. Under the lock, on PostgreSQL, `write` is then one statement: the request, its
`requested` event (with the event's NOTIFY), its pushes and its idempotency record, as
data-modifying CTEs of one query. The event's id, the one the streams order by, is
still drawn under the lock, by that statement; a request id drawn before it is not in
commit order, and nothing needs it to be (a refused or replayed submission leaves a gap
in the ids, as a rolled-back one always did).

On SQLite the single writer holds the whole database, statements are calls within this
process with no round trip, and there are no data-modifying CTEs: the rows are written
one INSERT each, the pushes planned under the lock as every other move plans them.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import bindparam, func, insert, select

from floorapp.extensions import db
from floorapp.models import Event, EventKind, HelpRequest, IdempotencyRecord, PushMessage, Status
from floorapp.services.core.event_log import EVENTS_WRITTEN, NOTIFY_CHANNEL, record_event
from floorapp.services.help import escalation, product_match
from floorapp.services.notify import plan
from floorapp.services.notify.outbox import PUSH_WRITTEN, URGENCIES

REQUEST_COLUMNS = ("id", "store_id", "zone_id", "sign_id", "public_token", "need",
                   "product_query", "size_label", "product_id", "variant_id", "note",
                   "language", "status", "requested_at", "escalation_level")
EVENT_COLUMNS = ("store_id", "request_id", "kind", "at", "from_status", "to_status", "data")
PUSH_COLUMNS = ("subscription_id", "store_id", "tag", "payload", "urgency", "ttl_s",
                "created_at", "next_attempt_at", "attempts", "detail")
RECORD_COLUMNS = ("scope", "key", "fingerprint", "status_code", "response", "created_at")
MAX_BATCHED_PUSHES = 32  # more devices than this on one floor: an executemany of their own


@dataclass(frozen=True)
class Prepared:
    """A new request's rows as far as they are known before the store's lock."""

    request: dict
    pushes: list[dict] = field(default_factory=list)


def prepare(place, submission, found: product_match.Match, public_token: str,
            now: datetime) -> Prepared | None:
    """Read, before the lock, what the one statement will write (PostgreSQL only).

    `place` is intake's SignPlace with the id drawn for the request; without one (SQLite,
    or a sign found the slow way) this returns None and `write_in_turn` does the rest.
    """
    if place.new_id is None:
        return None
    request = {"id": place.new_id, "store_id": place.store_id, "zone_id": place.zone_id,
               "sign_id": place.sign_id, "public_token": public_token,
               "need": submission.need, "product_query": submission.product_query,
               "size_label": submission.size_label, "product_id": found.product_id,
               "variant_id": found.variant_id, "note": submission.note,
               "language": submission.language, "status": Status.WAITING,
               "requested_at": now, "escalation_level": 0}
    card = SimpleNamespace(**request, zone=place.zone_name, code=place.store_code)
    return Prepared(request, plan.new_request_items(card))


def write(prepared: Prepared, record: dict | None, *, covered: bool, now: datetime) -> None:
    """Write a prepared request, its event, pushes and idempotency record (PostgreSQL).

    One statement when the floor is not crowded; an uncovered zone then also tells the
    managers at once, as `write_in_turn` does.
    """
    pushes = prepared.pushes
    if any(item["urgency"] not in URGENCIES for item in pushes):
        raise ValueError(f"urgency must be one of {URGENCIES}")
    batched = pushes if len(pushes) <= MAX_BATCHED_PUSHES else []
    request = prepared.request
    params = _prefixed("r", request) | _prefixed("e", {
        "store_id": request["store_id"], "request_id": request["id"],
        "kind": EventKind.REQUESTED, "at": now, "from_status": None,
        "to_status": Status.WAITING.value, "data": {"zone_id": request["zone_id"]}})
    params |= {"channel": NOTIFY_CHANNEL, "payload": str(request["store_id"])}
    for n, item in enumerate(batched):
        params |= _prefixed(f"p{n}", _push_row(item, now))
    if record is not None:
        params |= _prefixed("k", record | {"created_at": now})
    db.session.connection().execute(_statement(len(batched), record is not None), params)
    if len(batched) < len(pushes):
        db.session.execute(insert(PushMessage), [_push_row(item, now) for item in pushes])
    db.session.info[EVENTS_WRITTEN] = True
    if pushes:
        db.session.info[PUSH_WRITTEN] = True
    if not covered:
        escalation.tell_managers_at_once(request["store_id"], request["id"], now=now)


def write_in_turn(place, submission, found: product_match.Match, public_token: str,
                  now: datetime, *, covered: bool) -> int:
    """Insert the waiting request and its `requested` event a statement each; return its
    id (SQLite). An uncovered zone (`covered` false) tells the managers at once."""
    request_id = db.session.connection().execute(_request_insert(), {
        "store_id": place.store_id, "zone_id": place.zone_id, "sign_id": place.sign_id,
        "requested_at": now, "public_token": public_token, "status": Status.WAITING,
        "need": submission.need, "product_query": submission.product_query,
        "size_label": submission.size_label, "note": submission.note,
        "language": submission.language, "product_id": found.product_id,
        "variant_id": found.variant_id}).scalar_one()
    record_event(store_id=place.store_id, request_id=request_id, kind=EventKind.REQUESTED,
                 at=now, from_status=None, to_status=Status.WAITING.value,
                 data={"zone_id": place.zone_id})
    plan.request_submitted(place.store_id, request_id, place.zone_id)
    if not covered:
        escalation.tell_managers_at_once(place.store_id, request_id, now=now)
    return request_id


@functools.cache
def _request_insert():
    return insert(HelpRequest.__table__).returning(HelpRequest.__table__.c.id)


def _push_row(item: dict, now: datetime) -> dict:
    return item | {"created_at": now, "next_attempt_at": now, "attempts": 0, "detail": ""}


def _prefixed(prefix: str, values: dict) -> dict:
    return {f"{prefix}_{name}": value for name, value in values.items()}


def _binds(table, columns: tuple[str, ...], prefix: str) -> dict:
    """Name a bound parameter per column, typed as the column (enums, JSON, UTC times)."""
    return {name: bindparam(f"{prefix}_{name}", type_=table.c[name].type) for name in columns}


@functools.lru_cache(maxsize=2 * (MAX_BATCHED_PUSHES + 1))
def _statement(pushes: int, remember: bool):
    """Build the one INSERT of a submission with `pushes` outbox rows (once per shape).

    Each data-modifying CTE runs exactly once, to completion, whether or not the query
    reads it; the query counts the event's RETURNING rows, each a pg_notify, so the
    wake-up is evaluated. The foreign keys between the rows (the event's and pushes'
    request) are checked at the end of the statement, when every row is in.
    """
    requests, events = HelpRequest.__table__, Event.__table__
    ctes = [insert(requests).values(_binds(requests, REQUEST_COLUMNS, "r"))
            .returning(requests.c.id).cte("new_request")]
    event = (insert(events).values(_binds(events, EVENT_COLUMNS, "e"))
             .returning(func.pg_notify(bindparam("channel"), bindparam("payload")))
             .cte("new_event"))
    if pushes:
        messages = PushMessage.__table__
        ctes.append(insert(messages).values(
            [_binds(messages, PUSH_COLUMNS, f"p{n}") for n in range(pushes)])
            .returning(messages.c.id).cte("new_pushes"))
    if remember:
        records = IdempotencyRecord.__table__
        ctes.append(insert(records).values(_binds(records, RECORD_COLUMNS, "k"))
                    .returning(records.c.id).cte("new_record"))
    return select(func.count()).select_from(event).add_cte(*ctes)
