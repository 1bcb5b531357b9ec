"""The history's stock side: pulls, holds and lookup misses that agree with the requests."""

from datetime import date

import pytest
from sqlalchemy import func, select

from floorapp.demo.history import generate_history
from floorapp.extensions import db
from floorapp.models import (
    Event,
    Feedback,
    HelpRequest,
    Hold,
    LookupMiss,
    Stock,
    StockPull,
    Store,
    Variant,
)
from tests.factories import make_product, make_staffed_store

END = date(2026, 3, 22)


@pytest.fixture
def store_id(app):
    """A New York store with two zones and signs, four associates, and no catalog yet."""
    with app.app_context():
        return make_staffed_store(code="NYC-8", zones=("Shoes", "Kids"), associates=4).id


def _stock_the_store(store_id: int) -> None:
    """Give the store a catalog: some sizes in the stockroom, some sold out."""
    store = db.session.get(Store, store_id)
    sizes = ("6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5")
    for number in range(12):
        stock = {(size, ""): ((0, 0) if (number + index) % 3 == 0 else (1, 2))
                 for index, size in enumerate(sizes)}
        make_product(style=f"HS{number:03d}", name=f"Style {number}", sizes=sizes,
                     stock={store: stock})


def _generate(store_id: int, *, days: int = 14, seed: int = 3):
    return generate_history(db.session.get(Store, store_id), days=days, seed=seed, end=END)


def _rows(model) -> list[tuple]:
    table = model.__table__
    return [tuple(row) for row in db.session.execute(select(table).order_by(table.c.id))]


def _delete_history() -> None:
    for model in (StockPull, Hold, LookupMiss, Feedback, Event, HelpRequest):
        db.session.execute(model.__table__.delete())
    db.session.commit()


def test_a_store_with_stock_gets_pulls_holds_and_misses_that_agree_with_its_requests(
        app, store_id):
    with app.app_context():
        _stock_the_store(store_id)
        report = _generate(store_id)
        pulls = db.session.scalars(select(StockPull)).all()
        holds = db.session.scalars(select(Hold)).all()
        misses = db.session.scalars(select(LookupMiss)).all()
        assert (report.pulls, report.holds, report.misses) == (len(pulls), len(holds),
                                                                len(misses))
        assert len(pulls) > 50 and len(holds) > 10 and len(misses) > 50
        requests = {r.id: r for r in db.session.scalars(select(HelpRequest))}
        for pull in pulls:
            served = requests[pull.help_request_id]
            assert served.outcome.value in ("helped", "sold") and served.need.value == "find_size"
            assert pull.asked_by_id == served.claimed_by_id and pull.asked_at > served.reached_at
            ended = pull.delivered_at or pull.not_found_at
            assert pull.picked_at is None or pull.asked_at < pull.picked_at < ended
            assert pull.status.value == ("delivered" if pull.delivered_at else "not_found")
        assert 0.8 < sum(p.status.value == "delivered" for p in pulls) / len(pulls) < 1
        for hold in holds:
            assert hold.created_at < hold.expires_at
            assert hold.released_at is None or hold.created_at < hold.released_at < hold.expires_at
        released = sum(h.released_at is not None for h in holds) / len(holds)
        assert 0.3 < released < 0.8


def test_misses_and_out_of_stock_requests_name_sizes_the_store_has_none_of(app, store_id):
    with app.app_context():
        _stock_the_store(store_id)
        _generate(store_id)
        sold_out = set(db.session.scalars(select(Stock.variant_id).where(
            Stock.store_id == store_id, Stock.floor_qty + Stock.stockroom_qty == 0)))
        misses = db.session.scalars(select(LookupMiss)).all()
        assert {miss.variant_id for miss in misses} <= sold_out
        assert {miss.store_id for miss in misses} == {store_id}
        out_of_stock = db.session.scalars(select(HelpRequest).where(
            HelpRequest.outcome == "out_of_stock")).all()
        assert out_of_stock and {r.variant_id for r in out_of_stock} <= sold_out
        for help_request in out_of_stock:
            variant = db.session.get(Variant, help_request.variant_id)
            assert help_request.size_label == variant.size_label
            assert help_request.product_id == variant.product_id  # the card's size-run link
            assert help_request.product_query.startswith("Style ")
        counts = sorted(db.session.execute(select(func.count()).select_from(LookupMiss)
                                           .group_by(LookupMiss.variant_id)).scalars(),
                        reverse=True)
        assert counts[0] > 3 * counts[len(counts) // 2]  # a few sizes are missed most


def test_the_stock_history_is_the_same_for_a_seed_and_leaves_the_requests_alone(app, store_id):
    with app.app_context():
        _generate(store_id, days=5)  # no catalog yet: no stock rows at all
        assert db.session.scalar(select(func.count()).select_from(StockPull)) == 0
        without = [row[:6] + row[10:] for row in _rows(HelpRequest)]  # all but the size named
        _delete_history()
        _stock_the_store(store_id)
        runs = []
        for _ in range(2):
            _generate(store_id, days=5)
            runs.append([_rows(model) for model in (HelpRequest, StockPull, Hold, LookupMiss)])
            _delete_history()
        assert runs[0][1:] == runs[1][1:] and runs[0][1]

        def strip_ids(rows):
            return [row[1:6] + row[10:] for row in rows]

        assert strip_ids(runs[0][0]) == [row[1:] for row in without]
