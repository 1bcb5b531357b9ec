"""The benchmark's own logic: parsing wrk, percentiles, the claim race plan, the report.

The benchmark itself runs in `make bench-quick` (CI); these check the arithmetic that
would otherwise fail silently, in milliseconds and without a server. The fleet's quick
run is also run here whole (PostgreSQL, Redis, two gunicorns: about a minute), since it
is the one scenario whose set-up (signed sessions, two servers) can break unseen.
"""

import re
import time
from collections import Counter
from importlib import import_module

from bench import fleet, fleet_figures, load, push, push_readers, scenarios
from bench.claims import CONTENDERS, plans
from bench.data import DataSet
from bench.report import Report, Result
from bench.settings import Settings

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:1/
  1 threads and 20 connections
  Latency Distribution
     50%    1.50ms
     75%    2.00ms
     90%    3.00ms
     99%  250.00us
  1000 requests in 2.00s, 100.00KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    500.25
"""


def test_wrk_output_gives_the_rate_percentiles_in_ms_and_every_kind_of_error():
    figures = load._parse_wrk(WRK_OUTPUT)
    assert figures.requests_per_s == 500.25
    assert figures.p50_ms == 1.5
    assert figures.p99_ms == 0.25
    assert figures.errors == 2 + 3 + 4


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 50) == 50
    assert load.percentile(values, 99) == 99
    assert load.percentile([7.0], 99) == 7.0


def test_every_request_is_raced_by_several_claimers_at_once():
    ids = list(range(1, 1001))
    race = plans(ids, 50, seed=1)
    attempts = Counter(request_id for plan in race for request_id in plan)
    assert set(attempts) == set(ids)
    assert set(attempts.values()) == {CONTENDERS}
    lane_mates = [plan for plan in race if plan[0] == race[0][0]]
    assert all(plan == race[0] for plan in lane_mates)  # the same order: the same moment


def test_push_times_each_stream_from_the_send_and_counts_early_missing_and_doubled_events():
    ms = 1_000_000  # the stamps are monotonic nanoseconds
    seen = {"submitted": {1: (10 * ms, 50 * ms), 2: (20 * ms, 30 * ms)},  # sent, 201 read
            "arrivals": [(1, 7, 40 * ms), (1, 8, 60 * ms),  # (request, stream socket, at)
                         (2, 7, 25 * ms), (2, 7, 26 * ms),  # stream 7 got request 2 twice
                         (99, 7, 1 * ms)]}  # not submitted in this run: ignored
    got = push.figures(seen, streams=2)
    assert sorted(got["from_sent"]) == [5.0, 30.0, 50.0]  # each stream's first arrival
    assert got["ahead"] == 2  # stream 7 had both events before their 201s were read
    assert got["missing"] == 1  # stream 8 never got request 2
    assert got["doubled"] == 1
    assert sorted(got["round_trips"]) == [10.0, 40.0]


def test_data_sets_are_cached_under_a_key_naming_their_size_and_seed():
    assert DataSet.catalog(styles=50_000, seed=3).key == "catalog_s3_50000"
    assert DataSet.history(stores=50, requests=2_000_000, seed=1).key == \
        "history_s1_50x2000000"


def test_every_registered_scenario_is_a_module_with_a_run_function():
    for name in scenarios.NAMES:
        assert callable(import_module(scenarios.SCENARIOS[name]).run), name


def test_a_missed_target_is_printed_as_missed(capsys):
    report = Report(mode="quick")
    report.add(Result("push", "p99", 150.0, "ms", target="≤ 100 ms", met=False))
    report.add(Result("claims", "double claims", 0, "", target="0", met=True))
    table = report.table()
    assert "| push | p99 | 150.00 ms |  | ≤ 100 ms | MISSED |" in table
    assert "| met |" in table
    assert "MISSED" in capsys.readouterr().out


def _step(stores: int, *, latencies: list[float], lookup_ms: float, lost: int = 0) -> dict:
    """A fleet step's raw figures, as bench/fleet.py gathers them, for the table's logic."""
    return {"stores": stores, "held": [[("…", 0, "staff")] * 2], "opened": 2, "memory": 2**20,
            "latencies": latencies, "across": latencies[:1], "missing": lost, "doubled": 0,
            "wrong": 0, "expected": len(latencies), "outcomes": {"claim: 200": 3},
            "workers_cpu": 0.5, "postgres_cpu": None, "readers_cpu": 0.2,
            "readers_batch_ms": 1.0,
            "lookups": {"page search results": [(200, lookup_ms)],
                        "page size grid": [(200, 1.0)]}}


def test_fleet_matches_each_delivery_with_its_stores_streams_on_either_server():
    ms = 1_000_000
    held = [[("a", 0, "staff"), ("b", 1, "staff"), ("c", 0, "customer")],  # server 0
            [("d", 0, "staff")]]  # server 1
    submitted = {7: (0, 0, 10 * ms, 20 * ms), 8: (1, 1, 30 * ms, 40 * ms)}  # store, server
    deliveries = [[(7, 0, 15 * ms), (7, 0, 16 * ms),  # store 0's stream, twice
                   (7, 1, 17 * ms),  # store 1's stream got store 0's request
                   (8, 1, 35 * ms), (99, 0, 1 * ms)],  # 99: not this step's
                  [(7, 0, 25 * ms)]]  # store 0's stream on the other server
    got = fleet_figures.figures(submitted, deliveries, held)
    assert sorted(got["latencies"]) == [5.0, 5.0, 15.0]
    assert sorted(got["across"]) == [5.0, 15.0]  # 7 read on server 1, 8 on server 0
    assert got["expected"] == 3  # request 7: two streams of store 0; request 8: one
    assert (got["missing"], got["doubled"], got["wrong"]) == (0, 1, 1)
    got = fleet_figures.figures(submitted, [deliveries[0], []], held)
    assert got["missing"] == 1  # server 1's stream of store 0 never had request 7


def test_fleet_knee_is_the_last_step_before_the_first_that_misses_a_target(capsys):
    rows = [_step(100, latencies=[50.0], lookup_ms=10.0),
            _step(200, latencies=[90.0], lookup_ms=24.0),
            _step(400, latencies=[150.0], lookup_ms=10.0),
            _step(800, latencies=[50.0], lookup_ms=10.0)]
    report = Report(mode="quick")
    fleet_figures.knee(report, rows)
    assert report.results[-1].value == 200
    fleet_figures.knee(report, [_step(100, latencies=[50.0], lookup_ms=30.0)])
    assert report.results[-1].value == 0
    fleet_figures.knee(report, [_step(100, latencies=[50.0], lookup_ms=10.0, lost=1)])
    assert report.results[-1].value == 0  # a delivery missing is not served
    assert "| 200 | 2/2 | 90.0 / 90.0 |" in fleet_figures.table(rows)


def test_fleet_peak_rate_is_the_demo_historys_busiest_hour():
    per_second, source = fleet.peak_rate()
    assert round(per_second * 3600, 2) == 22.95  # 9 an hour × Saturday 1.7 × 15-16:00 1.5
    assert "Saturday" in source


def test_the_quick_fleet_runs_through_two_servers_with_nothing_lost():
    settings = Settings.for_mode(quick=True)
    report = Report(mode="quick")
    fleet.run(settings, report)
    results = {r.metric: r for r in report.results}
    for stores in fleet.QUICK_STEPS:
        opened, held = map(int, re.search(r"(\d+)/(\d+) streams open", results[
            f"{stores} stores: sent → handhelds, p50"].note).groups())
        assert opened == held == stores * (fleet.PER_STORE + fleet.CUSTOMERS_PER_STORE)
        crossed, delivered = map(int, re.search(r"(\d+) of (\d+) deliveries crossed", results[
            f"{stores} stores: sent → handhelds, p50"].note).groups())
        assert 0 < crossed < delivered  # both servers got submissions, both hold streams
        lost = results[f"{stores} stores: deliveries missing/doubled/wrong"]
        assert lost.value == 0 and lost.met, lost.note
        errors = results[f"{stores} stores: errors"]
        assert errors.value == 0, errors.note
        assert "resolve: 200" in errors.note  # the store served its customers
        assert results[f"{stores} stores: CPU, workers"].value > 0
    assert "stores one 2-core host serves" in results


def test_stream_readers_ask_again_for_a_stream_refused_before_it_connected(monkeypatch):
    """A real socket server refuses /once at first and /never always; /fine connects."""
    import socket
    import threading

    monkeypatch.setattr(push_readers, "RETRY_S", 0.05)
    asked: Counter = Counter()
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            path = connection.recv(4096).split(b" ")[1].decode()
            asked[path] += 1
            if path == "/never" or (path == "/once" and asked[path] == 1):
                connection.close()  # as a 429 or 503 ends a stream before `: connected`
            else:
                connection.sendall(b"retry: 2000\n: connected\n\n")
                held.append(connection)

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    readers = push_readers.Readers([(port, "/fine", ""), (port, "/once", ""),
                                    (port, "/never", "")])
    deadline = time.monotonic_ns() + 5 * 10**9
    while not readers.settled and time.monotonic_ns() < deadline:
        readers.read(time.monotonic_ns() + 10**8)
    listener.close()
    readers.close()
    assert readers.opened == {0, 1}
    assert readers.refused == 1
    assert asked == {"/fine": 1, "/once": 2, "/never": push_readers.ATTEMPTS}
