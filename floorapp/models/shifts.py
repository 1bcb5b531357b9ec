"""Planned shifts, and the secret calendar-feed links that show them on associates' phones.

A shift is kept as the store's local date and wall-clock times, because that is what
a manager plans and what the associate reads on the schedule; the UTC instants are
derived from them with the store's IANA zone (services/org/shift_times.py), so a
change of the store's zone or of the zone's rules moves the instants, not the plan.
An end at or before the start means the shift runs past midnight into the next day;
it still belongs to the day it starts.
"""

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorapp.extensions import db
from floorapp.models.stores import Store, Zone
from floorapp.models.types import UTCDateTime, utcnow
from floorapp.models.users import User


class Shift(db.Model):
    """One associate's planned time on a store's floor: a local date, start and end."""

    __tablename__ = "shifts"
    __table_args__ = (
        # Two shifts of one person never start at the same minute: a re-import of the
        # same row is caught by the database even if two imports race.
        UniqueConstraint("user_id", "local_date", "start_time", name="uq_shifts_user_start"),
        CheckConstraint("start_time <> end_time", name="shift_not_empty"),
        Index("ix_shifts_store_id_local_date", "store_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    local_date: Mapped[date] = mapped_column(Date())
    start_time: Mapped[time] = mapped_column(Time())
    end_time: Mapped[time] = mapped_column(Time())
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    store: Mapped[Store] = relationship()
    user: Mapped[User] = relationship()
    zone: Mapped[Zone | None] = relationship()

    @property
    def crosses_midnight(self) -> bool:
        """Tell whether the shift ends on the next local day."""
        return self.end_time <= self.start_time

    def __repr__(self) -> str:
        return f"<Shift {self.user_id} {self.local_date} {self.start_time}-{self.end_time}>"


class ShiftFeed(db.Model):
    """A secret link to one associate's shifts as iCalendar (calendar apps cannot log in).

    Only the SHA-256 of the link's token is kept; a new link or a revocation ends the
    old one at once.
    """

    __tablename__ = "shift_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
