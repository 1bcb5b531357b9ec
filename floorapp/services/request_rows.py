"""The rows the dashboards read: one store's help requests in a period, as plain numbers.

One Core statement over the (store_id, requested_at) index. Timestamps come back as
UTC epoch seconds computed by the database, so no per-row datetime parsing happens
in Python; SQLite and PostgreSQL give the same numbers.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Float, cast, func, select

from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, Status
from floorapp.services.periods import Period

CLOSED_UNREACHED = (Status.CANCELLED.value, Status.EXPIRED.value)
JULIAN_UNIX_EPOCH = 2440587.5


@dataclass(slots=True)
class RequestRow:
    """One help request's clock, as epoch seconds, with what the dashboards group by."""

    id: int
    zone_id: int
    claimed_by_id: int | None
    status: str
    outcome: str | None
    requested: float
    acknowledged: float | None
    reached: float | None
    resolved: float | None
    closed: float | None
    rating: int | None
    comment: str | None
    local: datetime  # requested_at in the store's time zone

    @property
    def acknowledge_s(self) -> float | None:
        """Return the time to acknowledge, if the request was claimed."""
        return None if self.acknowledged is None else self.acknowledged - self.requested

    @property
    def reach_s(self) -> float | None:
        """Return the time to reach the customer, if an associate got there."""
        return None if self.reached is None else self.reached - self.requested

    @property
    def handle_s(self) -> float | None:
        """Return the handling time (reached to resolved), if resolved."""
        if self.reached is None or self.resolved is None:
            return None
        return self.resolved - self.reached

    @property
    def is_walkaway(self) -> bool:
        """Tell whether the customer left (cancelled or expired) before anyone reached them."""
        return self.status in CLOSED_UNREACHED and self.reached is None

    @property
    def walkaway_wait_s(self) -> float | None:
        """Return how long a walk-away customer waited (closed − requested)."""
        if not self.is_walkaway or self.closed is None:
            return None
        return self.closed - self.requested


def epoch_seconds(column, dialect: str):
    """Return a SQL expression for a timestamp column as UTC epoch seconds (a float)."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", column), Float)
    return (func.julianday(column) - JULIAN_UNIX_EPOCH) * 86400.0


def fetch_rows(store_id: int, period: Period) -> list[RequestRow]:
    """Return the store's requests requested within `period`, oldest first."""
    dialect = db.engine.dialect.name
    table = HelpRequest.__table__
    feedback = Feedback.__table__
    clock = [epoch_seconds(table.c[name], dialect) for name in
             ("requested_at", "acknowledged_at", "reached_at", "resolved_at", "closed_at")]
    statement = (
        select(table.c.id, table.c.zone_id, table.c.claimed_by_id,
               cast(table.c.status, db.String), cast(table.c.outcome, db.String), *clock,
               feedback.c.rating, feedback.c.comment)
        .select_from(table.outerjoin(feedback, feedback.c.request_id == table.c.id))
        .where(table.c.store_id == store_id,
               table.c.requested_at >= period.start_utc,
               table.c.requested_at < period.end_utc)
        .order_by(table.c.requested_at)
    )
    zone = ZoneInfo(period.timezone)
    return [RequestRow(*row[:5], *(_ms(value) for value in row[5:10]), row[10], row[11],
                       datetime.fromtimestamp(_ms(row[5]), UTC).astimezone(zone))
            for row in db.session.execute(statement)]


def _ms(value: float | None) -> float | None:
    # julianday() is exact only to ~20 µs; round to the millisecond both databases keep.
    return None if value is None else round(value, 3)
