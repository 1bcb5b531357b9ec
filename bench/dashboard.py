"""Benchmark: one store's 30-day dashboard page, metrics JSON and CSV over a big history.

Builds (once, then reuses) N synthetic help requests over S stores and D days, on
SQLite and/or PostgreSQL, through the real migrations, bulk-inserted straight into
help_requests and feedback (executemany on SQLite, COPY on PostgreSQL). Then times
the three responses through the WSGI app in process (server time: routing, access
checks, the query, the figures, rendering; no network) and prints p50/p99 of wall
time, the median CPU time, and the machine's load (these machines are shared).

    .venv/bin/python bench/dashboard.py                  # 2,000,000 requests, 50 stores
    .venv/bin/python bench/dashboard.py --quick          # 100,000 requests, to check it runs
    .venv/bin/python bench/dashboard.py --backend postgresql --rounds 50

PostgreSQL comes from FLOORAPP_BENCH_DATABASE_URL or the local server
(postgresql+psycopg://postgres@127.0.0.1:5432/test), in a schema of its own.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from floorapp import create_app  # noqa: E402
from floorapp.extensions import db  # noqa: E402
from floorapp.models import HelpRequest, Role, Store, User, Zone  # noqa: E402

PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway database)
ZONES = ("Women's Shoes", "Men's Shoes", "Kids", "Fitting Rooms", "Apparel")
TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
ASSOCIATES = 8
END = date(2026, 11, 1)  # the last day of history: a fall-back DST day in the US
TARGET_MS = 300
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SQLITE_PATH = Path("/tmp/floorapp-bench-dashboard.sqlite3")  # noqa: S108


def say(line: str = "") -> None:
    """Print a line of the report at once (the build takes a while)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def database_url(backend: str, scale: str) -> str:
    """Return the bench database URL for a backend, one database (or schema) per scale."""
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_PATH.with_stem(SQLITE_PATH.stem + '-' + scale)}"
    base = make_url(os.environ.get("FLOORAPP_BENCH_DATABASE_URL") or PG_URL)
    schema = f"bench_dashboard_{scale}"
    with db_engine(base.render_as_string(hide_password=False)) as engine, engine.begin() as c:
        c.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


class db_engine:  # noqa: N801  (a tiny context manager)
    """A throwaway engine for set-up statements outside the app."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(url)

    def __enter__(self):
        return self.engine

    def __exit__(self, *exc_info):
        self.engine.dispose()


def build(app, *, requests: int, stores: int, days: int, seed: int) -> None:
    """Create the stores, people and history unless the database has them already."""
    with app.app_context():
        flask_migrate.upgrade()
        have = db.session.scalar(select(func.count()).select_from(HelpRequest))
        if have == requests:
            say(f"  reusing {have:,} requests")
            return
        if have:
            raise SystemExit(f"The bench database has {have:,} requests, not {requests:,}: "
                             "delete it (or its schema) first.")
        started = time.perf_counter()
        plan = _people_and_places(stores)
        rows, feedback = _history(plan, requests=requests, days=days, seed=seed)
        _bulk_insert(rows, feedback)
        say(f"  built {requests:,} requests in {time.perf_counter() - started:.0f} s")



def _people_and_places(stores: int) -> list[dict]:
    password_hash = generate_password_hash(PASSWORD)
    db.session.add(User(login="bench.admin", name="Bench Admin", role=Role.ADMIN,
                        password_hash=password_hash))
    plan = []
    for number in range(stores):
        store = Store(code=f"B{number:03d}", name=f"Bench store {number}",
                      timezone=TIMEZONES[number % len(TIMEZONES)])
        store.zones = [Zone(name=name) for name in ZONES]
        people = [User(login=f"b{number:03d}.manager", name=f"Manager {number}",
                       role=Role.MANAGER, home_store=store, password_hash=password_hash)]
        people += [User(login=f"b{number:03d}.a{n}", name=f"Associate {number}-{n}",
                        home_store=store, password_hash=password_hash)
                   for n in range(ASSOCIATES)]
        db.session.add_all([store, *people])
        plan.append({"store": store, "people": people[1:]})
    db.session.commit()
    return [{"store_id": p["store"].id, "zones": [z.id for z in p["store"].zones],
             "people": [u.id for u in p["people"]]} for p in plan]


def _history(plan, *, requests: int, days: int, seed: int):
    """Return help_requests and feedback rows: busy afternoons, some walk-aways."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, reproducible)
    first = datetime.combine(END - timedelta(days=days - 1), datetime.min.time(), UTC)
    rows, feedback = [], []
    for number in range(1, requests + 1):
        place = plan[number % len(plan)]
        # Open hours 14:00–02:00 UTC (morning to evening in US time), busiest mid-day.
        at = first + timedelta(days=rng.randrange(days),
                               seconds=14 * 3600 + rng.triangular(0, 12 * 3600, 6 * 3600))
        rows.append(_request_row(rng, number, place, at))
        if rows[-1][11] == "resolved" and rng.random() < 0.15:
            feedback.append((number, number, rng.randint(1, 5),
                             "Thanks!" if rng.random() < 0.2 else "", at))
    return rows, feedback


def _request_row(rng, number: int, place: dict, at: datetime) -> tuple:
    ack = at + timedelta(seconds=rng.expovariate(1 / 50))
    reach = ack + timedelta(seconds=rng.expovariate(1 / 90))
    status, outcome, closed, person = "resolved", "helped", None, rng.choice(place["people"])
    roll = rng.random()
    if roll < 0.08:
        status, ack, reach, person, outcome = "cancelled", None, None, None, None
        closed = at + timedelta(seconds=rng.expovariate(1 / 240))
    elif roll < 0.11:
        status, ack, reach, person, outcome = "expired", None, None, None, None
        closed = at + timedelta(minutes=15)
    resolved = reach + timedelta(seconds=rng.expovariate(1 / 400)) if reach else None
    return (number, place["store_id"], rng.choice(place["zones"]), f"bench-{number}",
            "find_size", "", "", "", "en", 0, at, status, ack, reach, resolved, closed,
            person, outcome)


COLUMNS = ("id", "store_id", "zone_id", "public_token", "need", "product_query", "size_label",
           "note", "language", "escalation_level", "requested_at", "status",
           "acknowledged_at", "reached_at", "resolved_at", "closed_at", "claimed_by_id",
           "outcome")


def _bulk_insert(rows, feedback) -> None:
    # Column order of COLUMNS; status sits at index 11.
    connection = db.session.connection().connection.driver_connection
    if db.engine.dialect.name == "postgresql":
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY help_requests ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cursor.copy("COPY feedback (id, request_id, rating, comment, created_at) "
                             "FROM STDIN") as copy:
                for row in feedback:
                    copy.write_row(row)
            cursor.execute("SELECT setval('help_requests_id_seq', %s)", (len(rows),))
        db.session.commit()
        # What autovacuum would do soon after: statistics, and the visibility map that
        # lets the covering index answer without visiting the table.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE help_requests"))
            c.execute(text("VACUUM ANALYZE feedback"))
        return
    naive = [tuple(_sqlite_value(v) for v in row) for row in rows]
    marks = ", ".join("?" * len(COLUMNS))
    insert = f"INSERT INTO help_requests ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
    connection.executemany(insert, naive)
    connection.executemany("INSERT INTO feedback (id, request_id, rating, comment, created_at) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [tuple(_sqlite_value(v) for v in row) for row in feedback])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _sqlite_value(value):
    # SQLAlchemy keeps SQLite timestamps as naive UTC text with microseconds.
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return value


def measure(app, *, rounds: int) -> dict:
    """Time the three responses for one store's last 30 days; return p50/p99 in ms."""
    client = app.test_client()
    response = client.post("/login", data={"login": "b007.manager", "password": PASSWORD})
    assert response.status_code == 302, "bench login failed"
    first, last = END - timedelta(days=29), END
    paths = {
        "dashboard page": f"/stores/B007/dashboard?range=custom&from={first}&to={last}",
        "metrics JSON": f"/api/v1/stores/B007/metrics?from={first}&to={last}",
        "requests CSV": f"/api/v1/stores/B007/requests.csv?from={first}&to={last}",
    }
    results = {}
    for name, path in paths.items():
        timings, cpu = [], []
        for number in range(rounds + 3):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if number >= 3:  # the first rounds warm caches and the connection pool
                timings.append(elapsed)
                cpu.append((time.process_time() - cpu_started) * 1000)
        timings.sort()
        results[name] = {"p50_ms": round(statistics.median(timings), 1),
                         "p99_ms": round(timings[max(0, round(0.99 * len(timings)) - 1)], 1),
                         "cpu_p50_ms": round(statistics.median(cpu), 1),
                         "bytes": len(response.data), "rounds": rounds}
    return results


def main() -> None:
    """Build the data and print the table (and write bench/results/dashboard.json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=2_000_000)
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="100,000 requests, 10 rounds")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds = 100_000, 10
    scale = f"{args.requests}-{args.stores}-{args.days}-{args.seed}"
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    report, load = {}, {}
    for backend in backends:
        say(f"{backend}: {args.requests:,} requests, {args.stores} stores, {args.days} days")
        app = create_app({"DATABASE_URL": database_url(backend, scale.replace("-", "_")),
                          "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute"})
        build(app, requests=args.requests, stores=args.stores, days=args.days, seed=args.seed)
        load[backend] = round(os.getloadavg()[0], 1)
        report[backend] = measure(app, rounds=args.rounds)
    _report(report, load)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(
        {"requests": args.requests, "stores": args.stores, "days": args.days,
         "target_ms": TARGET_MS, "cpus": os.cpu_count(), "load_average_1m": load,
         "results": report}, indent=2))


def _report(report: dict, load: dict) -> None:
    say(f"\n{'backend':<11} {'response':<15} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>8} "
        f"{'bytes':>9}  target p99 <= {TARGET_MS} ms")
    for backend, results in report.items():
        for name, figures in results.items():
            verdict = "met" if figures["p99_ms"] <= TARGET_MS else "MISSED"
            say(f"{backend:<11} {name:<15} {figures['p50_ms']:>8} {figures['p99_ms']:>8} "
                f"{figures['cpu_p50_ms']:>8} {figures['bytes']:>9}  {verdict}")
    say(f"1-minute load average when measuring: {load} on {os.cpu_count()} CPUs "
        "(a shared machine: compare with the load)")
    say("CPU ms: median CPU time of this process per response (the app, and SQLite "
        "in process; PostgreSQL's own work is not in it)")


if __name__ == "__main__":
    main()
