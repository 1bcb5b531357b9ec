"""Week rows are the sums of their day rows, however the days were written, DST weeks too.

The chain's view reads a range as its whole weeks and its edge days
(services/metrics/chain_figures.py), so a week row that differed from its days would
change the figures; these tests hold every writer of the days to their weeks.
"""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from floorapp.extensions import db
from floorapp.models import RollupDay, RollupWeek
from floorapp.services.help import availability, moves
from floorapp.services.metrics import chain_figures, rollup_upkeep
from floorapp.services.metrics.rollup_figures import Totals
from floorapp.services.metrics.rollup_writer import week_start
from tests.factories import NEW_YORK, make_sign, make_store, make_user, submit_request, utc
from tests.services.metrics.test_rollup_accuracy import FALL_BACK, SPRING_FORWARD, _fill_day

LATER = utc(2027, 1, 1)
IGNORED = {"id", "computed_at", "week_start", "local_date"}


@pytest.fixture
def shop(app):
    with app.app_context():
        yield make_store(code="NY-W", timezone=NEW_YORK, zones=("Shoes", "Kids"),
                         acknowledge_target_s=60, reach_target_s=180)


def _weeks() -> dict[tuple[int, date], dict]:
    """Every week row's columns (without its id, key and computing time), by store and week."""
    weeks = {(row.store_id, row.week_start): _columns(row, RollupWeek)
             for row in db.session.scalars(select(RollupWeek))}
    db.session.rollback()
    return weeks


def _sums_of_days() -> dict[tuple[int, date], dict]:
    """What each week row should be: its day rows added up by Totals, with their targets."""
    totals, targets = {}, {}
    for day in db.session.scalars(select(RollupDay).order_by(RollupDay.local_date)):
        key = (day.store_id, week_start(day.local_date))
        totals.setdefault(key, Totals()).add_row(day)
        targets[key] = {"acknowledge_target_s": day.acknowledge_target_s,
                        "reach_target_s": day.reach_target_s}
    db.session.rollback()
    return {key: {"store_id": key[0], **total.columns(), **targets[key]}
            for key, total in totals.items()}


def _columns(row, model) -> dict:
    return {c.name: getattr(row, c.name) for c in model.__table__.columns if c.name not in IGNORED}


def test_a_rebuild_writes_each_week_as_the_sum_of_its_days_over_both_clock_changes(shop):
    rng = random.Random(7)
    for day in (SPRING_FORWARD - timedelta(days=6), SPRING_FORWARD, FALL_BACK - timedelta(days=3),
                FALL_BACK, FALL_BACK + timedelta(days=1)):
        _fill_day(shop, day, rng, 120)
    rollup_upkeep.rebuild(shop, now=LATER)
    weeks = _weeks()
    # Both clock changes fall on a Sunday: the last day of the week that starts 6 days before.
    assert {monday for _, monday in weeks} == {SPRING_FORWARD - timedelta(days=6),
                                               FALL_BACK - timedelta(days=6),
                                               FALL_BACK + timedelta(days=1)}
    assert weeks == _sums_of_days()
    assert sum(w["requests"] for w in weeks.values()) == db.session.scalar(
        select(db.func.sum(RollupDay.requests)))


def test_the_tick_rewrites_the_week_of_a_day_it_rewrites(shop):
    signs = [make_sign(zone=zone) for zone in shop.zones]
    maria = make_user(name="Maria Lopez", store=shop)
    at = utc(2026, 11, 1, 5, 30)  # 01:30 EDT, the first of the repeated hours
    ids = [submit_request(sign=signs[n % 2], now=at + timedelta(minutes=30 * n)).id
           for n in range(6)]
    availability.set_availability(maria, "on_floor", now=at)
    rollup_upkeep.tick(now=LATER)
    first = _weeks()
    assert first == _sums_of_days() and len(first) == 1
    assert next(iter(first.values()))["requests"] == 6
    moves.claim(shop.id, ids[0], maria, now=at + timedelta(days=1))
    submit_request(sign=signs[0], now=at + timedelta(days=2))  # Tuesday: the next week
    rollup_upkeep.tick(now=LATER + timedelta(days=3))
    second = _weeks()
    assert second == _sums_of_days() and len(second) == 2
    assert second[(shop.id, date(2026, 10, 26))]["acknowledged"] == 1


def test_a_rebuild_drops_the_weeks_outside_the_requests_and_sums_the_edge_weeks_again(shop):
    _fill_day(shop, SPRING_FORWARD, random.Random(3), 60)
    rollup_upkeep.rebuild(shop, now=LATER)
    stray = date(2026, 1, 5)  # a week with no request (as if its requests were cleared as spam)
    db.session.add(RollupWeek(store_id=shop.id, week_start=stray, requests=9,
                              acknowledge_target_s=60, reach_target_s=180))
    edge = RollupDay(store_id=shop.id, local_date=SPRING_FORWARD - timedelta(days=1), requests=5,
                     acknowledge_target_s=60, reach_target_s=180)
    db.session.add(edge)  # a day of the same week with no request any more
    db.session.commit()
    rollup_upkeep.rebuild(shop, now=LATER)
    weeks = _weeks()
    assert set(weeks) == {(shop.id, week_start(SPRING_FORWARD))}
    assert weeks == _sums_of_days()


def test_a_range_read_through_its_weeks_gives_the_figures_of_its_days_alone(shop):
    rng = random.Random(11)
    first = date(2026, 10, 22)  # a Thursday: 4 edge days, two whole weeks, 3 edge days
    for n in range(21):
        _fill_day(shop, first + timedelta(days=n), rng, 20)
    rollup_upkeep.rebuild(shop, now=LATER)
    last = first + timedelta(days=20)
    assert chain_figures._split(first, last) == (
        (date(2026, 10, 26), date(2026, 11, 2)),
        [(first, date(2026, 10, 25)), (date(2026, 11, 9), last)])
    through_weeks = chain_figures.compare_stores_rolled(
        [shop], choice="custom", first=first.isoformat(), last=last.isoformat(), detail=True)
    db.session.execute(delete(RollupWeek))  # now the days alone answer (no whole week is read)
    total = Totals()
    for day in db.session.scalars(select(RollupDay).where(
            RollupDay.local_date.between(first, last))):
        total.add_row(day)
    from_days = total.headline(detail=True)
    db.session.rollback()
    figures = through_weeks["stores"][0]
    figures["within_target"] = {k: figures["within_target"][k] for k in ("acknowledge", "reach")}
    assert {k: figures[k] for k in from_days} == from_days
