"""Help requests, their append-only event log, signs that start them, and feedback.

The clock of a request:
requested_at → acknowledged_at (first claim) → reached_at (associate arrived)
→ resolved_at; or closed_at when cancelled or expired. All UTC.
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorapp.extensions import db
from floorapp.models.stores import Store, Zone
from floorapp.models.types import UTCDateTime, utcnow
from floorapp.models.users import User


def string_enum(enum_class: type[enum.Enum], name: str, length: int = 24) -> Enum:
    """Store an enum as its string values, with a named CHECK constraint."""
    return Enum(enum_class, native_enum=False, length=length, name=name,
                values_callable=lambda members: [m.value for m in members],
                validate_strings=True, create_constraint=True)


class Need(enum.StrEnum):
    """What the customer asked for on the sign's page."""

    FIND_SIZE = "find_size"
    PRODUCT_QUESTION = "product_question"
    FITTING_ROOM = "fitting_room"
    CHECKOUT = "checkout"
    OTHER = "other"


class Status(enum.StrEnum):
    """Where a help request stands; the moves between are in services/help/moves.py."""

    WAITING = "waiting"
    CLAIMED = "claimed"
    HELPING = "helping"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATUSES = (Status.WAITING, Status.CLAIMED, Status.HELPING)


class Outcome(enum.StrEnum):
    """How a request ended: the four of a resolve, or spam that a manager cleared."""

    HELPED = "helped"
    SOLD = "sold"
    OUT_OF_STOCK = "out_of_stock"
    CUSTOMER_GONE = "customer_gone"
    # cancelled by "Clear spam" (services/help/spam.py): not a customer, not a walk-away
    SPAM = "spam"


class EventKind(enum.StrEnum):
    """The kinds of rows in the event log."""

    REQUESTED = "requested"
    CLAIMED = "claimed"
    ARRIVED = "arrived"
    RESOLVED = "resolved"
    RELEASED = "released"
    HANDED_OFF = "handed_off"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    ESCALATED = "escalated"
    RATED = "rated"
    AVAILABILITY = "availability"
    MESSAGE = "message"  # a message on the request's thread (models/messages.py)
    # Breaks and coverage (services/help/breaks.py); subject_id is the associate
    BREAK_STARTED = "break_started"
    BREAK_ENDED = "break_ended"
    BACKUP_CHANGED = "backup_changed"
    BREAK_OVERDUE = "break_overdue"
    UNCOVERED = "uncovered"  # a move left zones with nobody covering them


class Sign(db.Model):
    """A QR sign in a zone; its opaque token is the whole URL secret and can be rotated."""

    __tablename__ = "signs"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    zone: Mapped[Zone] = relationship()


class RetiredSignToken(db.Model):
    """A token a sign no longer answers to, so an old printout gets a friendly page."""

    __tablename__ = "retired_sign_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sign_id: Mapped[int] = mapped_column(ForeignKey("signs.id"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HelpRequest(db.Model):
    """A customer's request for help, with its clock."""

    __tablename__ = "help_requests"
    __table_args__ = (
        Index("ix_help_requests_store_status_requested", "store_id", "status", "requested_at"),
        Index("ix_help_requests_store_requested", "store_id", "requested_at"),
        # Covers the dashboards' one query (services/metrics/request_rows.py), so a store's month
        # is read from the index alone instead of thousands of scattered table rows.
        Index("ix_help_requests_dashboard", "store_id", "requested_at", "acknowledged_at",
              "reached_at", "resolved_at", "closed_at", "status", "outcome", "zone_id",
              "claimed_by_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    sign_id: Mapped[int | None] = mapped_column(ForeignKey("signs.id"), index=True)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    need: Mapped[Need] = mapped_column(string_enum(Need, "need"))
    # What the customer typed, kept as typed; product_id and variant_id are the catalog's
    # product and size it matched (services/help/product_match.py), so the card can answer.
    product_query: Mapped[str] = mapped_column(String(120), default="")
    size_label: Mapped[str] = mapped_column(String(24), default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id"), index=True)
    note: Mapped[str] = mapped_column(String(280), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[Status] = mapped_column(string_enum(Status, "status"), default=Status.WAITING)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[Outcome | None] = mapped_column(string_enum(Outcome, "outcome"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    last_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    store: Mapped[Store] = relationship()
    zone: Mapped[Zone] = relationship()
    sign: Mapped[Sign | None] = relationship()
    claimed_by: Mapped[User | None] = relationship()


class Event(db.Model):
    """One row of the append-only event log: the source of truth of the live streams.

    Help-request events carry `request_id`; availability changes carry `subject_id`
    (the associate) and no request. `id` orders a store's stream (SSE Last-Event-ID).
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_store_id_id", "store_id", "id"),
        Index("ix_events_request_id_id", "request_id", "id"),
        # The staffing page reads a store's availability changes over a date range.
        Index("ix_events_store_kind_at", "store_id", "kind", "at"),
        # Each person's last availability change before a dashboard's period, found by
        # a skip over the people instead of a scan of the store's history (0250).
        Index("ix_events_store_kind_subject_id", "store_id", "kind", "subject_id", "id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("help_requests.id"))
    kind: Mapped[EventKind] = mapped_column(string_enum(EventKind, "kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Feedback(db.Model):
    """The customer's one-tap rating of the help, with an optional comment."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), unique=True)
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdempotencyRecord(db.Model):
    """The stored answer to a state-changing call, so a replay gets it again.

    `fingerprint` is a hash of the call's body: the same key with another body is
    refused (422) rather than silently answered with the first response.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_records_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
