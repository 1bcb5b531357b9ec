"""Leases of open live streams, so every worker of every host counts the same streams."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.types import UTCDateTime, utcnow


class StreamWorker(db.Model):
    """A worker process that serves streams, with its heartbeat.

    Its streams' leases count only while the heartbeat is recent: one row renewed
    every few seconds per worker, not one per stream (6,400 streams would otherwise
    rewrite 1,000+ rows a second), and a killed worker's leases stop counting by
    themselves.
    """

    __tablename__ = "stream_workers"

    tag: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid:random
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StreamLease(db.Model):
    """One open SSE stream: who holds it (address, public token or login session), where.

    Inserted when the stream opens, after counting; deleted in the stream's `finally`,
    or swept with its worker once that worker's heartbeat is stale.
    """

    __tablename__ = "stream_leases"
    __table_args__ = (Index("ix_stream_leases_address_kind", "address", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # "staff" or "public"
    address: Mapped[str] = mapped_column(String(64))
    # "token:<public token>" or "session:<login session id>"
    subject: Mapped[str] = mapped_column(String(80), index=True)
    worker: Mapped[str] = mapped_column(String(120), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
