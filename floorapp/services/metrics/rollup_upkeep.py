"""Keep the roll-ups up to date from the event log: the workers' tick, and a full rebuild.

Every change to a request writes an event (services/core/event_log.py), so the tick
reads the log past a watermark stored in the database, turns each event into the
local hour its request was *requested* in, and rewrites those hours and their days
from the raw rows (services/metrics/rollup_writer.py). The watermark moves in the same
transaction as the rows it covers, so a worker killed mid-way leaves the previous rows
and the previous watermark, and the next tick does the work again; rewriting is
replacing, so doing it twice gives the same rows.

- Bounded: a tick reads at most MAX_EVENTS events and rewrites at most MAX_HOURS
  hours; after downtime the next ticks catch up, MAX_HOURS at a time.
- Batched: the hours of every dirty store are rewritten together, a statement for
  each step whatever the number of stores (rollup_writer.py), so at a chain's peak
  one tick keeps up with all its stores.
- Settled: an event is folded in only once SETTLE has passed since its time. Ids are
  taken when a row is inserted and become visible at commit, so across stores a smaller
  id can appear after a larger one; waiting SETTLE (far longer than any move's
  transaction and the hosts' clock skew) keeps the watermark from passing one.
- One at a time: the write starts with a compare-and-set of the watermark row
  (`UPDATE … WHERE last_event_id = <read>`). Workers tick at once: on PostgreSQL the
  second waits on that row and then finds it moved, on SQLite the writer lock queues
  them; either way the loser rolls back and writes nothing.
- Targets: the within-target counts use the store's targets; a day whose row was
  measured against other targets is rewritten (STALE_DAYS a tick).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from floorapp.extensions import db
from floorapp.models import (
    Event,
    HelpRequest,
    Outcome,
    RollupDay,
    RollupHour,
    RollupWatermark,
    RollupWeek,
    Store,
)
from floorapp.services.core.transactions import rolls_back, start_write, writes
from floorapp.services.metrics import rollup_writer

SETTLE = timedelta(seconds=60)
MAX_EVENTS = 5000
# Store-hours a tick rewrites. Measured (bench/upkeep.py, 2 cores at load 2-3): 800
# stores with 2 dirty hours each, 1,600 store-hours of a few requests, take 450 ms on
# PostgreSQL and 380 ms on SQLite; hours of 20 requests each about twice that. 2,000
# takes a chain's whole peak in one tick with a quarter to spare, and still bounds the
# write transaction (on SQLite, the writer lock every move waits for) to about a second.
MAX_HOURS = 2000
STALE_DAYS = 3
REBUILD_DAYS = 7  # local days of one store rewritten per transaction by a rebuild


@dataclass
class UpkeepReport:
    """What one tick did, and whether it stopped before the settled end of the log."""

    events: int = 0
    hours: int = 0
    days: int = 0
    stale_days: int = 0
    behind: bool = False
    skipped: bool = False  # another worker moved the watermark first
    last_event_id: int = 0


@rolls_back
def tick(*, now: datetime, settle: timedelta = SETTLE, max_events: int = MAX_EVENTS,
         max_hours: int = MAX_HOURS) -> UpkeepReport:
    """Fold the settled events past the watermark into the roll-ups, a bounded amount."""
    mark = watermark()
    report = UpkeepReport(last_event_id=mark)
    events = db.session.execute(
        select(Event.id, Event.at, HelpRequest.store_id, HelpRequest.requested_at)
        .select_from(Event).outerjoin(HelpRequest, HelpRequest.id == Event.request_id)
        .where(Event.id > mark).order_by(Event.id).limit(max_events)).all()
    dirty = _dirty_hours(events, now - settle, (max_events, max_hours), report)
    stale = _stale_days() if report.hours < max_hours else []
    db.session.commit()
    if report.last_event_id == mark and not stale:
        return report
    start_write()
    if not _advance(mark, report.last_event_id, now):
        db.session.rollback()
        return UpkeepReport(skipped=True, last_event_id=mark)
    stores = _stores(set(dirty) | {store_id for store_id, _ in stale})
    dates = rollup_writer.rewrite_hours({stores[store_id]: hours
                                         for store_id, hours in dirty.items()})
    rollup_writer.rewrite_days(dates)
    report.days = sum(len(days) for days in dates.values())
    for store_id, day in stale:
        rollup_writer.rewrite_span(stores[store_id], day, day)
    report.stale_days = len(stale)
    db.session.commit()
    return report


def _dirty_hours(events, cutoff: datetime, budget: tuple[int, int],
                 report: UpkeepReport) -> dict[int, set[datetime]]:
    """Return the hours the events touch per store, stopping at the budget or the unsettled."""
    max_events, max_hours = budget
    zones = {store_id: ZoneInfo(name) for store_id, name in db.session.execute(
        select(Store.id, Store.timezone).where(
            Store.id.in_({e.store_id for e in events if e.store_id is not None})))}
    dirty: dict[int, set[datetime]] = {}
    report.behind = len(events) == max_events  # a full batch: more may follow
    for event in events:
        if event.at >= cutoff:
            report.behind = False  # the rest is not settled yet: nothing more to do now
            break
        if event.store_id is not None:
            hour = rollup_writer.hour_start(event.requested_at, zones[event.store_id])
            hours = dirty.setdefault(event.store_id, set())
            if hour not in hours:
                if report.hours == max_hours:
                    report.behind = True
                    break
                hours.add(hour)
                report.hours += 1
        report.events += 1
        report.last_event_id = event.id
    return {store_id: hours for store_id, hours in dirty.items() if hours}


def _stale_days() -> list[tuple[int, date]]:
    """Return a few (store, date) whose day row was measured against other targets."""
    return [tuple(row) for row in db.session.execute(
        select(RollupDay.store_id, RollupDay.local_date).join(Store, Store.id == RollupDay.store_id)
        .where(or_(RollupDay.acknowledge_target_s != Store.acknowledge_target_s,
                   RollupDay.reach_target_s != Store.reach_target_s))
        .order_by(RollupDay.store_id, RollupDay.local_date).limit(STALE_DAYS))]


def _stores(ids: set[int]) -> dict[int, Store]:
    return {store.id: store for store in
            db.session.scalars(select(Store).where(Store.id.in_(ids)))} if ids else {}


def watermark() -> int:
    """Return the id of the last event folded into the roll-ups (making the row if missing)."""
    mark = db.session.scalar(select(RollupWatermark.last_event_id)
                             .where(RollupWatermark.id == 1))
    if mark is not None:
        return mark
    try:
        with db.session.begin_nested():
            db.session.add(RollupWatermark(id=1, last_event_id=0))
    except IntegrityError:
        pass  # another worker made it first
    db.session.commit()
    return 0


def _advance(mark: int, last: int, now: datetime) -> bool:
    """Move the watermark from `mark` to `last` if nobody moved it since it was read."""
    moved = db.session.execute(
        update(RollupWatermark)
        .where(RollupWatermark.id == 1, RollupWatermark.last_event_id == mark)
        .values(last_event_id=last, updated_at=now))
    return moved.rowcount == 1


def caught_up_at() -> datetime | None:
    """Return when the roll-ups last took events in (None before the first time)."""
    return db.session.scalar(select(RollupWatermark.updated_at).where(RollupWatermark.id == 1))


def rebuild(store: Store | None = None, *, now: datetime) -> int:
    """Rewrite the roll-ups of one store (or of all) from their requests; return the days.

    A store is rewritten REBUILD_DAYS local days per transaction, so the chain's view
    keeps answering meanwhile. A full rebuild then moves the watermark past every event
    settled when it started, which the rebuild has folded in.
    """
    settled = db.session.scalar(select(func.max(Event.id)).where(Event.at < now - SETTLE)) or 0
    chosen = [store] if store else list(db.session.scalars(select(Store).order_by(Store.code)))
    days = sum(_rebuild_store(each) for each in chosen)
    if store is None:
        _raise_watermark(settled, now)
    return days


def _rebuild_store(store: Store) -> int:
    zone, spam = ZoneInfo(store.timezone), Outcome.SPAM.value
    first, last = db.session.execute(
        select(func.min(HelpRequest.requested_at), func.max(HelpRequest.requested_at))
        .where(HelpRequest.store_id == store.id,
               or_(HelpRequest.outcome.is_(None), HelpRequest.outcome != spam))).one()
    db.session.commit()
    if first is None:
        _drop_outside(store, None, None)
        return 0
    first, last = first.astimezone(zone).date(), last.astimezone(zone).date()
    day = first
    while day <= last:
        end = min(last, day + timedelta(days=REBUILD_DAYS - 1))
        _rewrite_chunk(store, day, end)
        day = end + timedelta(days=1)
    _drop_outside(store, first, last)
    return (last - first).days + 1


@writes
def _rewrite_chunk(store: Store, first: date, last: date) -> None:
    _lock()
    rollup_writer.rewrite_span(store, first, last)
    db.session.commit()


@writes
def _drop_outside(store: Store, first: date | None, last: date | None) -> None:
    """Delete the store's rows outside its requests' dates (all of them when it has none).

    The weeks holding `first` and `last` are summed again: days of theirs may just have gone.
    """
    _lock()
    for model in (RollupHour, RollupDay):
        outside = (or_(model.local_date < first, model.local_date > last)
                   if first is not None else true())
        db.session.execute(delete(model).where(model.store_id == store.id, outside))
    edges = {rollup_writer.week_start(first), rollup_writer.week_start(last)} if first else set()
    outside = (or_(RollupWeek.week_start < min(edges), RollupWeek.week_start > max(edges))
               if edges else true())
    db.session.execute(delete(RollupWeek).where(RollupWeek.store_id == store.id, outside))
    rollup_writer.rewrite_weeks({store: edges})
    db.session.commit()


def _lock() -> None:
    """Wait for the ticks' compare-and-set row, so a rebuild and a tick never interleave."""
    watermark()
    start_write()
    db.session.execute(update(RollupWatermark).where(RollupWatermark.id == 1)
                       .values(last_event_id=RollupWatermark.last_event_id))


@writes
def _raise_watermark(settled: int, now: datetime) -> None:
    mark = RollupWatermark.last_event_id
    db.session.execute(update(RollupWatermark).where(RollupWatermark.id == 1).values(
        last_event_id=case((mark < settled, settled), else_=mark), updated_at=now))
    db.session.commit()
