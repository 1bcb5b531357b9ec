"""Each worker's push dispatcher: drains the outbox to the push services, at once after a commit.

One loop per worker claims due pushes (services/notify/delivery.py) and hands each to
one of PUSH_SENDERS senders (threads; greenlets under gunicorn's gevent workers, whose
monkey patching makes `requests`' sockets and these queues cooperative). It claims
only as many rows as there are idle senders, so no claimed row waits behind a stalled
push service while its lease runs out, and a stalled service holds one sender, not
the loop. The loop wakes:

- at once when this worker commits a transaction that wrote pushes (the outbox sets
  PUSH_WRITTEN in session.info; the after_commit listener below wakes the loop, as
  floorapp/realtime.py does for events), so a push leaves within milliseconds;
- every PUSH_POLL_S otherwise, for the rows other workers wrote (on other hosts too),
  left behind (a lease that ran out) or set to retry.

Started with the worker's first request when PUSH_DISPATCH is true (tests turn it off
and call `drain_once`). The loop holds its app only weakly and backs off (logging once)
while the database fails, so an app a test dropped does not keep a thread busy.
"""

import logging
import queue
import threading
import weakref
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from floorapp.services.notify import delivery, sender, vapid
from floorapp.services.notify.outbox import PUSH_WRITTEN

log = logging.getLogger(__name__)
EXTENSION = "floorapp_push_dispatcher"
MAX_PAUSE_S = 60.0


class Dispatcher:
    """The worker's claim loop and its pool of senders."""

    def __init__(self, app: Flask):
        self._app = weakref.ref(app)
        self.senders = max(1, int(app.config["PUSH_SENDERS"]))
        self.poll_s = float(app.config["PUSH_POLL_S"])
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._work: queue.Queue = queue.Queue()
        self._idle = threading.Semaphore(self.senders)
        self._lock = threading.Lock()
        self._started = False
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the loop and the senders once (idempotent)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self._threads = [threading.Thread(target=self._send_loop, name=f"floorapp-push-{n}",
                                          daemon=True) for n in range(self.senders)]
        self._threads.append(threading.Thread(target=self._run, name="floorapp-push",
                                              daemon=True))
        for thread in self._threads:
            thread.start()

    def wake(self) -> None:
        """Claim now: this worker just committed pushes."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop claiming; senders finish the push in hand and end. True if all ended in time."""
        self._stopped.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        return not self.running

    @property
    def running(self) -> bool:
        """Tell whether any of the dispatcher's threads is still alive."""
        return any(thread.is_alive() for thread in self._threads)

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            self._wake.clear()
            app = self._app()
            if app is None or _database_gone(app):
                break
            try:
                with app.app_context():
                    delivery.close_stale()
                    self._drain()
                if failures:
                    log.info("Push dispatcher reaches the database again")
                failures = 0
            except Exception as error:
                failures += 1
                if failures == 1:
                    log.warning("Push dispatcher cannot drain the outbox (%s); retrying, "
                                "more slowly each time", str(error).splitlines()[0][:200])
            del app
            self._wake.wait(min(self.poll_s * 2 ** failures, MAX_PAUSE_S))
        for _ in range(self.senders):
            self._work.put(None)

    def _drain(self) -> None:
        """Claim for every idle sender until the due rows run out."""
        while not self._stopped.is_set():
            free = self._reserve()
            pushes = delivery.claim(free) if free else []
            for _ in range(free - len(pushes)):
                self._idle.release()
            for push in pushes:
                self._work.put(push)
            if len(pushes) < free:
                return

    def _reserve(self) -> int:
        """Wait for one idle sender, then take every other idle one too; return the count."""
        while not self._idle.acquire(timeout=0.5):
            if self._stopped.is_set():
                return 0
        free = 1
        while free < self.senders and self._idle.acquire(blocking=False):
            free += 1
        return free

    def _send_loop(self) -> None:
        while (push := self._work.get()) is not None:
            try:
                if (app := self._app()) is not None:
                    deliver(app, push)
                    del app  # hold the app only while sending
            finally:
                self._idle.release()


def deliver(app: Flask, push: sender.Push, *, now: datetime | None = None) -> str:
    """Send one claimed push and record the outcome; return its kind. Never raises."""
    try:
        with app.app_context():
            outcome = sender.send(push)
            delivery.finish(push, outcome, now=now)
            return outcome.kind
    except Exception:  # the lease runs out and another attempt sends it again
        log.exception("Push %s could not be sent or recorded; it will be retried", push.id)
        return "error"


def drain_once(*, now: datetime | None = None) -> Counter:
    """Send every due push now, PUSH_SENDERS at a time (tests and `flask push drain`).

    Returns how many ended each way (sent, gone, retry, fail, closed).
    """
    app = current_app._get_current_object()
    report: Counter = Counter(closed=delivery.close_stale(now=now))
    senders = max(1, int(app.config["PUSH_SENDERS"]))
    with ThreadPoolExecutor(senders, thread_name_prefix="floorapp-push-drain") as pool:
        while pushes := delivery.claim(senders, now=now):
            report.update(pool.map(lambda push: deliver(app, push, now=now), pushes))
            if len(pushes) < senders:
                break
    return report


def _database_gone(app: Flask) -> bool:
    """Tell whether the app's SQLite file was deleted (a finished test's): stop then."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return url.drivername.startswith("sqlite") and bool(url.database) and \
        url.database != ":memory:" and not Path(url.database).exists()


def dispatcher_for(app: Flask) -> Dispatcher:
    """Return the worker's dispatcher for `app`, made on first use (not started)."""
    dispatcher = app.extensions.get(EXTENSION)
    if dispatcher is None:
        dispatcher = app.extensions.setdefault(EXTENSION, Dispatcher(app))
    return dispatcher


def init_app(app: Flask) -> None:
    """Check the VAPID key now (a bad one stops start-up, not the first push), and start
    the dispatcher with the worker's first request, when PUSH_DISPATCH is on."""
    with app.app_context():
        vapid.private_key()

    @app.before_request
    def _start_push_dispatch() -> None:
        if EXTENSION not in app.extensions and app.config["PUSH_DISPATCH"]:
            dispatcher_for(app).start()


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    """Wake this worker's dispatcher when a commit wrote pushes (no wait for the poll)."""
    if session.info.pop(PUSH_WRITTEN, False) and has_app_context():
        dispatcher = current_app.extensions.get(EXTENSION)
        if dispatcher is not None:
            dispatcher.wake()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PUSH_WRITTEN, None)
