"""Starting a write so that it waits its turn instead of failing on SQLite.

SQLite in WAL mode lets a transaction that has already read upgrade to a writer
only if nobody else committed since its read; otherwise it fails at once with
"database is locked" (the busy timeout does not apply). A request has usually
read something (the user, the store) before it writes, so compare-and-set
services call `start_write()` after reading what they need: it ends the read
transaction, and the write that follows is the new transaction's first
statement, which waits for the lock (busy_timeout) like PostgreSQL's row locks do.
"""

from floorapp.extensions import db
from floorapp.services.transactions import begin_sqlite_write


def start_write() -> None:
    """End the session's read-only transaction before a compare-and-set write."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("start_write() would commit pending changes")
    begin_sqlite_write()
