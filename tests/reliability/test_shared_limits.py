"""The rate limits hold at their configured count on a real 2-worker server.

With no Redis configured the counters live in a SQLite file the workers share
(floorapp/limits_storage.py); with memory:// each worker counted on its own, so two
workers let twice as many attempts through.
"""

import os
import re
import subprocess
import sys

import pytest
import requests

from floorapp import create_app
from floorapp.extensions import db
from tests.concurrency import at_once
from tests.factories import make_sign, make_user, sign_pass
from tests.gunicorn_server import ROOT, Gunicorn

CLIENTS = 24
LIMIT = 5


@pytest.fixture
def served(tmp_path):
    """A seeded SQLite database behind gunicorn with 2 workers and no storage URI set."""
    url = f"sqlite:///{tmp_path / 'floorapp.sqlite3'}"
    env = {key: value for key, value in os.environ.items()
           if key != "FLOORAPP_RATELIMIT_STORAGE_URI"}
    env.update({"FLOORAPP_DATABASE_URL": url, "FLOORAPP_SECRET_KEY": "limits-test",
                "FLOORAPP_LOGIN_LIMIT_PER_ADDRESS": f"{LIMIT} per 15 minutes",
                "FLOORAPP_SUBMIT_LIMIT_PER_ADDRESS": f"{LIMIT} per 10 minutes"})
    subprocess.run([sys.executable, "-m", "flask", "--app", "floorapp", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "seed"})
    with app.app_context():
        sign = make_sign()
        seeded = {"token": sign.token, "login": make_user(store=sign.zone.store).login}
    server = Gunicorn(env=env, workers=2, log_path=tmp_path / "gunicorn.log").start()
    yield app, server, seeded
    server.kill()
    with app.app_context():
        db.engine.dispose()


def _clients(app, base: str) -> list[tuple[requests.Session, str]]:
    """Open keep-alive connections at once, so both workers hold some of them."""
    def open_one():
        session = requests.Session()
        page = session.get(f"{base}/login", timeout=10).text
        return session, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return at_once(app, [open_one] * CLIENTS)


def test_two_workers_let_through_only_the_configured_number_of_failed_logins(served):
    app, server, seeded = served
    statuses = [session.post(f"{server.url}/login", timeout=10, allow_redirects=False, data={
        "login": seeded["login"], "password": "wrong password!", "csrf_token": csrf,
    }).status_code for session, csrf in _clients(app, server.url)]
    assert statuses.count(401) == LIMIT, statuses
    assert statuses.count(429) == CLIENTS - LIMIT, statuses


def test_two_workers_accept_only_the_configured_number_of_submissions(served):
    app, server, seeded = served
    statuses = [session.post(f"{server.url}/api/v1/signs/{seeded['token']}/help-requests",
                             json={"need": "find_size",
                                   "sign_pass": sign_pass(server.url, seeded["token"])},
                             timeout=10).status_code
                for session, _csrf in _clients(app, server.url)]
    assert statuses.count(201) == LIMIT, statuses
    assert statuses.count(429) == CLIENTS - LIMIT, statuses
