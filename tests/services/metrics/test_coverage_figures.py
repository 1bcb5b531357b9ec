"""Coverage figures rebuilt from events written by the real moves: breaks, going off, claims."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from floorapp.models import Role
from floorapp.services.help import availability, moves
from floorapp.services.metrics.coverage_figures import coverage_figures
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import fetch_rows
from floorapp.services.org import shifts
from tests.factories import make_sign, make_store, make_user, submit_request

NEW_YORK = ZoneInfo("America/New_York")
LATER = datetime(2030, 1, 1, tzinfo=NEW_YORK)  # "now" for every figure: the days are past


def local(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    """Return the instant of a New York wall-clock time (fold=1: the second 1 a.m.)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK, fold=fold)


@pytest.fixture
def shop(app):
    """Two zones; Maria and Sam associates, Ada a manager (off all along)."""
    with app.app_context():
        store = make_store(zones=("Shoes", "Denim"), timezone="America/New_York")
        denim, shoes = store.zones  # by name
        maria = make_user(login="maria", name="Maria Lopez", store=store)
        sam = make_user(login="sam", name="Sam Okafor", store=store)
        ada = make_user(login="ada", name="Ada Boss", store=store, role=Role.MANAGER)
        yield store, shoes, denim, maria, sam, ada


def figures(store, first: date, last: date | None = None) -> dict:
    period = Period(first, last or first, store.timezone)
    return coverage_figures(store, period, fetch_rows(store.id, period), now=LATER)


def minutes_by_zone(result: dict) -> dict:
    return {zone["zone"]: {hour: value for hour, value in enumerate(zone["by_hour"]) if value}
            for zone in result["zones"]}


JUNE = date(2026, 6, 10)


def test_a_break_without_backup_and_going_off_leave_zones_uncovered_by_local_hour(shop):
    store, shoes, denim, maria, sam, _ada = shop
    availability.set_availability(maria, "on_floor", shoes.id, now=local(JUNE, 10))
    availability.set_availability(sam, "on_floor", denim.id, now=local(JUNE, 10))
    availability.set_availability(maria, "off", now=local(JUNE, 11))
    waiting = submit_request(sign=make_sign(zone=shoes), now=local(JUNE, 11, 15))
    moves.claim(store.id, waiting.id, sam, now=local(JUNE, 11, 20))
    availability.set_availability(sam, "on_break", until="30", now=local(JUNE, 11, 30),
                                  held={str(waiting.id): "queue"})
    availability.set_availability(sam, "on_floor", now=local(JUNE, 12, 10))
    availability.set_availability(sam, "off", now=local(JUNE, 12, 15))

    result = figures(store, JUNE)

    # Shoes from Maria going off to Sam going off; Denim while Sam was on break.
    assert minutes_by_zone(result) == {"Shoes": {11: 60.0, 12: 15.0},
                                       "Denim": {11: 30.0, 12: 10.0}}
    assert result["uncovered_minutes"] == 115.0
    assert [cell["uncovered_minutes"] for cell in result["by_hour"]][11:13] == [90.0, 25.0]
    assert result["requests"]["count"] == 1
    assert result["requests"]["acknowledge"] == {"count": 1, "p50_s": 300.0, "p90_s": 300.0,
                                                 "max_s": 300.0}
    assert [(z["zone"], z["requests"], z["acknowledge_p50_s"]) for z in result["zones"]] == [
        ("Denim", 0, None), ("Shoes", 1, 300.0)]
    assert result["breaks"] == {"count": 1, "ended": 1, "median_length_s": 2400.0,
                                "longest_s": 2400.0, "late": 1, "still_out": 0,
                                "overdue_told": 0}
    assert result["hand_overs"]["released_at_break"] == 1


def test_a_backup_on_the_floor_keeps_the_zone_covered_and_requests_are_not_uncovered(shop):
    store, shoes, denim, maria, sam, _ada = shop
    availability.set_availability(maria, "on_floor", shoes.id, now=local(JUNE, 10))
    availability.set_availability(sam, "on_floor", denim.id, now=local(JUNE, 10))
    availability.set_availability(maria, "on_break", until="15", backup_id=sam.id,
                                  now=local(JUNE, 11))
    submit_request(sign=make_sign(zone=shoes), now=local(JUNE, 11, 5))
    availability.set_availability(maria, "on_floor", now=local(JUNE, 11, 10))
    for person in (maria, sam):
        availability.set_availability(person, "off", now=local(JUNE, 18))

    result = figures(store, JUNE)

    assert result["uncovered_minutes"] == 0.0 and result["requests"]["count"] == 0
    assert result["breaks"]["late"] == 0 and result["breaks"]["median_length_s"] == 600.0


def test_a_break_open_when_the_period_starts_is_covered_until_its_backup_leaves(shop):
    store, shoes, denim, maria, sam, _ada = shop
    eve = JUNE - timedelta(days=1)
    availability.set_availability(maria, "on_floor", shoes.id, now=local(eve, 23))
    availability.set_availability(sam, "on_floor", denim.id, now=local(eve, 23))
    availability.set_availability(maria, "on_break", until="45", backup_id=sam.id,
                                  now=local(eve, 23, 50))
    availability.set_availability(sam, "off", now=local(JUNE, 0, 10))  # nobody to pass it to
    availability.set_availability(maria, "on_floor", now=local(JUNE, 0, 30))
    availability.set_availability(maria, "off", now=local(JUNE, 1))

    result = figures(store, JUNE)

    assert minutes_by_zone(result) == {"Shoes": {0: 20.0}, "Denim": {0: 50.0}}
    assert result["breaks"]["count"] == 0  # it started the day before
    assert figures(store, eve)["breaks"]["count"] == 1


def test_hand_offs_at_a_break_at_going_off_and_by_idle_off_are_counted_apart(shop):
    store, shoes, denim, maria, sam, _ada = shop
    availability.set_availability(maria, "on_floor", shoes.id, now=local(JUNE, 10))
    availability.set_availability(sam, "on_floor", denim.id, now=local(JUNE, 10))
    first = submit_request(sign=make_sign(zone=shoes), now=local(JUNE, 10, 5))
    moves.claim(store.id, first.id, maria, now=local(JUNE, 10, 6))
    availability.set_availability(maria, "on_break", until="15", backup_id=sam.id,
                                  now=local(JUNE, 10, 10), held={str(first.id): str(sam.id)})
    availability.set_availability(maria, "on_floor", now=local(JUNE, 10, 25))
    availability.set_availability(sam, "off", now=local(JUNE, 10, 30),
                                  held={str(first.id): str(maria.id)})
    second = submit_request(sign=make_sign(zone=shoes), now=local(JUNE, 10, 35))
    moves.claim(store.id, second.id, maria, now=local(JUNE, 10, 36))
    availability.idle_off(now=local(JUNE, 12), idle_minutes=30)  # Maria holds both

    assert figures(store, JUNE)["hand_overs"] == {
        "handed_off_at_break": 1, "handed_off_at_off": 1, "released_at_break": 0,
        "released_at_off": 2, "idle_off": 2}


def test_the_autumn_clock_change_puts_both_one_oclocks_in_hour_one(shop):
    store, shoes, _denim, maria, _sam, _ada = shop
    day = date(2026, 11, 1)  # New York falls back at 2:00 EDT to 1:00 EST
    availability.set_availability(maria, "on_floor", shoes.id, now=local(day, 0))
    availability.set_availability(maria, "off", now=local(day, 3))

    result = figures(store, day)

    assert minutes_by_zone(result) == {"Denim": {0: 60.0, 1: 120.0, 2: 60.0}, "Shoes": {}}
    assert result["uncovered_minutes"] == 240.0  # four real hours, 00:00 to 03:00


def test_the_spring_clock_change_skips_hour_two(shop):
    store, shoes, _denim, maria, _sam, _ada = shop
    day = date(2026, 3, 8)  # New York springs forward at 2:00 EST to 3:00 EDT
    availability.set_availability(maria, "on_floor", shoes.id, now=local(day, 1))
    availability.set_availability(maria, "off", now=local(day, 4))

    assert minutes_by_zone(figures(store, day)) == {"Denim": {1: 60.0, 3: 60.0}, "Shoes": {}}


def test_a_shift_across_midnight_counts_on_each_day_and_its_planned_end_keeps_the_store_open(
        shop):
    store, shoes, _denim, maria, _sam, ada = shop
    shifts.add_shift(store, login="maria", day=JUNE.isoformat(), start="22:00", end="02:00",
                     zone_id=shoes.id, actor=ada)
    availability.set_availability(maria, "on_floor", shoes.id, now=local(JUNE, 22))
    next_day = JUNE + timedelta(days=1)
    availability.set_availability(maria, "off", now=local(next_day, 1))  # an hour early
    late = submit_request(sign=make_sign(zone=shoes), now=local(next_day, 1, 30))

    first, second = figures(store, JUNE), figures(store, next_day)
    both = figures(store, JUNE, next_day)

    assert minutes_by_zone(first) == {"Denim": {22: 60.0, 23: 60.0}, "Shoes": {}}
    # Maria was on the floor when the second day began; after she left, the plan kept
    # the store open until 02:00, and the night after that is not a gap.
    assert minutes_by_zone(second) == {"Denim": {0: 60.0, 1: 60.0}, "Shoes": {1: 60.0}}
    assert both["uncovered_minutes"] == first["uncovered_minutes"] + second["uncovered_minutes"]
    assert second["requests"]["count"] == 1 and second["zones"][1]["requests"] == 1
    assert late.zone_id == shoes.id


def test_a_day_nobody_worked_has_no_gaps_and_no_breaks(shop):
    store, *_ = shop
    result = figures(store, JUNE)
    assert result["uncovered_minutes"] == 0.0 and len(result["by_hour"]) == 24
    assert result["breaks"] == {"count": 0, "ended": 0, "median_length_s": None,
                                "longest_s": None, "late": 0, "still_out": 0,
                                "overdue_told": 0}
    assert result["requests"] == {"count": 0, "share": None, "walkaways": 0, "acknowledge": {
        "count": 0, "p50_s": None, "p90_s": None, "max_s": None}}
