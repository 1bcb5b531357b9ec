"""Next week's plan against the measured need: counts per local hour and what a gap costs.

The hand-computed case: 30 requests an hour, each keeping an associate busy 240 s, is
A = 2 erlangs. Erlang B by recursion: B(1) = 2/3, B(2) = 0.4, B(3) = 0.8/3.8 = 4/19,
B(4) = 2/21, B(5) = 4/109. Erlang C = N·B / (N − A(1 − B)): C(3) = 4/9, C(5) = 4/67.
Mean wait C·h/(N − A): 3 associates 4/9 · 240 / 1 = 106.67 s; 5 associates
4/67 · 240 / 3 = 4.78 s. Within a 60 s target: 1 − C·e^(−(N−A)·60/240), 65.4 % with 3,
89.4 % with 4 (short of 90 %) and 97.2 % with 5, so 5 are needed.
"""

from datetime import date

import pytest

from floorapp.models import Availability, Role
from floorapp.services.metrics import shift_plan, staffing
from floorapp.services.metrics.periods import Period
from floorapp.services.org import shifts
from tests.factories import (
    NEW_YORK,
    make_availability_event,
    make_sign,
    make_store,
    make_timed_request,
    make_user,
    utc,
)


@pytest.fixture
def shop(app):
    with app.app_context():
        store = make_store(code="NY-H", timezone=NEW_YORK, acknowledge_target_s=60)
        boss = make_user(login="boss", role=Role.MANAGER, store=store)
        people = [make_user(login=f"p{n}", store=store) for n in range(3)]
        sign = make_sign(zone=store.zones[0])
        # Monday June 1, 2026, 10:00–11:00 EDT: 30 requests, each busy 240 s from its claim.
        for minute in range(30):
            make_timed_request(sign=sign, requested_at=utc(2026, 6, 1, 14, minute * 2),
                               acknowledge_s=10, reach_s=40, handle_s=210)
        need = staffing.staffing(store, Period(date(2026, 6, 1), date(2026, 6, 1), NEW_YORK))
        yield store, boss, people, need


def _plan(store, boss, people, day: str, *, start="09:00", end="17:00"):
    for person in people:
        shifts.add_shift(store, login=person.login, day=day, start=start, end=end, zone_id="",
                         actor=boss)


def _at(result: dict, day: date, hour: int) -> dict:
    return next(row for row in result["hours"]
                if row["local"].date() == day and row["hour"] == hour)


def test_three_planned_where_five_are_needed_cost_the_hand_computed_waits(shop):
    store, boss, people, need = shop
    _plan(store, boss, people, "2026-06-08")
    result = shift_plan.plan_against_need(store, date(2026, 6, 8), need, now=utc(2026, 6, 3))

    ten = _at(result, date(2026, 6, 8), 10)
    assert (ten["planned"], ten["needed"], ten["short"]) == (3, 5, True)
    assert ten["wait_planned_s"] == pytest.approx(320 / 3)  # 106.67 s
    assert ten["wait_needed_s"] == pytest.approx(4 / 67 * 80)  # 4.78 s
    assert ten["share_planned"] == pytest.approx(0.6539, abs=1e-4)
    assert ten["share_needed"] == pytest.approx(0.9718, abs=1e-4)
    assert ten["on_floor"] is None  # the week is still ahead
    eleven = _at(result, date(2026, 6, 8), 11)
    assert (eleven["planned"], eleven["needed"], eleven["short"]) == (3, 0, False)
    assert result["short_hours"] == 1 and result["short_associate_hours"] == 2
    assert len(result["hours"]) == 168


def test_a_half_hour_counts_half_and_too_few_for_the_load_wait_without_end(shop):
    store, boss, people, need = shop
    _plan(store, boss, people[:2], "2026-06-08", start="09:00", end="10:30")
    ten = _at(shift_plan.plan_against_need(store, date(2026, 6, 8), need,
                                           now=utc(2026, 6, 3)), date(2026, 6, 8), 10)
    assert ten["planned"] == 1.0  # two associates for half the hour
    assert ten["wait_planned_s"] is None and ten["share_planned"] == 0.0


def test_the_spring_forward_week_has_167_hours_and_counts_the_shift_as_the_clock_says(shop):
    store, boss, people, need = shop
    _plan(store, boss, people[:1], "2026-03-08", start="00:00", end="08:00")
    result = shift_plan.plan_against_need(store, date(2026, 3, 2), need, now=utc(2026, 1, 1))
    assert len(result["hours"]) == 167
    sunday = [row for row in result["hours"] if row["local"].date() == date(2026, 3, 8)]
    assert [row["hour"] for row in sunday if row["planned"]] == [0, 1, 3, 4, 5, 6, 7]
    assert len(shift_plan.plan_against_need(store, date(2026, 10, 26), need,
                                            now=utc(2026, 1, 1))["hours"]) == 169


def test_a_past_week_shows_the_plan_beside_who_was_on_the_floor(shop):
    store, boss, people, need = shop
    _plan(store, boss, people[:1], "2026-06-01")
    make_availability_event(user=people[0], at=utc(2026, 6, 1, 14, 30),
                            to_status=Availability.ON_FLOOR)
    make_availability_event(user=people[0], at=utc(2026, 6, 1, 21),
                            to_status=Availability.OFF)
    result = shift_plan.plan_against_need(store, date(2026, 6, 1), need, now=utc(2026, 6, 20))
    assert result["past"]
    monday = date(2026, 6, 1)
    assert (_at(result, monday, 9)["planned"], _at(result, monday, 9)["on_floor"]) == (1, 0)
    assert (_at(result, monday, 10)["planned"], _at(result, monday, 10)["on_floor"]) == (1, 0.5)
    assert _at(result, monday, 12)["on_floor"] == 1
    assert _at(result, monday, 17)["on_floor"] == 0 and _at(result, monday, 17)["planned"] == 0


def test_a_shift_from_the_sunday_before_counts_into_monday_morning(shop):
    store, boss, people, need = shop
    _plan(store, boss, people[:1], "2026-06-07", start="22:00", end="02:00")
    result = shift_plan.plan_against_need(store, date(2026, 6, 8), need, now=utc(2026, 6, 3))
    assert [row["hour"] for row in result["hours"] if row["planned"]] == [0, 1]
