"""Server time: the WSGI call alone, in this process, with no network and no HTTP server.

The same paths a scenario sends through gunicorn are answered here by the app's test
client, logged in as the same user on the same database: routing, session, access
checks, the query, rendering or JSON. Next to the HTTP figures this tells the app's
own cost (and its CPU time, which waiting for a shared CPU does not inflate) from the
server's and the network's.
"""

import time

from bench import load
from bench.setup import app_for


def measure(url: str, login: str, password: str, paths: dict[str, list[str]], *,
            samples: int) -> dict[str, dict[str, float]]:
    """Return, per kind, p50/p99 wall and p50 CPU (ms) of `samples` calls of its paths."""
    app = app_for(url, TESTING=True, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    # TESTING, as in the test suite: no realtime listener (nothing streams here, and it
    # would outlive the scenario's database).
    client = app.test_client()
    answer = client.post("/login", data={"login": login, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"in-process log-in as {login} answered {answer.status_code}")
    figures = {kind: _time(client, (urls * samples)[:samples]) for kind, urls in paths.items()}
    with app.app_context():
        from floorapp.extensions import db

        db.engine.dispose()
    return figures


def _time(client, paths: list[str]) -> dict[str, float]:
    """Time each call to its answer (the body in hand); the work the app hung on the
    response's close (web/after_response.py) runs next, as a server runs it after the
    last byte, and is timed apart: it costs the worker, not the one who asked."""
    _call(client, paths[0]).close()  # warm the statement cache
    wall, cpu, after = [], [], []
    for path in paths:
        started, started_cpu = time.perf_counter(), time.thread_time()
        answer = _call(client, path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        closing = time.perf_counter()
        answer.close()
        after.append((time.perf_counter() - closing) * 1000)
    return {"p50_ms": load.percentile(wall, 50), "p99_ms": load.percentile(wall, 99),
            "cpu_p50_ms": load.percentile(cpu, 50), "after_p99_ms": load.percentile(after, 99)}


def _call(client, path: str):
    answer = client.get(path)
    answer.get_data()
    if answer.status_code != 200:
        answer.close()
        raise RuntimeError(f"in-process GET {path} answered {answer.status_code}")
    return answer
