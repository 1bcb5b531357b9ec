"""Claims: 50 logged-in associates race through the HTTP API to claim 1,000 requests.

The requests wait in one store. The claimers run in lanes of five: at each step the five
claimers of a lane POST /api/v1/help-requests/{id}/claim for the same request at once
(session cookie, X-CSRFToken, a fresh Idempotency-Key), so every request is contested.
Afterwards the database is checked: each request must have exactly one `claimed` event.
"""

import random
import threading
import time
from collections import Counter

from sqlalchemy import func, select

from bench.data import database, say
from bench.http import log_in
from bench.report import Report, Result
from bench.serve import floorapp
from bench.settings import Settings
from bench.setup import PASSWORD, app_for, bench_store, waiting_requests

CONTENDERS = 5  # claimers racing for each request


def claimer(browser, plan: list[int], outcomes: Counter, lock: threading.Lock,
            start: threading.Barrier) -> None:
    """Try to claim each request of `plan`; count 200s, 409s and anything else."""
    start.wait()
    for request_id in plan:
        status, _ = browser.post_json(f"/api/v1/help-requests/{request_id}/claim", {},
                                      {"Idempotency-Key": f"claim-{time.time_ns()}"})
        with lock:
            outcomes[status] += 1
            if status == 200:
                outcomes[("won", request_id)] += 1


def plans(ids: list[int], claimers: int, *, seed: int) -> list[list[int]]:
    """Split the requests into lanes; the claimers of a lane share the lane's order."""
    lanes = max(1, claimers // CONTENDERS)
    order = ids[:]
    random.Random(seed).shuffle(order)
    return [order[claimer % lanes::lanes] for claimer in range(claimers)]


def double_claims(url: str, ids: list[int]) -> tuple[int, int]:
    """Return (requests with more than one claimed event, requests never claimed)."""
    from floorapp.extensions import db
    from floorapp.models import Event, EventKind

    app = app_for(url)
    with app.app_context():
        counts = dict(db.session.execute(
            select(Event.request_id, func.count()).where(Event.kind == EventKind.CLAIMED)
            .group_by(Event.request_id)).all())
        db.engine.dispose()
    return (sum(1 for n in counts.values() if n > 1),
            sum(1 for request_id in ids if request_id not in counts))


def run(settings: Settings, report: Report) -> None:
    """Measure claims per second and count double claims on each backend."""
    for backend in settings.backends:
        with database(backend) as url:
            seeded = bench_store(url, associates=settings.claimers)
            ids = waiting_requests(url, seeded["signs"], settings.claim_requests,
                                   seed=settings.seed)
            with floorapp(url) as base:
                browsers = [log_in(base, f"bench.a{n}", PASSWORD)
                            for n in range(1, settings.claimers + 1)]
                say(f"claims on {backend}: {len(browsers)} claimers, {len(ids)} requests")
                outcomes, seconds = _race(browsers, plans(ids, len(browsers),
                                                          seed=settings.seed))
            doubled, unclaimed = double_claims(url, ids)
        _add(report, backend, outcomes, seconds, doubled, unclaimed, len(ids))


def _race(browsers, claim_plans) -> tuple[Counter, float]:
    outcomes, lock = Counter(), threading.Lock()
    start = threading.Barrier(len(browsers) + 1)
    threads = [threading.Thread(target=claimer, args=(b, p, outcomes, lock, start),
                                daemon=True)
               for b, p in zip(browsers, claim_plans, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


def _add(report, backend, outcomes, seconds, doubled, unclaimed, total) -> None:
    name = f"claims {backend}"
    won = outcomes[200]
    answered_twice = sum(1 for key, n in outcomes.items() if isinstance(key, tuple) and n > 1)
    others = {k: v for k, v in outcomes.items() if isinstance(k, int) and k not in (200, 409)}
    report.add(Result(name, f"claims won per second ({total} requests)", won / seconds,
                      "claims/s", note=f"{won} won, {outcomes[409]} refused (409) in "
                      f"{seconds:.1f} s" + (f"; {unclaimed} never claimed" if unclaimed else "")))
    report.add(Result(name, "double claims (event log + 200 answers)", doubled + answered_twice,
                      "", target="0", met=doubled + answered_twice == 0))
    report.add(Result(name, "answers other than 200/409", sum(others.values()), "",
                      target="0", met=not others, note=str(others) if others else ""))
