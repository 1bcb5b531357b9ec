"""Push latency: N open store streams (SSE), then submissions; 201 → event on every stream.

An asyncio client with raw sockets holds the streams as a logged-in associate (gunicorn's
gevent workers share them); submissions go one at a time through the public API, and
each stream's arrival of the `requested` event is timed from that POST's 201.
"""

import asyncio
import json
import re
import time

from bench import load
from bench.data import database, say
from bench.http import log_in
from bench.report import Report, Result
from bench.serve import floorapp
from bench.settings import Settings
from bench.setup import PASSWORD, bench_store

REQUEST_ID = re.compile(rb'"request_id":\s*(\d+)')
P99_TARGET_MS = 100.0
WORKERS = 2


async def hold_stream(port: int, path: str, cookie: str, arrivals: dict, opened: list) -> None:
    """Hold one SSE stream open; note when each request's `requested` event arrives."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**20)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    try:
        while line := await reader.readline():
            if line.startswith(b": connected"):
                opened.append(1)
            elif line.startswith(b"data:") and b'"requested"' in line:
                arrived = time.perf_counter()  # before parsing: the client's cost is not counted
                found = REQUEST_ID.search(line)
                if found:
                    arrivals.setdefault(int(found.group(1)), []).append(arrived)
    finally:
        writer.close()


async def submit(port: int, token: str, key: str) -> tuple[int, float]:
    """POST one help request as a phone does; return its id and when its 201 was read."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"need": "find_size"})
    writer.write(f"POST /api/v1/signs/{token}/help-requests HTTP/1.1\r\nHost: bench\r\n"
                 "Connection: close\r\nContent-Type: application/json\r\n"
                 f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode())
    await writer.drain()
    raw = await reader.read()
    answered = time.perf_counter()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    if b" 201 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"submission answered {head.split(b' ', 2)[1].decode()}")
    return int(re.search(rb'"id":\s*(\d+)', payload).group(1)), answered


async def measure(port: int, seeded: dict, cookie: str, settings: Settings):
    """Open the streams, post the submissions; return latencies (ms) and missing deliveries."""
    arrivals: dict[int, list[float]] = {}
    opened: list[int] = []
    path = f"/api/v1/stores/{seeded['code']}/events"
    tasks = [asyncio.create_task(hold_stream(port, path, cookie, arrivals, opened))
             for _ in range(settings.streams)]
    deadline = time.monotonic() + 60
    while len(opened) < settings.streams and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    answered: dict[int, float] = {}
    for number in range(settings.submissions):
        request_id, at = await submit(port, seeded["signs"][number % len(seeded["signs"])],
                                      f"push-{time.time_ns()}-{number}")
        answered[request_id] = at
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [(arrived - answered[rid]) * 1000 for rid, times in arrivals.items()
                 if rid in answered for arrived in times]
    return latencies, len(opened), settings.streams * settings.submissions - len(latencies)


def run(settings: Settings, report: Report) -> None:
    """Measure push latency on each backend."""
    for backend in settings.backends:
        with database(backend) as url:
            seeded = bench_store(url)
            with floorapp(url, workers=WORKERS) as base:
                cookie = log_in(base, "bench.a1", PASSWORD).cookie
                say(f"push on {backend}: {settings.streams} streams over {WORKERS} workers")
                latencies, opened, missing = asyncio.run(
                    measure(int(base.rsplit(":", 1)[1]), seeded, cookie, settings))
        _add(report, backend, settings, latencies, opened, missing)


def _add(report, backend, settings, latencies, opened, missing) -> None:
    name = f"push {backend}"
    if not latencies:
        report.add(Result(name, "201 → event on every stream", None, "ms", met=False,
                          note=f"no event arrived ({opened} streams opened)"))
        return
    note = (f"{opened}/{settings.streams} streams open, {settings.submissions} submissions, "
            f"{missing} deliveries missing")
    p99 = load.percentile(latencies, 99)
    report.add(Result(name, "201 → event, p50", load.percentile(latencies, 50), "ms", note=note))
    report.add(Result(name, f"201 → event, p99 at {settings.streams} streams", p99, "ms",
                      target=f"≤ {P99_TARGET_MS:g} ms",
                      met=p99 <= P99_TARGET_MS and not missing and opened == settings.streams))
    report.add(Result(name, "201 → event, max", max(latencies), "ms"))
