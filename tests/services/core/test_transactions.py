"""A service that refuses leaves the session clean: no transaction, no lock, nothing pending.

The handlers catch refusals and go on to read and render; they never roll back
themselves (services/core/transactions.py `rolls_back`, worn by `writes` too).
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from floorapp.errors import Conflict, Forbidden, NotFound
from floorapp.extensions import db
from floorapp.models import HelpRequest, Status, Zone
from floorapp.services.core.transactions import (
    STORE_LOCK_NAMESPACE,
    begin_write,
    is_sqlite_writer,
    rolls_back,
    writes,
)
from floorapp.services.help import moves
from floorapp.services.inventory import stock
from tests.factories import make_sign, submit_request

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


@pytest.fixture
def waiting(floor):
    """A waiting request in a store with two associates on the floor (and a manager)."""
    sign, store, maria, sam, boss = floor
    yield store, maria, sam, boss, submit_request(sign=sign, now=T0)


def _assert_clean(store_id: int) -> None:
    """Check before anything reads (reading an expired object would begin again)."""
    session = db.session()
    assert not session.in_transaction()
    assert not (session.new or session.dirty or session.deleted)
    assert not is_sqlite_writer()
    if db.engine.dialect.name == "postgresql":  # the store's write lock went with it
        held = db.session.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :n "
            "AND objid = :s AND pid = pg_backend_pid()"),
            {"n": STORE_LOCK_NAMESPACE, "s": store_id})
        db.session.rollback()
        assert held == 0


def test_a_refused_move_under_the_store_lock_leaves_the_session_clean(waiting):
    store, maria, sam, _boss, help_request = waiting
    store_id = store.id
    moves.claim(store_id, help_request.id, maria, now=T0 + timedelta(seconds=5))
    with pytest.raises(Forbidden):  # refused after it took the store's write lock
        moves.arrive(store_id, help_request.id, sam, now=T0 + timedelta(seconds=9))
    _assert_clean(store_id)
    again = db.session.scalar(select(HelpRequest).where(HelpRequest.id == help_request.id))
    assert again.status is Status.CLAIMED and again.claimed_by_id == maria.id


def test_a_refused_claim_leaves_the_session_clean_and_the_next_read_works(waiting):
    store, maria, sam, _boss, help_request = waiting
    store_id, request_id, maria_id = store.id, help_request.id, maria.id
    moves.claim(store_id, request_id, maria, now=T0 + timedelta(seconds=5))
    with pytest.raises(Conflict):
        moves.claim(store_id, request_id, sam, now=T0 + timedelta(seconds=6))
    _assert_clean(store_id)
    assert db.session.get(HelpRequest, request_id).claimed_by_id == maria_id


def test_a_refused_hold_leaves_the_session_clean(app):
    with app.app_context():
        store = make_sign().zone.store
        store_id = store.id
        with pytest.raises(NotFound):  # no such size
            stock.place_hold(store=store, variant_id=1, customer_label="Ms Lee", minutes=15)
        _assert_clean(store_id)


def test_rolls_back_undoes_what_a_refusing_function_flushed(app):
    @rolls_back
    def rename_then_refuse(zone_id: int) -> None:
        db.session.get(Zone, zone_id).name = "Renamed"
        db.session.flush()
        raise Conflict("refused after a write")

    with app.app_context():
        zone = make_sign().zone
        zone_id, name, store_id = zone.id, zone.name, zone.store_id
        begin_write(store_id)
        with pytest.raises(Conflict):
            rename_then_refuse(zone_id)
        _assert_clean(store_id)
        assert db.session.get(Zone, zone_id).name == name


def test_writes_clears_a_failed_postgresql_transaction_so_the_next_read_works(app):
    @writes
    def fail_in_the_database() -> None:
        db.session.execute(text("SELECT * FROM no_such_table"))

    with app.app_context():
        store_id = make_sign().zone.store_id
        with pytest.raises(DBAPIError, match="no_such_table"):
            fail_in_the_database()
        _assert_clean(store_id)
        assert db.session.scalar(select(Zone.name).limit(1)) is not None


def test_a_manager_refused_by_the_state_machine_leaves_nothing_behind(waiting):
    store, maria, _sam, boss, help_request = waiting
    store_id, request_id = store.id, help_request.id
    moves.claim(store_id, request_id, maria, now=T0 + timedelta(seconds=5))
    moves.arrive(store_id, request_id, maria, now=T0 + timedelta(seconds=9))
    with pytest.raises(Conflict):  # being helped: too late to cancel
        moves.cancel(store_id, request_id, manager=boss, now=T0 + timedelta(seconds=12))
    _assert_clean(store_id)
