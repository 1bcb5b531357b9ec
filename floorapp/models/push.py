"""Web Push: the devices that asked to be told, and the outbox of pushes owed to them.

A subscription belongs either to a person on one login session (a handheld: logging
out removes it, so the next person on a shared device never gets the last one's
pushes) or to one help request (a customer's phone: removed when the request ends).

The outbox (`push_outbox`) is written in the same transaction as the event that
causes the push, so a rolled-back change pushes nothing and a worker that dies
loses nothing; every worker drains it (services/notify/delivery.py).
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.help import string_enum
from floorapp.models.types import UTCDateTime, utcnow


class PushSubscription(db.Model):
    """One browser's push subscription (`PushSubscription.toJSON()`), with its owner."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NOT NULL AND login_session_id IS NOT NULL AND help_request_id IS NULL)"
            " OR (user_id IS NULL AND login_session_id IS NULL AND help_request_id IS NOT NULL)",
            name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))  # the browser's P-256 key, base64url
    auth: Mapped[str] = mapped_column(String(64))  # the browser's auth secret, base64url
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    login_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("login_sessions.id", ondelete="CASCADE"), index=True)
    # The user's session_version when subscribed: a bump (deactivation, role change)
    # ends every session, and with them every subscription made under the old version.
    session_version: Mapped[int | None] = mapped_column()
    help_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80), default="")  # "Zebra TC52"
    language: Mapped[str] = mapped_column(String(8), default="en")  # the pushes' language
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PushOutcome(enum.StrEnum):
    """How a push ended: accepted by the push service, its subscription gone, or given up."""

    SENT = "sent"
    GONE = "gone"  # 404/410: the subscription was deleted
    GAVE_UP = "gave_up"  # retries spent, or a refusal not worth retrying; `detail` says why


class PushMessage(db.Model):
    """One push owed to one subscription: the outbox row a worker claims, sends and closes.

    `claimed_until` is a lease: a worker that dies mid-send leaves it to expire, and
    another worker sends the row again (the same `tag` makes any duplicate harmless:
    the browser replaces the earlier notification). `attempts` guards the finish, so
    a worker whose lease ran out cannot overwrite the next attempt's result.
    """

    __tablename__ = "push_outbox"
    __table_args__ = (Index("ix_push_outbox_sent_at_next_attempt_at", "sent_at",
                            "next_attempt_at"),
                      # a replacement finds the devices pushed a tag before (migration 0130)
                      Index("ix_push_outbox_store_id_tag", "store_id", "tag"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    tag: Mapped[str] = mapped_column(String(64))  # "request-12": replaces on the device
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    ttl_s: Mapped[int] = mapped_column(default=300)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set when it ended
    outcome: Mapped[PushOutcome | None] = mapped_column(
        string_enum(PushOutcome, "push_outcome", length=8))
    detail: Mapped[str] = mapped_column(Text, default="")
