"""Open streams counted in the database, so the caps hold across every worker and host.

A stream takes a lease when it opens, after counting the live leases of its address
and of its subject (the customer's public token, or the associate's login session);
it gives the lease back in its `finally`. A lease is live while its worker's heartbeat
(one row per worker, renewed every STREAM_LEASE_RENEW_S) is younger than three
renewals, so a killed worker's streams stop counting within seconds, and any worker
sweeps them. Counting and taking happen in one write transaction, serialised per key
(the single writer on SQLite, advisory locks on PostgreSQL), so two streams opening
at once cannot both take the last place.
"""

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from floorapp.errors import DomainError
from floorapp.extensions import db
from floorapp.models import StreamLease, StreamWorker
from floorapp.models.types import utcnow
from floorapp.services.core.transactions import begin_sqlite_write

LEASE_LOCK_NAMESPACE = 4418  # the first key of pg_advisory_xact_lock(int, int)


class TooManyStreams(DomainError):
    """Too many streams open for this address, token, session or worker: retry later."""

    status = 429
    code = "too_many_streams"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Caps:
    """How many live leases one address and one subject may hold, and for how long."""

    per_address: int
    per_subject: int
    renew_s: float
    retry_after: int

    @property
    def ttl(self) -> timedelta:
        """How old a worker's heartbeat may be while its leases still count."""
        return timedelta(seconds=3 * self.renew_s)


def caps_for(config, kind: str) -> Caps:
    """Return the configured caps of `kind` ("staff" or "public") streams."""
    staff = kind == "staff"
    return Caps(
        per_address=int(config["STAFF_STREAMS_PER_ADDRESS" if staff else "STREAMS_PER_ADDRESS"]),
        per_subject=int(config["STREAMS_PER_SESSION" if staff else "STREAMS_PER_PUBLIC_TOKEN"]),
        renew_s=float(config["STREAM_LEASE_RENEW_S"]),
        retry_after=int(config["STREAM_RETRY_AFTER_S"]))


def worker_tag() -> str:
    """Name this worker process uniquely across hosts and restarts."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def open_lease(*, kind: str, address: str, subject: str, worker: str, caps: Caps,
               now: datetime | None = None) -> int:
    """Take a lease for a new stream and return its id, or raise TooManyStreams. Commits."""
    now = now or utcnow()
    address = address[:64]
    _lock(address, subject)
    _beat(worker, now)
    live = select(StreamWorker.tag).where(StreamWorker.renewed_at >= now - caps.ttl)
    counted = select(func.count()).select_from(StreamLease).where(StreamLease.worker.in_(live))
    if db.session.scalar(counted.where(StreamLease.subject == subject)) >= caps.per_subject:
        db.session.rollback()
        raise TooManyStreams(f"This already has {caps.per_subject} live streams open; close "
                             "one or try again later.", retry_after=caps.retry_after)
    by_address = counted.where(StreamLease.address == address, StreamLease.kind == kind)
    if db.session.scalar(by_address) >= caps.per_address:
        db.session.rollback()
        raise TooManyStreams(f"Your network already has {caps.per_address} live streams open; "
                             "try again later.", retry_after=caps.retry_after)
    lease = StreamLease(kind=kind, address=address, subject=subject[:80], worker=worker,
                        opened_at=now)
    db.session.add(lease)
    db.session.commit()
    return lease.id


def close_lease(lease_id: int) -> None:
    """Give a stream's lease back (the stream ended). Commits."""
    begin_sqlite_write()
    db.session.execute(delete(StreamLease).where(StreamLease.id == lease_id))
    db.session.commit()


def renew(worker: str, *, renew_s: float, now: datetime | None = None) -> None:
    """Renew this worker's heartbeat and sweep the leases of dead workers. Commits.

    One row per worker is written, whatever its number of streams.
    """
    now = now or utcnow()
    begin_sqlite_write()
    _beat(worker, now)
    stale = select(StreamWorker.tag).where(StreamWorker.renewed_at < now - 3 * timedelta(
        seconds=renew_s))
    db.session.execute(delete(StreamLease).where(StreamLease.worker.in_(stale)))
    db.session.execute(delete(StreamWorker).where(StreamWorker.tag.in_(stale)))
    db.session.commit()


def _beat(worker: str, now: datetime) -> None:
    """Mark `worker` alive now: one upsert, safe when two of its streams open at once."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(StreamWorker).values(tag=worker, renewed_at=now)
    db.session.execute(upsert.on_conflict_do_update(index_elements=[StreamWorker.tag],
                                                    set_={"renewed_at": now}))


def _lock(address: str, subject: str) -> None:
    """Serialise lease-taking for this address and this subject (sorted: no deadlocks)."""
    begin_sqlite_write()
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({f"address:{address}", subject}):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:key))"),
                           {"namespace": LEASE_LOCK_NAMESPACE, "key": key})
