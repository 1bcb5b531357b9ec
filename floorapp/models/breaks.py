"""Breaks: an associate away from the floor for a while, with an expected return and a backup.

A break row is open (`ended_at` NULL) while the associate is on break; at most one is
open per person (a partial unique index, on SQLite and PostgreSQL). `zone_id` is the
zone they covered when they left (NULL: the whole store), restored when they come
back; `backup_id` is the colleague who takes that zone's new requests meanwhile.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorapp.extensions import db
from floorapp.models.stores import Zone
from floorapp.models.types import UTCDateTime
from floorapp.models.users import User


class Break(db.Model):
    """One break of one associate, from leaving the floor to coming back."""

    __tablename__ = "breaks"
    __table_args__ = (
        Index("ix_breaks_open_user", "user_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_breaks_store_id_ended_at", "store_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expected_return_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set once by the tick that told the managers this break ran over
    overdue_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    backup: Mapped[User | None] = relationship(foreign_keys=[backup_id])
    zone: Mapped[Zone | None] = relationship()
