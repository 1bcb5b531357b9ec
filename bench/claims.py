"""Benchmark: 50 threads race to claim the same 1,000 requests; each must be claimed once.

    .venv/bin/python -m bench.claims [--database sqlite|postgresql] [--threads 50]
                                     [--requests 1000]

Every thread walks all the requests (in its own random order) and tries to claim each,
through the real service with real commits. Prints the wall time, the claims won, the
conflicts, any other error (e.g. "database is locked") and whether every request ended
with exactly one claimed event.
"""

import argparse
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from floorapp import create_app
from floorapp.errors import Conflict
from floorapp.extensions import db
from floorapp.models import Event, EventKind, HelpRequest, Status, User
from floorapp.services import help_queue
from tests import databases
from tests.services import test_help_queue_concurrency as stress


def race(app, store_id, user_ids, request_ids) -> tuple[Counter, float]:
    """Run the threads; return the outcome counts and the wall time."""
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def worker(user_id: int, seed: int) -> None:
        order = request_ids[:]
        random.Random(seed).shuffle(order)
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
            except Exception as error:  # noqa: BLE001  (e.g. the server's connection limit)
                with lock:
                    outcomes[f"thread could not start: {type(error).__name__}"] += len(order)
                return
            for request_id in order:
                try:
                    help_queue.claim(store_id, request_id, user)
                    result = "won"
                except Conflict:
                    result = "conflict"
                except Exception as error:  # noqa: BLE001  (counted and reported)
                    result = f"error: {type(error).__name__}: {str(error)[:60]}"
                db.session.rollback()
                with lock:
                    outcomes[result] += 1

    threads = [threading.Thread(target=worker, args=(uid, n)) for n, uid in enumerate(user_ids)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - start


def main() -> None:
    """Set up, race, check and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    stress.THREADS, stress.REQUESTS = args.threads, args.requests
    schema = databases.PostgresSchema() if args.database == "postgresql" else None
    url = schema.create() if schema else \
        f"sqlite:///{Path(tempfile.mkdtemp()) / 'claims.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS":
                      {"pool_size": args.threads + 2, "max_overflow": 0}})
    try:
        with app.app_context():
            db.create_all()
            store_id, user_ids, request_ids = stress._seed()
        outcomes, seconds = race(app, store_id, user_ids, request_ids)
        with app.app_context():
            claims = Counter(db.session.scalars(select(Event.request_id)
                                                .where(Event.kind == EventKind.CLAIMED)))
            claimed = db.session.scalar(select(db.func.count()).select_from(HelpRequest)
                                        .where(HelpRequest.status == Status.CLAIMED))
            db.engine.dispose()
    finally:
        if schema:
            schema.drop()
    once = all(claims[rid] == 1 for rid in request_ids)
    print(f"{args.database}: {args.threads} threads × {args.requests} requests in "
          f"{seconds:.1f} s ({sum(outcomes.values()) / seconds:.0f} attempts/s); "
          f"outcomes {dict(outcomes)}; {claimed} claimed; each claimed exactly once: {once}")


if __name__ == "__main__":
    main()
