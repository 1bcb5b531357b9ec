"""The worker's guard of its open streams: who may open one, and when each must end.

- Admission: a place in this worker (at most STREAMS_PER_WORKER, so pages and /healthz
  keep free connections), then a lease in the database (services/org/stream_leases.py:
  caps per address, public token and login session, across workers and hosts).
  Past a cap the stream is refused with 429 and Retry-After before it starts.
- Ending: one loop per worker, every few seconds, renews the worker's heartbeat and
  re-checks, in one query, the login sessions of its staff streams (logout, idleness,
  deactivation, role or store change); a stream whose session is no longer live, or
  that reached its longest life (STREAM_MAX_S), gets END in its queue and returns.
  The browser's EventSource reconnects with Last-Event-ID, so nothing is lost, and the
  reconnect is authorised and counted again.
"""

import logging
import random
import threading
import time
from dataclasses import dataclass
from queue import SimpleQueue
from types import SimpleNamespace

from flask import Flask

from floorapp import worker_loops
from floorapp.extensions import db
from floorapp.services.org import sessions, stores, stream_leases
from floorapp.services.org.stream_leases import TooManyStreams

log = logging.getLogger(__name__)
END: list[dict] = []  # put in a stream's queue to end it (by identity)


@dataclass(eq=False)
class Ticket:
    """One admitted stream: its lease, whose session it serves, and its queue once open."""

    guard: "StreamGuard"
    store_id: int
    deadline: float
    session_id: int | None = None
    version: int | None = None
    lease_id: int | None = None
    queue: SimpleQueue | None = None
    released: bool = False

    def end(self) -> None:
        """Make the stream return at its next read of the queue."""
        if self.queue is not None:
            self.queue.put(END)

    def release(self) -> None:
        """Give the stream's places back (idempotent: the generator and the body both call)."""
        self.guard.release(self)


class GuardedBody:
    """A stream's response body: closing it releases the ticket even if it never started.

    A generator that was never iterated does not run its `finally` when closed.
    """

    def __init__(self, body, ticket: Ticket):
        self.body, self.ticket = body, ticket

    def __iter__(self):
        return self.body

    def close(self) -> None:
        """Close the generator, then give the places back."""
        try:
            self.body.close()
        finally:
            self.ticket.release()


class StreamGuard:
    """Admits a worker's streams and ends those that outlived their session or their life."""

    def __init__(self, app: Flask):
        self.app, self.config = app, app.config
        self.tag = stream_leases.worker_tag()
        self.interval = min(float(app.config["STREAM_SESSION_CHECK_S"]),
                            float(app.config["STREAM_LEASE_RENEW_S"]))
        self._lock = threading.Lock()
        self._tickets: set[Ticket] = set()
        self._orphans: list[int] = []  # leases whose delete failed: retried by the loop
        self._started = False
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def admit(self, *, kind: str, address: str, subject: str, store_id: int,
              session_id: int | None = None, version: int | None = None) -> Ticket:
        """Take a place for a new stream here and in the database, or raise TooManyStreams."""
        life = float(self.config["STREAM_MAX_S"]) * random.uniform(0.8, 1.0)  # noqa: S311
        ticket = Ticket(self, store_id, time.monotonic() + life, session_id, version)
        with self._lock:
            if len(self._tickets) >= int(self.config["STREAMS_PER_WORKER"]):
                raise TooManyStreams(
                    "This server is at its limit of live streams; try again shortly.",
                    retry_after=int(self.config["STREAM_RETRY_AFTER_S"]))
            self._tickets.add(ticket)
        try:
            ticket.lease_id = stream_leases.open_lease(
                kind=kind, address=address, subject=subject, worker=self.tag,
                caps=stream_leases.caps_for(self.config, kind))
        except BaseException:
            with self._lock:
                self._tickets.discard(ticket)
            raise
        self._start()
        return ticket

    def release(self, ticket: Ticket) -> None:
        """Forget the ticket and delete its lease (kept for a retry if the database fails)."""
        with self._lock:
            if ticket.released:
                return
            ticket.released = True
            self._tickets.discard(ticket)
        if ticket.lease_id is not None:
            self._close_leases([ticket.lease_id])

    def _close_leases(self, lease_ids: list[int]) -> None:
        for lease_id in lease_ids:
            try:
                with self.app.app_context():
                    stream_leases.close_lease(lease_id)
            except Exception as error:
                log.warning("Could not give back stream lease %s (%s); will retry", lease_id,
                            str(error).splitlines()[0][:200] if str(error) else error)
                with self._lock:
                    self._orphans.append(lease_id)

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        self._thread = threading.Thread(target=self._run, name="floorapp-stream-guard",
                                        daemon=True)
        self._thread.start()
        worker_loops.started(self)

    def stop(self, timeout: float | None = None) -> bool:
        """End the loop after the check in hand; True if it ended in time."""
        self._stopped.set()
        return worker_loops.ended(self._thread, timeout)

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.check()
            except Exception:
                log.exception("Stream check failed; will try again")

    def check(self) -> None:
        """Renew the heartbeat, then end the streams past their life or their session."""
        with self._lock:
            tickets, orphans, self._orphans = list(self._tickets), self._orphans, []
        self._close_leases(orphans)
        if not tickets:
            return
        with self.app.app_context():
            stream_leases.renew(self.tag, renew_s=float(self.config["STREAM_LEASE_RENEW_S"]))
            versions = {t.session_id: t.version for t in tickets if t.session_id is not None}
            users = sessions.live_session_users(versions, idle=self.config["SESSION_IDLE"])
            db.session.rollback()
            now = time.monotonic()
            for ticket in tickets:
                if now >= ticket.deadline or not self._may_watch(ticket, users):
                    ticket.end()

    @staticmethod
    def _may_watch(ticket: Ticket, users: dict) -> bool:
        if ticket.session_id is None:  # a customer's stream: its token does not expire
            return True
        user = users.get(ticket.session_id)
        return user is not None and stores.can_see(user, SimpleNamespace(id=ticket.store_id))


def guard_for(app: Flask) -> StreamGuard:
    """Return the worker's stream guard for `app`, made on first use."""
    guard = app.extensions.get("floorapp_stream_guard")
    if guard is None:
        guard = app.extensions.setdefault("floorapp_stream_guard", StreamGuard(app))
    return guard
