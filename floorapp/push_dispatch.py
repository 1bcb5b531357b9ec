"""Each worker's push dispatcher: drains the outbox to the push services, at once after a commit.

One loop per worker claims due pushes (services/notify/delivery.py) and hands each to
one of PUSH_SENDERS senders (threads; greenlets under gunicorn's gevent workers, whose
monkey patching makes urllib3's sockets and these queues cooperative); one finisher
records their outcomes, all that arrived meanwhile in one transaction. The loop holds
at most 2 × PUSH_SENDERS rows claimed and unsent, and claims a batch at a time when a
batch's worth of senders is free (or the senders are about to run dry): few claims
under load, no claimed row waiting behind a stalled push service until its lease
runs out, and a stalled service holds one sender, not the loop. The loop wakes:

- at once when this worker commits a transaction that wrote pushes (the outbox sets
  PUSH_WRITTEN in session.info; floorapp/worker_loops.py wakes the loop after the
  commit, as floorapp/realtime.py does for events), so a push leaves within milliseconds;
- every PUSH_POLL_S otherwise, for the rows other workers wrote (on other hosts too),
  left behind (a lease that ran out) or set to retry.

Started with the worker's first request when PUSH_DISPATCH is true (tests turn it off
and call `drain_once`). The loop holds its app only weakly and backs off (logging once)
while the database fails, so an app a test dropped does not keep a thread busy.
"""

import contextlib
import logging
import queue
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from flask import Flask, current_app

from floorapp import worker_loops
from floorapp.services.notify import delivery, sender, vapid
from floorapp.services.notify.outbox import PUSH_WRITTEN

log = logging.getLogger(__name__)
EXTENSION = "floorapp_push_dispatcher"


class Dispatcher(worker_loops.OutboxLoop):
    """The worker's claim loop, its senders, and the finisher that records their outcomes."""

    def __init__(self, app: Flask):
        super().__init__(app, poll_s=float(app.config["PUSH_POLL_S"]), log=log,
                         name="Push dispatcher")
        self.senders = max(1, int(app.config["PUSH_SENDERS"]))
        self.capacity = 2 * self.senders  # claimed and not yet sent: in flight + one batch
        self._housekept = float("-inf")
        self._work: queue.Queue = queue.Queue()
        self._done: queue.Queue = queue.Queue()
        self._slots = threading.Condition()
        self._claimed = 0
        self._lock = threading.Lock()
        self._started = False
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the loop, the senders and the finisher once (idempotent)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        targets = [(self._send_loop, f"floorapp-push-{n}") for n in range(self.senders)]
        targets += [(self._finish_loop, "floorapp-push-finish"), (self._run, "floorapp-push")]
        self._threads = [threading.Thread(target=target, name=name, daemon=True)
                         for target, name in targets]
        for thread in self._threads:
            thread.start()
        worker_loops.started(self)

    def stop(self, timeout: float | None = None) -> bool:
        """Stop claiming; senders finish the push in hand and end. True if all ended in time."""
        self._stopped.set()
        self._wake.set()
        with self._slots:
            self._slots.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        return not self.running

    @property
    def running(self) -> bool:
        """Tell whether any of the dispatcher's threads is still alive."""
        return any(thread.is_alive() for thread in self._threads)

    def _run(self) -> None:
        self._drain_until_stopped(self._housekeep_and_drain)
        for _ in range(self.senders):
            self._work.put(None)
        self._done.put(None)

    def _housekeep_and_drain(self) -> None:
        if time.monotonic() - self._housekept >= self.poll_s:  # once a poll, not per wake
            delivery.close_stale()
            self._housekept = time.monotonic()
        self._drain()

    def _drain(self) -> None:
        """Claim in batches until the due rows run out."""
        while not self._stopped.is_set():
            free = self._reserve()
            pushes = delivery.claim(free) if free else []
            self._give_back(free - len(pushes))
            for push in pushes:
                self._work.put(push)
            if len(pushes) < free:
                return

    def _reserve(self) -> int:
        """Wait until a batch's worth of slots is free, or the senders are about to run
        dry; take every free slot and return how many (one claim for many rows)."""
        def ready() -> bool:
            free = self.capacity - self._claimed
            return self._stopped.is_set() or free >= self.senders or (
                free > 0 and self._work.empty())

        with self._slots:
            while not self._slots.wait_for(ready, timeout=0.5):
                pass
            if self._stopped.is_set():
                return 0
            free, self._claimed = self.capacity - self._claimed, self.capacity
            return free

    def _give_back(self, count: int) -> None:
        if count:
            with self._slots:
                self._claimed -= count
                self._slots.notify_all()

    def _send_loop(self) -> None:
        while (push := self._work.get()) is not None:
            try:
                with self._app_context() as app:
                    if app is not None:
                        self._done.put((push, _send(push)))
            finally:
                self._give_back(1)

    def _finish_loop(self) -> None:
        """Record outcomes as they come, all that arrived meanwhile in one transaction."""
        while (first := self._done.get()) is not None:
            batch = [first]
            while len(batch) < 100:
                try:
                    item = self._done.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._done.put(None)
                    break
                batch.append(item)
            with self._app_context() as app:
                if app is not None:
                    _record(batch)

    @contextlib.contextmanager
    def _app_context(self):
        """Enter the app's context if the app still exists (it is held weakly)."""
        app = self._app()
        if app is None:
            yield None
            return
        with app.app_context():
            yield app


def _send(push: sender.Push) -> sender.Outcome:
    """Send one push; a bug becomes a retry, never a dead sender."""
    try:
        return sender.send(push)
    except Exception as error:
        log.exception("Push %s could not be sent", push.id)
        return sender.Outcome(sender.RETRY, detail=f"sender failed: {type(error).__name__}")


def _record(results: list, *, now: datetime | None = None) -> None:
    """Record outcomes; if the database fails, the leases run out and they are sent again."""
    try:
        delivery.finish_many(results, now=now)
    except Exception:
        log.exception("Could not record %d push outcomes; they will be sent again",
                      len(results))


def drain_once(*, now: datetime | None = None) -> Counter:
    """Send every due push now, PUSH_SENDERS at a time (tests and `flask push drain`).

    Returns how many ended each way (sent, gone, retry, fail, closed).
    """
    app = current_app._get_current_object()
    report: Counter = Counter(closed=delivery.close_stale(now=now))
    senders = max(1, int(app.config["PUSH_SENDERS"]))

    def send_in_context(push: sender.Push) -> sender.Outcome:
        with app.app_context():
            return _send(push)

    with ThreadPoolExecutor(senders, thread_name_prefix="floorapp-push-drain") as pool:
        while pushes := delivery.claim(senders, now=now):
            outcomes = list(pool.map(send_in_context, pushes))
            _record(list(zip(pushes, outcomes, strict=True)), now=now)
            report.update(outcome.kind for outcome in outcomes)
            if len(pushes) < senders:
                break
    return report


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


worker_loops.wake_after_commit(PUSH_WRITTEN, EXTENSION)
