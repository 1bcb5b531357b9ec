"""Holds: never more than is available, expire by themselves, and one winner for the last pair."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from floorapp.errors import Conflict, InvalidInput
from floorapp.extensions import db
from floorapp.models import Hold, Stock, Store, User
from floorapp.services.core.idempotency import KeyedCall, KeyReused
from floorapp.services.inventory import stock as stock_service
from floorapp.services.inventory.size_grid import product_view
from tests.concurrency import at_once
from tests.factories import make_product, make_store, make_user


def _one_pair():
    """Return a new store, and its product with one pair of one size (in the stockroom)."""
    store = make_store()
    product = make_product(sizes=("9",), stock={store: {("9", ""): (0, 1)}})
    return store, product, product.variants_by_key[("9", "")].id


def _held_pair():
    """Return a new store, its one-pair product, and a five-minute hold on that pair."""
    store, product, variant_id = _one_pair()
    hold = stock_service.place_hold(store=store, variant_id=variant_id, customer_label="A",
                                    minutes=5)
    return store, product, hold


def test_a_hold_reduces_what_is_available(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("9",), stock={store: {("9", ""): (1, 2)}})
        variant_id = product.variants_by_key[("9", "")].id
        stock_service.place_hold(store=store, variant_id=variant_id, customer_label="Ms Lee",
                                 minutes=20, qty=2)
        cell = product_view(product.id, store)["variants"][0]
        assert (cell["held"], cell["available"]) == (2, 1)


def test_a_hold_for_more_than_is_available_is_refused(app):
    with app.app_context():
        store, _, variant_id = _one_pair()
        stock_service.place_hold(store=store, variant_id=variant_id, customer_label="A",
                                 minutes=10)
        with pytest.raises(Conflict):
            stock_service.place_hold(store=store, variant_id=variant_id, customer_label="B",
                                     minutes=10)
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 1


@pytest.mark.parametrize("fields", [
    {"customer_label": "", "minutes": 10}, {"customer_label": "A", "minutes": 0},
    {"customer_label": "A", "minutes": 99999}, {"customer_label": "A", "minutes": "soon"},
    {"customer_label": "A", "minutes": 5, "qty": 0}])
def test_bad_hold_input_is_refused_and_writes_nothing(app, fields):
    with app.app_context():
        store, _, variant_id = _one_pair()
        with pytest.raises(InvalidInput):
            stock_service.place_hold(store=store, variant_id=variant_id, **fields)
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 0


def test_an_expired_hold_stops_counting_by_itself_and_is_purged_later(app):
    with app.app_context():
        store, product, hold = _held_pair()
        assert product_view(product.id, store)["variants"][0]["available"] == 0
        later = datetime.now(UTC) + timedelta(minutes=6)
        assert product_view(product.id, store, now=later)["variants"][0]["available"] == 1
        hold.expires_at = datetime.now(UTC) - timedelta(days=8)
        db.session.commit()
        assert stock_service.purge_expired_holds() == 1
        kept = db.session.scalar(select(Hold))
        assert kept.customer_label == "" and kept.qty == 1  # the dashboard still counts it
        assert stock_service.purge_expired_holds() == 0


def test_releasing_a_hold_frees_the_pair_and_a_second_release_conflicts(app):
    with app.app_context():
        store, product, hold = _held_pair()
        stock_service.release_hold(store=store, hold_id=hold.id)
        assert product_view(product.id, store)["variants"][0]["available"] == 1
        with pytest.raises(Conflict):
            stock_service.release_hold(store=store, hold_id=hold.id)


def test_two_associates_holding_the_last_pair_at_once_get_one_hold_and_one_conflict(app):
    with app.app_context():
        store, _, variant_id = _one_pair()
        store_id = store.id
        users = [make_user(store=store).id for _ in range(2)]
    def hold_for(user_id):
        def hold_it():
            shop, user = db.session.get(Store, store_id), db.session.get(User, user_id)
            return stock_service.place_hold(store=shop, variant_id=variant_id, user=user,
                                            customer_label=f"for {user_id}", minutes=15)
        return hold_it

    outcomes = ["conflict" if isinstance(result, Conflict) else "held"
                for result in at_once(app, [hold_for(user_id) for user_id in users])]
    assert sorted(outcomes) == ["conflict", "held"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 1


def test_stock_is_set_by_hand_but_never_negative(app):
    with app.app_context():
        store, _, variant_id = _one_pair()
        stock_service.set_stock(store=store, variant_id=variant_id, floor=4, stockroom=0,
                                bin_location="A-1")
        with pytest.raises(InvalidInput, match="less than 0"):
            stock_service.set_stock(store=store, variant_id=variant_id, floor=-1, stockroom=0)
        stock = db.session.get(Stock, (variant_id, store.id))
        assert (stock.floor_qty, stock.stockroom_qty, stock.bin) == (4, 0, "A-1")


def _keyed(key: str) -> KeyedCall:
    return KeyedCall(scope="hold:test", key=key)


def test_a_hold_replayed_under_its_key_returns_the_first_hold_and_holds_nothing_more(app):
    with app.app_context():
        store, _, variant_id = _one_pair()
        first = stock_service.place_hold(store=store, variant_id=variant_id, minutes=10,
                                         customer_label="Ms Lee", call=_keyed("k1"))
        replay_call = _keyed("k1")
        again = stock_service.place_hold(store=store, variant_id=variant_id, minutes=10,
                                         customer_label="Ms  Lee", call=replay_call)
        assert again.id == first.id and replay_call.replayed
        assert replay_call.answer == (201, stock_service.hold_dict(first))
        with pytest.raises(KeyReused):
            stock_service.place_hold(store=store, variant_id=variant_id, minutes=20,
                                     customer_label="Ms Lee", call=_keyed("k1"))
        assert not db.session().in_transaction()  # the refused replay ended its write
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 1


def test_concurrent_replays_of_one_key_place_one_hold(app):
    with app.app_context():
        store, _, variant_id = _one_pair()
        store_id, user_id = store.id, make_user(store=store).id
    def hold_it():
        shop, user = db.session.get(Store, store_id), db.session.get(User, user_id)
        return stock_service.place_hold(store=shop, variant_id=variant_id, user=user,
                                        customer_label="Ms Lee", minutes=15,
                                        call=_keyed("double-tap")).id

    outcomes = at_once(app, [hold_it] * 4)
    assert len(set(outcomes)) == 1 and isinstance(outcomes[0], int)  # one hold, no refusal
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 1


def test_a_release_replayed_under_its_key_answers_again_instead_of_conflicting(app):
    with app.app_context():
        store, _, hold = _held_pair()
        first = stock_service.release_hold(store=store, hold_id=hold.id, call=_keyed("r1"))
        replay_call = _keyed("r1")
        again = stock_service.release_hold(store=store, hold_id=hold.id, call=replay_call)
        assert again.id == first.id and replay_call.replayed
        assert replay_call.answer[1]["released_at"] is not None
        with pytest.raises(Conflict):
            stock_service.release_hold(store=store, hold_id=hold.id, call=_keyed("r2"))
