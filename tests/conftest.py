"""Fixtures in the Flask tutorial's shape: `app`, `client`, `runner` and `auth`.

Every test that takes `app` runs twice: on SQLite and on PostgreSQL.
"""

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from floorapp import create_app, worker_loops
from floorapp.extensions import db
from tests import databases
from tests.factories import TEST_PASSWORD

BACKENDS = ("sqlite", "postgresql")
# Limits high enough that a walk of many requests from one test address is never refused.
HIGH_LIMITS = {name: "100000 per minute" for name in (
    "SUBMIT_LIMIT_PER_ADDRESS", "SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN", "SUBMIT_CEILING_PER_SIGN",
    "STATUS_LIMIT_PER_ADDRESS", "SUGGEST_LIMIT_PER_ADDRESS", "PUSH_SUBSCRIBE_LIMIT",
    "CHECK_LIMIT_PER_ADDRESS", "CHECK_LIMIT_PER_SIGN", "MESSAGE_LIMIT_PER_ADDRESS",
    "MESSAGE_LIMIT_PER_REQUEST", "SHIFT_FEED_LIMIT_PER_ADDRESS", "SHIFT_FEED_LIMIT_PER_LINK")}


def pytest_report_header(config):
    reason = databases.postgres_unreachable_reason()
    if reason is None:
        return f"PostgreSQL tests against {databases.postgres_url()}"
    outcome = "FAIL" if databases.postgres_required() else "be skipped"
    return f"PostgreSQL tests will {outcome}: {reason}"


@pytest.fixture(scope="session")
def postgres_schema():
    """Create one PostgreSQL schema with every table for this run; drop it at the end."""
    databases.require_postgres(" (set FLOORAPP_TEST_DATABASE_URL to run these)")
    schema = databases.PostgresSchema()
    url = schema.create()
    setup_app = create_app(_test_config(url))
    with setup_app.app_context():
        db.create_all()
        _no_autovacuum()
        db.engine.dispose()
    yield url
    schema.drop()


def _no_autovacuum() -> None:
    """Keep autovacuum off the run's tables: after a bulk load (the demo history) its
    ANALYZE could deadlock with the TRUNCATE that empties the tables between tests."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            connection.execute(text(
                f'ALTER TABLE "{table.name}" SET '
                "(autovacuum_enabled = false, toast.autovacuum_enabled = false)"))


@pytest.fixture(autouse=True)
def _stop_background_loops():
    """End every background loop a test started (floorapp/worker_loops.py says why),
    whether its app came from `make_app` or from the test's own create_app."""
    yield
    worker_loops.stop_all()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """Return a URL to an empty database with every table, on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'floorapp.sqlite3'}"
    return request.getfixturevalue("postgres_schema")


def _test_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # No background tick: it would escalate and expire under a test's feet, at its
        # own moment. Tests call the tick (realtime.run_tick) when they mean to.
        "TICK_INTERVAL_S": 0,
        # No push dispatcher either: tests drain the outbox with push_dispatch.drain_once().
        "PUSH_DISPATCH": False,
        "SMS_DISPATCH": False,  # likewise: sms_dispatch.drain_once()
        # Twilio's API stand-in listens on loopback (tests/sms/twilio_service.py)
        "TWILIO_API_ALLOW": "https://api.twilio.com/,http://127.0.0.1:",
        "TWILIO_AUTH_TOKEN": "test-twilio-auth-token",
        **overrides,
    }


@pytest.fixture
def make_app(database_url):
    """Return a factory of apps on the test database, with config overrides."""
    made = []

    def factory(**overrides):
        app = create_app(_test_config(database_url, **overrides))
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield factory
    worker_loops.stop_all()  # no loop of this test's apps writes while the tables empty
    for app in made:
        with app.app_context():
            _empty_tables()
            db.engine.dispose()


def _empty_tables() -> None:
    """Delete every row, so the shared PostgreSQL schema is clean for the next test."""
    if db.engine.dialect.name != "postgresql":
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    for attempt in range(5):
        try:
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as error:
            # A background thread of the test's app (the realtime listener's tick, a stream
            # lease's heartbeat) may still be writing: PostgreSQL picks one side of the
            # deadlock to fail, and the write is done by the time we try again.
            if "deadlock detected" not in str(error) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture
def app(make_app):
    """The app on an empty database, CSRF off (tests of CSRF turn it on)."""
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log the test client in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, login: str, password: str = TEST_PASSWORD, **kwargs):
        return self._client.post("/login", data={"login": login, "password": password}, **kwargs)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
