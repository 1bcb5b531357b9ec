"""The listener's read of many stores' new events in one statement (PostgreSQL)."""

import pytest

from floorapp.extensions import db
from floorapp.services.core.event_log import event_rows, events_after_each
from tests.factories import make_sign, make_store, submit_request


@pytest.fixture
def postgres_app(app):
    """An app context on PostgreSQL (SQLite's listener reads every store at once instead)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the listener's LATERAL read is PostgreSQL's")
        yield app


def _stores_with_requests(counts: dict[str, int]) -> dict[str, int]:
    stores = {}
    for code, count in counts.items():
        sign = make_sign(zone=make_store(code=code, zones=("Shoes",)).zones[0])
        for _ in range(count):
            submit_request(sign=sign)
        stores[code] = sign.zone.store_id
    return stores


def test_each_store_is_read_after_its_own_position_in_one_statement(postgres_app):
    stores = _stores_with_requests({"AAA-1": 3, "BBB-1": 2, "CCC-1": 4})
    first_of_a = event_rows(db.engine, stores["AAA-1"], 0)
    positions = {stores["AAA-1"]: first_of_a[0]["id"], stores["BBB-1"]: 0}

    with db.engine.connect() as connection:
        rows = events_after_each(connection, positions)

    expected = (event_rows(db.engine, stores["AAA-1"], first_of_a[0]["id"])
                + event_rows(db.engine, stores["BBB-1"], 0))
    assert rows == sorted(expected, key=lambda row: row["id"])
    assert {row["store_id"] for row in rows} == {stores["AAA-1"], stores["BBB-1"]}
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


def test_the_limit_holds_for_each_store_apart(postgres_app):
    stores = _stores_with_requests({"AAA-1": 3, "BBB-1": 3})

    with db.engine.connect() as connection:
        rows = events_after_each(connection, dict.fromkeys(stores.values(), 0), limit=2)

    for store_id in stores.values():
        assert [row for row in rows if row["store_id"] == store_id] == \
            event_rows(db.engine, store_id, 0)[:2]
