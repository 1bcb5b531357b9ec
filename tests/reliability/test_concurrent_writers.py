"""Logins, page loads and submissions at once on a real 2-worker server, on both databases.

On SQLite every write must go through the writer discipline (BEGIN IMMEDIATE with the
process and file locks, floorapp/services/core/transactions.py): a transaction that read and
then writes without it fails at once with "database is locked" (a 503) as soon as
another worker committed in between. Here 50 of each are released together.
"""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import update

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import LoginSession
from tests import databases
from tests.concurrency import at_once
from tests.factories import TEST_PASSWORD, make_sign, make_user, sign_pass
from tests.gunicorn_server import ROOT, Gunicorn
from tests.reliability.tools import login

EACH = 50
LIMITS = {f"FLOORAPP_{name}": "100000 per minute" for name in (
    "LOGIN_LIMIT_PER_ADDRESS", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS",
    "LOGIN_LIMIT_PER_DEVICE", "SUBMIT_LIMIT_PER_ADDRESS",
    "SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN", "SUBMIT_CEILING_PER_SIGN")}


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, tmp_path):
    """A migrated database of either backend, seeded, behind gunicorn with 2 workers."""
    with databases.fresh_database(request.param, tmp_path / "floorapp.sqlite3") as url:
        env = {"FLOORAPP_DATABASE_URL": url, "FLOORAPP_SECRET_KEY": "writers-test", **LIMITS}
        subprocess.run([sys.executable, "-m", "flask", "--app", "floorapp", "db", "upgrade"],
                       cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "seed"})
        with app.app_context():
            sign = make_sign()
            logins = [make_user(login=f"assoc{n}", store=sign.zone.store).login
                      for n in range(2 * EACH)]
            seeded = {"token": sign.token, "code": sign.zone.store.code, "logins": logins}
        server = Gunicorn(env=env, workers=2, log_path=tmp_path / "gunicorn.log").start()
        yield app, server, seeded
        server.kill()
        with app.app_context():
            db.engine.dispose()


def _login_form(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10).text
    return session, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _backdate_sessions(app) -> None:
    """Make every page load refresh its login session (written at most once a minute)."""
    with app.app_context():
        db.session.execute(update(LoginSession).values(
            last_seen_at=datetime.now(UTC) - timedelta(minutes=2)))
        db.session.commit()


def test_fifty_logins_page_loads_and_submissions_at_once_all_succeed(served):
    app, server, seeded = served
    base, logins = server.url, seeded["logins"]
    loaded = [login(base, name, TEST_PASSWORD) for name in logins[EACH:]]
    for session in loaded:
        # Their keep-alive connections idle past gunicorn's `keepalive` while the rest is
        # prepared; one the server closes just as the burst reuses it would be reset (a
        # browser retries that, requests does not). A handheld back from idle connects anew.
        session.close()
    _backdate_sessions(app)
    forms = [_login_form(base) for _ in range(EACH)]

    def log_in(n):
        session, csrf = forms[n]
        return session.post(f"{base}/login", allow_redirects=False, timeout=60, data={
            "login": logins[n], "password": TEST_PASSWORD, "csrf_token": csrf}).status_code

    def load(n):  # the handheld's queue: the page, or the JSON it refreshes from
        path = f"/api/v1/stores/{seeded['code']}/queue" if n % 2 else \
            f"/stores/{seeded['code']}/floor"
        return loaded[n].get(f"{base}{path}", timeout=60, allow_redirects=False).status_code

    passes = [sign_pass(base, seeded["token"]) for _ in range(EACH)]

    def submit(n):
        return requests.post(f"{base}/api/v1/signs/{seeded['token']}/help-requests",
                             json={"need": "find_size", "sign_pass": passes[n]},
                             timeout=60).status_code

    actions = [lambda n=n, act=act: act(n) for n in range(EACH) for act in (log_in, load, submit)]
    statuses = at_once(app, actions)
    expected = [302, 200, 201] * EACH  # logged in, queue loaded, request submitted
    errors = [(kind, got) for kind, got, want in zip(
        ["login", "load", "submit"] * EACH, statuses, expected, strict=True) if got != want]
    assert errors == []
