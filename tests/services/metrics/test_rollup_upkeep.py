"""The tick keeps the roll-ups: catch-up after downtime, a double run, changes, targets."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from floorapp.extensions import db
from floorapp.models import Role, RollupDay, RollupHour, RollupWatermark, RollupWeek, Store
from floorapp.services.help import availability, moves, spam
from floorapp.services.metrics import rollup_upkeep
from tests.factories import NEW_YORK, make_sign, make_store, make_user, submit_request, utc

FALL_BACK_NIGHT = utc(2026, 11, 1, 4, 30)  # 00:30 in New York; 01:00 comes twice after it
LATER = utc(2026, 11, 3, 12)
IGNORED = {"id", "computed_at"}
KEYS = ((RollupHour, ("store_id", "hour_start_utc", "zone_id")),
        (RollupDay, ("store_id", "local_date")), (RollupWeek, ("store_id", "week_start")))
SETTLED = rollup_upkeep.SETTLE + timedelta(seconds=1)


@pytest.fixture
def floor(app):
    with app.app_context():
        store = make_store(code="NY-T", timezone=NEW_YORK, zones=("Shoes", "Kids"))
        signs = [make_sign(zone=zone) for zone in store.zones]
        maria = make_user(name="Maria Lopez", store=store)
        boss = make_user(name="Ada Boss", store=store, role=Role.MANAGER)
        availability.set_availability(maria, "on_floor", now=FALL_BACK_NIGHT)
        yield store, signs, maria, boss


def _history(store, signs, maria, hours: int = 30) -> list[int]:
    """Requests through the real moves, one every 20 minutes across the clock change."""
    ids = []
    for n in range(hours * 3):
        at = FALL_BACK_NIGHT + timedelta(minutes=20 * n)
        request = submit_request(sign=signs[n % 2], now=at)
        ids.append(request.id)
        if n % 5 == 4:
            continue  # left waiting: open
        moves.claim(store.id, request.id, maria, now=at + timedelta(seconds=20 + n))
        if n % 7 == 3:
            moves.cancel(store.id, request.id, now=at + timedelta(seconds=400))
            continue
        moves.arrive(store.id, request.id, maria, now=at + timedelta(seconds=90 + 3 * n))
        moves.resolve(store.id, request.id, maria, "helped", now=at + timedelta(minutes=5))
    return ids


def _rows() -> dict:
    """Every roll-up row, without its id and computing time, keyed by what it is."""
    result = {}
    for model, key in KEYS:
        for row in db.session.scalars(select(model)):
            values = {c.name: getattr(row, c.name) for c in model.__table__.columns
                      if c.name not in IGNORED}
            result[(model.__tablename__, *(values[k] for k in key))] = values
    db.session.rollback()
    return result


def _catch_up(now, **budget) -> int:
    ticks = 0
    while True:
        ticks += 1
        report = rollup_upkeep.tick(now=now, **budget)
        if not report.behind:
            return ticks
        assert ticks < 500


def _watermark() -> int:
    return db.session.scalar(select(RollupWatermark.last_event_id))


def test_the_ticks_catch_up_after_downtime_to_the_rows_of_a_full_rebuild(floor):
    store, signs, maria, _ = floor
    _history(store, signs, maria)
    ticks = _catch_up(LATER, max_hours=4)
    assert ticks > 5  # 30 hours at 4 a tick: the budget bounds each tick
    caught_up = _rows()
    assert sum(v["requests"] for k, v in caught_up.items() if k[0] == "rollup_days") == 90
    one_am = {k[2] for k, v in caught_up.items() if k[0] == "rollup_hours"
              and v["local_hour"] == 1 and v["local_date"] == FALL_BACK_NIGHT.date()}
    assert len(one_am) == 2  # 01:00 EDT, then 01:00 EST
    rollup_upkeep.rebuild(now=LATER)
    assert _rows() == caught_up


def test_a_second_run_over_the_same_events_gives_the_same_rows(floor):
    store, signs, maria, _ = floor
    _history(store, signs, maria, hours=6)
    _catch_up(LATER)
    first, mark = _rows(), _watermark()
    assert rollup_upkeep.tick(now=LATER).hours == 0  # nothing new past the watermark
    db.session.execute(update(RollupWatermark).values(last_event_id=0))  # as if never run
    db.session.commit()
    _catch_up(LATER, max_hours=2)
    assert _rows() == first and _watermark() == mark


def test_a_later_move_on_an_old_request_rewrites_its_hour(floor):
    store, signs, maria, boss = floor
    ids = _history(store, signs, maria, hours=4)
    _catch_up(LATER)
    before = _rows()
    waiting = ids[4]  # left waiting, as ids[9] is
    moves.claim(store.id, waiting, maria, now=LATER)
    spam.clear_spam(store, boss, sign_id=None, minutes=max(spam.WINDOWS_MIN),
                    now=FALL_BACK_NIGHT + timedelta(minutes=20 * 10))  # clears ids[9]
    _catch_up(LATER + SETTLED)
    after = _rows()
    day = next(k for k in after if k[0] == "rollup_days")
    assert after[day]["requests"] == before[day]["requests"] - 1
    assert after[day]["open"] == before[day]["open"] - 1  # the claimed one is still open
    assert after[day]["acknowledged"] == before[day]["acknowledged"] + 1
    assert after[day]["acknowledge_max_s"] > 24 * 3600  # claimed two days late


def test_events_younger_than_the_settling_time_wait_for_a_later_tick(floor):
    store, signs, maria, _ = floor
    submit_request(sign=signs[0], now=LATER)
    early = rollup_upkeep.tick(now=LATER)
    assert (early.hours, early.behind, _rows()) == (0, False, {})
    assert rollup_upkeep.tick(now=LATER + SETTLED).hours == 1
    assert _rows() != {}


def test_a_change_of_targets_rewrites_the_days_measured_against_the_old_ones(floor):
    store, signs, maria, _ = floor
    _history(store, signs, maria, hours=4)
    _catch_up(LATER)
    within = sum(v["reached_within"] for k, v in _rows().items() if k[0] == "rollup_days")
    db.session.execute(update(Store).where(Store.id == store.id).values(reach_target_s=60))
    db.session.commit()
    report = rollup_upkeep.tick(now=LATER)
    assert report.stale_days >= 1
    rows = _rows()
    assert all(v["reach_target_s"] == 60 for v in rows.values())
    assert sum(v["reached_within"] for k, v in rows.items() if k[0] == "rollup_days") < within
