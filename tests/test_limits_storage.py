"""The SQLite rate-limit storage: fixed windows that every process of a host shares."""

import time

from floorapp import create_app
from floorapp.limits_storage import SQLiteStorage


def test_counts_run_up_within_a_window_and_start_again_after_it(tmp_path):
    storage = SQLiteStorage(f"floorapp-sqlite:///{tmp_path / 'limits.sqlite3'}")
    assert [storage.incr("k", 1), storage.incr("k", 1), storage.incr("k", 1, amount=3)] == [1, 2, 5]
    assert storage.get("k") == 5 and storage.get("other") == 0
    assert storage.get_expiry("k") > time.time()
    time.sleep(1.05)
    assert storage.get("k") == 0
    assert storage.incr("k", 1) == 1


def test_two_storages_on_one_file_count_together_and_can_be_cleared(tmp_path):
    uri = f"floorapp-sqlite:///{tmp_path / 'limits.sqlite3'}"
    first, second = SQLiteStorage(uri), SQLiteStorage(uri)
    first.incr("k", 60)
    assert second.incr("k", 60) == 2
    second.clear("k")
    assert first.get("k") == 0
    first.incr("a", 60)
    assert first.check() and second.reset() == 1


def test_without_a_storage_uri_the_limits_count_in_a_file_beside_the_sqlite_database(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": "k"})
    assert app.config["RATELIMIT_STORAGE_URI"] == f"floorapp-sqlite:///{tmp_path}/db.sqlite3.ratelimits"
    redis = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": "k",
                        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    assert redis.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
