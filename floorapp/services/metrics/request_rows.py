"""The rows the dashboards read: one store's help requests in a period, as plain numbers.

One Core statement over the (store_id, requested_at) index. Timestamps come back as
UTC epoch seconds computed by the database, so no per-row datetime parsing happens
in Python; SQLite and PostgreSQL give the same numbers.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Float, cast, func, null, or_, select, true

from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, Outcome, Status
from floorapp.services.metrics.periods import Period

CLOSED_UNREACHED = (Status.CANCELLED.value, Status.EXPIRED.value)
JULIAN_UNIX_EPOCH = 2440587.5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_epoch(seconds: float) -> datetime:
    """Return the aware UTC datetime of epoch seconds (cheaper than datetime.fromtimestamp)."""
    return EPOCH + timedelta(seconds=seconds)


class RequestRow:
    """One help request's clock as epoch seconds, its durations, and what it is grouped by.

    Durations are computed once here because the dashboards read each of them many
    times. They carry float noise below the millisecond (epoch seconds near 1.8e9);
    compare them with services/help/sla.py's `within(seconds, target)`, never with a bare <=.
    """

    __slots__ = ("id", "zone_id", "claimed_by_id", "status", "outcome", "requested",
                 "acknowledged", "reached", "resolved", "closed", "rating", "comment",
                 "local", "acknowledge_s", "reach_s", "handle_s", "busy_s", "is_walkaway",
                 "walkaway_wait_s")

    def __init__(self, id, zone_id, claimed_by_id, status, outcome, requested,
                 acknowledged, reached, resolved, closed, rating, comment, local):
        self.id, self.zone_id, self.claimed_by_id = id, zone_id, claimed_by_id
        self.status, self.outcome, self.rating, self.comment = status, outcome, rating, comment
        self.requested, self.acknowledged, self.reached = requested, acknowledged, reached
        self.resolved, self.closed = resolved, closed
        self.local: datetime | None = local  # requested_at in the store's zone, if asked
        self.acknowledge_s = _between(requested, acknowledged)
        self.reach_s = _between(requested, reached)
        self.handle_s = _between(reached, resolved)
        self.busy_s = _between(acknowledged, resolved)  # claim to resolve: the associate's time
        self.is_walkaway = status in CLOSED_UNREACHED and reached is None
        self.walkaway_wait_s = _between(requested, closed) if self.is_walkaway else None


def _between(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else end - start


def epoch_seconds(column, dialect: str):
    """Return a SQL expression for a timestamp column as UTC epoch seconds (a float).

    PostgreSQL's epoch is exact to the microsecond. SQLite's julianday() is a double
    exact only to ~20 µs, so it is rounded to the millisecond in SQL (cheaper than in
    Python): a 60-second wait then compares equal to a 60-second target.
    """
    if dialect == "postgresql":
        return cast(func.extract("epoch", column), Float)
    return func.round((func.julianday(column) - JULIAN_UNIX_EPOCH) * 86400.0, 3)


def fetch_rows(store_id: int, period: Period, *, detail: bool = True) -> list[RequestRow]:
    """Return the store's requests requested within `period`, oldest first.

    `detail=False` leaves out the ratings and the local time of each request, which
    headline figures (the previous period, the stores side by side) do not need. Spam a
    manager cleared (services/help/spam.py) is left out: it is neither demand nor a walk-away.
    """
    table = HelpRequest.__table__
    statement = (_with_ratings(table) if detail else
                 select(*_clock_columns(table), null(), null()).select_from(table))
    statement = statement.where(
        table.c.store_id == store_id, table.c.requested_at >= period.start_utc,
        table.c.requested_at < period.end_utc,
        or_(table.c.outcome.is_(None), table.c.outcome != Outcome.SPAM.value),
    ).order_by(table.c.requested_at)
    # Plain rows on the session's connection, fetched at once: no ORM result layer and
    # no fetch per row for the thousands of rows of a store's month.
    rows = db.session.connection().execute(statement).all()
    if not detail:
        return [RequestRow(*row, None) for row in rows]
    zone = ZoneInfo(period.timezone)
    return [RequestRow(*row, from_epoch(row[5]).astimezone(zone)) for row in rows]


def _clock_columns(table) -> list:
    dialect = db.engine.dialect.name
    return [table.c.id, table.c.zone_id, table.c.claimed_by_id,
            cast(table.c.status, db.String), cast(table.c.outcome, db.String),
            *(epoch_seconds(table.c[name], dialect) for name in
              ("requested_at", "acknowledged_at", "reached_at", "resolved_at", "closed_at"))]


def _with_ratings(table):
    feedback = Feedback.__table__
    if db.engine.dialect.name == "postgresql":
        # A lateral probe of the feedback index per request: PostgreSQL's planner
        # otherwise hashes the whole feedback table for a few thousand requests.
        rated = (select(feedback.c.rating, feedback.c.comment)
                 .where(feedback.c.request_id == table.c.id).limit(1).lateral("rated"))
        joined = table.outerjoin(rated, true())
    else:
        rated = feedback
        joined = table.outerjoin(feedback, feedback.c.request_id == table.c.id)
    return select(*_clock_columns(table), rated.c.rating, rated.c.comment).select_from(joined)
