"""The workers' roll-up tick at a chain's peak: every store has new requests since the last tick.

Builds, on a fresh database per backend, the benchmark stores (BENCH-001…, 800; 20 in
the quick mode) and gives each REQUESTS requests in its last hour, 20 minutes apart
and straddling the top of the hour, so each store has two dirty local hours (the
upper end of a tick at the peak), with their events: one when requested, one more for
the claimed and the resolved ones (EVENTS per store, well inside the tick's
MAX_EVENTS at 800 stores). Then times `rollup_upkeep.tick(now=…)` in process: before
each repetition the watermark (`RollupWatermark.last_event_id`) goes back to before
those events, so every tick rewrites the same store-hours. Reports the wall time
(p50, p99), the CPU time of this process (p50), the statements one tick executes and
the store-hours it rewrote, and whether it kept up (stopped only at the settled end).
"""

import secrets
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, select, update
from werkzeug.security import generate_password_hash

from bench import load
from bench.data import database, say
from bench.report import Report, Result
from bench.settings import Settings
from bench.setup import PASSWORD, app_for
from floorapp.demo.history_scale import ensure_bench_stores
from floorapp.extensions import db
from floorapp.models import Event, EventKind, HelpRequest, Need, Outcome, Status, Store, Zone
from floorapp.models.rollups import RollupWatermark
from floorapp.services.metrics import rollup_upkeep

TARGET_MS = 1000.0  # a tick well inside its 15 s interval: under a second at the peak
REQUESTS = 3  # per store: at 50, 30 and 10 minutes before the tick
EVENTS = 5  # per store: three requested, one resolved, one claimed


def run(settings: Settings, report: Report) -> None:
    """Time the tick over every store's last hour, on each backend."""
    stores = 20 if settings.quick else 800
    repetitions = 3 if settings.quick else 3 * settings.rounds
    for backend in settings.backends:
        with database(backend) as url:
            app = app_for(url, TICK_INTERVAL_S=0)
            with app.app_context():
                now = _build(stores)
                say(f"upkeep on {backend}: {stores} stores, {stores * REQUESTS:,} requests and "
                    f"{stores * EVENTS:,} events in their last hour")
                ticks = [_time_tick(now) for _ in range(repetitions + 1)][1:]  # warmed up
                db.engine.dispose()
            _add(report, backend, stores, ticks)


def _build(stores: int) -> datetime:
    """Make the stores and their last hour's requests and events; return the tick's time."""
    ensure_bench_stores(stores, generate_password_hash(PASSWORD))
    rollup_upkeep.watermark()  # the row the ticks compare and set
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    now = hour + timedelta(minutes=20)
    zones = dict(db.session.execute(select(Zone.store_id, db.func.min(Zone.id))
                                    .join(Store).where(Store.code.like("BENCH-%"))
                                    .group_by(Zone.store_id)).all())
    rows = [_request(store_id, zone_id, now - timedelta(minutes=50 - 20 * n), n)
            for store_id, zone_id in sorted(zones.items())[:stores] for n in range(REQUESTS)]
    db.session.execute(insert(HelpRequest), rows)
    made = db.session.execute(select(HelpRequest.id, HelpRequest.store_id, HelpRequest.requested_at,
                                     HelpRequest.acknowledged_at, HelpRequest.resolved_at)).all()
    events = sorted((each for request in made for each in _events(*request)),
                    key=lambda each: each["at"])  # ids in the order of time, as in the log
    db.session.execute(insert(Event), events)
    db.session.commit()
    return now


def _request(store_id: int, zone_id: int, at: datetime, n: int) -> dict:
    """Return a request: the first resolved, the second claimed, the last still waiting."""
    row = {"store_id": store_id, "zone_id": zone_id, "public_token": secrets.token_urlsafe(18),
           "need": Need.FIND_SIZE, "requested_at": at, "escalation_level": 0,
           "status": Status.WAITING}
    if n == 0:
        return row | {"status": Status.RESOLVED, "outcome": Outcome.HELPED,
                      "acknowledged_at": at + timedelta(seconds=30),
                      "reached_at": at + timedelta(seconds=150),
                      "resolved_at": at + timedelta(minutes=6)}
    if n == 1:
        return row | {"status": Status.CLAIMED, "acknowledged_at": at + timedelta(seconds=40)}
    return row


def _events(request_id, store_id, requested_at, acknowledged_at, resolved_at) -> list[dict]:
    first = {"store_id": store_id, "request_id": request_id, "kind": EventKind.REQUESTED,
             "at": requested_at}
    if resolved_at is not None:
        return [first, first | {"kind": EventKind.RESOLVED, "at": resolved_at}]
    if acknowledged_at is not None:
        return [first, first | {"kind": EventKind.CLAIMED, "at": acknowledged_at}]
    return [first]


def _time_tick(now: datetime) -> dict:
    """Move the watermark back before the last hour's events, then time one tick."""
    db.session.execute(update(RollupWatermark).where(RollupWatermark.id == 1)
                       .values(last_event_id=0))
    db.session.commit()
    statements = []

    def listener(*_) -> None:
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        started, started_cpu = time.perf_counter(), time.process_time()
        done = rollup_upkeep.tick(now=now)
        wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return {"wall_ms": wall * 1000, "cpu_ms": cpu * 1000, "statements": len(statements),
            "hours": done.hours, "behind": done.behind}


def _add(report: Report, backend: str, stores: int, ticks: list[dict]) -> None:
    wall = [tick["wall_ms"] for tick in ticks]
    last = ticks[-1]
    scenario = f"upkeep {backend}"
    report.add(Result(scenario, f"tick at {stores} stores p50", load.percentile(wall, 50), "ms",
                      spread=f"{min(wall):.0f}–{max(wall):.0f}", note=(
                          f"CPU p50 {load.percentile([t['cpu_ms'] for t in ticks], 50):.0f} ms, "
                          f"{len(ticks)} ticks")))
    p99 = load.percentile(wall, 99)
    report.add(Result(scenario, f"tick at {stores} stores p99", p99, "ms",
                      target=f"≤ {TARGET_MS:g} ms", met=p99 <= TARGET_MS))
    report.add(Result(scenario, "statements per tick", last["statements"], ""))
    report.add(Result(scenario, "store-hours per tick", last["hours"], "", target=(
        f"= {stores * 2} dirty"), met=last["hours"] == stores * 2 and not last["behind"],
        note="behind: more left for the next tick" if last["behind"] else "kept up"))
