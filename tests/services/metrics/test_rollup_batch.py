"""The tick rewrites all its dirty stores at once: a rebuild's rows, in statements that do not grow.

rollup_writer.py reads, deletes and inserts the hours, days and weeks of every store
of a tick in one statement each. These tests hold that batch to the rows each store's
own rebuild writes, across time zones (a half-hour offset, a clock change, a Monday),
and hold its statements to a number that does not depend on the stores.
"""

from datetime import timedelta

import pytest
from sqlalchemy import delete, event, select

from floorapp.extensions import db
from floorapp.models import Role, RollupHour
from floorapp.services.help import availability, moves, spam
from floorapp.services.metrics import rollup_upkeep
from tests.factories import NEW_YORK, make_sign, make_store, make_user, submit_request, utc
from tests.services.metrics.test_rollup_upkeep import KEYS, _rows

# 23:00 on Saturday in New York, whose 01:00 comes twice that night; Sunday morning in
# London and Kolkata (+5:30), Saturday afternoon in Honolulu. The requests run into Monday.
FALL_BACK_EVE = utc(2026, 11, 1, 3)
LATER = utc(2026, 11, 4)
ZONES = (NEW_YORK, "Europe/London", "Asia/Kolkata", "Pacific/Honolulu")

@pytest.fixture
def chain(app):
    """Four stores in four time zones, each with its own targets, an associate on the floor."""
    with app.app_context():
        floors = []
        for n, zone in enumerate(ZONES):
            store = make_store(code=f"B-{n}", timezone=zone, zones=("Shoes", "Kids"),
                               acknowledge_target_s=30 + 30 * n, reach_target_s=120 + 60 * n)
            maria = make_user(name=f"Maria {n}", store=store)
            availability.set_availability(maria, "on_floor", now=FALL_BACK_EVE)
            floors.append((store, [make_sign(zone=zone) for zone in store.zones], maria))
        yield floors


def _history(store, signs, maria, *, hours: int, step_min: int) -> list[int]:
    """Requests through the real moves, one every `step_min` minutes for `hours` hours."""
    ids = []
    for n in range(hours * 60 // step_min):
        at = FALL_BACK_EVE + timedelta(minutes=step_min * n)
        ids.append(submit_request(sign=signs[n % 2], now=at).id)
        if n % 5 == 4:
            continue  # left waiting: open
        moves.claim(store.id, ids[-1], maria, now=at + timedelta(seconds=15 + 2 * n))
        if n % 7 == 3:
            moves.cancel(store.id, ids[-1], now=at + timedelta(seconds=400))
            continue
        moves.arrive(store.id, ids[-1], maria, now=at + timedelta(seconds=80 + 5 * n))
        moves.resolve(store.id, ids[-1], maria, "helped", now=at + timedelta(minutes=6))
    return ids


def test_a_tick_over_stores_in_four_time_zones_writes_the_rows_of_each_ones_rebuild(chain):
    for number, (store, signs, maria) in enumerate(chain):
        _history(store, signs, maria, hours=36, step_min=25 + 5 * number)
    ny, ny_signs, _ = chain[0]
    boss = make_user(name="Ada Boss", store=ny, role=Role.MANAGER)
    spam_at = FALL_BACK_EVE + timedelta(hours=37)
    for _ in range(3):
        submit_request(sign=ny_signs[0], now=spam_at)
    spam.clear_spam(ny, boss, sign_id=None, minutes=15, now=spam_at + timedelta(minutes=1))
    report = rollup_upkeep.tick(now=LATER, max_hours=10_000)
    assert not report.behind and report.hours >= 4 * 36
    ticked = _rows()
    weeks = {(key[1], key[2]) for key in ticked if key[0] == "rollup_weeks"}
    assert len(weeks) == 2 * len(chain)  # every store's requests run into Monday
    repeated = {key[2] for key, row in ticked.items() if key[:2] == ("rollup_hours", ny.id)
                and row["local_hour"] == 1 and row["local_date"] == FALL_BACK_EVE.date()}
    assert len(repeated) == 2  # 01:00 EDT, then 01:00 EST
    for model, _ in KEYS:
        db.session.execute(delete(model))
    db.session.commit()
    for store, _, _ in chain:
        rollup_upkeep.rebuild(store, now=LATER)
    assert _rows() == ticked


def _statements_of_a_tick(*, stores: int, first: int) -> int:
    """Make `stores` stores across three time zones with two hours of requests; count the
    statements of a tick over them."""
    for n in range(first, first + stores):
        store = make_store(code=f"S-{n}", timezone=ZONES[n % 3], zones=("Shoes",))
        sign, maria = make_sign(zone=store.zones[0]), make_user(store=store)
        availability.set_availability(maria, "on_floor", now=FALL_BACK_EVE)
        ids = [submit_request(sign=sign, now=FALL_BACK_EVE + timedelta(minutes=minutes)).id
               for minutes in (10, 50, 70)]
        # A claimed request in the first hour only: the two hours' rows differ in which
        # columns are NULL, which must not split the insert into a statement per row.
        moves.claim(store.id, ids[0], maria, now=FALL_BACK_EVE + timedelta(minutes=11))
    statements = []

    def count(*_) -> None:
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        report = rollup_upkeep.tick(now=LATER)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert (report.hours, report.behind) == (2 * stores, False)
    return len(statements)


def test_the_statements_of_a_tick_do_not_grow_with_its_stores(app):
    with app.app_context():
        rollup_upkeep.watermark()  # its row made: the first tick makes it otherwise
        few = _statements_of_a_tick(stores=3, first=0)
        many = _statements_of_a_tick(stores=30, first=3)
        assert db.session.scalar(select(db.func.count()).select_from(RollupHour)) == 2 * 33
        db.session.rollback()
    assert few == many
