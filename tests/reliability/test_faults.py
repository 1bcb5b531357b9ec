"""Faults on a real server: killed workers, a killed server, a database that goes away.

One gunicorn (gevent, 2 workers, as in production) serves a migrated PostgreSQL schema
of its own through a TCP proxy the test can cut. Customers submit with idempotency
keys and retry on any failure; associates' handhelds hold the store's SSE stream and
resume with Last-Event-ID.
"""

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Event, HelpRequest
from tests import databases
from tests.factories import TEST_PASSWORD, make_sign, make_user, minted_sign_pass
from tests.gunicorn_server import ROOT, Gunicorn
from tests.reliability.tools import StreamClient, TcpProxy, login

SUBMITTERS = 6
STREAMS = 4


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A migrated schema, a proxy in front of PostgreSQL, a seeded store and a server."""
    databases.require_postgres()
    schema = databases.PostgresSchema()
    direct_url = schema.create()
    url = make_url(databases.postgres_url())
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied_url = make_url(direct_url).set(port=proxy.port).render_as_string(hide_password=False)
    env = {"FLOORAPP_DATABASE_URL": proxied_url, "FLOORAPP_SECRET_KEY": "fault-test-secret",
           "FLOORAPP_SUBMIT_LIMIT_PER_ADDRESS": "100000 per minute",
           "FLOORAPP_SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN": "100000 per minute",
           "FLOORAPP_SUBMIT_CEILING_PER_SIGN": "100000 per minute",  # 108 posts, replays
           "FLOORAPP_SSE_KEEPALIVE_S": "1", "FLOORAPP_TICK_INTERVAL_S": "0",
           "FLOORAPP_DATABASE_CONNECT_TIMEOUT_S": "2"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "floorapp", "db", "upgrade"],
                   cwd=ROOT, env={**os.environ, **env}, check=True,
                   capture_output=True)
    seeded = _seed(direct_url)
    server = Gunicorn(env=env, log_path=tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    server.start()
    yield {"server": server, "proxy": proxy, "url": direct_url, **seeded}
    server.kill()
    proxy.close()
    schema.drop()


def _seed(database_url: str) -> dict:
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "seed"})
    with app.app_context():
        sign = make_sign()
        user = make_user(login="faulty", store=sign.zone.store)
        seeded = {"token": sign.token, "code": sign.zone.store.code,
                  "store_id": sign.zone.store_id, "login": user.login}
        db.engine.dispose()
    return seeded


class Customers:
    """Threads that submit help requests and retry each one with its key until answered."""

    def __init__(self, server: Gunicorn, sign_token: str):
        self.server, self.token = server, sign_token
        self.answers: dict[str, list[tuple[int, int]]] = {}  # key -> [(status, id)]
        self.retries = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True)
                         for _ in range(SUBMITTERS)]

    def start(self) -> "Customers":
        """Start submitting."""
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Finish the submissions in flight (with their retries) and stop."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.is_set():
            key = uuid.uuid4().hex
            self.answers[key] = []
            self._submit_until_answered(key)

    def _submit_until_answered(self, key: str) -> None:
        body = {"need": "find_size", "note": f"key {key[:6]}",
                "sign_pass": minted_sign_pass("fault-test-secret", self.token)}
        for _ in range(200):
            with contextlib.suppress(requests.RequestException):
                answer = requests.post(
                    f"{self.server.url}/api/v1/signs/{self.token}/help-requests", json=body,
                    headers={"Idempotency-Key": key}, timeout=5)
                if answer.status_code in (200, 201):
                    self.answers[key].append((answer.status_code, answer.json()["id"]))
                    if len(self.answers[key]) == 1 and answer.status_code == 201:
                        self._replay(key, body)
                    return
            self.retries += 1
            time.sleep(0.1)
        raise AssertionError(f"submission {key} never got an answer")

    def _replay(self, key: str, body: dict) -> None:
        """Send the same call again, like a client that never saw the first answer."""
        with contextlib.suppress(requests.RequestException):
            again = requests.post(f"{self.server.url}/api/v1/signs/{self.token}/help-requests",
                                  json=body, headers={"Idempotency-Key": key}, timeout=5)
            if again.status_code in (200, 201):
                self.answers[key].append((again.status_code, again.json()["id"]))


def test_killed_workers_and_a_killed_server_lose_no_submission_and_no_streamed_event(world):
    server = world["server"]
    session = login(server.url, world["login"], TEST_PASSWORD)
    streams = [StreamClient(server, f"/api/v1/stores/{world['code']}/events",
                            session.cookies).start() for _ in range(STREAMS)]
    _wait_for(lambda: all(stream.connections for stream in streams))
    customers = Customers(server, world["token"]).start()
    for worker in server.workers():  # each stream's worker dies once
        time.sleep(1.5)
        server.kill_worker(worker)
    time.sleep(1.0)
    server.kill()  # the whole server, mid-flight
    time.sleep(0.5)
    server.start()
    time.sleep(1.5)
    customers.stop()
    _wait_until_streams_reach(streams, world)
    for stream in streams:
        stream.stop()
    _check_submissions(customers, world)
    _check_streams(streams, world)


def _wait_until_streams_reach(streams, world, timeout: float = 20.0) -> None:
    engine = create_engine(world["url"])
    with engine.connect() as connection:
        latest = connection.scalar(select(func.max(Event.id)))
    engine.dispose()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
            not s.ids or s.ids[-1] < latest for s in streams):
        time.sleep(0.1)


def _check_submissions(customers: Customers, world) -> None:
    engine = create_engine(world["url"])
    with engine.connect() as connection:
        stored = set(connection.scalars(select(HelpRequest.id)))
        notes = connection.execute(select(HelpRequest.note)).scalars().all()
    engine.dispose()
    answered = {key: ids for key, ids in customers.answers.items() if ids}
    assert len(answered) == len(customers.answers) > 10
    created = {rid for ids in answered.values() for status, rid in ids if status == 201}
    assert created <= stored  # every 201 is in the database
    for key, ids in answered.items():
        assert len({rid for _, rid in ids}) == 1, key  # a retry never makes a second one
    assert len(stored) == len(answered)  # nothing made twice, nothing without its key
    assert len(set(notes)) == len(notes)
    assert customers.retries > 0  # the faults did hit submissions in flight


def _check_streams(streams, world) -> None:
    engine = create_engine(world["url"])
    with engine.connect() as connection:
        logged = list(connection.scalars(select(Event.id).where(
            Event.store_id == world["store_id"]).order_by(Event.id)))
    engine.dispose()
    for stream in streams:
        assert stream.connections >= 2  # the server died under it and it came back
        assert stream.ids == logged  # every event once, in order, none missed


def test_a_database_that_goes_away_answers_503_and_recovers_by_itself(world):
    server, proxy = world["server"], world["proxy"]
    session = login(server.url, world["login"], TEST_PASSWORD)
    queue_url = f"{server.url}/api/v1/stores/{world['code']}/queue"
    assert session.get(queue_url, timeout=10).status_code == 200
    proxy.cut()
    try:
        api = session.get(queue_url, timeout=10)
        page = requests.get(f"{server.url}/s/{world['token']}", timeout=10,
                            headers={"Accept": "text/html"})
        submit = requests.post(f"{server.url}/api/v1/signs/{world['token']}/help-requests",
                               json={"need": "other", "sign_pass": minted_sign_pass(
                                   "fault-test-secret", world["token"])}, timeout=10)
    finally:
        proxy.restore()
    assert api.status_code == 503 and api.json()["error"]["code"] == "database_unavailable"
    assert api.headers["Retry-After"]
    assert submit.status_code == 503
    assert page.status_code == 503 and "Temporarily unavailable" in page.text
    assert "try again" in page.text
    _wait_for(lambda: session.get(queue_url, timeout=10).status_code == 200)
    _wait_for(lambda: requests.get(f"{server.url}/s/{world['token']}",
                                   timeout=10).status_code == 200)


def _wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the server did not recover"
        time.sleep(0.2)

