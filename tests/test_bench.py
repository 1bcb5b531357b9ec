"""The benchmark's own logic: parsing wrk, percentiles, the claim race plan, the report.

The benchmark itself runs in `make bench-quick` (CI); these check the arithmetic that
would otherwise fail silently, in milliseconds and without a server.
"""

from collections import Counter
from importlib import import_module

from bench import load, push, scenarios
from bench.claims import CONTENDERS, plans
from bench.data import DataSet
from bench.report import Report, Result

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
