"""The test databases: a fresh SQLite file per test, and a PostgreSQL schema per run.

PostgreSQL comes from FLOORAPP_TEST_DATABASE_URL, or the local server these machines
run. When the variable is set, or under CI, an unreachable server fails the run; on a
developer's machine without one, the PostgreSQL half is skipped with the reason.
"""

import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.errors import DeadlockDetected
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    """Return the PostgreSQL server the tests use."""
    return os.environ.get("FLOORAPP_TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL


def postgres_required() -> bool:
    """Tell whether a missing PostgreSQL must fail the run instead of skipping."""
    return bool(os.environ.get("FLOORAPP_TEST_DATABASE_URL") or os.environ.get("CI"))


def postgres_unreachable_reason() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it answers."""
    url = make_url(postgres_url())
    try:
        with psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password,
            dbname=url.database, connect_timeout=3,
        ):
            return None
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        return f"PostgreSQL at {url.render_as_string()} is unreachable: {first_line}"


def require_postgres(hint: str = "") -> None:
    """Skip the test when PostgreSQL is unreachable, or fail it where PostgreSQL is required."""
    reason = postgres_unreachable_reason()
    if reason is not None:
        if postgres_required():
            pytest.fail(reason, pytrace=False)
        pytest.skip(f"{reason}{hint}")


@contextlib.contextmanager
def fresh_database(backend: str, sqlite_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: the SQLite file, or a new schema (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_path}"
        return
    require_postgres()
    schema = PostgresSchema()
    try:
        yield schema.create()
    finally:
        schema.drop()


class PostgresSchema:
    """A schema of its own for one test run, so runs never see each other's rows."""

    def __init__(self):
        self.name = f"floorapp_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.engine = create_engine(postgres_url())

    def create(self) -> str:
        """Create the schema and return a URL whose connections use only it."""
        with self.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))
        return self.url()

    def url(self) -> str:
        """Return the database URL with the schema as the only search path."""
        url = make_url(postgres_url()).update_query_dict({"options": f"-csearch_path={self.name}"})
        return url.render_as_string(hide_password=False)

    def drop(self, attempts: int = 3) -> None:
        """Drop the schema and everything in it.

        The server's autovacuum may be analysing a freshly migrated table at that moment;
        PostgreSQL then sometimes resolves the lock cycle by cancelling the DROP
        (DeadlockDetected), and the next attempt goes through.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.engine.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
                break
            except OperationalError as error:
                if attempt == attempts or not isinstance(error.orig, DeadlockDetected):
                    raise
                time.sleep(0.5 * attempt)
        self.engine.dispose()
