"""Serve floorapp itself for a scenario: the production gunicorn, a database, raised limits."""

import functools
import json
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.server import gunicorn

# The benchmark drives thousands of requests from one address, one sign and a few
# accounts: the production rate limits would answer 429 and measure nothing, so the
# benchmark server raises them (and the report says so).
RAISED_LIMITS = {
    "FLOORAPP_SUBMIT_LIMIT_PER_ADDRESS": "10000000 per minute",
    "FLOORAPP_SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN": "10000000 per minute",
    "FLOORAPP_SUBMIT_CEILING_PER_SIGN": "10000000 per minute",
    "FLOORAPP_STATUS_LIMIT_PER_ADDRESS": "10000000 per minute",
    "FLOORAPP_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
    "FLOORAPP_LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
    "FLOORAPP_CHECK_LIMIT_PER_ADDRESS": "10000000 per minute",
    "FLOORAPP_CHECK_LIMIT_PER_SIGN": "10000000 per minute",
}
LOG = Path(__file__).resolve().parent / "results" / "server.log"  # every bench server's output
SECRET_KEY = "bench-secret-key"  # the fleet signs its associates' session cookies with it
LIMITS_NOTE = "rate limits raised via FLOORAPP_*_LIMIT_* for the bench server"


@contextmanager
def floorapp(url: str, *, workers: int = 2, env: dict[str, str] | None = None,
             worker_connections: int | None = None):
    """Serve floorapp on the database at `url`; yield the base URL (output: results/server.log).

    `env` adds settings (FLOORAPP_*) for one scenario."""
    LOG.parent.mkdir(exist_ok=True)
    env = {"FLOORAPP_DATABASE_URL": url, "FLOORAPP_SECRET_KEY": SECRET_KEY,
           **RAISED_LIMITS, **(env or {})}
    with gunicorn("wsgi:app", env=env, workers=workers, ready_path="/login", log=LOG,
                  worker_connections=worker_connections) as base:
        yield base


@functools.cache
def sign_pass(base: str, sign_token: str) -> str:
    """Return a pass of the sign as a phone gets it (GET the sign), once per sign and server."""
    url = f"{base}/api/v1/signs/{sign_token}"  # http://127.0.0.1:<port>: our own server
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310
        return json.load(answer)["sign_pass"]
