"""Event fan-out to Server-Sent Event streams: one listener per worker process.

This module is the worker's side (the listener, the fan-out, the keep-alive timer, the
tick); each client's stream generator and the SSE wire format are in floorapp/sse.py.

The event log is the source of truth. Each worker runs one background loop (a
greenlet under gevent) that hands new events to each stream's own queue; streams
never touch the request's database session.

- PostgreSQL: the loop LISTENs on `floorapp_events` (a NOTIFY naming the store, sent in
  the writing transaction, so only after its commit), takes every notification already
  arrived, and reads just those stores in one statement, on the one connection it holds
  (checked out once per connect, not per read); a quiet second reads every watched store
  the same way, in case. One statement, not one per store: a worker whose streams watch
  800 stores would otherwise spend its quiet second reading.
- SQLite (one host, no NOTIFY): a commit that wrote events wakes its own worker's loop
  at once; the other workers see it at their next read, every SSE_POLL_S while they
  hold open streams. One read covers every store (ids commit in order on SQLite). A
  worker with no open stream does not read the log at all.

Within a store, event ids become visible in increasing order (see
services/core/transactions.py), so "everything after id n" is exact: a stream resumes from
Last-Event-ID with nothing missed and nothing twice.

The escalation/expiry/idleness/roll-up/purge tick runs every TICK_INTERVAL_S on a loop
of its own (Ticker), not in the listener's: at hundreds of stores a tick takes long
enough (escalations, the roll-ups' upkeep reading the log) that no notification would
be delivered meanwhile. The database guards in services/help/escalation.py (and each
task's own) make ticking safe in every worker at once.
"""

import logging
import queue
import threading
import time
from collections import defaultdict

from flask import Flask, current_app
from sqlalchemy import Connection, Engine

from floorapp import worker_loops
from floorapp.models.types import utcnow
from floorapp.services.core.event_log import (
    EVENTS_WRITTEN,
    NOTIFY_CHANNEL,
    event_rows,
    events_after_each,
    last_event_id,
)
from floorapp.services.core.input_parsing import whole_number
from floorapp.sse import CATCH_UP_PAGE, KEEP_ALIVE, message

log = logging.getLogger(__name__)


class Hub:
    """The worker's listener: follows the log and wakes the streams of each store."""

    def __init__(self, app: Flask, engine: Engine):
        self.app, self.engine = app, engine
        self.postgres = engine.dialect.name == "postgresql"
        self.poll_s = float(app.config["SSE_POLL_S"])
        self.ticker = Ticker(app)
        self._lock = threading.Lock()
        self._wake = threading.Event()  # SQLite: poll now (a stream opened, or we wrote)
        self._queues: dict[int, set[queue.SimpleQueue]] = defaultdict(set)
        self._last: dict[int, int] = {}
        self._seen: int | None = None  # SQLite: the highest event id read, of any store
        self._started = False
        self._keepalive_s: float | None = None  # the keep-alive loop's interval, once started
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the background loop, and the worker's tick, once (idempotent)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self.ticker.start()
        self._thread = threading.Thread(target=self._run, name="floorapp-realtime", daemon=True)
        self._thread.start()
        worker_loops.started(self)

    def stop(self, timeout: float | None = None) -> bool:
        """End the loop after the read in hand, and the tick; True if both ended in time."""
        self._stopped.set()
        self._wake.set()
        ticked = self.ticker.stop(timeout)
        return worker_loops.ended(self._thread, timeout) and ticked

    def subscribe(self, store_id: int, keepalive_s: float = 15.0) -> queue.SimpleQueue:
        """Return a new queue that receives lists of the store's new events, and KEEP_ALIVE
        at least every `keepalive_s`."""
        self.start()
        first = store_id not in self._last
        # On SQLite ids commit in order, so the log's last id is a valid (and recent)
        # position for any store; on PostgreSQL only the store's own order holds.
        latest = last_event_id(self.engine, store_id if self.postgres else None) if first else 0
        subscriber: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            self._last.setdefault(store_id, latest)
            self._queues[store_id].add(subscriber)
        self._keep_alive_every(keepalive_s)  # after the queue is in: the timer sees it
        self._wake.set()  # an idle SQLite listener starts polling
        return subscriber

    def unsubscribe(self, store_id: int, subscriber: queue.SimpleQueue) -> None:
        """Stop delivering to a stream's queue (called in the stream's `finally`).

        The last stream of a store also drops the store's position, so the next one
        starts from the live edge instead of reading everything since.
        """
        with self._lock:
            self._queues[store_id].discard(subscriber)
            if not self._queues[store_id]:
                del self._queues[store_id]
                self._last.pop(store_id, None)

    def _keep_alive_every(self, seconds: float) -> None:
        """One timer per worker, not one armed and cancelled per stream for every event."""
        with self._lock:
            started = self._keepalive_s is not None
            self._keepalive_s = min(seconds, self._keepalive_s or seconds)
        if not started:
            threading.Thread(target=self._keep_alive, name="floorapp-keepalive",
                             daemon=True).start()

    def _keep_alive(self) -> None:
        while True:
            time.sleep(self._keepalive_s)
            with self._lock:
                subscribers = [q for queues in self._queues.values() for q in queues]
                if not subscribers:  # no stream left: no timer either, until the next one
                    self._keepalive_s = None
                    return
            for subscriber in subscribers:
                subscriber.put(KEEP_ALIVE)

    def wake(self) -> None:
        """Read the log now: this worker just committed an event (SQLite has no NOTIFY)."""
        self._wake.set()

    def _run(self) -> None:
        pause = 1.0
        while not self._stopped.is_set():
            started = time.monotonic()
            try:
                if self.postgres:
                    self._listen()
                else:
                    self._poll()
            except Exception as error:  # the database went away: retry, more slowly each time
                if time.monotonic() - started > 60:
                    pause = 1.0
                log.warning("Realtime listener stopped (%s); retrying in %.0f s",
                            str(error).splitlines()[0][:200], pause)
                self._stopped.wait(pause)
                pause = min(pause * 2, 30.0)

    def _poll(self) -> None:
        """SQLite: read every SSE_POLL_S while streams are open, at once after our own writes."""
        with self.engine.connect() as connection:
            while not self._stopped.is_set():
                self._wake.clear()
                self._read_new(connection)
                self._wake.wait(self.poll_s if self._watched() else None)

    def _watched(self) -> dict[int, int]:
        with self._lock:
            return {store: self._last[store] for store, q in self._queues.items() if q}

    def _read_new(self, connection: Connection) -> None:
        """SQLite: one read of every store's new events (ids commit in order there)."""
        watched = self._watched()
        if not watched:
            self._seen = None  # re-start from the stores' own positions when watched again
            return
        if self._seen is None:
            self._seen = min(watched.values())
        while rows := event_rows(connection, None, self._seen, limit=CATCH_UP_PAGE):
            self._seen = rows[-1]["id"]
            self._deliver_by_store(row for row in rows
                                   if row["id"] > watched.get(row["store_id"], row["id"]))
            if len(rows) < CATCH_UP_PAGE:
                break

    def _listen(self) -> None:
        """PostgreSQL: wait for NOTIFY; read only the notified stores, on this connection."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            listener = conn.connection.driver_connection
            conn.exec_driver_sql(f"LISTEN {NOTIFY_CHANNEL}")
            self._fan_out(conn, None)  # anything committed while we were not listening
            while not self._stopped.is_set():
                stores = {int(n.payload) for n in listener.notifies(timeout=1.0, stop_after=1)
                          if whole_number(n.payload) is not None}
                if stores:  # a burst: take every notification already here, then read once
                    stores |= {int(n.payload) for n in listener.notifies(timeout=0)
                               if whole_number(n.payload) is not None}
                self._fan_out(conn, stores or None)  # a quiet second: check every store

    def _fan_out(self, connection: Connection, stores: set[int] | None) -> None:
        """Read the given (or every) watched store's new events in one statement, deliver."""
        positions = {store_id: after for store_id, after in self._watched().items()
                     if stores is None or store_id in stores}
        if positions:
            self._deliver_by_store(events_after_each(connection, positions))

    def _deliver_by_store(self, rows) -> None:
        """Hand rows of several stores (in id order) to each store's streams."""
        by_store: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            by_store[row["store_id"]].append(row)
        for store_id, store_rows in by_store.items():
            self._deliver(store_id, store_rows)

    def _deliver(self, store_id: int, rows: list[dict]) -> None:
        for row in rows:  # format once per worker, not once per stream
            row["sse"], row["sse_public"] = message(row), message(row, public=True)
        with self._lock:
            if store_id in self._last:
                self._last[store_id] = max(self._last[store_id], rows[-1]["id"])
            subscribers = list(self._queues.get(store_id, ()))
        for subscriber in subscribers:
            subscriber.put(rows)


class Ticker(worker_loops.OutboxLoop):
    """The worker's tick (run_tick) every TICK_INTERVAL_S, on a thread of its own; 0: none.

    Its own loop, so that a long tick holds up neither the listener's deliveries nor a
    stream; a failing database makes it wait longer each time (worker_loops.OutboxLoop).
    """

    def __init__(self, app: Flask):
        super().__init__(app, poll_s=float(app.config["TICK_INTERVAL_S"]), log=log,
                         name="The escalation tick")
        self._thread = threading.Thread(target=self._run, name="floorapp-tick", daemon=True)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start ticking once (idempotent; never once stopped, nor when the interval is 0)."""
        with self._lock:
            if self.poll_s > 0 and not self._thread.is_alive() and not self._stopped.is_set():
                self._thread.start()
                worker_loops.started(self)

    def stop(self, timeout: float | None = None) -> bool:
        """Stop after the tick in hand; True if the thread ended in time."""
        self._stopped.set()
        self._wake.set()
        return worker_loops.ended(self._thread, timeout)

    def _run(self) -> None:
        self._drain_until_stopped(lambda: run_tick(current_app))


def run_tick(app: Flask) -> dict:
    """Escalate, expire, set idle associates off, bring the roll-ups up; once, in an app context."""
    from floorapp.services.core import maintenance
    from floorapp.services.help import availability, escalation, returns
    from floorapp.services.metrics import rollup_upkeep
    from floorapp.services.notify import subscriptions
    from floorapp.services.texts import consent as texts_consent

    now = utcnow()
    report = escalation.tick(now=now, expire_after_minutes=int(app.config["EXPIRE_AFTER_MINUTES"]),
                             escalate_after_s=app.config["ESCALATE_AFTER_S"] and
                             int(app.config["ESCALATE_AFTER_S"]))
    late = returns.tell_overdue(now=now, grace_minutes=int(app.config["BREAK_OVERDUE_MINUTES"]))
    idle = availability.idle_off(now=now, idle_minutes=int(app.config["IDLE_OFF_MINUTES"]))
    maintenance.purge_when_due(app.config, app.instance_path, now=now)
    swept = subscriptions.sweep(now=now, idle=app.config["SESSION_IDLE"])
    texts_consent.erase_after_conversations(now=now)
    rolled = rollup_upkeep.tick(now=now)
    return {"escalated": report.escalated, "expired": report.expired, "set_off": idle,
            "breaks_overdue": late,
            "push_swept": swept, "rollup_hours": rolled.hours}


worker_loops.wake_after_commit(EVENTS_WRITTEN, "floorapp_hub")


def hub_for(app: Flask, engine: Engine) -> Hub:
    """Return the worker's hub for `app`, made on first use."""
    hub = app.extensions.get("floorapp_hub")
    if hub is None:
        hub = app.extensions.setdefault("floorapp_hub", Hub(app, engine))
    return hub
