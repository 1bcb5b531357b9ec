"""The baseline: hello world (bench/hello.py) under the same gunicorn configuration."""

from bench import load
from bench.report import Report, Result
from bench.server import gunicorn
from bench.settings import Baseline, Settings


def run(settings: Settings, report: Report) -> None:
    """Measure the minimal Flask app; later ratios divide by its median rate."""
    rates = []
    with gunicorn("bench.hello:app") as base:
        for _ in range(settings.rounds):
            rates.append(load.wrk(base + "/", connections=settings.clients,
                                  seconds=settings.seconds).requests_per_s)
    median, low, high = load.median_and_spread(rates)
    Baseline.requests_per_s = median
    report.add(Result("baseline (hello world)", f"{settings.clients} clients", median, "req/s",
                      spread=f"{low:,.0f}–{high:,.0f}"))
