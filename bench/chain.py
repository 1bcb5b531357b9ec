"""The chain's view at scale: every store side by side over 30 days, from the roll-ups.

Builds, on a fresh database per backend: the benchmark stores (BENCH-001…, 800; 20 in
the quick mode, over 35 days), real help requests for a few source stores over 90 days, their
roll-ups by `rollup_upkeep.rebuild`, and then their *daily* roll-up rows replicated to
every other store (so 800 × 90 day rows; the hourly rows stay those of the source
stores only, since the chain's view reads the days). Times `/admin/dashboard?range=30d`
as an admin through gunicorn, one client, then in process (bench/server_time.py).
"""

import random
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text
from werkzeug.security import generate_password_hash

from bench import load, server_time
from bench.data import database, say
from bench.http import log_in
from bench.report import Report, Result
from bench.serve import floorapp
from bench.settings import Settings
from bench.setup import PASSWORD, app_for
from floorapp.demo.history_scale import ensure_bench_stores
from floorapp.extensions import db
from floorapp.models import HelpRequest, Need, Outcome, Role, Status, Store, User, Zone
from floorapp.models.rollups import RollupDay
from floorapp.services.metrics import rollup_upkeep

TARGET_MS = 300.0
DAYS = 90
SOURCE_STORES = 4
REQUESTS_PER_DAY = 120
PATH = "/admin/dashboard?range=30d"


def run(settings: Settings, report: Report) -> None:
    """Measure the chain's view of every store over 30 days on each backend."""
    stores = 20 if settings.quick else 800
    samples = 8 if settings.quick else 30
    days = 35 if settings.quick else DAYS
    for backend in settings.backends:
        with database(backend) as url:
            built = _build(url, stores, days, random.Random(settings.seed))
            say(f"chain on {backend}: {stores} stores × {days} days of day roll-ups "
                f"({built['day_rows']:,} rows; {built['requests']:,} real requests in "
                f"{SOURCE_STORES} stores, their day rows copied to the others)")
            with floorapp(url) as base:
                admin = log_in(base, "bench.admin", PASSWORD)
                urls, headers = [base + PATH], {"Cookie": admin.cookie}
                load.one_client_latency(urls, samples=1, headers=headers)  # warm up
                rounds = [load.one_client_latency(urls, samples=samples, headers=headers)
                          for _ in range(settings.rounds)]
                size = len(load.fetch_with(urls[0], headers))
            _add(report, backend, stores, rounds, size)
            got = server_time.measure(url, "bench.admin", PASSWORD, {"page": [PATH]},
                                      samples=samples)["page"]
            report.add(Result(f"chain {backend}", f"{stores} stores, 30 days, server time p99",
                              got["p99_ms"], "ms", note=(
                                  f"in process, no network: p50 {got['p50_ms']:.0f} ms, "
                                  f"CPU p50 {got['cpu_p50_ms']:.0f} ms")))


def _build(url: str, stores: int, days: int, rng: random.Random) -> dict:
    app = app_for(url, TICK_INTERVAL_S=0)
    with app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        ensure_bench_stores(stores, password_hash)
        db.session.add(User(login="bench.admin", name="Bench admin", role=Role.ADMIN,
                            password_hash=password_hash))
        db.session.commit()
        ids = list(db.session.scalars(select(Store.id).order_by(Store.id)))
        sources, now = ids[:SOURCE_STORES], datetime.now(UTC)
        requests = sum(_requests(store_id, now, days, rng) for store_id in sources)
        rollup_upkeep.rebuild(now=now)
        _replicate(sources, ids[SOURCE_STORES:])
        day_rows = db.session.scalar(select(db.func.count()).select_from(RollupDay))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE rollup_days"))
        db.session.commit()
        db.engine.dispose()
    return {"requests": requests, "day_rows": day_rows}


def _requests(store_id: int, now: datetime, days: int, rng: random.Random) -> int:
    """Insert a store's days of finished requests (one statement a day)."""
    zones = list(db.session.scalars(select(Zone.id).where(Zone.store_id == store_id)))
    count = 0
    for day in range(days):
        start = now - timedelta(days=days - day)
        rows = [_request(store_id, rng.choice(zones), start + timedelta(
            seconds=rng.uniform(0, 86_400)), rng) for _ in range(REQUESTS_PER_DAY)]
        db.session.execute(insert(HelpRequest), rows)
        count += len(rows)
    db.session.commit()
    return count


def _request(store_id: int, zone_id: int, at: datetime, rng: random.Random) -> dict:
    ack = rng.expovariate(1 / 40)
    row = {"store_id": store_id, "zone_id": zone_id, "public_token": secrets.token_urlsafe(18),
           "need": Need.FIND_SIZE, "requested_at": at, "acknowledged_at":
           at + timedelta(seconds=ack), "escalation_level": 0}
    if rng.random() < 0.08:  # walked away after the claim
        return row | {"status": Status.CANCELLED,
                      "closed_at": at + timedelta(seconds=ack + rng.uniform(60, 900))}
    reach = ack + rng.expovariate(1 / 120)
    return row | {"status": Status.RESOLVED, "reached_at": at + timedelta(seconds=reach),
                  "resolved_at": at + timedelta(seconds=reach + rng.uniform(60, 900)),
                  "outcome": Outcome.HELPED}


def _replicate(sources: list[int], targets: list[int]) -> None:
    """Copy the source stores' day rows to the other stores, in one statement per source."""
    table = RollupDay.__table__
    columns = [c.name for c in table.columns if c.name not in ("id", "store_id")]
    listed = ", ".join(columns)
    for index, source in enumerate(sources):
        chosen = targets[index::len(sources)]
        if not chosen:
            continue
        db.session.execute(text(
            f"INSERT INTO rollup_days (store_id, {listed}) "  # noqa: S608 (names from the model)
            f"SELECT stores.id, {', '.join('d.' + c for c in columns)} "
            "FROM stores JOIN rollup_days d ON d.store_id = :source "
            f"WHERE stores.id IN ({', '.join(str(int(i)) for i in chosen)})"),
            {"source": source})
    db.session.commit()


def _add(report: Report, backend: str, stores: int, rounds: list[dict], size: int) -> None:
    p50 = load.median_and_spread([r["p50_ms"] for r in rounds])
    p99 = load.median_and_spread([r["p99_ms"] for r in rounds])
    name = f"{stores} stores, 30 days"
    report.add(Result(f"chain {backend}", f"{name} p50", p50[0], "ms",
                      spread=f"{p50[1]:.0f}–{p50[2]:.0f}", note=f"{size:,} bytes"))
    report.add(Result(f"chain {backend}", f"{name} p99", p99[0], "ms",
                      spread=f"{p99[1]:.0f}–{p99[2]:.0f}", target=f"≤ {TARGET_MS:g} ms",
                      met=p99[0] <= TARGET_MS))
