"""Roll-ups of help requests: per store, zone and local hour, and per store and local day.

The chain's views read these instead of every request (services/metrics/chain_figures.py),
so any set of stores over any range is a sum of small rows whatever the history's length.
A row holds counts and mergeable histograms of the waits (services/metrics/wait_histogram.py)
of the requests *requested* in its hour or day, with the definitions of the dashboard
(services/metrics/figures.py); spam a manager cleared is left out, as there.

An hour row is keyed by the UTC instant its local hour starts (`hour_start_utc`), so the
hour that a fall-back DST change repeats is two rows with the same local date and hour.
A day row is the sum of its local date's hour rows over every zone, and a week row the
sum of the day rows of its local Monday-to-Sunday week, so a long range is read as its
edge days and its whole weeks (30 days: at most 11 rows a store instead of 30). All are
rewritten whole by services/metrics/rollup_writer.py, never incremented, so running
that twice gives the same rows.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.types import UTCDateTime, utcnow


class RollupFigures:
    """The counts, exact maxima and histograms an hour row and a day row share."""

    requests: Mapped[int] = mapped_column(default=0)
    open: Mapped[int] = mapped_column(default=0)  # still open when the row was computed
    resolved: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)  # cancelled or expired (not spam)
    acknowledged: Mapped[int] = mapped_column(default=0)
    acknowledged_within: Mapped[int] = mapped_column(default=0)
    reached: Mapped[int] = mapped_column(default=0)
    reached_within: Mapped[int] = mapped_column(default=0)
    handled: Mapped[int] = mapped_column(default=0)  # reached and resolved: a handling time
    walkaways: Mapped[int] = mapped_column(default=0)
    walkaways_unacknowledged: Mapped[int] = mapped_column(default=0)
    # The targets the within counts were measured against (a change recomputes the rows).
    acknowledge_target_s: Mapped[int]
    reach_target_s: Mapped[int]
    acknowledge_max_s: Mapped[float | None]
    reach_max_s: Mapped[float | None]
    handle_max_s: Mapped[float | None]
    acknowledge_hist: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    reach_hist: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    handle_hist: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    walkaway_hist: Mapped[bytes] = mapped_column(LargeBinary, default=b"")  # their censored waits
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RollupHour(RollupFigures, db.Model):
    """One zone's requests of one local hour of its store."""

    __tablename__ = "rollup_hours"
    __table_args__ = (
        UniqueConstraint("store_id", "hour_start_utc", "zone_id",
                         name="uq_rollup_hours_store_hour_zone"),
        Index("ix_rollup_hours_store_local_date", "store_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    hour_start_utc: Mapped[datetime] = mapped_column(UTCDateTime())
    local_date: Mapped[date] = mapped_column(Date)
    local_hour: Mapped[int]


class RollupDay(RollupFigures, db.Model):
    """One store's requests of one local date (the sum of that date's hour rows)."""

    __tablename__ = "rollup_days"
    __table_args__ = (
        UniqueConstraint("store_id", "local_date", name="uq_rollup_days_store_local_date"),
        Index("ix_rollup_days_local_date_store", "local_date", "store_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    local_date: Mapped[date] = mapped_column(Date)


class RollupWeek(RollupFigures, db.Model):
    """One store's requests of one local week, Monday to Sunday (the sum of its day rows)."""

    __tablename__ = "rollup_weeks"
    __table_args__ = (
        UniqueConstraint("store_id", "week_start", name="uq_rollup_weeks_store_week_start"),
        Index("ix_rollup_weeks_week_start_store", "week_start", "store_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    week_start: Mapped[date] = mapped_column(Date)  # the local Monday


class RollupWatermark(db.Model):
    """How far the roll-ups have read the event log: one row (id 1).

    Every event with an id up to `last_event_id` has been folded into the roll-ups.
    """

    __tablename__ = "rollup_watermark"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
