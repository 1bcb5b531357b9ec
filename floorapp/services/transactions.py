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
"""

from sqlalchemy import text

from floorapp.extensions import db

STORE_LOCK_NAMESPACE = 4417  # the first key of pg_advisory_xact_lock(int, int)


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
        db.session.commit()
    db.session.connection(execution_options={"sqlite_write": True})


def start_write() -> None:
    """Before a compare-and-set that is not a help-queue move, end the read snapshot.

    SQLite in WAL mode lets a transaction that has read upgrade to a writer only if
    nobody committed since, else it fails at once with "database is locked"; this
    opens the next transaction as a writer instead. Refuses to commit pending changes.
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("start_write() would commit pending changes")
    begin_sqlite_write()
