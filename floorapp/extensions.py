"""The extension singletons, made once here and bound to an app in `create_app`."""

import fcntl
import os
import sqlite3
import threading
import time

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

from floorapp import limits_storage  # noqa: F401  (registers the floorapp-sqlite:// storage)

# Alembic's batch mode on SQLite recreates tables and needs every constraint named.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every model, with the naming-convention metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _connection_record) -> None:
    """Put every SQLite connection in WAL mode with foreign keys and real transactions.

    pysqlite's own transaction handling starts transactions late and commits behind
    SQLAlchemy's back; turning it off and emitting BEGIN ourselves (see `_begin_sqlite`)
    gives the conditional UPDATEs of the state machine a real transaction.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    """Open SQLite transactions explicitly (pysqlite's own handling is turned off).

    A transaction that will write asks for BEGIN IMMEDIATE (execution option
    `sqlite_write`, see services/core/transactions.py): it takes the write lock at once and
    waits its turn under the busy timeout, instead of failing with "database is
    locked" when a read snapshot cannot be upgraded to a write.
    """
    if connection.dialect.name == "sqlite":
        write = connection.get_execution_options().get("sqlite_write")
        if not write:
            connection.exec_driver_sql("BEGIN")
            return
        _take_sqlite_writer_lock(connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release_sqlite_writer_lock(connection)
            raise


# SQLite's busy handler polls with sleeps of up to 100 ms and is not fair: with 50 threads
# of one process writing at once, some waited past the 15 s busy timeout ("database is
# locked", measured with bench/claims.py). Writers of one process therefore queue on this
# lock first (a green lock under gevent). Writers of other processes (the other gunicorn
# workers of one host) queue on an advisory file lock beside the database, polled every
# millisecond with a sleep that yields under gevent: SQLite's own busy handler sleeps
# inside C, which would stall every stream and request of the waiting worker.
_SQLITE_WRITER = threading.Lock()
SQLITE_WRITER_WAIT_S = 30
_WRITER_FILES: dict[tuple[int, str], int] = {}  # by process: a forked descriptor shares locks


def _take_sqlite_writer_lock(connection) -> None:
    if not _SQLITE_WRITER.acquire(timeout=SQLITE_WRITER_WAIT_S):
        raise TimeoutError("Too many writers at once; try again.")
    try:
        descriptor = _writer_file(connection.engine.url.database)
        if descriptor is not None:
            _lock_file(descriptor)
    except BaseException:
        _SQLITE_WRITER.release()
        raise
    connection.info["floorapp_writer_lock"] = descriptor


def _writer_file(database: str | None) -> int | None:
    """Return this process's descriptor of the database's writer lock file (None in memory)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), database)
    if key not in _WRITER_FILES:
        _WRITER_FILES[key] = os.open(f"{database}.writer", os.O_RDWR | os.O_CREAT, 0o600)
    return _WRITER_FILES[key]


def _lock_file(descriptor: int) -> None:
    deadline = time.monotonic() + SQLITE_WRITER_WAIT_S
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError("Too many writers at once; try again.") from None
            time.sleep(0.001)


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _release_sqlite_writer_lock(connection) -> None:
    """Let the next writer (of this process, then of any) in once a write transaction ends.

    Only SQLite's connections take the lock: a PostgreSQL connection that died mid-request
    is invalidated, and reading its `info` on the way back would raise instead.
    """
    if connection.dialect.name != "sqlite" or "floorapp_writer_lock" not in connection.info:
        return
    descriptor = connection.info.pop("floorapp_writer_lock")
    if descriptor is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    _SQLITE_WRITER.release()
