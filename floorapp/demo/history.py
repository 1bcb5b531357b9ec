"""Realistic history for a store: help requests over past days, with every event row.

The rows come from the simulation in history_flow / history_sim and are written in
bulk (PostgreSQL COPY, SQLite executemany in one transaction), never one ORM object at
a time, so 90 days for the demo take about a second and millions of requests minutes.

Ids are given here, in time order within each store day, so the event log's ids follow
its timestamps as the live system's do (an SSE stream resumes by id). On PostgreSQL the
tables are locked for the transaction so no live insert can take an id meanwhile, and
the sequences are moved past the new rows at the end.
"""

import random
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from floorapp.demo.history_flow import simulate_day
from floorapp.demo.history_sim import StoreSpec, expected_requests, stamper
from floorapp.demo.history_stock import simulate_stock, stock_sample
from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import (
    Event,
    Feedback,
    HelpRequest,
    Hold,
    LookupMiss,
    Role,
    Sign,
    StockPull,
    Store,
    User,
    Zone,
)
from floorapp.services.core.transactions import writes
from floorapp.services.org import stores

MAX_DAYS = 3660
REQUEST_COLUMNS = (
    "id", "store_id", "zone_id", "sign_id", "public_token", "need", "product_query",
    "size_label", "product_id", "variant_id", "note", "language", "status", "requested_at",
    "acknowledged_at", "reached_at", "resolved_at", "closed_at", "claimed_by_id", "outcome",
    "escalation_level", "last_escalated_at")
EVENT_COLUMNS = ("id", "store_id", "request_id", "kind", "at", "actor_id", "subject_id",
                 "from_status", "to_status", "data")
FEEDBACK_COLUMNS = ("id", "request_id", "rating", "comment", "created_at")
PULL_COLUMNS = ("id", "store_id", "variant_id", "asked_by_id", "help_request_id", "status",
                "asked_at", "picked_at", "delivered_at", "not_found_at", "handled_by_id")
HOLD_COLUMNS = ("id", "store_id", "variant_id", "customer_label", "qty", "created_by_id",
                "created_at", "expires_at", "released_at")
MISS_COLUMNS = ("id", "store_id", "product_id", "variant_id", "size_label", "user_id", "at")
TABLES = (("help_requests", REQUEST_COLUMNS), ("events", EVENT_COLUMNS),
          ("feedback", FEEDBACK_COLUMNS), ("stock_pulls", PULL_COLUMNS),
          ("holds", HOLD_COLUMNS), ("lookup_misses", MISS_COLUMNS))
# The tables whose rows come without ids from the simulation, and their Day attribute.
NUMBERED = (("feedback", "feedback"), ("stock_pulls", "pulls"), ("holds", "holds"),
            ("lookup_misses", "misses"))
FLUSH_ROWS = 50_000


@dataclass
class HistoryReport:
    """What a history run wrote."""

    requests: int = 0
    events: int = 0
    feedback: int = 0
    pulls: int = 0
    holds: int = 0
    misses: int = 0


def find_store(code: str) -> Store:
    """Return the store with `code` (any case), or raise NotFound."""
    store = stores.store_by_code(code)
    if store is None:
        raise NotFound(f"No store with the code {code!r}.")
    return store


def history_days(store: Store, days: int, end: date | None = None) -> list[date]:
    """Return the `days` local dates before `end` (default: today in the store's zone)."""
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"History covers 1 to {MAX_DAYS} days.")
    end = end or datetime.now(ZoneInfo(store.timezone)).date()
    return [end - timedelta(days=n) for n in range(days, 0, -1)]


def store_spec(store: Store) -> StoreSpec:
    """Return the simulation's view of a store: zones with a sign each, and associates."""
    zones = db.session.execute(
        select(Zone.id, func.min(Sign.id)).outerjoin(
            Sign, (Sign.zone_id == Zone.id) & Sign.active.is_(True))
        .where(Zone.store_id == store.id, Zone.active.is_(True))
        .group_by(Zone.id, Zone.name).order_by(Zone.name)).all()
    associates = db.session.scalars(
        select(User.id).where(User.home_store_id == store.id, User.active.is_(True),
                              User.role == Role.ASSOCIATE).order_by(User.id)).all()
    if not zones or not associates:
        raise InvalidInput(f"Store {store.code} needs a zone and an associate for history.")
    return StoreSpec(store_id=store.id, timezone=store.timezone,
                     acknowledge_target_s=store.acknowledge_target_s,
                     reach_target_s=store.reach_target_s,
                     zones=tuple((zone_id, sign_id) for zone_id, sign_id in zones),
                     associates=tuple(associates))


@writes
def generate_history(store: Store, *, days: int, seed: int, end: date | None = None,
                     requests: int | None = None) -> HistoryReport:
    """Add simulated history to `store` over the days before `end`, in one transaction.

    The same seed, store code, days and end give the same rows. `requests` scales the
    arrival rate so that about that many requests are made in all. A store with stock
    in the catalog also gets stock pulls, holds and lookup misses (history_stock).
    """
    dates = history_days(store, days, end)
    spec = store_spec(store)
    scale = 1.0 if requests is None else requests / expected_requests(dates)
    rng = random.Random(f"{seed}:{store.code}")  # noqa: S311  (a simulation, not a secret)
    stock_rng = random.Random(f"{seed}:{store.code}:stock")  # noqa: S311
    sample = stock_sample(store.id, stock_rng)
    writer = BulkWriter()
    try:
        for day in dates:
            rows = simulate_day(spec, day, rng, scale=scale, stamp=writer.stamp,
                                next_request_id=writer.next_ids["help_requests"])
            if sample is not None:
                simulate_stock(rows, sample, stock_rng)
            writer.add(rows)
        report = writer.finish()
    finally:
        writer.close()
    db.session.commit()
    return report


class BulkWriter:
    """Give rows their ids and write them in big batches on the session's connection."""

    def __init__(self):
        connection = db.session.connection()
        self.dialect = connection.dialect.name
        self.raw = connection.connection.dbapi_connection
        self.stamp = stamper(self.dialect)
        if self.dialect == "postgresql":
            connection.execute(text(
                "LOCK TABLE help_requests, events, feedback, stock_pulls, holds, lookup_misses "
                "IN SHARE ROW EXCLUSIVE MODE"))
        self.next_ids = {
            table: (db.session.scalar(select(func.max(model.id))) or 0) + 1
            for table, model in (("help_requests", HelpRequest), ("events", Event),
                                 ("feedback", Feedback), ("stock_pulls", StockPull),
                                 ("holds", Hold), ("lookup_misses", LookupMiss))}
        self.buffers: dict[str, list[tuple]] = {table: [] for table, _ in TABLES}
        self.report = HistoryReport()
        # On PostgreSQL the COPY of one batch runs while the next is simulated (the
        # server does the work, so the GIL is free); only that thread uses the connection
        # until `finish`. SQLite's connections belong to their thread: it writes inline.
        self._copier = ThreadPoolExecutor(1) if self.dialect == "postgresql" else None
        self._pending: Future | None = None

    def add(self, day) -> None:
        """Take one simulated day's rows; requests already carry their ids."""
        self.buffers["help_requests"] += day.requests
        self.next_ids["help_requests"] += len(day.requests)
        events = self.buffers["events"]
        for _at, _order, row in sorted(day.events, key=lambda item: (item[0], item[1])):
            events.append((self.next_ids["events"], *row))
            self.next_ids["events"] += 1
        for table, attribute in NUMBERED:
            buffer, first = self.buffers[table], self.next_ids[table]
            buffer += [(first + offset, *row) for offset, row in enumerate(getattr(day, attribute))]
            self.next_ids[table] = first + len(getattr(day, attribute))
        if sum(len(rows) for rows in self.buffers.values()) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows, parents before children (on PostgreSQL, in the background)."""
        batch, self.buffers = self.buffers, {table: [] for table, _ in TABLES}
        for table, _ in TABLES:
            field = _REPORT_FIELD[table]
            setattr(self.report, field, getattr(self.report, field) + len(batch[table]))
        if self._copier is None:
            self._write_batch(batch)
            return
        self._wait()
        self._pending = self._copier.submit(self._write_batch, batch)

    def finish(self) -> HistoryReport:
        """Write what is left and, on PostgreSQL, move the id sequences past it."""
        self.flush()
        self._wait()
        if self.dialect == "postgresql":
            cursor = self.raw.cursor()
            for table, _ in TABLES:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}), true) WHERE EXISTS (SELECT 1 FROM {table})")
        return self.report

    def close(self) -> None:
        """Let a background write end (its error, if any, was raised by `finish`)."""
        if self._copier is not None:
            self._copier.shutdown(wait=True)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()  # re-raises a failed COPY here, in the caller's thread

    def _write_batch(self, batch: dict[str, list[tuple]]) -> None:
        for table, columns in TABLES:
            if batch[table]:
                self._write(table, columns, batch[table])

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names = ", ".join(columns)
        cursor = self.raw.cursor()
        if self.dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


_REPORT_FIELD = {"help_requests": "requests", "events": "events", "feedback": "feedback",
                 "stock_pulls": "pulls", "holds": "holds", "lookup_misses": "misses"}
