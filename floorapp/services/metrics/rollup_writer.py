"""Rewrite roll-up rows from the raw requests: a store's local hours, their days, their weeks.

Rows are replaced whole (delete, then insert what the requests give now), never
incremented, so rewriting an hour twice, or after a half-finished run, leaves the same
rows. The callers (services/metrics/rollup_upkeep.py) hold the roll-ups' lock and commit.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, cast, delete, insert, null, or_, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, Outcome, RollupDay, RollupHour, RollupWeek, Store
from floorapp.services.metrics.periods import local_midnight
from floorapp.services.metrics.request_rows import RequestRow, epoch_seconds, from_epoch
from floorapp.services.metrics.rollup_figures import Totals, row_figures

HOUR = timedelta(hours=1)
HOURS_PER_STATEMENT = 200  # hours of one store read in one statement


def hour_start(requested_at: datetime, zone: ZoneInfo) -> datetime:
    """Return the UTC instant at which the local hour holding `requested_at` starts.

    The local wall clock's hour keeps its fold, so the repeated hour of a fall-back
    change and the hour after a spring-forward gap each map to their own instant.
    """
    local = requested_at.astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def hours_of_day(day: date, zone_name: str) -> list[datetime]:
    """Return the UTC starts of every local hour of a local date (23, 24 or 25 of them)."""
    zone, end = ZoneInfo(zone_name), local_midnight(day + timedelta(days=1), zone_name)
    moment, hours = local_midnight(day, zone_name), []
    while moment < end:
        start = hour_start(moment, zone)
        if not hours or hours[-1] != start:
            hours.append(start)
        moment += timedelta(minutes=30)  # half-hour steps also find half-hour-offset hours
    return hours


def rewrite_hours(store: Store, hours: set[datetime]) -> set[date]:
    """Recompute `store`'s roll-up hours from its requests; return their local dates."""
    zone, ordered = ZoneInfo(store.timezone), sorted(hours)
    dates = {start.astimezone(zone).date() for start in ordered}
    for first in range(0, len(ordered), HOURS_PER_STATEMENT):
        chunk = ordered[first:first + HOURS_PER_STATEMENT]
        rows = _requests_in(store.id, [(start, start + HOUR) for start in chunk])
        _replace_hours(store, set(chunk), rows, zone)
    return dates


def rewrite_span(store: Store, first: date, last: date) -> None:
    """Recompute every hour and day of `store` from local date `first` to `last`."""
    start, end = local_midnight(first, store.timezone), local_midnight(
        last + timedelta(days=1), store.timezone)
    zone = ZoneInfo(store.timezone)
    rows = _requests_in(store.id, [(start, end)])
    db.session.execute(delete(RollupHour).where(
        RollupHour.store_id == store.id, RollupHour.local_date.between(first, last)))
    _replace_hours(store, set(), rows, zone)
    rewrite_days(store, _dates_between(first, last))


def _dates_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def _replace_hours(store: Store, hours: set[datetime], rows: list[RequestRow],
                   zone: ZoneInfo) -> None:
    """Delete the rows of `hours` and insert one per (hour, zone) of `rows` whose key is in them."""
    groups: dict[tuple[datetime, int], list[RequestRow]] = defaultdict(list)
    for row in rows:
        groups[(hour_start(from_epoch(row.requested), zone), row.zone_id)].append(row)
    if hours:
        db.session.execute(delete(RollupHour).where(
            RollupHour.store_id == store.id, RollupHour.hour_start_utc.in_(sorted(hours))))
    values = []
    for (start, zone_id), group in groups.items():
        if hours and start not in hours:
            continue  # read because it shares the statement's window; not asked for
        local = start.astimezone(zone)
        values.append({"store_id": store.id, "zone_id": zone_id, "hour_start_utc": start,
                       "local_date": local.date(), "local_hour": local.hour,
                       **row_figures(group, store.acknowledge_target_s,
                                     store.reach_target_s)})
    if values:
        db.session.execute(insert(RollupHour), values)


def week_start(day: date) -> date:
    """Return the Monday of the local week that holds `day`."""
    return day - timedelta(days=day.weekday())


def rewrite_days(store: Store, dates: set[date]) -> None:
    """Recompute `store`'s day rows of `dates` as the sums of their hour rows, then their weeks."""
    if not dates:
        return
    ordered = sorted(dates)
    hours = db.session.execute(select(RollupHour).where(
        RollupHour.store_id == store.id, RollupHour.local_date.in_(ordered))).scalars()
    _replace_sums(store, RollupDay.local_date, ordered, hours, lambda row: row.local_date)
    rewrite_weeks(store, {week_start(day) for day in dates})


def rewrite_weeks(store: Store, mondays: set[date]) -> None:
    """Recompute `store`'s week rows starting on `mondays` as the sums of their day rows."""
    if not mondays:
        return
    ordered = sorted(mondays)
    days = db.session.execute(select(RollupDay).where(
        RollupDay.store_id == store.id,
        or_(*(RollupDay.local_date.between(monday, monday + timedelta(days=6))
              for monday in ordered)))).scalars()
    _replace_sums(store, RollupWeek.week_start, ordered, days,
                  lambda row: week_start(row.local_date))


def _replace_sums(store: Store, key, keys: list[date], parts, key_of) -> None:
    """Replace the store's rows of `key`'s table at `keys` with the sums of `parts` by key.

    A key with no parts gets no row (a day or week without requests has none).
    """
    totals: dict[date, Totals] = {}
    for part in parts:
        totals.setdefault(key_of(part), Totals()).add_row(part)
    table = key.class_
    db.session.execute(delete(table).where(table.store_id == store.id, key.in_(keys)))
    values = [{"store_id": store.id, key.key: each, **total.columns(),
               "acknowledge_target_s": store.acknowledge_target_s,
               "reach_target_s": store.reach_target_s}
              for each, total in sorted(totals.items())]
    if values:
        db.session.execute(insert(table), values)


def _requests_in(store_id: int, windows: list[tuple[datetime, datetime]]) -> list[RequestRow]:
    """Return the store's requests (spam left out) requested within any of the UTC windows."""
    table, dialect = HelpRequest.__table__, db.engine.dialect.name
    columns = [table.c.id, table.c.zone_id, table.c.claimed_by_id,
               cast(table.c.status, db.String), cast(table.c.outcome, db.String),
               *(epoch_seconds(table.c[name], dialect) for name in
                 ("requested_at", "acknowledged_at", "reached_at", "resolved_at",
                  "closed_at")),
               null(), null()]
    statement = select(*columns).where(
        table.c.store_id == store_id,
        or_(*(and_(table.c.requested_at >= start, table.c.requested_at < end)
              for start, end in windows)),
        or_(table.c.outcome.is_(None), table.c.outcome != Outcome.SPAM.value))
    return [RequestRow(*row, None) for row in db.session.execute(statement)]
