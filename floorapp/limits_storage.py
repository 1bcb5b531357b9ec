"""A rate-limit storage on a SQLite file, so every worker of one host counts together.

Flask-Limiter keeps its counters in a `limits` storage. `memory://` counts per worker
process, so under `make run`'s two gunicorn workers every limit was doubled. Production
uses Redis (`FLOORAPP_RATELIMIT_STORAGE_URI=redis://…`); without it the app uses this
storage (`floorapp-sqlite:///path`), a file in the instance folder that all the workers
of the host share. Only fixed windows are kept (Flask-Limiter's default strategy).

Each count is one UPSERT … RETURNING statement in autocommit mode, so it is atomic
across processes: SQLite takes its write lock for the microseconds it lasts.
"""

import os
import sqlite3
import threading
import time

from limits.storage import Storage

PURGE_EVERY = 1000  # counts between deletions of expired windows (per process)


class SQLiteStorage(Storage):
    """Fixed-window counters in one table of a SQLite file (uri floorapp-sqlite:///path)."""

    STORAGE_SCHEME = ["floorapp-sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = (uri or "").split("://", 1)[1] or ":memory:"
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._counts = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _run(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """Run one statement on this process's connection (opened after any fork)."""
        with self._lock:
            if self._connection is None or self._pid != os.getpid():
                self._connection = self._open()
                self._pid = os.getpid()
            return self._connection.execute(sql, parameters).fetchall()

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                     check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, "
                           "count INTEGER NOT NULL, expires_at REAL NOT NULL)")
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count `amount` in the key's window, starting a new window if it has run out."""
        now = time.time()
        self._counts += 1
        if self._counts % PURGE_EVERY == 0:
            self._run("DELETE FROM rate_limits WHERE expires_at <= ?", (now,))
        (count,), = self._run(
            "INSERT INTO rate_limits (key, count, expires_at) VALUES (?1, ?2, ?3 + ?4) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN expires_at <= ?3 THEN ?2 ELSE count + ?2 END, "
            "expires_at = CASE WHEN expires_at <= ?3 THEN ?3 + ?4 ELSE expires_at END "
            "RETURNING count", (key, amount, now, expiry))
        return count

    def get(self, key: str) -> int:
        """Return the count of the key's current window (0 when none)."""
        rows = self._run("SELECT count FROM rate_limits WHERE key = ? AND expires_at > ?",
                         (key, time.time()))
        return rows[0][0] if rows else 0

    def get_expiry(self, key: str) -> float:
        """Return when the key's window ends (now when it has none)."""
        now = time.time()
        rows = self._run("SELECT expires_at FROM rate_limits WHERE key = ? AND expires_at > ?",
                         (key, now))
        return rows[0][0] if rows else now

    def check(self) -> bool:
        """Tell whether the file can be read."""
        try:
            self._run("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; return how many there were."""
        return len(self._run("DELETE FROM rate_limits RETURNING key"))

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        self._run("DELETE FROM rate_limits WHERE key = ?", (key,))
