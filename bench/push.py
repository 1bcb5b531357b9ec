"""Push latency: N open store streams (SSE), then submissions; each event timed on every stream.

The streams are held by a logged-in associate in a process of their own
(bench/push_readers.py, one epoll loop), spread by the kernel over gunicorn's gevent
workers; this process posts the submissions one at a time through the public API,
each on a fresh connection as a phone does. Both stamp with the same system-wide
monotonic clock (CLOCK_MONOTONIC), so times taken in either process compare.

What is timed, per submission and stream: from the moment the POST was sent to the
moment the stream's reader has the event (`sent → event`, the figure held to the
target, never negative). The 201 is not a usable start: the event is committed (and
NOTIFYd) before the response is written, so a stream on the other worker can get it
before the submitter gets its 201; how often that happened is reported, with the
POST's own round trip (`sent → 201`). Also reported: deliveries missing or doubled,
the server workers' CPU per submission (its fan-out to every stream included), the
load generator's own CPU, and the load average while measuring.
"""

import json
import multiprocessing
import os
import re
import socket
import time
from collections import Counter

from bench import load, push_readers
from bench.data import database, say
from bench.http import log_in
from bench.report import Report, Result
from bench.serve import floorapp, sign_pass
from bench.server import connections_per_process, workers_cpu_s
from bench.settings import Settings
from bench.setup import PASSWORD, bench_store

P99_TARGET_MS = 100.0
WORKERS = 2
SPACING_S = 0.1  # between submissions: each one's fan-out is measured on its own
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)


def submit(port: int, token: str, key: str, forwarded_for: str = "") -> tuple[int, int, int]:
    """POST one help request (from `forwarded_for` behind a proxy, if given); return its id,
    when it was sent and when its 201 was read (ns)."""
    body = json.dumps({"need": "find_size",
                       "sign_pass": sign_pass(f"http://127.0.0.1:{port}", token)}).encode()
    request = (f"POST /api/v1/signs/{token}/help-requests HTTP/1.1\r\nHost: bench\r\n"
               + (f"X-Forwarded-For: {forwarded_for}\r\n" if forwarded_for else "")
               + "Connection: close\r\nContent-Type: application/json\r\n"
               f"Idempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sent = time.monotonic_ns()
        sock.sendall(request)
        head, payload = _response(sock)
        answered = time.monotonic_ns()
    status = head.split(b" ", 2)[1]
    if status != b"201":
        raise RuntimeError(f"submission answered {status.decode()}: {payload[:200]!r}")
    return int(re.search(rb'"id":\s*(\d+)', payload).group(1)), sent, answered


def _response(sock: socket.socket) -> tuple[bytes, bytes]:
    """Read one response: up to the end of its Content-Length body, not the connection's."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        raw += _recv(sock)
    head, _, payload = raw.partition(b"\r\n\r\n")
    length = CONTENT_LENGTH.search(head)
    while length and len(payload) < int(length.group(1)):
        payload += _recv(sock)
    return head, payload


def _recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise RuntimeError("the server closed the connection before a whole response")
    return chunk


def measure(base, seeded: dict, cookie: str, settings: Settings) -> dict:
    """Open the streams in a reader process, post the submissions; return what was seen."""
    port = int(base.rsplit(":", 1)[1])
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, no inherited state
    pipe, child_end = context.Pipe()
    stream = (port, f"/api/v1/stores/{seeded['code']}/events", cookie)
    readers = context.Process(target=push_readers.serve, daemon=True,
                              args=([stream] * settings.streams, child_end))
    readers.start()
    try:
        wait_for(pipe, readers)
        _, opened = pipe.recv()
        split = connections_per_process(port)
        server_cpu, own_cpu, loads = workers_cpu_s(base.pid), time.process_time(), []
        submitted = {}
        for number in range(settings.submissions):
            request_id, sent, answered = submit(
                port, seeded["signs"][number % len(seeded["signs"])],
                f"push-{time.time_ns()}-{number}")
            submitted[request_id] = (sent, answered)
            loads.append(os.getloadavg()[0])
            time.sleep(SPACING_S)
        own_cpu = time.process_time() - own_cpu
        pipe.send(("expect", set(submitted)))  # the readers wait for the last deliveries
        _, arrivals, reader_cpu, reader_wall, longest_batch_ms, closed = pipe.recv()
        time.sleep(0.2)  # the workers' last writes (a missing delivery waited 3 s)
        server_cpu = workers_cpu_s(base.pid) - server_cpu
    finally:
        readers.join(10)
        if readers.is_alive():
            readers.kill()
    return {"opened": opened, "submitted": submitted, "arrivals": arrivals,
            "server_cpu_ms": server_cpu * 1000 / settings.submissions,
            "reader_cpu_share": reader_cpu / reader_wall, "submitter_cpu_s": own_cpu,
            "longest_batch_ms": longest_batch_ms, "closed": closed, "load": max(loads),
            "split": split}


def wait_for(pipe, readers, timeout_s: float = 90) -> None:
    """Wait for the readers' next message, or fail if they stopped or took too long."""
    deadline = time.monotonic() + timeout_s
    while not pipe.poll(1):
        if not readers.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the stream readers stopped (exit code {readers.exitcode}) "
                               "or did not report in time")


def figures(seen: dict, streams: int) -> dict:
    """Turn raw stamps into latencies (ms) and delivery counts."""
    submitted = seen["submitted"]
    per_stream = Counter((rid, fd) for rid, fd, _ in seen["arrivals"] if rid in submitted)
    first = {}
    for rid, fd, at in seen["arrivals"]:
        if rid in submitted:
            first.setdefault((rid, fd), at)
    from_sent = [(at - submitted[rid][0]) / 1e6 for (rid, _), at in first.items()]
    ahead = sum(1 for (rid, _), at in first.items() if at < submitted[rid][1])
    round_trips = [(answered - sent) / 1e6 for sent, answered in submitted.values()]
    return {"from_sent": from_sent, "ahead": ahead, "round_trips": round_trips,
            "missing": streams * len(submitted) - len(first),
            "doubled": sum(per_stream.values()) - len(per_stream)}


def stream_caps(streams: int) -> dict[str, str]:
    """Return the settings that let one login hold `streams` streams from one address.

    The production caps (4 per login session, 200 staff streams per address) would refuse
    all but 4: this scenario measures the fan-out, not how handhelds are spread over
    sessions (the fleet scenario holds one stream per session)."""
    return {"FLOORAPP_STREAMS_PER_SESSION": str(streams),
            "FLOORAPP_STAFF_STREAMS_PER_ADDRESS": str(streams)}


def run(settings: Settings, report: Report) -> None:
    """Measure push latency on each backend."""
    for backend in settings.backends:
        with database(backend) as url:
            seeded = bench_store(url)
            with floorapp(url, workers=WORKERS, env=stream_caps(settings.streams)) as base:
                cookie = log_in(base, "bench.a1", PASSWORD).cookie
                say(f"push on {backend}: {settings.streams} streams over {WORKERS} workers, "
                    "one login holding them all (its per-session and per-address stream "
                    "caps raised for the bench server)")
                seen = measure(base, seeded, cookie, settings)
        _add(report, f"push {backend}", settings, seen, figures(seen, settings.streams))


def _add(report: Report, name: str, settings: Settings, seen: dict, got: dict) -> None:
    latencies = got["from_sent"]
    if not latencies:
        report.add(Result(name, "sent → event on every stream", None, "ms", met=False,
                          note=f"no event arrived ({seen['opened']} streams opened)"))
        return
    p99 = load.percentile(latencies, 99)
    complete = not got["missing"] and not got["doubled"] and seen["opened"] == settings.streams
    report.add(Result(name, "sent → event, p50", load.percentile(latencies, 50), "ms", note=(
        f"{seen['opened']}/{settings.streams} streams open, {len(seen['submitted'])} "
        f"submissions, {got['missing']} deliveries missing, {got['doubled']} doubled, "
        f"{seen['closed']} streams ended by the server; load average ≤ {seen['load']:.2f}")))
    report.add(Result(name, f"sent → event, p99 at {settings.streams} streams", p99, "ms",
                      target=f"≤ {P99_TARGET_MS:g} ms", met=p99 <= P99_TARGET_MS and complete,
                      note="from the POST being sent: an event can beat its own 201"))
    report.add(Result(name, "sent → event, max", max(latencies), "ms"))
    report.add(Result(name, "sent → 201 (the POST), p99", load.percentile(
        got["round_trips"], 99), "ms", note=(
        f"p50 {load.percentile(got['round_trips'], 50):.2f} ms; {got['ahead']} of "
        f"{len(latencies)} deliveries reached their stream before the 201 reached the client")))
    report.add(Result(name, "server workers' CPU per submission", seen["server_cpu_ms"], "ms",
                      note=(f"the submit and its fan-out to {seen['opened']} streams, held "
                            f"{'/'.join(map(str, seen['split']))} by the workers")))
    report.add(Result(name, "load generator's CPU", seen["reader_cpu_share"] * 100, "% core",
                      note=(f"stream readers; longest batch after one wake-up "
                            f"{seen['longest_batch_ms']:.2f} ms; submitter "
                            f"{seen['submitter_cpu_s']:.2f} s CPU in all")))
