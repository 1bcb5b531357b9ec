"""What associates do with stock: ask the stockroom for a pair, hold one, and the misses.

A StockPull moves open → picked → delivered, or to not_found from open or picked;
each move stamps its time. A Hold counts against what is available until it is
released or its `expires_at` passes (no job needs to run for that to happen).
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.help import string_enum
from floorapp.models.types import UTCDateTime, utcnow


class PullStatus(enum.StrEnum):
    """Where a stock pull stands."""

    OPEN = "open"
    PICKED = "picked"
    DELIVERED = "delivered"
    NOT_FOUND = "not_found"


class StockPull(db.Model):
    """An associate's request that the stockroom bring a variant to the floor."""

    __tablename__ = "stock_pulls"
    __table_args__ = (
        Index("ix_stock_pulls_store_status_asked", "store_id", "status", "asked_at"),
        Index("ix_stock_pulls_asked_by_asked", "asked_by_id", "asked_at"),
        # Covers the dashboard's pull figures (services/metrics/inventory_figures.py): a store's
        # range is read from the index alone.
        Index("ix_stock_pulls_store_asked", "store_id", "asked_at", "status", "picked_at",
              "delivered_at", "not_found_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    help_request_id: Mapped[int | None] = mapped_column(ForeignKey("help_requests.id"))
    status: Mapped[PullStatus] = mapped_column(string_enum(PullStatus, "pull_status", 16),
                                               default=PullStatus.OPEN)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    picked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    not_found_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Hold(db.Model):
    """Units of a variant put aside for a customer until `expires_at`."""

    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        Index("ix_holds_variant_store_expires", "variant_id", "store_id", "expires_at"),
        Index("ix_holds_store_expires", "store_id", "expires_at"),
        # Covers the dashboard's hold figures: holds placed in a range, how they ended.
        Index("ix_holds_store_created", "store_id", "created_at", "expires_at", "released_at",
              "qty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    customer_label: Mapped[str] = mapped_column(String(60))
    qty: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LookupSource(enum.StrEnum):
    """Who looked the size up: an associate on the handheld, or a customer at a sign."""

    ASSOCIATE = "associate"
    CUSTOMER = "customer"


class LookupMiss(db.Model):
    """A lookup that ended on a size the store could not sell: lost demand.

    `source` keeps the customers' own checks at a sign ("customer looked it up") apart
    from the associates' lookups, so the dashboard counts them separately.
    """

    __tablename__ = "lookup_misses"
    __table_args__ = (Index("ix_lookup_misses_store_at", "store_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    size_label: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[LookupSource] = mapped_column(
        string_enum(LookupSource, "lookup_source", 16), default=LookupSource.ASSOCIATE,
        server_default=LookupSource.ASSOCIATE.value)
