"""Event fan-out to Server-Sent Event streams: one listener per worker process.

The event log is the source of truth. Each worker runs one background loop (a
greenlet under gevent) that wakes when PostgreSQL NOTIFYs `floorapp_events` (sent in
the writing transaction, so delivered only after its commit), or every ~75 ms on
SQLite, reads the new events of the stores somebody is watching with a fresh short
connection, and hands them to each stream's own queue. Streams never touch the
request's database session.

Within a store, event ids become visible in increasing order (see
services/transactions.py), so "everything after id n" is exact: a stream resumes from
Last-Event-ID with nothing missed and nothing twice.

The same loop runs the escalation/expiry/idleness tick every TICK_INTERVAL_S; the
database guards in services/escalation.py make that safe in every worker at once.
"""

import json
import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import Engine, func, select

from floorapp.models import Event
from floorapp.models.types import utcnow

log = logging.getLogger(__name__)
CATCH_UP_PAGE = 1000
EVENT_COLUMNS = (Event.id, Event.store_id, Event.request_id, Event.kind, Event.at,
                 Event.actor_id, Event.subject_id, Event.from_status, Event.to_status, Event.data)


def event_rows(engine: Engine, store_id: int, after: int, request_id: int | None = None,
               limit: int = 1000) -> list[dict]:
    """Return a store's events after id `after`, in order, read on a fresh connection."""
    query = select(*EVENT_COLUMNS).where(Event.store_id == store_id, Event.id > after)
    if request_id is not None:
        query = query.where(Event.request_id == request_id)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(Event.id).limit(limit)).mappings().all()
    return [_plain(row) for row in rows]


def _plain(row) -> dict:
    item = dict(row)
    item["kind"] = row["kind"].value
    item["at"] = row["at"].isoformat()
    return item


def last_event_id(engine: Engine, store_id: int) -> int:
    """Return the id of a store's latest event (0 when there is none)."""
    with engine.connect() as connection:
        return connection.scalar(select(func.coalesce(func.max(Event.id), 0))
                                 .where(Event.store_id == store_id))


class Hub:
    """The worker's listener: follows the log and wakes the streams of each store."""

    def __init__(self, app: Flask, engine: Engine):
        self.app, self.engine = app, engine
        self.postgres = engine.dialect.name == "postgresql"
        self.poll_s = float(app.config["SSE_POLL_S"])
        self.tick_s = float(app.config["TICK_INTERVAL_S"])
        self._lock = threading.Lock()
        self._queues: dict[int, set[queue.SimpleQueue]] = defaultdict(set)
        self._last: dict[int, int] = {}
        self._started = False
        self._last_tick = 0.0

    def start(self) -> None:
        """Start the background loop once (idempotent)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="floorapp-realtime", daemon=True).start()

    def subscribe(self, store_id: int) -> queue.SimpleQueue:
        """Return a new queue that receives lists of the store's new events."""
        self.start()
        first = store_id not in self._last
        latest = last_event_id(self.engine, store_id) if first else 0
        subscriber: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            self._last.setdefault(store_id, latest)
            self._queues[store_id].add(subscriber)
        return subscriber

    def unsubscribe(self, store_id: int, subscriber: queue.SimpleQueue) -> None:
        """Stop delivering to a stream's queue (called in the stream's `finally`)."""
        with self._lock:
            self._queues[store_id].discard(subscriber)

    def _run(self) -> None:
        pause = 1.0
        while True:
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
                time.sleep(pause)
                pause = min(pause * 2, 30.0)

    def _poll(self) -> None:
        while True:
            self._fan_out()
            self._maybe_tick()
            time.sleep(self.poll_s)

    def _listen(self) -> None:
        import psycopg

        url = self.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute("LISTEN floorapp_events")
            self._fan_out()  # anything committed while we were not listening
            while True:
                for _ in connection.notifies(timeout=1.0, stop_after=1):
                    pass
                self._fan_out()
                self._maybe_tick()

    def _fan_out(self) -> None:
        with self._lock:
            watched = {store: self._last[store] for store, q in self._queues.items() if q}
        for store_id, after in watched.items():
            rows = event_rows(self.engine, store_id, after)
            if not rows:
                continue
            for row in rows:  # format once per worker, not once per stream
                row["sse"], row["sse_public"] = sse(row), sse(row, public=True)
            with self._lock:
                self._last[store_id] = max(self._last[store_id], rows[-1]["id"])
                subscribers = list(self._queues[store_id])
            for subscriber in subscribers:
                subscriber.put(rows)

    def _maybe_tick(self) -> None:
        if self.tick_s <= 0 or time.monotonic() - self._last_tick < self.tick_s:
            return
        self._last_tick = time.monotonic()
        try:
            with self.app.app_context():
                run_tick(self.app)
        except Exception:
            log.exception("Escalation tick failed; will try again")


def run_tick(app: Flask) -> dict:
    """Escalate, expire and set idle associates off, once (inside an app context)."""
    from floorapp.services import availability, escalation

    now = utcnow()
    report = escalation.tick(now=now, expire_after_minutes=int(app.config["EXPIRE_AFTER_MINUTES"]),
                             escalate_after_s=app.config["ESCALATE_AFTER_S"] and
                             int(app.config["ESCALATE_AFTER_S"]))
    idle = availability.idle_off(now=now, idle_minutes=int(app.config["IDLE_OFF_MINUTES"]))
    return {"escalated": report.escalated, "expired": report.expired, "set_off": idle}


def hub_for(app: Flask, engine: Engine) -> Hub:
    """Return the worker's hub for `app`, made on first use."""
    hub = app.extensions.get("floorapp_hub")
    if hub is None:
        hub = app.extensions.setdefault("floorapp_hub", Hub(app, engine))
    return hub


def sse(event: dict, *, public: bool = False) -> str:
    """Format one event as one SSE message (one write, so no delayed-ACK stalls)."""
    if public:
        event = {"id": event["id"], "kind": event["kind"], "status": event["to_status"],
                 "at": event["at"]}
    return f"id: {event['id']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n"


def stream(hub: Hub, store_id: int, after: int | None, *, request_id: int | None = None,
           keepalive_s: float = 15.0) -> Iterator[str]:
    """Yield a store's (or one request's) events as SSE, from `after`, then live."""
    subscriber = hub.subscribe(store_id)
    public = request_id is not None
    try:
        yield "retry: 2000\n: connected\n\n"
        last = last_event_id(hub.engine, store_id) if after is None else after
        while True:  # page through the catch-up: the live queue only carries newer events
            page = event_rows(hub.engine, store_id, last, request_id, limit=CATCH_UP_PAGE)
            for event in page:
                last = event["id"]
                yield sse(event, public=public)
            if len(page) < CATCH_UP_PAGE:
                break
        while True:
            try:
                batch = subscriber.get(timeout=keepalive_s)
            except queue.Empty:
                yield ": keep-alive\n\n"
                continue
            fresh = [e for e in batch if e["id"] > last and
                     (request_id is None or e["request_id"] == request_id)]
            if fresh:
                last = fresh[-1]["id"]
                yield "".join(e["sse_public" if public else "sse"] for e in fresh)
    finally:
        hub.unsubscribe(store_id, subscriber)
