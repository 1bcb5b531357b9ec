"""Stock pulls move open → picked → delivered (or not found), each step timed, once."""

import pytest
from sqlalchemy import func, select

from floorapp.errors import Conflict, InvalidInput
from floorapp.extensions import db
from floorapp.models import PullStatus, StockPull, Store, User
from floorapp.services.core.idempotency import KeyedCall
from floorapp.services.inventory import pulls
from tests.concurrency import at_once
from tests.factories import make_product, make_store, make_user


def _pull(store):
    product = make_product(sizes=("9",), stock={store: {("9", ""): (0, 1)}})
    asker = make_user(store=store)
    return pulls.ask_for_pull(store=store, variant_id=product.variants_by_key[("9", "")].id,
                              user=asker), asker


def _open_pull_ids(app) -> tuple[int, int, int]:
    """Return the store, pull and asker ids of a new open pull, for other threads to load."""
    with app.app_context():
        store = make_store()
        pull, asker = _pull(store)
        return store.id, pull.id, asker.id


def _pick(ids: tuple[int, int, int], call: KeyedCall | None = None):
    shop, user = db.session.get(Store, ids[0]), db.session.get(User, ids[2])
    return pulls.move_pull(store=shop, pull_id=ids[1], to="picked", user=user, call=call)


def test_a_pull_is_picked_then_delivered_with_each_time_stamped(app):
    with app.app_context():
        store = make_store()
        pull, asker = _pull(store)
        picked = pulls.move_pull(store=store, pull_id=pull.id, to="picked", user=asker)
        assert picked.status is PullStatus.PICKED and picked.picked_at is not None
        done = pulls.move_pull(store=store, pull_id=pull.id, to="delivered", user=asker)
        shown = pulls.pull_dict(done)
        assert shown["status"] == "delivered"
        assert shown["seconds_to_pick"] >= 0 and shown["seconds_to_close"] >= 0


def test_a_pull_cannot_skip_a_step_or_go_back(app):
    with app.app_context():
        store = make_store()
        pull, asker = _pull(store)
        with pytest.raises(Conflict, match="open"):
            pulls.move_pull(store=store, pull_id=pull.id, to="delivered", user=asker)
        pulls.move_pull(store=store, pull_id=pull.id, to="not_found", user=asker)
        with pytest.raises(Conflict):
            pulls.move_pull(store=store, pull_id=pull.id, to="picked", user=asker)
        with pytest.raises(InvalidInput):
            pulls.move_pull(store=store, pull_id=pull.id, to="open", user=asker)


def test_two_people_picking_the_same_pull_at_once_give_one_success(app):
    ids = _open_pull_ids(app)

    def pick():
        return _pick(ids)

    outcomes = ["conflict" if isinstance(result, Conflict) else "ok"
                for result in at_once(app, [pick, pick])]
    assert sorted(outcomes) == ["conflict", "ok"]


def test_a_pull_asked_again_under_its_key_is_the_same_pull(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("9",), stock={store: {("9", ""): (0, 1)}})
        variant_id, asker = product.variants_by_key[("9", "")].id, make_user(store=store)
        first = pulls.ask_for_pull(store=store, variant_id=variant_id, user=asker,
                                   call=KeyedCall(scope="pull:test", key="p1"))
        replay_call = KeyedCall(scope="pull:test", key="p1")
        again = pulls.ask_for_pull(store=store, variant_id=variant_id, user=asker,
                                   call=replay_call)
        assert again.id == first.id and replay_call.replayed
        assert replay_call.answer == (201, pulls.pull_dict(first))
        assert db.session.scalar(select(func.count()).select_from(StockPull)) == 1


def test_concurrent_replays_of_one_key_ask_one_pull(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("9",), stock={store: {("9", ""): (0, 1)}})
        ids = (store.id, product.variants_by_key[("9", "")].id, make_user(store=store).id)
    def ask():
        shop, user = db.session.get(Store, ids[0]), db.session.get(User, ids[2])
        return pulls.ask_for_pull(store=shop, variant_id=ids[1], user=user,
                                  call=KeyedCall(scope="pull:race", key="double-tap")).id

    outcomes = at_once(app, [ask] * 4)
    assert len(outcomes) == 4 and len(set(outcomes)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StockPull)) == 1


def test_concurrent_replays_of_one_move_all_answer_it_none_conflicts(app):
    ids = _open_pull_ids(app)

    def pick():
        return _pick(ids, KeyedCall(scope="move:race", key="double-tap")).status.value

    outcomes = at_once(app, [pick] * 4)
    assert outcomes == ["picked"] * 4
