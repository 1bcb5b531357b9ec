"""The fleet's load: arrivals, claims and resolves, and lookups, as open-loop clients.

Open loop: each action starts at its own Poisson-drawn moment whatever the server's
answers are doing (a closed loop would slow down with the server and hide a queue).
Each action runs on a pool thread, on a fresh connection, and alternates between the
two servers. Submissions (with their store's claim, arrival and resolve a few seconds
later, by one of its associates) run in the scenario's own process; lookups in a
process of their own, so neither's Python work delays the other's clock.
"""

import http.client
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.push import submit

# A store's moves after each arrival, compressed from minutes (the demo history's
# notice, walk and help) to seconds, so that a step's own requests are all served in it.
CLAIM_AFTER_S = (0.3, 1.0)
ARRIVE_AFTER_S = (0.2, 0.5)
RESOLVE_AFTER_S = (0.3, 1.0)


def poisson_times(rate: float, seconds: float, rng: random.Random) -> list[float]:
    """Return the offsets (s) of a Poisson process of `rate` per second over `seconds`."""
    times, at = [], rng.expovariate(rate) if rate > 0 else seconds
    while at < seconds:
        times.append(at)
        at += rng.expovariate(rate)
    return times


def open_loop(times: list[float], job, *, threads: int) -> float:
    """Run `job(number)` at each offset of `times`; return the latest start, late by (ms)."""
    started, latest = time.monotonic(), 0.0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for number, offset in enumerate(times):
            wait = started + offset - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            latest = max(latest, -wait * 1000)
            pool.submit(job, number)
    return latest


def request(port: int, method: str, path: str, cookie: str = "",
            headers: dict[str, str] | None = None, body: dict | None = None,
            answer: list | None = None) -> tuple[int, float]:
    """Send one request on a fresh connection; return its status and time taken (ms).

    `answer`, if given, gets the start of the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Cookie": cookie, **(headers or {})} if cookie else dict(headers or {})
    payload = None if body is None else json.dumps(body).encode()
    if payload is not None:
        sent["Content-Type"] = "application/json"
    started = time.perf_counter()
    try:
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        data = response.read()
        if answer is not None:
            answer.append(data[:120])
        return response.status, (time.perf_counter() - started) * 1000
    except OSError:
        return 0, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


class Arrivals:
    """Customers arriving at random stores' signs, and each store's associate serving them."""

    def __init__(self, ports: list[int], fleet: list[dict], seed: int):
        self.ports, self.fleet, self.rng = ports, fleet, random.Random(seed)
        self.lock = threading.Lock()
        self.submitted: dict[int, tuple[int, int, int, int]] = {}  # id: store, server, sent, 201
        self.outcomes: dict[str, int] = {}  # "claim: 200", "submission: …"
        self.moves = ThreadPoolExecutor(max_workers=64)

    def submit(self, number: int) -> None:
        """POST one help request through server `number` % 2; then serve it later."""
        with self.lock:
            store = self.rng.randrange(len(self.fleet))
            sign = self.rng.choice(self.fleet[store]["signs"])
        server = number % len(self.ports)
        try:
            request_id, sent, answered = submit(self.ports[server], sign,
                                                f"fleet-{time.time_ns()}-{number}",
                                                self.fleet[store]["address"])
        except (RuntimeError, OSError) as error:
            self._count(f"submission: {str(error)[:60]}")
            return
        with self.lock:
            self.submitted[request_id] = (store, server, sent, answered)
        self.moves.submit(self._serve, request_id, store, number)

    def _serve(self, request_id: int, store: int, number: int) -> None:
        """Claim, arrive and resolve as one of the store's associates, on either server."""
        rng = random.Random(request_id)
        cookie, csrf = rng.choice(self.fleet[store]["handhelds"])
        port = self.ports[(number + 1) % len(self.ports)]
        for move, pause, body in (("claim", CLAIM_AFTER_S, {}), ("arrive", ARRIVE_AFTER_S, {}),
                                  ("resolve", RESOLVE_AFTER_S, {"outcome": "helped"})):
            time.sleep(rng.uniform(*pause))
            answer: list[bytes] = []
            status, _ = request(port, "POST", f"/api/v1/help-requests/{request_id}/{move}",
                                cookie, {"X-CSRFToken": csrf,
                                         "Idempotency-Key": f"{move}-{request_id}",
                                         "X-Forwarded-For": self.fleet[store]["address"]},
                                body, answer)
            if status != 200:
                self._count(f"{move}: {status} {answer[0][:80].decode(errors='replace')}"
                            if answer else f"{move}: {status}")
                return
            self._count(f"{move}: 200")

    def _count(self, what: str) -> None:
        with self.lock:
            self.outcomes[what] = self.outcomes.get(what, 0) + 1

    def finish(self) -> None:
        """Wait for every claim, arrival and resolve still to come."""
        self.moves.shutdown(wait=True)


def lookups(ports: list[int], fleet: list[dict], paths: dict[str, list[str]], seed: int,
            pipe) -> None:
    """Process entry: told ("go", rate, seconds), search and open size grids at `rate` per
    second each, by random associates of random stores, over `seconds`; send back
    {kind: [(status, ms)]} and the lateness. Started early: importing takes seconds."""
    _, rate, seconds = pipe.recv()
    rng, lock = random.Random(seed), threading.Lock()
    kinds = sorted(paths)
    got: dict[str, list[tuple[int, float]]] = {kind: [] for kind in kinds}

    def job(number: int) -> None:
        kind = kinds[number % len(kinds)]
        with lock:
            store = rng.choice(fleet)
            cookie, _ = rng.choice(store["handhelds"])
            path = rng.choice(paths[kind]).replace("{code}", store["code"])
        result = request(ports[number // len(kinds) % len(ports)], "GET", path, cookie,
                         {"X-Forwarded-For": store["address"]})
        with lock:
            got[kind].append(result)

    late = open_loop(poisson_times(rate * len(kinds), seconds, rng), job, threads=32)
    pipe.send((got, late))
