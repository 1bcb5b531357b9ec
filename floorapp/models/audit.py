"""Who did what: the audit log of manager and admin actions, and login sessions."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorapp.extensions import db
from floorapp.models.types import UTCDateTime, utcnow
from floorapp.models.users import User


class AuditEntry(db.Model):
    """One manager or admin action (user changes, sign rotation, imports, stock edits)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_store_at", "store_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None when the action came from the command line rather than a logged-in person
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(160), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class LoginSession(db.Model):
    """A logged-in browser: lets logout, deactivation and idleness end it on the server.

    The cookie carries a random token; only its SHA-256 is stored.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
