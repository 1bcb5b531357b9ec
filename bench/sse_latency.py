"""Benchmark: submit → every open store stream receives the event (p50/p99), gunicorn + gevent.

    .venv/bin/python -m bench.sse_latency [--streams 500] [--submissions 100] [--workers 2]
                                          [--database postgresql|sqlite]

Starts gunicorn (gevent workers) on a migrated throwaway database (a PostgreSQL schema
or a SQLite file), opens N store streams as a logged-in associate, then posts
submissions one at a time and times, for every stream, the arrival of each event from
the moment its POST was sent.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import flask_migrate

from floorapp import create_app
from floorapp.extensions import db
from tests import databases
from tests.factories import make_sign, make_user
from tests.live.server import Gunicorn, log_in

PASSWORD = "correct-horse-battery"
REQUEST_ID = re.compile(rb'"request_id":(\d+)')
AT = re.compile(rb'"at":"([^"]+)"')
from_event: list[float] = []  # the event's own timestamp (taken in the POST) → arrival


def seed(url: str) -> dict:
    """Migrate the database and create a sign and an associate."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade()
        sign = make_sign()
        make_user(login="bench", name="Bench Associate", store=sign.zone.store)
        seeded = {"token": sign.token, "code": sign.zone.store.code}
        db.engine.dispose()
    return seeded


def workers_cpu_s(server: Gunicorn) -> float:
    """Return the CPU seconds (user + system) used so far by the gunicorn workers."""
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    total = 0.0
    for pid in children.read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def open_stream(port: int, path: str, cookie: str, arrivals: dict, ready: asyncio.Event,
                      opened: list) -> None:
    """Hold one SSE stream open; note when each request's `requested` event arrives."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            return
        if line.startswith(b": connected"):
            opened.append(1)
            ready.set()
        if line.startswith(b'data: {"id"') and b'"kind":"requested"' in line:
            arrived, wall = time.perf_counter(), time.time()  # before parsing: no client cost
            request_id = int(REQUEST_ID.search(line).group(1))
            arrivals.setdefault(request_id, []).append(arrived)
            recorded = datetime.fromisoformat(AT.search(line).group(1).decode()).timestamp()
            from_event.append((wall - recorded) * 1000)


async def post(port: int, path: str, body: str) -> int:
    """POST a form and return the created request's id."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"POST {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n{body}".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    return json.loads(raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")[1] if b"chunked" in raw
                      else raw.split(b"\r\n\r\n", 1)[1])["id"]


async def run(server: Gunicorn, seeded: dict, cookie: str, streams: int, submissions: int):
    """Open the streams, post the submissions, return the latencies in ms."""
    arrivals: dict[int, list[float]] = {}
    opened: list[int] = []
    ready = asyncio.Event()
    path = f"/api/v1/stores/{seeded['code']}/events"
    tasks = [asyncio.create_task(open_stream(server.port, path, cookie, arrivals, ready, opened))
             for _ in range(streams)]
    while len(opened) < streams:
        await asyncio.sleep(0.1)
    cpu_before = workers_cpu_s(server)
    sent: dict[int, float] = {}
    post_ms: list[float] = []
    for _ in range(submissions):
        start = time.perf_counter()
        request_id = await post(server.port, f"/api/v1/signs/{seeded['token']}/help-requests",
                                "need=find_size")
        sent[request_id] = start
        post_ms.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.05)
    await asyncio.sleep(2)
    cpu = workers_cpu_s(server) - cpu_before
    print(f"gunicorn workers' CPU: {cpu * 1000 / submissions:.1f} ms per submission "
          f"(the submit and its fan-out to {streams} streams)")
    for task in tasks:
        task.cancel()
    latencies = [(arrived - sent[rid]) * 1000 for rid, times in arrivals.items() if rid in sent
                 for arrived in times]
    missing = streams * submissions - len(latencies)
    post_cuts = statistics.quantiles(post_ms, n=100)
    print(f"POST itself: p50 {post_cuts[49]:.1f} ms, p99 {post_cuts[98]:.1f} ms")
    return latencies, missing


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    schema = None
    if args.database == "postgresql":
        schema = databases.PostgresSchema()
        url = schema.create()
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    try:
        seeded = seed(url)
        limits = {"SUBMIT_LIMIT_PER_ADDRESS": "100000 per minute",
                  "SUBMIT_LIMIT_PER_SIGN": "100000 per minute"}
        with Gunicorn(url, workers=args.workers, **limits) as server:
            cookie = log_in(server, "bench", PASSWORD)
            latencies, missing = asyncio.run(run(server, seeded, cookie, args.streams,
                                                 args.submissions))
    finally:
        if schema:
            schema.drop()
    cuts = statistics.quantiles(latencies, n=100)
    event_cuts = statistics.quantiles(from_event, n=100)
    print(f"event recorded→stream (excludes parsing the POST): p50 {event_cuts[49]:.1f} ms, "
          f"p99 {event_cuts[98]:.1f} ms")
    print(f"{args.database}, {args.workers} gevent workers, {args.streams} streams, "
          f"{args.submissions} submissions: {len(latencies)} deliveries, {missing} missing; "
          f"submit→stream p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms, "
          f"max {max(latencies):.1f} ms")


if __name__ == "__main__":
    main()
