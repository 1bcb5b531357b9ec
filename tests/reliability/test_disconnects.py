"""PostgreSQL connections that die under the pool, and what a request pays to check them.

The pool does not ping a connection at checkout (config.py): the first statement on a
dead one fails, that request answers 503, and SQLAlchemy invalidates the whole pool, so
the next checkout connects afresh. The test app's connections carry an application_name
of their own, so only its backends are terminated, never another test's or engineer's.
"""

import ctypes
import secrets
import tempfile
import time
import uuid

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from floorapp.extensions import db
from floorapp.models import HelpRequest
from tests import databases
from tests.factories import TEST_PASSWORD, make_sign, make_user, minted_sign_pass

pytestmark = [pytest.mark.postgres_only,
              pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)]
SECRET = "test-secret-key"  # the `app` fixtures' SECRET_KEY, which signs the sign's pass


@pytest.fixture
def named_app(make_app, database_url):
    """Return a factory of apps whose connections are named, and the name."""
    name = f"floorapp_test_{secrets.token_hex(4)}"
    url = make_url(database_url).update_query_dict({"application_name": name})

    def factory(**overrides):
        return make_app(DATABASE_URL=url.render_as_string(hide_password=False), **overrides)

    return factory, name


@pytest.fixture
def store(named_app):
    """A store with a sign and an associate, on the first app the factory made."""
    factory, name = named_app
    app = factory()
    with app.app_context():
        sign = make_sign()
        make_user(login="paz", store=sign.zone.store)
        return {"app": app, "name": name, "code": sign.zone.store.code, "token": sign.token}


def _admin():
    url = make_url(databases.postgres_url())
    return psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                           password=url.password, dbname=url.database, autocommit=True)


def _backends(name: str) -> set[int]:
    with _admin() as admin:
        return {pid for (pid,) in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND pid <> pg_backend_pid()", (name,))}


def _terminate(name: str) -> set[int]:
    """Terminate the backends of the app named `name`; return their pids once gone."""
    with _admin() as admin:
        killed = {pid for pid, done in admin.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            (name,)) if done}
    deadline = time.monotonic() + 10
    while killed & _backends(name):
        assert time.monotonic() < deadline, "the terminated backends did not exit"
        time.sleep(0.05)
    return killed


def _fill_the_pool(app, connections: int = 3) -> None:
    with app.app_context():
        held = [db.engine.connect() for _ in range(connections)]
        for connection in held:
            connection.exec_driver_sql("SELECT 1")
            connection.close()


def test_terminated_backends_cost_one_503_at_most_then_fresh_connections_write_once(store):
    app, name = store["app"], store["name"]
    client = app.test_client()
    login = client.post("/login", data={"login": "paz", "password": TEST_PASSWORD})
    assert login.status_code == 302
    queue = f"/api/v1/stores/{store['code']}/queue"
    assert client.get(queue).status_code == 200
    _fill_the_pool(app)
    killed = _terminate(name)
    assert len(killed) >= 3
    answers, created = [], {}
    for turn in range(6):
        if turn % 2:
            answers.append(client.get(queue).status_code)
            continue
        key = uuid.uuid4().hex
        status, request_id = _submit(client, store["token"], key)
        if status == 503:  # the customer's page sends the same key again
            answers.append(status)
            status, request_id = _submit(client, store["token"], key)
        answers.append(status)
        created[key] = request_id
    assert answers.count(503) <= 1, answers
    assert [status for status in answers if status != 503] == [201, 200] * 3
    assert client.get(queue).status_code == 200
    assert not killed & _backends(name)  # the pool connected afresh
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(HelpRequest))
        db.session.rollback()
    assert stored == len(set(created.values())) == 3  # each key made one request


def _submit(client, sign_token: str, key: str) -> tuple[int, int | None]:
    answer = client.post(f"/api/v1/signs/{sign_token}/help-requests", json={
        "need": "find_size", "sign_pass": minted_sign_pass(SECRET, sign_token)},
        headers={"Idempotency-Key": key})
    return answer.status_code, (answer.get_json() or {}).get("id")


class RoundTrips:
    """Count the round trips an engine's PostgreSQL connections make, from libpq's trace.

    Each connection traces its protocol messages to a file of its own; every exchange
    ends with the server's ReadyForQuery, a statement, a BEGIN, a COMMIT or a ping alike.
    """

    def __init__(self, engine):
        self.files = []
        engine.dispose()  # every connection from now on is traced
        event.listen(engine, "connect", self._trace)

    def _trace(self, dbapi_connection, _record) -> None:
        handle = tempfile.TemporaryFile()  # noqa: SIM115  (open while the connection lives)
        self.files.append(handle)
        dbapi_connection.pgconn.trace(handle.fileno())
        dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    def count(self) -> int:
        """Return the round trips so far (libpq writes the trace through C stdio)."""
        ctypes.CDLL(None).fflush(None)
        total = 0
        for handle in self.files:
            handle.seek(0)
            total += sum(line.startswith(b"B\t") and b"\tReadyForQuery\t" in line
                         for line in handle)
        return total


def _round_trips_per_page(app, code: str, pages: int = 5) -> float:
    client = app.test_client()
    client.post("/login", data={"login": "paz", "password": TEST_PASSWORD})
    with app.app_context():
        trips = RoundTrips(db.engine)
    page = f"/stores/{code}/lookup"
    assert client.get(page).status_code == 200  # connects (and sets the connection up)
    before = trips.count()
    for _ in range(pages):
        assert client.get(page).status_code == 200
    return (trips.count() - before) / pages


def test_a_page_costs_one_round_trip_less_without_pre_ping(store, named_app):
    factory, _ = named_app
    pinged = factory(SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    with_ping = _round_trips_per_page(pinged, store["code"])
    without = _round_trips_per_page(store["app"], store["code"])
    assert without == with_ping - 1 > 0, (with_ping, without)  # 5 and 4 when written
