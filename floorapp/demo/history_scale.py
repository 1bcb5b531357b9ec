"""History at benchmark scale: many stores, millions of requests, built as fast as we can.

`scale_history` makes the benchmark stores it needs (BENCH-001, BENCH-002, … with zones,
a sign per zone, associates and a manager) and gives every store without history its
share of the requests, one transaction per store, through the same simulation and bulk
writer as the demo. Re-running it skips stores that already have history.
"""

import time
from dataclasses import dataclass

from sqlalchemy import select

from floorapp.demo.history import generate_history
from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import HelpRequest, Role, Sign, Store, User, Zone
from floorapp.services.core.transactions import writes
from floorapp.services.org.signs import new_sign_token
from floorapp.services.org.stores import store_by_code

BENCH_ZONES = ("Women's Shoes", "Men's Shoes", "Kids", "Fitting Rooms", "Apparel")
BENCH_TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver",
                   "America/Los_Angeles", "America/Phoenix", "Pacific/Honolulu")
BENCH_ASSOCIATES = 6
MAX_STORES = 999
MAX_REQUESTS = 50_000_000


@dataclass
class ScaleReport:
    """What a scale run did and how long it took."""

    stores_created: int = 0
    stores_filled: int = 0
    stores_skipped: int = 0
    requests: int = 0
    events: int = 0
    feedback: int = 0
    seconds: float = 0.0


def bench_code(number: int) -> str:
    """Return the code of the benchmark store `number` (1-based)."""
    return f"BENCH-{number:03d}"


def scale_history(*, stores: int, requests: int, seed: int, days: int, password_hash: str,
                  progress=None) -> ScaleReport:
    """Spread about `requests` help requests over `stores` benchmark stores and `days` days."""
    if not 1 <= stores <= MAX_STORES:
        raise InvalidInput(f"Use 1 to {MAX_STORES} stores.")
    if not stores <= requests <= MAX_REQUESTS:
        raise InvalidInput(f"Use at least one request per store and at most {MAX_REQUESTS}.")
    started = time.perf_counter()
    report = ScaleReport(stores_created=ensure_bench_stores(stores, password_hash))
    for number in range(1, stores + 1):
        store = store_by_code(bench_code(number))
        if db.session.scalar(select(HelpRequest.id).where(HelpRequest.store_id == store.id)
                             .limit(1)) is not None:
            report.stores_skipped += 1
            continue
        share = requests // stores + (number <= requests % stores)
        written = generate_history(store, days=days, seed=seed, requests=share)
        report.stores_filled += 1
        report.requests += written.requests
        report.events += written.events
        report.feedback += written.feedback
        if progress:
            progress(store.code, written, time.perf_counter() - started)
    report.seconds = time.perf_counter() - started
    return report


@writes
def ensure_bench_stores(count: int, password_hash: str) -> int:
    """Create the benchmark stores 1..count that are missing; return how many were made."""
    existing = set(db.session.scalars(select(Store.code).where(Store.code.like("BENCH-%"))))
    created = 0
    for number in range(1, count + 1):
        code = bench_code(number)
        if code in existing:
            continue
        _add_bench_store(number, code, password_hash)
        created += 1
    db.session.commit()
    return created


def _add_bench_store(number: int, code: str, password_hash: str) -> None:
    store = Store(code=code, name=f"Benchmark store {number}",
                  timezone=BENCH_TIMEZONES[number % len(BENCH_TIMEZONES)])
    store.zones = [Zone(name=name) for name in BENCH_ZONES]
    db.session.add(store)
    for zone in store.zones:
        db.session.add(Sign(zone=zone, token=new_sign_token(), label=""))
    prefix = code.lower().replace("-", "")
    db.session.add(User(login=f"{prefix}.manager", name=f"Manager {number}", role=Role.MANAGER,
                        home_store=store, password_hash=password_hash))
    for person in range(1, BENCH_ASSOCIATES + 1):
        db.session.add(User(login=f"{prefix}.associate{person}",
                            name=f"Associate {person}-{number}", role=Role.ASSOCIATE,
                            home_store=store, password_hash=password_hash))
