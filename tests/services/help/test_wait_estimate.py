"""The honest wait (services/help/wait_estimate.py), against figures worked by hand."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Event, EventKind, Role, Status
from floorapp.services.help import availability, escalation, wait_estimate
from floorapp.services.help.views import customer_status
from tests.factories import make_help_request, make_sign, make_store, make_user, submit_request

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


@pytest.fixture
def shop(app):
    """A store (target 120 s, zones Shoes and Denim) whose last two hours acknowledged in
    60, 90 and 120 s (median 90) and handled in 240, 300 and 360 s (median 300)."""
    with app.app_context():
        store = make_store(acknowledge_target_s=120, zones=("Shoes", "Denim"))
        shoes, denim = store.zones
        sign = make_sign(zone=shoes)
        for minutes_ago, acknowledge_s, handle_s in ((100, 60, 240), (80, 90, 300),
                                                     (60, 120, 360)):
            asked = T0 - timedelta(minutes=minutes_ago)
            acknowledged = asked + timedelta(seconds=acknowledge_s)
            make_help_request(sign=sign, status=Status.RESOLVED, requested_at=asked,
                              acknowledged_at=acknowledged, reached_at=acknowledged,
                              resolved_at=acknowledged + timedelta(seconds=handle_s))
        people = [make_user(store=store) for _ in range(3)]
        yield {"store": store, "shoes": shoes.id, "denim": denim.id, "sign": sign,
               "people": people}


def _on(person, value, zone_id=None):
    availability.set_availability(person, value, zone_id, now=T0)


def _wait(shop, zone="shoes"):
    return wait_estimate.before_asking(shop["store"], shop[zone], now=T0)


def test_with_a_free_associate_left_the_wait_is_the_recent_pace(shop):
    a, b, _ = shop["people"]
    _on(a, "on_floor", shop["shoes"])
    _on(b, "on_floor")  # the whole store
    assert wait_estimate.recent_pace(shop["store"], now=T0) == (90, 300)
    assert _wait(shop) == wait_estimate.WaitEstimate(90, everyone_busy=False)


def test_when_everyone_is_taken_the_wait_adds_the_turns_of_those_working(shop):
    a, b, c = shop["people"]
    _on(a, "on_floor", shop["shoes"])
    _on(b, "with_customer")
    _on(c, "with_customer")
    for n in range(2):  # two waiting ahead, one free associate
        submit_request(sign=shop["sign"], now=T0 - timedelta(seconds=10 - n))
    # the second to come free after the one free: 90 + (2 - 1 + 1) × 300 / 3 = 290
    assert _wait(shop) == wait_estimate.WaitEstimate(290, everyone_busy=True)


def test_the_status_page_counts_its_place_and_the_time_already_waited(shop):
    a, *_ = shop["people"]
    _on(a, "on_floor", shop["shoes"])
    first = submit_request(sign=shop["sign"], now=T0 - timedelta(seconds=30))
    second = submit_request(sign=shop["sign"], now=T0 - timedelta(seconds=20))
    assert customer_status(first, now=T0).estimate_s == 90 - 30  # one free: the pace
    shown = customer_status(second, now=T0)  # 90 + 1 × 300 / 1 − 20 waited
    assert (shown.position, shown.estimate_s, shown.everyone_busy) == (2, 370, True)
    assert customer_status(first, now=T0 + timedelta(hours=1)).estimate_s == \
        wait_estimate.MIN_WAIT_S  # late against the model: never "0 min" or less


def test_a_zone_nobody_covers_borrows_the_stores_floor_and_nobody_working_is_no_figure(shop):
    a, *_ = shop["people"]
    _on(a, "on_floor", shop["denim"])
    assert wait_estimate.staffing_for(shop["store"].id, shop["shoes"]) == \
        wait_estimate.Staffing(free=1, busy=0)
    _on(a, "on_break")
    assert _wait(shop) == wait_estimate.WaitEstimate(None, everyone_busy=False)
    assert not wait_estimate.covered(shop["store"].id, shop["shoes"])


def test_with_no_history_the_target_and_the_default_handling_time_are_used(app):
    with app.app_context():
        store = make_store(acknowledge_target_s=120)
        make_user(store=store)
        assert wait_estimate.recent_pace(store, now=T0) == (
            120, wait_estimate.DEFAULT_HANDLE_S)


def test_a_request_nobody_is_working_to_take_goes_to_the_managers_at_once(shop):
    manager = make_user(store=shop["store"], role=Role.MANAGER)
    request = submit_request(sign=shop["sign"], now=T0)
    assert request.escalation_level == 2
    escalated = db.session.scalars(select(Event.data).where(
        Event.request_id == request.id, Event.kind == EventKind.ESCALATED)).all()
    assert escalated == [{"level": 2, "reason": "uncovered"}]
    shown = customer_status(request, now=T0)
    assert shown.estimate_s is None and shown.managers_told
    assert escalation.tick(now=T0 + timedelta(minutes=5)).escalated == 0  # told once
    _on(manager, "on_floor")
    covered = submit_request(sign=shop["sign"], now=T0)
    assert covered.escalation_level == 0  # someone is working: the timer decides
