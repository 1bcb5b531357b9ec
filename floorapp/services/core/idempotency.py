"""Idempotency keys: a replayed call gets the stored answer instead of acting twice.

A record lives one day. The same key with the same body answers the stored
response; the same key with another body is refused with 422, because answering
it with the first call's response would hide a client's mistake.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Update, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from floorapp.errors import Conflict, DomainError, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import IdempotencyRecord
from floorapp.services.core.input_parsing import valid_id
from floorapp.services.core.transactions import begin_sqlite_write, start_write, writes

Row = TypeVar("Row")
LIFETIME = timedelta(days=1)
MAX_KEY_LENGTH = 128


class KeyReused(DomainError):
    """The idempotency key was used already with a different body."""

    status = 422
    code = "idempotency_key_reused"


def fingerprint(body: Any) -> str:
    """Return a stable hash of a call's body (key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def owner(*, user: Any = None, token: Any = None) -> str:
    """Name the caller in a scope: "u<id>" for a person, "t<id>" for an API token."""
    return f"u{user.id}" if user is not None else f"t{token.id}"


def scope(kind: str, *parts: object) -> str:
    """Return the scope a key is stored under: the call's kind, then its caller and target.

    Every caller builds its scope here, so a key rendered in a page's form and replayed
    through the outbox to the JSON API names the same call.
    """
    return ":".join(str(part) for part in (kind, *parts))


def check_key(key: str | None) -> str | None:
    """Return the key trimmed, None when absent, or raise InvalidInput when malformed."""
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(f"An idempotency key is at most {MAX_KEY_LENGTH} printable characters.")
    return key


def replay(scope: str, key: str | None, body_fingerprint: str, now: datetime):
    """Return the live record for (scope, key) if the call is a replay; raise on a new body.

    Call it inside the write transaction, after `begin_write`, so two replays of one
    key are serialized and only the first one acts. A record older than a day is
    deleted here and the key acts afresh. The record is a row with `status_code` and
    `response` (one Core statement: submissions check it while holding the store lock).
    """
    if key is None:
        return None
    connection = db.session.connection()
    record = connection.execute(_record_statement(), {"scope": scope, "key": key}).first()
    if record is None:
        return None
    if record.created_at <= now - LIFETIME:
        connection.execute(delete(IdempotencyRecord.__table__)
                           .where(IdempotencyRecord.__table__.c.id == record.id))
        return None
    if record.fingerprint != body_fingerprint:
        raise KeyReused("This idempotency key was already used for a different request.")
    return record


@functools.cache
def _record_statement():
    table = IdempotencyRecord.__table__
    return select(table.c.id, table.c.fingerprint, table.c.status_code, table.c.response,
                  table.c.created_at).where(table.c.scope == bindparam("scope"),
                                            table.c.key == bindparam("key"))


def remember(scope: str, key: str | None, body_fingerprint: str, *, status_code: int,
             response: dict[str, Any], now: datetime) -> None:
    """Store the answer to a call under its key (flushed with the call's own changes)."""
    if key is None:
        return
    db.session.connection().execute(insert(IdempotencyRecord.__table__), {
        "scope": scope, "key": key, "fingerprint": body_fingerprint,
        "status_code": status_code, "response": response, "created_at": now})


@writes
def purge(now: datetime) -> int:
    """Delete records older than a day; return how many (commits)."""
    result = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= now - LIFETIME))
    db.session.commit()
    return result.rowcount or 0


def remember_after(scope: str, key: str | None, body_fingerprint: str, *, status_code: int,
                   response: dict[str, Any], now: datetime) -> None:
    """Store the answer of a move that has committed already (commits).

    For the staff's moves the compare-and-set of the state machine is what makes a
    double tap act once; the record only lets the replay get the same answer instead
    of a 409. A replay racing the first call may still get that 409, which is safe.
    """
    if key is None:
        return
    begin_sqlite_write()  # a fresh writer: never a read snapshot upgraded after others wrote
    try:
        remember(scope, key, body_fingerprint, status_code=status_code, response=response,
                 now=now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent replay stored it first


@dataclass
class KeyedCall:
    """One call under an idempotency key, handed by a handler to the service that acts.

    The service checks `replay` inside its own write transaction and `remember`s the
    answer before its commit, so a replay can never slip between the check and the
    write; the handler then sends `answer` (status code and body) back.
    """

    scope: str
    key: str | None
    answer: tuple[int, dict[str, Any]] | None = None
    replayed: bool = False

    @classmethod
    def scoped(cls, kind: str, owner: str, *target: object, key: str | None) -> "KeyedCall":
        """Return a call scoped to its kind, its caller ("u<id>" or "t<id>") and its target.

        `owner` comes from `owner()`; the scope from `scope()`, as for every other call.
        """
        return cls(scope=scope(kind, owner, *target), key=key)

    def replay(self, body: dict[str, Any], now: datetime) -> dict[str, Any] | None:
        """Return the stored answer's body if the key was used already (KeyReused if not
        for this body), else None."""
        try:
            record = replay(self.scope, self.key, fingerprint(body), now)
        except KeyReused:
            db.session.rollback()  # end the caller's write transaction: nothing was done
            raise
        if record is None:
            return None
        self.answer, self.replayed = (record.status_code, dict(record.response)), True
        return self.answer[1]

    def remember(self, body: dict[str, Any], status_code: int, response: dict[str, Any],
                 now: datetime) -> None:
        """Store the answer under the key (flushed with the call's changes, not committed)."""
        remember(self.scope, self.key, fingerprint(body), status_code=status_code,
                 response=response, now=now)
        self.answer, self.replayed = (status_code, response), False


def compare_and_set(call: KeyedCall | None, body: dict[str, Any], statement: Update, *,
                    model: type[Row], row_id: int, store_id: int, now: datetime,
                    render: Callable[[Row], dict[str, Any]], missing: str,
                    refusal: Callable[[Row], str],
                    after: Callable[[Row], None] | None = None) -> Row:
    """Move one row of a store with a conditional UPDATE, once per idempotency key.

    The UPDATE's row count is checked: two people moving the row at once get one
    success and one Conflict (`refusal(row)` says why). A replay of the key answers the
    first call's row instead, even when it raced the first call: the key is checked
    again after the UPDATE has waited for the row's lock, and the answer is stored in
    the move's own transaction, so no replay can slip between the check and the write.
    A row that is missing or of another store raises NotFound(`missing`). `after(row)`
    runs once the row has moved, in its transaction (the pushes a move owes).
    """
    if not valid_id(row_id):
        raise NotFound(missing)
    start_write()
    if call is not None and call.replay(body, now) is not None:
        db.session.commit()
        return db.session.get(model, row_id)
    if db.session.execute(statement).rowcount != 1:
        replayed = call is not None and call.replay(body, now) is not None  # won the race
        db.session.rollback()
        row = db.session.get(model, row_id)
        if row is None or row.store_id != store_id:
            raise NotFound(missing)
        if replayed:
            return row
        raise Conflict(refusal(row))
    row = db.session.get(model, row_id, populate_existing=True)
    if after is not None:
        after(row)
    if call is not None:
        call.remember(body, 200, render(row), now)
    db.session.commit()
    return row
