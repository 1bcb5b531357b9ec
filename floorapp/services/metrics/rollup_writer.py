"""Rewrite roll-up rows from the raw requests: stores' local hours, their days, their weeks.

Rows are replaced whole (delete, then insert what the requests give now), never
incremented, so rewriting an hour twice, or after a half-finished run, leaves the same
rows. The callers (services/metrics/rollup_upkeep.py) hold the roll-ups' lock and commit.

Each function takes many stores at once, each with its own hours (or dates, or weeks),
time zone and targets, and spends the same statements on 800 stores as on one: the
requests of every hour read in one, the hour rows deleted in one and inserted in one,
then the days and the weeks re-summed in the database (a read, a delete, an insert
each). The workers' tick rewrites all its dirty stores so; one store's rewrite (a
rebuild's span) is the batch of one.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, cast, delete, insert, null, or_, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, Outcome, RollupDay, RollupHour, RollupWeek, Store
from floorapp.services.metrics.periods import local_midnight
from floorapp.services.metrics.request_rows import RequestRow, epoch_seconds, from_epoch
from floorapp.services.metrics.rollup_figures import Totals, row_figures, summed

HOUR = timedelta(hours=1)
SUNDAY = timedelta(days=6)  # after its week's Monday


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


def rewrite_hours(hours: dict[Store, set[datetime]]) -> dict[Store, set[date]]:
    """Recompute the stores' roll-up hours from their requests; return each one's local dates.

    Three statements for all the stores: read the requests of every hour, delete the
    hours' rows, insert the new ones.
    """
    hours = {store: set(starts) for store, starts in hours.items() if starts}
    if not hours:
        return {}
    zones = {store.id: ZoneInfo(store.timezone) for store in hours}
    groups: dict[tuple[int, datetime, int], list[RequestRow]] = defaultdict(list)
    for store_id, row in _requests_in({store.id: _windows(starts)
                                       for store, starts in hours.items()}):
        start = hour_start(from_epoch(row.requested), zones[store_id])
        groups[(store_id, start, row.zone_id)].append(row)
    db.session.execute(delete(RollupHour).where(_each_store(
        RollupHour.store_id, {store.id: starts for store, starts in hours.items()},
        RollupHour.hour_start_utc.in_)))
    values = _hour_values(hours, groups, zones)
    if values:
        # The table's insert, not the model's: the ORM splits its bulk insert wherever
        # the next row has NULLs in other columns, a statement per row at worst.
        db.session.execute(insert(RollupHour.__table__), values)
    return {store: {start.astimezone(zones[store.id]).date() for start in starts}
            for store, starts in hours.items()}


def _hour_values(hours: dict[Store, set[datetime]],
                 groups: dict[tuple[int, datetime, int], list[RequestRow]],
                 zones: dict[int, ZoneInfo]) -> list[dict]:
    """Return the rows of the (store, hour, zone) groups whose hour was asked for."""
    stores = {store.id: store for store in hours}
    values = []
    for (store_id, start, zone_id), group in groups.items():
        store = stores[store_id]
        if start not in hours[store]:
            continue  # read because it shares a window; not asked for (an odd zone's hour)
        local = start.astimezone(zones[store_id])
        values.append({"store_id": store_id, "zone_id": zone_id, "hour_start_utc": start,
                       "local_date": local.date(), "local_hour": local.hour,
                       **row_figures(group, store.acknowledge_target_s,
                                     store.reach_target_s)})
    return values


def _windows(starts: set[datetime]) -> list[tuple[datetime, datetime]]:
    """Return the UTC windows covering the hours that start at `starts`, adjacent ones merged."""
    windows: list[tuple[datetime, datetime]] = []
    for start in sorted(starts):
        if windows and windows[-1][1] == start:
            windows[-1] = (windows[-1][0], start + HOUR)
        else:
            windows.append((start, start + HOUR))
    return windows


def rewrite_span(store: Store, first: date, last: date) -> None:
    """Recompute every hour and day of `store` from local date `first` to `last`.

    The store's hour rows of those dates go first, whatever their hour, so none is left
    behind under hours its time zone no longer has.
    """
    dates = _dates_between(first, last)
    db.session.execute(delete(RollupHour).where(
        RollupHour.store_id == store.id, RollupHour.local_date.between(first, last)))
    rewrite_hours({store: {start for day in dates for start in hours_of_day(day, store.timezone)}})
    rewrite_days({store: dates})


def _dates_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def week_start(day: date) -> date:
    """Return the Monday of the local week that holds `day`."""
    return day - timedelta(days=day.weekday())


def rewrite_days(dates: dict[Store, set[date]]) -> None:
    """Recompute the stores' day rows of `dates` as the sums of their hour rows, then weeks."""
    dates = {store: days for store, days in dates.items() if days}
    if not dates:
        return
    hours = RollupHour.__table__
    sums = _sums(hours, hours.c.local_date, _each_store(
        hours.c.store_id, {store.id: days for store, days in dates.items()},
        hours.c.local_date.in_))
    _replace_sums(RollupDay.__table__, "local_date", dates, sums)
    rewrite_weeks({store: {week_start(day) for day in days} for store, days in dates.items()})


def rewrite_weeks(mondays: dict[Store, set[date]]) -> None:
    """Recompute the stores' week rows starting on their `mondays` as the sums of their day rows."""
    mondays = {store: starts for store, starts in mondays.items() if starts}
    if not mondays:
        return
    days = RollupDay.__table__

    def within(starts: list[date]):
        return or_(*(days.c.local_date.between(monday, monday + SUNDAY) for monday in starts))

    week_of = case(*((days.c.local_date.between(monday, monday + SUNDAY), monday)
                     for monday in sorted(set().union(*mondays.values()))))
    sums = _sums(days, week_of, _each_store(
        days.c.store_id, {store.id: starts for store, starts in mondays.items()}, within))
    _replace_sums(RollupWeek.__table__, "week_start", mondays, sums)


def _sums(table, key, where) -> list:
    """Return the sums of `table`'s rows matching `where`, one per store and `key`.

    The database adds the counts, takes the maxima and concatenates the histograms'
    records (wait_histogram.py), so a day costs one row back, not one per hour and zone.
    """
    key = key.label("key")
    return db.session.execute(select(table.c.store_id, key, *summed(table))
                              .where(where).group_by(table.c.store_id, key)).all()


def _replace_sums(table, key: str, keys: dict[Store, set[date]], sums: list) -> None:
    """Replace the stores' rows of `table` at their `keys` with the `sums` read for them.

    A key with no sum gets no row (a day or week without requests has none). The
    targets are each store's own, the ones its hours were measured against.
    """
    stores = {store.id: store for store in keys}
    db.session.execute(delete(table).where(_each_store(
        table.c.store_id, {store.id: each for store, each in keys.items()}, table.c[key].in_)))
    values = [{"store_id": row.store_id, key: row.key, **total.columns(),
               "acknowledge_target_s": stores[row.store_id].acknowledge_target_s,
               "reach_target_s": stores[row.store_id].reach_target_s}
              for row, total in zip(sums, Totals.of_rows(sums), strict=True)]
    if values:
        db.session.execute(insert(table), values)


def _each_store(store_column, keys: dict[int, set], condition):
    """Return a condition that holds for each store's own keys (condition(keys) says which rows).

    Stores with the same keys share one `store_id IN (…)` term: at the peak every store's
    dirty hours are the same one or two UTC hours, so a statement holds a few terms
    however many stores it covers.
    """
    stores_by_keys: dict[tuple, list[int]] = defaultdict(list)
    for store_id, each in keys.items():
        stores_by_keys[tuple(sorted(each))].append(store_id)
    return or_(*(and_(store_column.in_(sorted(ids)), condition(list(each)))
                 for each, ids in sorted(stores_by_keys.items())))


def _requests_in(windows: dict[int, list[tuple[datetime, datetime]]]
                 ) -> list[tuple[int, RequestRow]]:
    """Return (store id, request) for each store's requests (spam left out) in its UTC windows."""
    table, dialect = HelpRequest.__table__, db.engine.dialect.name
    columns = [table.c.store_id, table.c.id, table.c.zone_id, table.c.claimed_by_id,
               cast(table.c.status, db.String), cast(table.c.outcome, db.String),
               *(epoch_seconds(table.c[name], dialect) for name in
                 ("requested_at", "acknowledged_at", "reached_at", "resolved_at",
                  "closed_at")),
               null(), null()]

    def within(spans: list[tuple[datetime, datetime]]):
        return or_(*(and_(table.c.requested_at >= start, table.c.requested_at < end)
                     for start, end in spans))

    statement = select(*columns).where(
        _each_store(table.c.store_id, windows, within),
        or_(table.c.outcome.is_(None), table.c.outcome != Outcome.SPAM.value))
    # Plain rows fetched at once, as request_rows.fetch_rows does: no fetch per row.
    rows = db.session.connection().execute(statement).all()
    return [(row[0], RequestRow(*row[1:], None)) for row in rows]
