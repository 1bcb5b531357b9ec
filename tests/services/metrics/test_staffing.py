"""The staffing suggestion: arrival rates per local hour of the week, and who was there."""

from datetime import date

import pytest

from floorapp.errors import InvalidInput
from floorapp.models import Availability
from floorapp.services.metrics import erlang, staffing
from floorapp.services.metrics.periods import Period
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
        yield make_store(code="NY-2", timezone=NEW_YORK, acknowledge_target_s=60)


def cell(result: dict, weekday: int, hour: int) -> dict:
    return result["cells"][weekday * 24 + hour]


def test_arrival_rate_is_averaged_over_the_weeks_of_the_range(shop):
    sign = make_sign(zone=shop.zones[0])
    # Two Saturdays (June 6 and 13, 2026) at 15:xx EDT: 3 requests, then 1.
    for minute in (0, 10, 20):
        make_timed_request(sign=sign, requested_at=utc(2026, 6, 6, 19, minute),
                           acknowledge_s=20, reach_s=60, handle_s=280)
    make_timed_request(sign=sign, requested_at=utc(2026, 6, 13, 19, 5),
                       acknowledge_s=20, reach_s=60, handle_s=580)

    result = staffing.staffing(shop, Period(date(2026, 6, 1), date(2026, 6, 14), NEW_YORK))

    saturday_3pm = cell(result, 5, 15)
    assert saturday_3pm["hours_in_range"] == 2
    assert saturday_3pm["arrivals"] == 4
    assert saturday_3pm["arrivals_per_hour"] == 2.0
    # Busy from claim to resolve: 320, 320, 320, 620 s.
    assert saturday_3pm["mean_handle_s"] == 395.0
    assert saturday_3pm["needed"] == erlang.servers_needed(2 / 3600, 395.0, 60, 0.9)
    assert cell(result, 5, 16)["needed"] == 0


def test_associates_on_the_floor_are_averaged_by_time(shop):
    maria = make_user(store=shop)
    tom = make_user(store=shop)
    # Maria is on the floor from before the range until 15:30 EDT on Monday June 1.
    make_availability_event(user=maria, at=utc(2026, 5, 31, 12), to_status=Availability.ON_FLOOR)
    make_availability_event(user=maria, at=utc(2026, 6, 1, 19, 30), to_status=Availability.OFF)
    # Tom is with a customer 15:00–15:15, then on break.
    make_availability_event(user=tom, at=utc(2026, 6, 1, 19), to_status=Availability.WITH_CUSTOMER)
    make_availability_event(user=tom, at=utc(2026, 6, 1, 19, 15),
                            to_status=Availability.ON_BREAK)

    result = staffing.staffing(shop, Period(date(2026, 6, 1), date(2026, 6, 1), NEW_YORK))

    assert cell(result, 0, 15)["on_floor"] == 0.75  # half an hour + a quarter hour
    assert cell(result, 0, 14)["on_floor"] == 1.0
    assert cell(result, 0, 16)["on_floor"] == 0.0
    assert cell(result, 1, 15)["on_floor"] is None  # no Tuesday in the range


def test_the_spring_forward_day_has_no_2_am_and_the_fall_back_day_two():
    spring = staffing.hour_slots(Period(date(2026, 3, 8), date(2026, 3, 8), NEW_YORK))
    fall = staffing.hour_slots(Period(date(2026, 11, 1), date(2026, 11, 1), NEW_YORK))
    assert len(spring) == 23 and 2 not in [hour for _, _, hour in spring]
    assert len(fall) == 25 and [hour for _, _, hour in fall].count(1) == 2


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.1", "abc", "nan"])
def test_a_target_share_outside_zero_to_one_is_refused(value):
    with pytest.raises(InvalidInput):
        staffing.parse_target_share(value)


def test_the_target_share_defaults_to_ninety_percent():
    assert staffing.parse_target_share(None) == 0.9
    assert staffing.parse_target_share("0.8") == 0.8
