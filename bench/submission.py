"""Public submission: help requests per second through the sign's API, as phones send them.

wrk posts JSON to /api/v1/signs/{token}/help-requests, each request with a fresh
Idempotency-Key and its sign's pass (bench/submit.lua), twice: over the five signs of
one store (every submission takes that store's write lock), and spread over one sign
in each of SPREAD_STORES stores (a chain's real pattern: the locks rarely meet). Each
store has one associate on the floor, as a store open for business does. The rates are
compared with hello world. The public rate limits are raised for the bench
server (see bench/serve.py).
"""

from pathlib import Path

from bench import load
from bench.data import database, say
from bench.report import Report, Result
from bench.serve import LIMITS_NOTE, floorapp, sign_pass
from bench.settings import Settings, ratio
from bench.setup import bench_store, staffed_stores

SCRIPT = str(Path(__file__).resolve().parent / "submit.lua")
RATIO_TARGET = 0.4
SPREAD_STORES = 50
SPREAD_RATIO_TARGET = 0.3  # issue 18: spread over stores, on PostgreSQL


def run(settings: Settings, report: Report) -> None:
    """Measure submissions per second on each backend, to one store and spread."""
    for backend in settings.backends:
        with database(backend) as url:
            one_store = bench_store(url)["signs"]
            spread = staffed_stores(url, SPREAD_STORES)
            say(f"submission on {backend}: {len(one_store)} signs of one store, then one "
                f"sign in each of {len(spread)} stores, each with an associate on the "
                f"floor; {LIMITS_NOTE}")
            with floorapp(url) as base:
                runs = _rounds(settings, base, one_store)
                spread_runs = _rounds(settings, base, spread)
        _report(report, f"submission {backend}", settings, runs, RATIO_TARGET)
        _report(report, f"submission spread {backend}", settings, spread_runs,
                SPREAD_RATIO_TARGET if backend == "postgresql" else None,
                what=f" over {len(spread)} stores")


def _rounds(settings: Settings, base: str, signs: list[str]) -> list:
    return [load.wrk(base + "/", connections=settings.clients, seconds=settings.seconds,
                     script=SCRIPT,
                     script_args=tuple(f"{token}:{sign_pass(base, token)}" for token in signs))
            for _ in range(settings.rounds)]


def _report(report: Report, name: str, settings: Settings, runs: list,
            target: float | None, what: str = "") -> None:
    median, low, high = load.median_and_spread([r.requests_per_s for r in runs])
    errors = sum(r.errors for r in runs)
    p99 = load.median_and_spread([r.p99_ms for r in runs])[0]
    share = ratio(median)
    report.add(Result(name, f"POST help request, {settings.clients} clients{what}", median,
                      "req/s", spread=f"{low:,.0f}–{high:,.0f}",
                      note=f"p99 {p99:.0f} ms; {LIMITS_NOTE}"
                      + (f"; {errors} errors/non-2xx" if errors else "")))
    report.add(Result(name, "ratio to baseline", share, "×",
                      target="" if target is None else f"≥ {target}",
                      met=None if share is None or target is None
                      else share >= target and not errors))
