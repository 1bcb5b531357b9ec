"""The fleet's figures: deliveries checked stream by stream, percentiles, the table, the knee.

A submission must reach every handheld stream of its store, once, on whichever server
holds it, and no other stream: each (request, server, stream) expected is matched with
what the readers saw. Kept apart from bench/fleet.py so the arithmetic is tested
without servers (tests/test_bench.py).
"""

from collections import Counter

from bench import load
from bench.report import Report, Result

PUSH_P99_MS, LOOKUP_P99_MS = 100.0, 25.0
NAME = "fleet postgresql"


def figures(submitted: dict, deliveries: list[list[tuple]], held: list[list[tuple]]) -> dict:
    """Match arrivals with the streams that should have them.

    `submitted`: request id → (store index, server it went through, sent ns, 201 ns);
    `deliveries`: per server, (request id, stream index, ns) as the readers saw them;
    `held`: per server, each stream's (…, store index, kind)."""
    expected = {(rid, server, stream) for rid, (store, *_) in submitted.items()
                for server, streams in enumerate(held)
                for stream, (*_, owner, kind) in enumerate(streams)
                if owner == store and kind == "staff"}
    seen = Counter((rid, server, stream) for server, got in enumerate(deliveries)
                   for rid, stream, _ in got if rid in submitted)
    first: dict[tuple, int] = {}
    for server, got in enumerate(deliveries):
        for rid, stream, at in got:
            first.setdefault((rid, server, stream), at)
    latencies, across = [], []
    for key in expected & set(first):
        rid, server, _ = key
        ms = (first[key] - submitted[rid][2]) / 1e6
        latencies.append(ms)
        if server != submitted[rid][1]:
            across.append(ms)
    return {"latencies": latencies, "across": across,
            "missing": len(expected - set(seen)), "doubled": sum(seen.values()) - len(seen),
            "wrong": len(set(seen) - expected), "expected": len(expected)}


def _p(values: list[float], share: float) -> float | None:
    return load.percentile(values, share) if values else None


def summary(row: dict) -> dict:
    """The step's headline figures (None where nothing was measured)."""
    lookups = {kind: [ms for status, ms in got if status == 200]
               for kind, got in row["lookups"].items()}
    failed = sum(status != 200 for got in row["lookups"].values() for status, _ in got)
    failed += sum(n for what, n in row["outcomes"].items() if not what.endswith(": 200"))
    streams = sum(len(s) for s in row["held"])
    return {"push_p50": _p(row["latencies"], 50), "push_p99": _p(row["latencies"], 99),
            "across_p99": _p(row["across"], 99),
            "search_p99": _p(lookups.get("page search results", []), 99),
            "grid_p99": _p(lookups.get("page size grid", []), 99), "errors": failed,
            "streams": streams, "lost": row["missing"] + row["doubled"] + row["wrong"],
            "mb_per_1000": row["memory"] / 2**20 * 1000 / max(1, row["opened"])}


def within(row: dict) -> bool:
    """Whether a step meets both targets with nothing lost, doubled or failed."""
    got = summary(row)
    return (got["push_p99"] is not None and got["push_p99"] <= PUSH_P99_MS
            and all(got[k] is not None and got[k] <= LOOKUP_P99_MS
                    for k in ("search_p99", "grid_p99"))
            and not got["errors"] and not got["lost"] and row["opened"] == got["streams"])


def add_step(report: Report, row: dict, source: str) -> None:
    """Add one step's results to the report."""
    got, n = summary(row), row["stores"]
    report.add(Result(NAME, f"{n} stores: sent → handhelds, p50", got["push_p50"], "ms", note=(
        f"{row['opened']}/{got['streams']} streams open; {len(row['submitted'])} submissions "
        f"at {row['arrivals_rate']:.2f}/s ({source}); {len(row['across'])} of "
        f"{len(row['latencies'])} deliveries crossed servers, p99 "
        f"{_fmt(got['across_p99'])} ms; load average {row['load']:.2f}")))
    report.add(Result(NAME, f"{n} stores: sent → handhelds, p99", got["push_p99"], "ms",
                      target=f"≤ {PUSH_P99_MS:g} ms", met=_at_most(got["push_p99"], PUSH_P99_MS)))
    for kind, key in (("search", "search_p99"), ("size grid", "grid_p99")):
        report.add(Result(NAME, f"{n} stores: {kind} p99", got[key], "ms",
                          target=f"≤ {LOOKUP_P99_MS:g} ms", met=_at_most(got[key], LOOKUP_P99_MS),
                          note=f"{row['lookups_rate']:.1f}/s of each; open loop, latest start "
                               f"{row['late_ms']:.0f} ms late"))
    report.add(Result(NAME, f"{n} stores: deliveries missing/doubled/wrong", got["lost"], "",
                      target="0", met=not got["lost"], note=(
                          f"{row['missing']} missing, {row['doubled']} doubled, {row['wrong']} "
                          f"to a wrong stream, of {row['expected']} expected")))
    report.add(Result(NAME, f"{n} stores: errors", got["errors"], "", target="0",
                      met=not got["errors"], note=_outcomes(row)))
    postgres = row["postgres_cpu"]
    report.add(Result(NAME, f"{n} stores: CPU, workers", row["workers_cpu"] * 100, "% core",
                      note="PostgreSQL's backends " + (
                          f"{postgres * 100:.0f} % core" if postgres is not None
                          else "not measured (not on this host)")))
    report.add(Result(NAME, f"{n} stores: CPU, the busiest stream reader",
                      row["readers_cpu"] * 100, "% core", note=(
                          f"the load generator's own: its longest batch after one wake-up "
                          f"{row['readers_batch_ms']:.1f} ms (an arrival is stamped late by "
                          "at most that much)")))
    report.add(Result(NAME, f"{n} stores: workers' RSS per 1,000 streams", got["mb_per_1000"],
                      "MB", note=(f"both servers' workers, after the streams opened minus before; "
                                  f"opening them took {row['open_s']:.0f} s and "
                                  f"{row['open_cpu_ms']:.1f} ms of the workers' CPU a stream")))


def _outcomes(row: dict) -> str:
    moves = ", ".join(f"{what} ×{n}" for what, n in sorted(row["outcomes"].items()))
    codes = Counter(status for got in row["lookups"].values() for status, _ in got)
    return f"{moves}; lookups by status {dict(codes)}"


def _at_most(value: float | None, bound: float) -> bool:
    return value is not None and value <= bound


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def knee(report: Report, rows: list[dict]) -> None:
    """Add the knee: the largest step within both targets (all smaller ones too)."""
    served = 0
    for row in rows:
        if not within(row):
            break
        served = row["stores"]
    largest = rows[-1]["stores"]
    note = (f"every step up to {largest} stores was within the targets" if served == largest
            else f"below the first step ({rows[0]['stores']} stores)" if not served
            else "the next step missed a target")
    report.add(Result(NAME, "stores one 2-core host serves", served, "stores",
                      note=f"push p99 ≤ {PUSH_P99_MS:g} ms and lookup p99 ≤ "
                           f"{LOOKUP_P99_MS:g} ms, nothing lost or failed; {note}"))


def table(rows: list[dict]) -> str:
    """The fleet's table, one line per step."""
    lines = ["| stores | streams | push p50 / p99 ms | across servers p99 | search p99 | "
             "size grid p99 | errors | lost | workers CPU | PostgreSQL CPU | reader CPU / batch | "
             "MB/1,000 streams |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        got = summary(row)
        postgres = row["postgres_cpu"]
        lines.append(
            f"| {row['stores']} | {row['opened']}/{got['streams']} | {_fmt(got['push_p50'])} / "
            f"{_fmt(got['push_p99'])} | {_fmt(got['across_p99'])} | {_fmt(got['search_p99'])} | "
            f"{_fmt(got['grid_p99'])} | {got['errors']} | {got['lost']} | "
            f"{row['workers_cpu'] * 100:.0f} % | "
            f"{'—' if postgres is None else f'{postgres * 100:.0f} %'} | "
            f"{row['readers_cpu'] * 100:.0f} % / {row['readers_batch_ms']:.0f} ms | "
            f"{got['mb_per_1000']:.1f} |")
    return "\n".join(lines)
