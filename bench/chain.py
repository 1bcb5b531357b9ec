"""The chain's and a region's views at scale, from the roll-ups.

Builds, on a fresh database per backend: the benchmark stores (BENCH-001…, 800; 20 in
the quick mode), real help requests for a few source stores over 365 days (35 in the
quick mode), their roll-ups by `rollup_upkeep.rebuild`, and then their day and week
roll-up rows copied to the other stores: every row to the rest of a region of 40 stores
(10 in the quick mode), the last 90 days' to the others. So the chain holds 800 stores
with 90 days or more and the region 40 with a year; the hourly rows stay those of the
source stores only, since these views read the days and weeks. Times the chain's view
over 30 days (`/admin/dashboard?range=30d`) and the region's over 365 days, as an admin
through gunicorn, one client, then in process (bench/server_time.py).
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
from floorapp.models.rollups import RollupDay, RollupWeek
from floorapp.services.metrics import rollup_upkeep, rollup_writer
from floorapp.services.org import regions

TARGET_MS = 300.0  # issue 18: each view p99 ≤ 300 ms through gunicorn
DAYS = 365  # the region's history; the other stores keep CHAIN_DAYS of it
CHAIN_DAYS = 90
SOURCE_STORES = 4
REGION_STORES = 40
REQUESTS_PER_DAY = 120
REGION = "BENCH-R"


def run(settings: Settings, report: Report) -> None:
    """Measure the chain's view over 30 days and a region's over a year, on each backend."""
    stores, region = (20, 10) if settings.quick else (800, REGION_STORES)
    samples = 8 if settings.quick else 30
    days = 35 if settings.quick else DAYS
    for backend in settings.backends:
        with database(backend) as url:
            built = _build(url, stores, region, days, random.Random(settings.seed))
            say(f"chain on {backend}: {stores} stores, {built['day_rows']:,} day and "
                f"{built['week_rows']:,} week roll-up rows ({built['requests']:,} real "
                f"requests in {SOURCE_STORES} stores over {days} days, their rows copied: "
                f"all to the region's {region} stores, the last {min(days, CHAIN_DAYS)} "
                "days' to the others)")
            views = _views(stores, region, days)
            with floorapp(url) as base:
                admin = log_in(base, "bench.admin", PASSWORD)
                headers = {"Cookie": admin.cookie}
                for name, path in views.items():
                    _time_view(report, backend, name, base + path, headers, samples,
                               settings.rounds)
            got = server_time.measure(url, "bench.admin", PASSWORD,
                                      {name: [path] for name, path in views.items()},
                                      samples=samples)
            for name, figures in got.items():
                report.add(Result(f"chain {backend}", f"{name}, server time p99",
                                  figures["p99_ms"], "ms", note=(
                                      f"in process, no network: p50 {figures['p50_ms']:.0f} "
                                      f"ms, CPU p50 {figures['cpu_p50_ms']:.0f} ms")))


def _views(stores: int, region: int, days: int) -> dict[str, str]:
    """Return the chain's 30-day view and the region's view of its whole history."""
    today = datetime.now(UTC).date()  # the same local dates for every store, whatever its zone
    first = today - timedelta(days=days - 1)
    return {f"{stores} stores, 30 days": "/admin/dashboard?range=30d",
            f"region of {region} stores, {days} days":
                f"/regions/{REGION}?range=custom&from={first}&to={today}"}


def _time_view(report: Report, backend: str, name: str, url: str, headers: dict,
               samples: int, rounds: int) -> None:
    """Time one view as one client over a kept-alive connection, in `rounds` rounds."""
    load.one_client_latency([url], samples=1, headers=headers)  # warm up
    timings = [load.one_client_latency([url], samples=samples, headers=headers)
               for _ in range(rounds)]
    _add(report, backend, name, timings, len(load.fetch_with(url, headers)))


def _build(url: str, stores: int, region: int, days: int, rng: random.Random) -> dict:
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
        _make_region(ids[:region])
        cutoff = rollup_writer.week_start(now.date() - timedelta(days=CHAIN_DAYS))
        _replicate(sources, ids[SOURCE_STORES:region], since=None)
        _replicate(sources, ids[region:], since=cutoff)
        counts = {f"{kind}_rows": db.session.scalar(select(db.func.count()).select_from(model))
                  for kind, model in (("day", RollupDay), ("week", RollupWeek))}
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE rollup_days"))
            db.session.execute(text("ANALYZE rollup_weeks"))
        db.session.commit()
        db.engine.dispose()
    return {"requests": requests, **counts}


def _make_region(store_ids: list[int]) -> None:
    """Put the first stores (the sources among them) in the benchmark's region."""
    regions.create_region(code=REGION, name="Benchmark region")
    codes = list(db.session.scalars(select(Store.code).where(Store.id.in_(store_ids))))
    regions.assign_stores(REGION, codes)


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


def _replicate(sources: list[int], targets: list[int], *, since) -> None:
    """Copy the source stores' day and week rows (from `since`, or all) to the targets,
    in one statement per source and table."""
    for model, key in ((RollupDay, "local_date"), (RollupWeek, "week_start")):
        table = model.__table__
        columns = [c.name for c in table.columns if c.name not in ("id", "store_id")]
        listed = ", ".join(columns)
        for index, source in enumerate(sources):
            chosen = targets[index::len(sources)]
            if not chosen:
                continue
            db.session.execute(text(
                f"INSERT INTO {table.name} (store_id, {listed}) "  # noqa: S608 (names from the model)
                f"SELECT stores.id, {', '.join('r.' + c for c in columns)} "
                f"FROM stores JOIN {table.name} r ON r.store_id = :source "
                f"WHERE stores.id IN ({', '.join(str(int(i)) for i in chosen)})"
                + (f" AND r.{key} >= :since" if since else "")),
                {"source": source, "since": since})
    db.session.commit()


def _add(report: Report, backend: str, name: str, rounds: list[dict], size: int) -> None:
    p50 = load.median_and_spread([r["p50_ms"] for r in rounds])
    p99 = load.median_and_spread([r["p99_ms"] for r in rounds])
    report.add(Result(f"chain {backend}", f"{name} p50", p50[0], "ms",
                      spread=f"{p50[1]:.0f}–{p50[2]:.0f}", note=f"{size:,} bytes"))
    report.add(Result(f"chain {backend}", f"{name} p99", p99[0], "ms",
                      spread=f"{p99[1]:.0f}–{p99[2]:.0f}", target=f"≤ {TARGET_MS:g} ms",
                      met=p99[0] <= TARGET_MS))
