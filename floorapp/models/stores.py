"""Regions, stores and their zones (departments such as "Women's shoes")."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorapp.extensions import db
from floorapp.models.types import UTCDateTime, utcnow

DEFAULT_ACKNOWLEDGE_TARGET_S = 60
DEFAULT_REACH_TARGET_S = 180


class Region(db.Model):
    """A group of stores that a regional manager compares side by side."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    stores: Mapped[list["Store"]] = relationship(back_populates="region", order_by="Store.code")

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Store(db.Model):
    """A physical store, with its IANA time zone and its service targets."""

    __tablename__ = "stores"
    __table_args__ = (
        CheckConstraint("acknowledge_target_s > 0", name="acknowledge_target_positive"),
        CheckConstraint("reach_target_s > 0", name="reach_target_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    acknowledge_target_s: Mapped[int] = mapped_column(default=DEFAULT_ACKNOWLEDGE_TARGET_S)
    reach_target_s: Mapped[int] = mapped_column(default=DEFAULT_REACH_TARGET_S)
    active: Mapped[bool] = mapped_column(default=True)
    # The customer's price check may say which other stores have a size ("at Fifth
    # Avenue", never how many); off unless the store turns it on.
    show_other_stores: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None: the store belongs to no region (only admins compare it with others).
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region | None] = relationship(back_populates="stores")
    zones: Mapped[list["Zone"]] = relationship(
        back_populates="store", order_by="Zone.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Store {self.code}>"


class Zone(db.Model):
    """A department of a store, where signs hang and associates cover the floor."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("store_id", "name", name="uq_zones_store_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    # The stockroom is a zone too: an associate on the floor covering it works the
    # stockroom, and is the one told of stock pulls (services/notify/recipients.py).
    stockroom: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    store: Mapped[Store] = relationship(back_populates="zones")

    def __repr__(self) -> str:
        return f"<Zone {self.name!r} of store {self.store_id}>"
