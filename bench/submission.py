"""Public submission: help requests per second through the sign's API, as phones send them.

wrk posts JSON to /api/v1/signs/{token}/help-requests over the five signs of one store,
each request with a fresh Idempotency-Key and its sign's pass (bench/submit.lua); the
rate is compared with hello world. The public rate limits are raised for the bench
server (see bench/serve.py).
"""

from pathlib import Path

from bench import load
from bench.data import database, say
from bench.report import Report, Result
from bench.serve import LIMITS_NOTE, floorapp, sign_pass
from bench.settings import Settings, ratio
from bench.setup import bench_store

SCRIPT = str(Path(__file__).resolve().parent / "submit.lua")
RATIO_TARGET = 0.4


def run(settings: Settings, report: Report) -> None:
    """Measure submissions per second on each backend."""
    for backend in settings.backends:
        with database(backend) as url:
            seeded = bench_store(url)
            say(f"submission on {backend}: {len(seeded['signs'])} signs, {LIMITS_NOTE}")
            with floorapp(url) as base:
                runs = [load.wrk(base + "/", connections=settings.clients,
                                 seconds=settings.seconds, script=SCRIPT,
                                 script_args=tuple(f"{token}:{sign_pass(base, token)}"
                                                   for token in seeded["signs"]))
                        for _ in range(settings.rounds)]
        median, low, high = load.median_and_spread([r.requests_per_s for r in runs])
        errors = sum(r.errors for r in runs)
        p99 = load.median_and_spread([r.p99_ms for r in runs])[0]
        share = ratio(median)
        report.add(Result(f"submission {backend}", f"POST help request, {settings.clients} "
                          "clients", median, "req/s", spread=f"{low:,.0f}–{high:,.0f}",
                          note=f"p99 {p99:.0f} ms; {LIMITS_NOTE}"
                          + (f"; {errors} errors/non-2xx" if errors else "")))
        report.add(Result(f"submission {backend}", "ratio to baseline", share, "×",
                          target=f"≥ {RATIO_TARGET}",
                          met=None if share is None else share >= RATIO_TARGET and not errors))
