"""The databases a scenario runs on: cached data sets, and a database of its own per run.

Big data sets are built once with the reusable `flask` generators (`flask catalog
scale`, `flask demo scale-history`) and cached, keyed by seed and size:
  * SQLite: a file in bench/cache/ (ignored by git), used in place;
  * PostgreSQL: a template database `bench_cache_<key>`; each run copies it into a
    database of its own (CREATE DATABASE … TEMPLATE: a file copy, or WAL_LOG when
    small) and drops that copy afterwards, also on Ctrl-C or an error. Scenarios
    needing no data set start from a cached migrated empty database (keyed by the
    migration files) the same way.
Delete bench/cache/ and `DROP DATABASE bench_cache_…` to rebuild from scratch.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

CACHE = Path(__file__).resolve().parent / "cache"
ROOT = CACHE.parent.parent
FLASK = Path(sys.executable).parent / "flask"
PG_SERVER = os.environ.get("FLOORAPP_BENCH_POSTGRES", "postgres@127.0.0.1:5432")
_runs = 0
SMALL_TEMPLATE_BYTES = 256 * 2**20


@dataclass(frozen=True)
class DataSet:
    """A data set built by `flask <command…>` on a migrated database."""

    key: str
    command: tuple[str, ...]

    @classmethod
    def catalog(cls, *, styles: int, seed: int) -> "DataSet":
        """The scale catalog: `styles` styles of about 20 variants each, with stock."""
        return cls(f"catalog_s{seed}_{styles}",
                   ("catalog", "scale", "--styles", str(styles), "--seed", str(seed)))

    @classmethod
    def history(cls, *, stores: int, requests: int, seed: int) -> "DataSet":
        """The scale history: `requests` past help requests over `stores` bench stores."""
        return cls(f"history_s{seed}_{stores}x{requests}",
                   ("demo", "scale-history", "--stores", str(stores), "--requests",
                    str(requests), "--seed", str(seed)))


def say(line: str) -> None:
    """Print a progress line at once."""
    print(f"  · {line}", flush=True)


def flask(url: str, *args: str) -> None:
    """Run a `flask --app floorapp` command on the database at `url`."""
    log = CACHE / "build.log"
    CACHE.mkdir(exist_ok=True)
    with log.open("a") as output:
        subprocess.run([str(FLASK), "--app", "floorapp", *args], cwd=ROOT, check=True,
                       env={**os.environ, "FLOORAPP_DATABASE_URL": url},
                       stdout=output, stderr=subprocess.STDOUT)


def pg_url(database: str) -> str:
    """Return the SQLAlchemy URL of a database on the bench PostgreSQL server."""
    return f"postgresql+psycopg://{PG_SERVER}/{database}"


def _connect(database: str = "postgres", *, autocommit: bool = False):
    """Return a connection to a database on the bench PostgreSQL server."""
    user, server = PG_SERVER.split("@")
    host, port = server.split(":")
    return psycopg.connect(host=host, port=int(port), user=user, dbname=database,
                           autocommit=autocommit)


def _admin(*statements: str) -> None:
    with _connect(autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def _copy_strategy(template: str) -> str:
    """WAL_LOG for a small template (no checkpoint: ~0.2 s instead of ~4 s on a busy
    machine), FILE_COPY for a big one (logging gigabytes of pages would be slower)."""
    with _connect() as c:
        size = c.execute("SELECT pg_database_size(%s)", (template,)).fetchone()[0]
    return "WAL_LOG" if size < SMALL_TEMPLATE_BYTES else "FILE_COPY"


def _pg_exists(database: str) -> bool:
    with _connect() as c:
        return c.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                         (database,)).fetchone() is not None


def empty() -> DataSet:
    """The migrated empty database, keyed by the migrations it ran."""
    names = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    return DataSet(f"empty_{zlib.crc32(' '.join(names).encode()):08x}", ())


def _build(url: str, data: DataSet | None) -> None:
    started = time.monotonic()
    flask(url, "db", "upgrade")
    if data and data.command:
        say(f"building {data.key} (once; cached afterwards)…")
        flask(url, *data.command)
        say(f"built {data.key} in {time.monotonic() - started:.0f} s")


def sqlite_cached(data: DataSet) -> Path:
    """Return the cached SQLite file of a data set, building it first if missing."""
    path = CACHE / f"{data.key}.sqlite3"
    if not path.exists():
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        _build(f"sqlite:///{building}", data)
        building.rename(path)
    elif data.command:
        say(f"using the cached {data.key} ({path.relative_to(ROOT)})")
        _upgrade_to_head(f"sqlite:///{path}")
    return path


def pg_cached(data: DataSet) -> str:
    """Return the cached template database of a data set, building it first if missing."""
    name = f"bench_cache_{data.key}"
    if not _pg_exists(name):
        building = name + "_building"
        _admin(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)',
               f'CREATE DATABASE "{building}"')
        _build(pg_url(building), data)
        _analyse(building)
        _admin(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    elif data.command:
        say(f"using the cached {data.key} (PostgreSQL template database {name})")
        _upgrade_to_head(pg_url(name))
    return name


def _analyse(database: str) -> None:
    """VACUUM ANALYZE a freshly built data set, as autovacuum would have by then.

    A run works in a copy, whose planner statistics and visibility map are the
    template's, and autovacuum never visits the copy (its change counters start at 0):
    without this the planner guessed a store's year at 6 requests and every index-only
    scan read the table's rows too.
    """
    with _connect(database, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def _upgrade_to_head(url: str) -> None:
    """Bring a data set cached by an older checkout to this checkout's migrations."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text

    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            current = connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()
    if current != head:
        say(f"migrating the cached data from {current} to {head}…")
        flask(url, "db", "upgrade")


@contextmanager
def database(backend: str, data: DataSet | None = None):
    """Yield the URL of a database for one scenario; drop what was made only for it."""
    global _runs
    _runs += 1
    if backend == "sqlite":
        if data:
            yield f"sqlite:///{sqlite_cached(data)}"
            return
        with tempfile.TemporaryDirectory(prefix="floorapp-bench-") as folder:
            shutil.copyfile(sqlite_cached(empty()), f"{folder}/bench.sqlite3")
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    run = f"bench_run_{os.getpid()}_{_runs}"
    template = pg_cached(data or empty())
    _admin(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)',
           f'CREATE DATABASE "{run}" TEMPLATE "{template}" STRATEGY {_copy_strategy(template)}')
    try:
        yield pg_url(run)
    finally:
        from floorapp import worker_loops  # not at import: `python -m bench.data` runs alone

        worker_loops.stop_all()  # no in-process loop of this run retries a dropped database
        _admin(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')


def prepare(data: DataSet) -> None:
    """Build a data set on both databases ahead of time (`python -m bench.data …`)."""
    sqlite_cached(data)
    pg_cached(data)


if __name__ == "__main__":
    kind, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    backend = sys.argv[4] if len(sys.argv) > 4 else "both"
    wanted = (DataSet.catalog(styles=size, seed=seed) if kind == "catalog"
              else DataSet.history(stores=50, requests=size, seed=seed))
    if backend in ("sqlite", "both"):
        sqlite_cached(wanted)
    if backend in ("postgresql", "both"):
        pg_cached(wanted)
