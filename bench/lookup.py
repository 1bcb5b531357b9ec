"""Server time of a lookup: search and product/size grid, one client, p50/p99.

Run against a database holding the scale catalog:

    FLOORAPP_DATABASE_URL=sqlite:////tmp/scale.sqlite3 .venv/bin/flask --app floorapp db upgrade
    FLOORAPP_DATABASE_URL=… .venv/bin/flask --app floorapp catalog scale --styles 50000 --seed 1
    FLOORAPP_DATABASE_URL=… .venv/bin/python -m bench.lookup [--requests 2000] [--json out.json]

"Server time" is the time the app takes to answer inside the process (the WSGI
call through Flask's test client: routing, session, auth, query, rendering or
JSON), without the network or an HTTP server. The whole-stack throughput against
a real gunicorn is issue 8's benchmark command.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time

from flask import Flask
from sqlalchemy import func, select

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Product, Role, Store, User, Variant
from floorapp.services import catalog, size_grid, users

PASSWORD = "bench-password-123"
TARGET_P99_MS = 10.0


def main() -> int:
    """Measure and print the table; exit 1 if the catalog is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", dest="json_path")
    options = parser.parse_args()
    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        workload = _workload(random.Random(options.seed), options.requests)
        if workload is None:
            print("No scale catalog here: run `flask catalog scale` first.", file=sys.stderr)
            return 1
        backend, variants = db.engine.dialect.name, workload.pop("variants")
    client = app.test_client()
    client.post("/login", data={"login": "bench.associate", "password": PASSWORD})
    call = _caller(app, client)
    results = {"hello world (baseline)": _measure(_hello_world(), ["/"] * options.requests)}
    results |= {name: _measure(call, items) for name, items in workload.items()}
    _print(backend, variants, results)
    if options.json_path:
        with open(options.json_path, "w") as handle:  # noqa: PTH123
            json.dump({"backend": backend, "variants": variants, "results": results}, handle,
                      indent=2)
    return 0


def _workload(rng: random.Random, count: int) -> dict | None:
    variants = db.session.scalar(select(func.count()).select_from(Variant))
    if not variants:
        return None
    store = db.session.scalar(select(Store).order_by(Store.id))
    _bench_user(store)
    sample = db.session.execute(select(Product.id, Product.brand, Product.name, Product.style)
                                .order_by(func.random()).limit(500)).all()
    codes = db.session.execute(select(Variant.sku, Variant.upc)
                               .order_by(func.random()).limit(200)).all()
    queries = []
    for _ in range(count):
        row, code = rng.choice(sample), rng.choice(codes)
        word = rng.choice(row.name.split())
        queries.append(rng.choice([
            f"{row.brand} {word}", word[:4], row.style, code.sku, code.upc,
            f"{row.name}", row.style[:5], row.brand.split()[0][:5]]))
    products = [rng.choice(sample).id for _ in range(count)]
    prefix = f"/stores/{store.code}"
    return {
        "variants": variants,
        "api search": [f"/api/v1/products?q={q}&limit=20" for q in queries],
        "page search results": [f"{prefix}/lookup/results?q={q}" for q in queries],
        "api product + stock": [f"/api/v1/products/{p}" for p in products],
        "page size grid": [f"{prefix}/products/{p}" for p in products],
        "core search statement": [("search", q) for q in queries],
        "core grid statement": [("grid", p) for p in products],
    }


def _bench_user(store: Store) -> None:
    if db.session.scalar(select(User.id).where(User.login == "bench.associate")) is None:
        users.create_user(login="bench.associate", name="Bench Associate", password=PASSWORD,
                          role=Role.ASSOCIATE, store_code=store.code)


def _hello_world():
    """Return a caller of a minimal Flask app: the noise floor of this machine, this run."""
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")
    client = hello.test_client()
    return lambda url: client.get(url).status_code


def _caller(app, client):
    """Return a function doing one request (a URL) or one service call (a tuple)."""
    with app.app_context():
        store_id = db.session.scalar(select(Store.id).order_by(Store.id))

    def call(item) -> int:
        if isinstance(item, str):
            return client.get(item).status_code
        kind, argument = item
        with app.app_context():
            if kind == "search":
                catalog.search_products(argument, limit=20)
            else:
                size_grid.product_view(argument, db.session.get(Store, store_id))
        return 200

    return call


def _measure(call, urls: list) -> dict:
    for url in urls[:100]:  # warm the caches and the statement cache
        call(url)
    times, cpu, statuses = [], [], set()
    for url in urls:
        started, started_cpu = time.perf_counter(), time.thread_time()
        status = call(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        statuses.add(status)
    times.sort()
    cpu.sort()
    p99 = int(len(times) * 0.99) - 1
    return {"requests": len(times), "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(times[p99], 3), "max_ms": round(times[-1], 3),
            "cpu_p50_ms": round(statistics.median(cpu), 3), "cpu_p99_ms": round(cpu[p99], 3),
            "statuses": sorted(statuses), "p99_target_met": times[p99] <= TARGET_P99_MS}


def _print(backend: str, variants: int, results: dict) -> None:
    print(f"Lookup server time, one client, {backend}, {variants:,} variants")
    print(f"{'operation':<22}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'cpu p50':>9}"
          f"{'cpu p99':>9}  statuses  p99 ≤ 10 ms")
    for name, figures in results.items():
        verdict = "met" if figures["p99_target_met"] else "MISSED"
        print(f"{name:<22}{figures['p50_ms']:>9.2f}{figures['p99_ms']:>9.2f}"
              f"{figures['max_ms']:>9.2f}{figures['cpu_p50_ms']:>9.2f}"
              f"{figures['cpu_p99_ms']:>9.2f}  {figures['statuses']}  {verdict}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times include waiting for the CPU; cpu columns do not)")


if __name__ == "__main__":
    sys.exit(main())
