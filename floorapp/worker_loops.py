"""What the worker's background loops share: being woken, and ending.

The loops are the realtime listener (realtime.py), the push and SMS dispatchers
(push_dispatch.py, sms_dispatch.py) and the stream guard (stream_guard.py).

- Waking: a service marks the session (`session.info[flag] = True`) when it writes rows
  a loop must act on (events, pushes, texts). When that session commits, the loop this
  worker's app keeps under `extension` is woken, so the rows leave within milliseconds
  instead of at the next poll; a rollback forgets the mark.
- Ending: a loop ends when `stop()` is called or its SQLite file is gone
  (`database_gone`, a finished test's). `stop_all` stops every loop this process
  started: the tests call it at each test's end, so no finished test's loop ticks on a
  dropped schema, writes into the next test's tables, or logs a traceback while another
  thread parses source (CPython 3.11 shares the parser's depth counter between threads,
  python/cpython#106905, and a traceback's caret lines parse source).
"""

import logging
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session


class Loop(Protocol):
    def stop(self, timeout: float | None = None) -> bool: ...


_running: "weakref.WeakSet[Loop]" = weakref.WeakSet()


def started(loop: Loop) -> None:
    """Record a loop that has started its threads, for `stop_all`."""
    _running.add(loop)


def stop_all(timeout: float = 5.0) -> None:
    """Stop every loop this process started; tell them all first, so they end together."""
    loops = list(_running)
    for loop in loops:
        loop.stop(0)
    for loop in loops:
        loop.stop(timeout)
        _running.discard(loop)


def ended(thread: threading.Thread | None, timeout: float | None) -> bool:
    """Wait up to `timeout` for a loop's thread; tell whether it has ended (or never began)."""
    if thread is not None and thread.is_alive():
        thread.join(timeout)
    return thread is None or not thread.is_alive()


MAX_PAUSE_S = 60.0  # the longest pause of an outbox loop backing off a failing database


class OutboxLoop:
    """What the push and SMS dispatchers' claim loops share.

    The loop drains when woken (this worker committed rows, `wake`) or every `poll_s`
    (rows other workers wrote, left behind or set to retry). While the database fails it
    logs the first failure and the recovery, not every try, and waits twice as long
    each time, up to MAX_PAUSE_S. It holds its app weakly and ends when stopped, when
    the app is collected (which wakes it) or when the app's SQLite file is gone.
    """

    def __init__(self, app: Flask, *, poll_s: float, log: logging.Logger, name: str):
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._app = weakref.ref(app, lambda _gone: self._wake.set())
        self.poll_s, self._log, self._name = poll_s, log, name

    def wake(self) -> None:
        """Claim now: this worker just committed rows of this outbox."""
        self._wake.set()

    def _drain_until_stopped(self, drain: Callable[[], object]) -> None:
        """Call `drain` in the app's context at each wake, until the loop must end."""
        failures = 0
        while not self._stopped.is_set():
            self._wake.clear()
            app = self._app()
            if app is None or database_gone(app):
                return
            try:
                with app.app_context():
                    drain()
                if failures:
                    self._log.info("%s reaches the database again", self._name)
                failures = 0
            except Exception as error:
                failures += 1
                if failures == 1:
                    self._log.warning("%s cannot drain the outbox (%s); retrying, more slowly "
                                      "each time", self._name, str(error).splitlines()[0][:200])
            del app  # not held while waiting: a dropped app can be collected
            self._wake.wait(min(self.poll_s * 2 ** failures, MAX_PAUSE_S))


def database_gone(app: Flask) -> bool:
    """Tell whether the app's SQLite file was deleted (a finished test's): stop then."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return url.drivername.startswith("sqlite") and bool(url.database) and \
        url.database != ":memory:" and not Path(url.database).exists()


def wake_after_commit(flag: str, extension: str) -> None:
    """Listen once per kind of row: wake `app.extensions[extension]` after a marked commit."""

    @event.listens_for(Session, "after_commit")
    def _wake(session: Session) -> None:
        if session.info.pop(flag, False) and has_app_context():
            loop = current_app.extensions.get(extension)
            if loop is not None:
                loop.wake()

    @event.listens_for(Session, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(flag, None)
