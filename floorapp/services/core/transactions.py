"""Write transactions that are safe under concurrency and keep each store's events in order.

Every service function that changes a help request or an availability starts with
`begin_write(store_id)`:

- On SQLite it ends any read snapshot and opens the next transaction with
  BEGIN IMMEDIATE, so writers queue on the busy timeout instead of failing with
  "database is locked" when a deferred transaction tries to upgrade to a writer.
- On PostgreSQL it takes a transaction-scoped advisory lock on the store. Writers of
  one store then commit one after another, so the ids of a store's events become
  visible in increasing order: a live stream that has sent event n can never later
  meet a smaller id of the same store (nothing is skipped on resume).

Every public service function that writes also leaves the session clean when it
refuses (a DomainError) or fails: `rolls_back` (worn by itself, or through `writes`)
rolls the transaction back and re-raises, as GOV.UK Notify's `autocommit` does. A
handler that catches the refusal can read and render at once, and never calls
`db.session.rollback()` itself. Nested, the innermost decorated function that raises
rolls back the whole transaction, its caller's writes too: a caller that catches a
decorated callee's refusal and carries on starts a new transaction.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import text

from floorapp.extensions import db

STORE_LOCK_NAMESPACE = 4417  # the first key of pg_advisory_xact_lock(int, int)
P = ParamSpec("P")
R = TypeVar("R")


def begin_write(store_id: int) -> None:
    """Start (or continue) the current transaction as the store's single writer."""
    if db.session.get_bind().dialect.name == "sqlite":
        begin_sqlite_write()
        return
    db.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :store)"),
                       {"namespace": STORE_LOCK_NAMESPACE, "store": store_id})


def begin_sqlite_write() -> None:
    """On SQLite, end any read snapshot and open the next transaction as a writer.

    Elsewhere it does nothing: PostgreSQL's row locks already make a write wait its turn.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return
    if db.session().in_transaction():
        if is_sqlite_writer():
            return  # a writer already (an outer service function opened it): carry on
        db.session.commit()
    db.session.connection(execution_options={"sqlite_write": True})


def is_sqlite_writer() -> bool:
    """Tell whether the session's open transaction holds SQLite's writer locks."""
    if not db.session().in_transaction():
        return False
    return "floorapp_writer_lock" in db.session.connection().info


def start_write() -> None:
    """Before a compare-and-set that is not a help-queue move, end the read snapshot.

    SQLite in WAL mode lets a transaction that has read upgrade to a writer only if
    nobody committed since, else it fails at once with "database is locked"; this
    opens the next transaction as a writer instead. Refuses to commit pending changes.
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("start_write() would commit pending changes")
    begin_sqlite_write()


def relaxed_durability() -> None:
    """Let this transaction's commit return before PostgreSQL has flushed it to disk.

    For rows that record an observation, not anything a user submitted (a lookup that
    found no stock): a crash may lose the last fraction of a second of them, never
    corrupts, and the request does not wait for the disk. SQLite already commits
    without a flush (synchronous=NORMAL in WAL mode, floorapp/extensions.py).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def rolls_back(function: Callable[P, R]) -> Callable[P, R]:
    """Roll back the session when a service function raises, so its caller finds it clean.

    A refused move (Conflict, Forbidden, ...) may have flushed or half-written rows, or
    (on PostgreSQL) left a failed transaction; the caller would otherwise read through
    it, or commit it by accident later. The exception is re-raised as it was.
    """

    @functools.wraps(function)
    def or_roll_back(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise

    return or_roll_back


def writes(function: Callable[P, R]) -> Callable[P, R]:
    """Run a service function that reads and then writes as the writer from its start.

    On SQLite a transaction that has read can become a writer only if nobody committed
    since its snapshot; otherwise it fails at once with "database is locked" (a 503),
    whatever the busy timeout. Every service write that is not a store's help-queue
    move (those call `begin_write(store_id)`) wears this, so it queues on the writer
    locks before its first read. A decorated function called by another runs inside
    the caller's writer transaction. On PostgreSQL it only rolls back when the function
    raises (`rolls_back`), as on SQLite.
    """
    undoable = rolls_back(function)

    @functools.wraps(function)
    def as_writer(*args: P.args, **kwargs: P.kwargs) -> R:
        start_write()
        return undoable(*args, **kwargs)

    return as_writer
