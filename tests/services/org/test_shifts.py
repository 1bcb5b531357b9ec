"""Planned shifts: local wall-clock times in the store's zone, DST days, midnight, overlaps."""

from datetime import date, time

import pytest

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Role, Shift, Store, User
from floorapp.services.org import shifts
from floorapp.services.org.shift_times import next_week, shift_instants, week_of
from tests.concurrency import at_once
from tests.factories import NEW_YORK, make_store, make_user, utc


@pytest.fixture
def team(app):
    with app.app_context():
        store = make_store(code="NY-S", timezone=NEW_YORK, zones=("Shoes", "Kids"))
        boss = make_user(login="boss", role=Role.MANAGER, store=store)
        maria = make_user(login="maria", name="Maria Lopez", store=store)
        yield store, boss, maria


def add(store, boss, *, login="maria", day="2026-06-01", start="09:00", end="17:00",
        zone_id=""):
    return shifts.add_shift(store, login=login, day=day, start=start, end=end,
                            zone_id=zone_id, actor=boss)


def hours(shift) -> float:
    begin, end = shifts.instants(shift)
    return (end - begin).total_seconds() / 3600


def test_a_shift_keeps_local_times_and_derives_its_utc_instants(team):
    store, boss, _ = team
    shift = add(store, boss, zone_id=str(store.zones[0].id))
    assert (shift.local_date, shift.start_time, shift.end_time) == (
        date(2026, 6, 1), time(9), time(17))
    assert shifts.instants(shift) == (utc(2026, 6, 1, 13), utc(2026, 6, 1, 21))  # EDT


def test_a_shift_across_spring_forward_is_an_hour_shorter_than_its_clock_times(team):
    store, boss, _ = team
    night = add(store, boss, day="2026-03-08", start="00:00", end="08:00")
    assert hours(night) == 7
    assert shifts.instants(night) == (utc(2026, 3, 8, 5), utc(2026, 3, 8, 12))


def test_a_shift_across_fall_back_is_an_hour_longer(team):
    store, boss, _ = team
    night = add(store, boss, day="2026-11-01", start="00:00", end="08:00")
    assert hours(night) == 9
    assert shifts.instants(night) == (utc(2026, 11, 1, 4), utc(2026, 11, 1, 13))


def test_a_time_the_clock_skips_is_refused_and_nothing_is_written(team):
    store, boss, _ = team
    with pytest.raises(InvalidInput, match="02:30 does not exist on 2026-03-08"):
        add(store, boss, day="2026-03-08", start="02:30", end="09:00")
    assert shifts.week_shifts(store, week_of(date(2026, 3, 8))) == []


def test_a_time_the_clock_shows_twice_means_the_first(team):
    store, boss, _ = team
    shift = add(store, boss, day="2026-11-01", start="01:30", end="06:00")
    assert shifts.instants(shift)[0] == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, before the change
    assert hours(shift) == 5.5


def test_a_shift_past_midnight_belongs_to_the_day_it_starts(team):
    store, boss, _ = team
    late = add(store, boss, day="2026-06-07", start="22:00", end="02:00")  # a Sunday
    assert late.crosses_midnight
    assert shifts.instants(late) == (utc(2026, 6, 8, 2), utc(2026, 6, 8, 6))
    assert shifts.week_shifts(store, date(2026, 6, 1)) == [late]
    assert shifts.week_shifts(store, date(2026, 6, 8)) == []


def test_an_overlapping_shift_of_the_same_person_is_refused_even_across_midnight(team):
    store, boss, _ = team
    add(store, boss, day="2026-06-01", start="22:00", end="02:00")
    with pytest.raises(InvalidInput, match="overlaps"):
        add(store, boss, day="2026-06-02", start="01:00", end="05:00")
    add(store, boss, day="2026-06-02", start="02:00", end="05:00")  # back to back is fine


@pytest.mark.parametrize(("field", "value", "message"), [
    ("start", "9:00", "not a time like 09:30"), ("end", "24:00", "not a time"),
    ("start", "０９:00", "not a time"), ("day", "2026-02-30", "not a date"),
    ("login", "nobody", "Nobody active"), ("zone_id", "999999", "zones"),
    ("end", "09:00", "must end at another time"),
])
def test_bad_values_are_refused_with_a_reason(team, field, value, message):
    store, boss, _ = team
    with pytest.raises(InvalidInput, match=message):
        add(store, boss, **{field: value})


def test_another_stores_associate_cannot_be_planned_here(team):
    store, boss, _ = team
    make_user(login="elsewhere", store=make_store(code="OTHER"))
    with pytest.raises(InvalidInput, match="Nobody active"):
        add(store, boss, login="elsewhere")


def test_an_edit_moves_the_shift_and_a_delete_removes_it(team, app):
    store, boss, _ = team
    shift = add(store, boss)
    shifts.update_shift(store, shift.id, login="maria", day="2026-06-02", start="10:00",
                        end="18:00", zone_id="", actor=boss)
    moved = shifts.store_shift(store, shift.id)
    assert (moved.local_date, moved.start_time) == (date(2026, 6, 2), time(10))
    shifts.delete_shift(store, shift.id, actor=boss)
    with pytest.raises(NotFound):
        shifts.store_shift(store, shift.id)


def test_another_stores_shift_answers_not_found(team):
    store, boss, _ = team
    shift = add(store, boss)
    other = make_store(code="OTHER2")
    with pytest.raises(NotFound):
        shifts.delete_shift(other, shift.id, actor=boss)
    assert shifts.store_shift(store, shift.id).id == shift.id


def test_the_week_to_plan_is_the_monday_after_this_week():
    assert next_week(date(2026, 12, 3)) == date(2026, 12, 7)
    assert next_week(date(2026, 12, 7)) == date(2026, 12, 14)
    assert shift_instants(date(2026, 1, 5), time(9), time(9, 30), "Europe/London") == (
        utc(2026, 1, 5, 9), utc(2026, 1, 5, 9, 30))


def test_shift_rows_have_no_time_zone_of_their_own(team):
    store, boss, _ = team
    add(store, boss)
    stored = shifts.week_shifts(store, date(2026, 6, 1))[0]
    assert isinstance(stored, Shift) and stored.start_time.tzinfo is None


def test_two_managers_planning_overlapping_shifts_at_once_plan_one(team, app):
    store, boss, _ = team
    store_id, boss_id = store.id, boss.id

    def plan(start: str, end: str):
        def action():
            here, actor = db.session.get(Store, store_id), db.session.get(User, boss_id)
            return shifts.add_shift(here, login="maria", day="2026-06-01", start=start,
                                    end=end, zone_id="", actor=actor).id
        return action

    for _ in range(3):
        results = at_once(app, [plan("09:00", "17:00"), plan("12:00", "20:00")])
        assert sum(isinstance(result, int) for result in results) == 1, results
        assert sum(isinstance(result, InvalidInput) for result in results) == 1, results
        db.session.rollback()  # end this thread's read snapshot (SQLite) to see their writes
        assert len(shifts.week_shifts(store, date(2026, 6, 1))) == 1
        for shift in shifts.week_shifts(store, date(2026, 6, 1)):
            shifts.delete_shift(store, shift.id, actor=boss)
