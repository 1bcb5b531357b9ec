"""`flask rollups rebuild`: the roll-ups rewritten from the requests, for one store or all."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import RollupDay, RollupHour, RollupWatermark
from tests.factories import make_sign, make_store, make_timed_request, submit_request


def _day_requests(store_id: int) -> int | None:
    return db.session.scalar(select(func.sum(RollupDay.requests))
                             .where(RollupDay.store_id == store_id))


def test_rebuild_of_one_store_rolls_up_its_requests_only(app, runner):
    with app.app_context():
        shop, other = make_store(code="NY-CLI"), make_store(code="LA-CLI")
        at = datetime.now(UTC) - timedelta(days=3)
        for store in (shop, other):
            sign = make_sign(zone=store.zones[0])
            for n in range(4):
                make_timed_request(sign=sign, requested_at=at + timedelta(hours=n),
                                   acknowledge_s=20, reach_s=90, handle_s=60)
        shop_id, other_id = shop.id, other.id
    result = runner.invoke(args=["rollups", "rebuild", "--store", "ny-cli"])
    assert result.exit_code == 0, result.output
    assert "store NY-CLI" in result.output
    with app.app_context():
        assert _day_requests(shop_id) == 4 and _day_requests(other_id) is None
        assert db.session.scalar(select(func.count()).select_from(RollupHour)) == 4


def test_rebuild_of_every_store_moves_the_watermark_past_the_settled_events(app, runner):
    with app.app_context():
        submit_request(now=datetime.now(UTC) - timedelta(hours=2))
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "every store: 1 local days" in result.output
    with app.app_context():
        assert db.session.scalar(select(RollupWatermark.last_event_id)) >= 1


def test_rebuild_of_an_unknown_store_is_refused_and_writes_nothing(app, runner):
    result = runner.invoke(args=["rollups", "rebuild", "--store", "NOPE-1"])
    assert result.exit_code == 2 and "No store with the code NOPE-1" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RollupDay)) == 0
