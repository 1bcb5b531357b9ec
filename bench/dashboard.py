"""Dashboard at scale: one store's 30-day dashboard page, metrics JSON and CSV export.

Runs on the cached scale history (`flask demo scale-history --stores 50 --requests N
--seed S`, a year before the day it was built) as that store's manager, one client
through gunicorn; then each response's server time in process (bench/server_time.py:
the WSGI call and its CPU, no network).
"""

from datetime import date, timedelta

from bench import load, server_time
from bench.data import DataSet, database, say
from bench.http import log_in
from bench.report import Report, Result
from bench.serve import floorapp
from bench.settings import Settings

TARGET_MS = 300.0
DEMO_PASSWORD = "floor-demo-2026"
STORE = 7


def paths(code: str, today: date) -> dict[str, str]:
    """Return the three responses of one store's last 30 days."""
    first, last = today - timedelta(days=29), today
    return {"dashboard page": f"/stores/{code}/dashboard?range=custom&from={first}&to={last}",
            "metrics JSON": f"/api/v1/stores/{code}/metrics?from={first}&to={last}",
            "requests CSV": f"/api/v1/stores/{code}/requests.csv?from={first}&to={last}"}


def run(settings: Settings, report: Report) -> None:
    """Measure the dashboard's responses on each backend."""
    data = DataSet.history(stores=settings.history_stores, requests=settings.history,
                           seed=settings.seed)
    number = min(STORE, settings.history_stores)
    code = f"BENCH-{number:03d}"
    samples = 8 if settings.quick else 15
    for backend in settings.backends:
        with database(backend, data) as url:
            with floorapp(url) as base:
                say(f"dashboard on {backend}: {settings.history:,} requests over "
                    f"{settings.history_stores} stores, store {code}")
                manager = log_in(base, f"bench{number:03d}.manager", DEMO_PASSWORD)
                for name, path in paths(code, date.today()).items():
                    urls = [base + path]
                    headers = {"Cookie": manager.cookie}
                    load.one_client_latency(urls, samples=1, headers=headers)  # warm up
                    rounds = [load.one_client_latency(urls, samples=samples, headers=headers)
                              for _ in range(settings.rounds)]
                    _add(report, backend, name, rounds, len(load.fetch_with(urls[0], headers)))
            in_process = {name: [path] for name, path in paths(code, date.today()).items()}
            figures = server_time.measure(url, f"bench{number:03d}.manager", DEMO_PASSWORD,
                                          in_process, samples=samples)
            for name, got in figures.items():
                report.add(Result(f"dashboard {backend}", f"{name}, server time p99",
                                  got["p99_ms"], "ms", note=(
                                      f"in process, no network: p50 {got['p50_ms']:.0f} ms, "
                                      f"CPU p50 {got['cpu_p50_ms']:.0f} ms")))


def _add(report, backend, name, rounds, size) -> None:
    p50 = load.median_and_spread([r["p50_ms"] for r in rounds])
    p99 = load.median_and_spread([r["p99_ms"] for r in rounds])
    report.add(Result(f"dashboard {backend}", f"{name} p50", p50[0], "ms",
                      spread=f"{p50[1]:.0f}–{p50[2]:.0f}", note=f"{size:,} bytes"))
    report.add(Result(f"dashboard {backend}", f"{name} p99", p99[0], "ms",
                      spread=f"{p99[1]:.0f}–{p99[2]:.0f}", target=f"≤ {TARGET_MS:g} ms",
                      met=p99[0] <= TARGET_MS))
