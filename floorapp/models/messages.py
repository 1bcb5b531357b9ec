"""The conversation on a help request: short messages, and the customer's photos.

A message is the customer's (by the request's public token) or a staff member's of the
request's store. Its body is customer text: the retention purge blanks it with the
request's note (services/core/maintenance.py), keeping the row and its time, and
deletes the photos. Photos are re-encoded JPEG bytes in the database: every host can
serve them, and at ≤1,600 px they are a few hundred KB (a chain would move them to an
object store and keep the row as a pointer).
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.help import string_enum
from floorapp.models.types import UTCDateTime, utcnow


class Author(enum.StrEnum):
    """Who wrote a message: the customer, or the store's staff."""

    CUSTOMER = "customer"
    STAFF = "staff"


class RequestPhoto(db.Model):
    """One photo a customer attached, re-encoded (no metadata) and kept as bytes."""

    __tablename__ = "request_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RequestMessage(db.Model):
    """One message of a request's thread, in the order written."""

    __tablename__ = "request_messages"
    __table_args__ = (Index("ix_request_messages_request_id_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    author: Mapped[Author] = mapped_column(string_enum(Author, "message_author", length=16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(String(500), default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("request_photos.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
