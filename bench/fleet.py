"""The fleet: a chain's Saturday peak on one host, two server processes, 100 to 800 stores.

Two gunicorns (the production gunicorn.conf.py, 2 gevent workers each) on two ports
share one PostgreSQL database and one Redis for the rate limits, as two hosts behind a
load balancer would. Every store has 8 associates on the floor, each holding their
handheld's stream (SSE) on one of the two servers, and one waiting customer holding
the status page's stream; the streams are held by epoll readers in a process per
server (bench/push_readers.py). Then, open loop (bench/fleet_load.py):

* arrivals at the demo history's busiest hour (floorapp/demo/history_sim.py: the
  Saturday 15:00 rate) in every store at once, alternating between the servers; each
  is claimed, arrived at and resolved by one of its associates through the other;
* lookups at the associates' rate: each associate searches and opens a size grid
  once every LOOKUP_EVERY_S (an assumption: the demo history has no lookup rate).

Measured per step: from a submission being sent to each of its store's handhelds
having it (p50/p99, and how many of those crossed from one server to the other),
deliveries missing, doubled or to a wrong stream, the p99 of a search and of a size
grid, errors, the workers' and PostgreSQL's CPU, and the workers' memory per 1,000
open streams. The knee is the largest step with push p99 ≤ 100 ms and lookup p99 ≤
25 ms, nothing missing, doubled or failed.

Shorter runs (a before/after comparison in one sitting on a shared machine):
FLOORAPP_BENCH_FLEET_STEPS="100,200" chooses the steps and FLOORAPP_BENCH_FLEET_SECONDS
the seconds of load per step (defaults: STEPS and SECONDS, or the quick mode's), and
FLOORAPP_BENCH_FLEET_DUMP a folder to write each step's submissions and deliveries to
(fleet-<stores>.json), to see when the slow deliveries happened.

PostgreSQL only: SQLite is one file on one host, and its second server would learn of
events only by polling the log (no NOTIFY), so it cannot be the two hosts measured here.
"""

import json
import multiprocessing
import os
import re
import resource
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path

from bench import fleet_load, lookup, push_readers
from bench.data import DataSet, database, say
from bench.fleet_figures import add_step, figures, knee, table
from bench.fleet_setup import PER_STORE, seed_fleet
from bench.push import wait_for
from bench.report import Report, Result
from bench.serve import LIMITS_NOTE, floorapp
from bench.server import children_cpu_s, cpu_since, workers_cpu_s, workers_rss_bytes
from bench.settings import Settings

STEPS, QUICK_STEPS = (100, 200, 400, 800), (10, 20)
SECONDS, QUICK_SECONDS = 30.0, 3.0  # of load per step, once its streams are open
STEPS_VARIABLE, SECONDS_VARIABLE = "FLOORAPP_BENCH_FLEET_STEPS", "FLOORAPP_BENCH_FLEET_SECONDS"
DUMP_VARIABLE = "FLOORAPP_BENCH_FLEET_DUMP"
OPEN_TIMEOUT_S = 900.0  # the load starts once every stream is open, or after this
WARM_UP_S = 2.0  # one store, not counted: the workers' first requests and streams
SERVERS, WORKERS = 2, 2
CUSTOMERS_PER_STORE = 1
LOOKUP_EVERY_S = 60.0  # per associate on the floor: one search and one size grid
REDIS = os.environ.get("FLOORAPP_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def peak_rate() -> tuple[float, str]:
    """Return the busiest hour's arrivals per store per second, and where it comes from."""
    from floorapp.demo.history_sim import opening_hours

    monday = date(2026, 1, 5)
    hours = [(_rate(monday + timedelta(days=d), h), monday + timedelta(days=d), h)
             for d in range(7) for h in opening_hours(monday + timedelta(days=d))]
    per_hour, day, hour = max(hours, key=lambda found: found[0])  # the first, of a tie
    return per_hour / 3600, (f"{per_hour:.2f} requests/hour a store, {day:%A} {hour}:00, the "
                             "busiest hour of floorapp/demo/history_sim.hourly_rate")


def _rate(day: date, hour: int) -> float:
    from floorapp.demo.history_sim import hourly_rate

    return hourly_rate(day, hour)


def raise_open_files() -> str:
    """Raise this process's open-file limit to the hard limit (servers and readers started
    from here inherit it); return what it was and is."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return f"RLIMIT_NOFILE raised from {soft} to {hard} (the hard limit)"


def redis_answers() -> str | None:
    """Return why Redis is not usable for the limits, or None if it answers."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS} does not answer ({error}); set FLOORAPP_BENCH_REDIS"
    return None


@contextmanager
def servers(url: str, streams_per_server: int):
    """Start SERVERS gunicorns on the database at `url`, limits in Redis; yield their bases.

    Each worker may hold all of its server's streams (the kernel does not share them out
    evenly), so worker_connections is raised past the production 1,000 when needed. The
    clients say their store's address as a load balancer would (X-Forwarded-For), so the
    production caps on streams per address hold unraised."""
    connections = max(1000, streams_per_server * 5 // 4 + 100)
    env = {"FLOORAPP_RATELIMIT_STORAGE_URI": REDIS,
           "FLOORAPP_RATELIMIT_KEY_PREFIX": f"bench-fleet-{os.getpid()}",
           "FLOORAPP_PROXY_COUNT": "1"}  # each store's address in X-Forwarded-For
    with ExitStack() as stack:
        yield [stack.enter_context(floorapp(url, workers=WORKERS, env=env,
                                            worker_connections=connections))
               for _ in range(SERVERS)], connections


def postmaster_pid(url: str) -> int | None:
    """Return the pid of PostgreSQL's postmaster (a backend's parent), if it runs here."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            backend = connection.scalar(text("SELECT pg_backend_pid()"))
            stat = Path(f"/proc/{backend}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[1])
    except OSError:
        return None
    finally:
        engine.dispose()


def lookup_paths(url: str, seed: int) -> dict[str, list[str]]:
    """The lookup scenario's searches and size grids, with `{code}` for the store's code."""
    paths = lookup.workload(url, seed=seed)
    return {kind: [re.sub(r"^/stores/[^/]+/", "/stores/{code}/", path) for path in paths[kind]]
            for kind in ("page search results", "page size grid")}


def run(settings: Settings, report: Report) -> None:
    """Measure each step of the fleet on PostgreSQL."""
    if "postgresql" not in settings.backends:
        say("fleet: skipped (PostgreSQL only; see bench/fleet.py)")
        return
    if problem := redis_answers():
        report.add(Result("fleet postgresql", "fleet", None, "", met=False, note=problem))
        return
    say(f"fleet: {raise_open_files()}")
    steps, seconds = chosen_steps(settings.quick)
    rate, source = peak_rate()
    say(f"fleet: steps {', '.join(map(str, steps))} stores, {seconds:g} s of load each; arrivals "
        f"{rate * 3600:.2f}/hour a store ({source}); lookups every {LOOKUP_EVERY_S:g} s per "
        f"associate; {LIMITS_NOTE}")
    with database("postgresql", DataSet.catalog(styles=settings.styles,
                                                seed=settings.seed)) as url:
        paths = lookup_paths(url, settings.seed)
        fleet = seed_fleet(url, max(steps), customers_per_store=CUSTOMERS_PER_STORE,
                           seed=settings.seed)
        per_server = max(steps) * (PER_STORE + CUSTOMERS_PER_STORE) // SERVERS + 1
        with servers(url, per_server) as (bases, connections):
            say(f"fleet: {SERVERS} servers × {WORKERS} workers, worker_connections "
                f"{connections}, limits in Redis at {REDIS}")
            pg = postmaster_pid(url)
            measure(bases, fleet[:1], paths, rate, settings, pg, seconds=WARM_UP_S)
            rows = [measure(bases, fleet[:n], paths, rate, settings, pg, seconds=seconds)
                    for n in steps]
    for row in rows:
        add_step(report, row, source)
    knee(report, rows)
    print(table(rows), flush=True)


def chosen_steps(quick: bool) -> tuple[tuple[int, ...], float]:
    """Return the steps (stores) and the seconds of load per step: the environment's
    (STEPS_VARIABLE, SECONDS_VARIABLE) if set, else the mode's."""
    steps = os.environ.get(STEPS_VARIABLE, "")
    seconds = os.environ.get(SECONDS_VARIABLE, "")
    return (tuple(int(n) for n in steps.split(",")) if steps.strip()
            else QUICK_STEPS if quick else STEPS,
            float(seconds) if seconds.strip() else QUICK_SECONDS if quick else SECONDS)


def stream_targets(bases, stores: list[dict]) -> list[list[tuple]]:
    """Per server, the streams it holds: (port, path, cookie, address, store index, kind)."""
    ports = [int(base.rsplit(":", 1)[1]) for base in bases]
    held: list[list[tuple]] = [[] for _ in bases]
    for index, store in enumerate(stores):
        for number, (cookie, _) in enumerate(store["handhelds"]):
            server = (index + number) % len(bases)
            held[server].append((ports[server], f"/api/v1/stores/{store['code']}/events",
                                 cookie, store["address"], index, "staff"))
        for number, token in enumerate(store["customers"]):
            server = (index + number) % len(bases)
            held[server].append((ports[server], f"/api/v1/help-requests/{token}/events", "",
                                 store["address"], index, "customer"))
    return held


def measure(bases, stores: list[dict], paths, rate: float, settings: Settings,
            pg: int | None, *, seconds: float) -> dict:
    """Open the step's streams, run its load for `seconds`, return the raw figures
    (see fleet_figures)."""
    say(f"fleet: {len(stores)} stores…")
    started = os.times().elapsed
    context = multiprocessing.get_context("spawn")
    held = stream_targets(bases, stores)
    ports = [int(base.rsplit(":", 1)[1]) for base in bases]
    pipe, child_end = context.Pipe()
    looker = context.Process(target=fleet_load.lookups, daemon=True, args=(
        ports, stores, paths, settings.seed, child_end))
    looker.start()
    memory, cpu = (sum(f(base.pid) for base in bases) for f in (workers_rss_bytes, workers_cpu_s))
    readers = _start_readers(context, held)
    try:
        opened = []
        for reader, process in readers:
            wait_for(reader, process, timeout_s=OPEN_TIMEOUT_S + 60)
            opened.append(reader.recv()[1])
        opening = {"open_s": os.times().elapsed - started, "open_cpu_ms": (sum(
            workers_cpu_s(base.pid) for base in bases) - cpu) * 1000 / max(1, sum(opened))}
        memory = sum(workers_rss_bytes(base.pid) for base in bases) - memory
        say(f"fleet: {sum(opened)}/{sum(map(len, held))} streams open after "
            f"{opening['open_s']:.0f} s; load for {seconds:g} s")
        seen = _load((pipe, looker), bases, stores, (rate, seconds), settings, pg)
        deliveries, reading = _collect(readers, held, seen["submitted"])
    finally:
        for _, process in [*readers, (None, looker)]:
            process.join(10)
            if process.is_alive():
                process.kill()
    _dump(len(stores), seen["submitted"], deliveries, held)
    return {"stores": len(stores), "held": held, "opened": sum(opened), "memory": memory,
            "deliveries": deliveries, **opening, **seen, **reading,
            **figures(seen["submitted"], deliveries, held)}


def _dump(stores: int, submitted: dict, deliveries: list, held: list) -> None:
    """Write the step's raw timings to DUMP_VARIABLE's folder, if it is set."""
    if folder := os.environ.get(DUMP_VARIABLE):
        Path(folder, f"fleet-{stores}.json").write_text(json.dumps({
            "submitted": submitted, "deliveries": deliveries,
            "held": [[(store, kind) for *_, store, kind in streams] for streams in held]}))


def _start_readers(context, held) -> list:
    readers = []
    for streams in held:
        pipe, child_end = context.Pipe()
        process = context.Process(target=push_readers.serve, daemon=True, args=(
            [stream[:4] for stream in streams], child_end, OPEN_TIMEOUT_S))
        process.start()
        readers.append((pipe, process))
    return readers


def _load(looking, bases, stores, pace, settings, pg) -> dict:
    """Run the arrivals here and the lookups in their process (`looking`: its pipe and
    process), for one step; `pace`: the arrivals per store per second and the seconds."""
    rate, seconds = pace
    lookups_rate = len(stores) * PER_STORE / LOOKUP_EVERY_S
    arrivals_rate = rate * len(stores)
    if settings.quick:  # a few seconds at the real rate would see almost nothing
        arrivals_rate = max(arrivals_rate, settings.submissions / seconds)
        lookups_rate = max(lookups_rate, settings.samples / seconds / 2)
    ports = [int(base.rsplit(":", 1)[1]) for base in bases]
    pipe, looker = looking
    cpu = [children_cpu_s(base.pid) for base in bases] + [children_cpu_s(pg) if pg else {}]
    started = os.times().elapsed
    pipe.send(("go", lookups_rate, seconds))
    arrivals = fleet_load.Arrivals(ports, stores, settings.seed)
    late = fleet_load.open_loop(fleet_load.poisson_times(
        arrivals_rate, seconds, arrivals.rng), arrivals.submit, threads=16)
    wait_for(pipe, looker, timeout_s=60)
    lookups, lookups_late = pipe.recv()
    arrivals.finish()
    wall = os.times().elapsed - started
    workers = sum(cpu_since(base.pid, before)
                  for base, before in zip(bases, cpu[:-1], strict=True)) / wall
    postgres = cpu_since(pg, cpu[-1]) / wall if pg else None
    return {"submitted": arrivals.submitted, "outcomes": arrivals.outcomes,
            "lookups": lookups, "late_ms": max(late, lookups_late), "workers_cpu": workers,
            "postgres_cpu": postgres, "arrivals_rate": arrivals_rate,
            "lookups_rate": lookups_rate, "load": os.getloadavg()[0]}


def _collect(readers, held, submitted: dict) -> tuple[list[list[tuple]], dict]:
    """Tell each reader what to wait for; return each server's arrivals, and the busiest
    reader's CPU (share of a core) and longest batch after one wake-up (ms): an arrival
    is stamped late by at most that batch, so a tail far above it is the servers'."""
    for (pipe, _), streams in zip(readers, held, strict=True):
        per_store: dict[int, int] = {}
        for *_, store, kind in streams:
            per_store[store] = per_store.get(store, 0) + (kind == "staff")
        wanted = sum(per_store.get(store, 0) for store, *_ in submitted.values())
        pipe.send(("expect", set(submitted), wanted))
    done = [pipe.recv() for pipe, _ in readers]
    return [arrivals for _, arrivals, *_ in done], {
        "readers_cpu": max(cpu_s / max(wall_s, 1e-9) for _, _, cpu_s, wall_s, *_ in done),
        "readers_batch_ms": max(batch_ms for *_, batch_ms, _ in done)}
