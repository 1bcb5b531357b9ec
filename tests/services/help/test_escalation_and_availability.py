"""Escalation, expiry and availability, with controlled times (no sleeping)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Availability, Event, EventKind, Status
from floorapp.services.help import availability, escalation, moves
from tests.factories import make_sign, make_store, make_user, submit_request

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def _kinds(help_request):
    return [(e.kind.value, e.data) for e in db.session.scalars(
        select(Event).where(Event.request_id == help_request.id).order_by(Event.id))]


@pytest.fixture
def waiting(app):
    """A request waiting while someone is on the floor (nobody at all would take it to
    the managers at once: services/help/wait_estimate.py)."""
    with app.app_context():
        sign = make_sign(zone=make_store(acknowledge_target_s=60).zones[0])
        availability.set_availability(make_user(store=sign.zone.store), "on_floor", now=T0)
        yield submit_request(sign=sign, now=T0)


def test_an_unacknowledged_request_escalates_to_the_store_then_to_the_managers(waiting):
    # A wait of exactly its target is within it (services/help/sla.py): not escalated yet.
    assert escalation.tick(now=T0 + timedelta(seconds=60)).escalated == 0
    assert escalation.tick(now=T0 + timedelta(seconds=61)).escalated == 1
    assert escalation.tick(now=T0 + timedelta(seconds=90)).escalated == 0
    assert escalation.tick(now=T0 + timedelta(seconds=121)).escalated == 1
    assert escalation.tick(now=T0 + timedelta(seconds=600)).escalated == 0
    assert [k for k in _kinds(waiting) if k[0] == "escalated"] == [
        ("escalated", {"level": 1}), ("escalated", {"level": 2})]
    assert waiting.escalation_level == 2 and waiting.status is Status.WAITING


def test_the_further_interval_is_configurable(waiting):
    escalation.tick(now=T0 + timedelta(seconds=61), escalate_after_s=300)
    assert escalation.tick(now=T0 + timedelta(seconds=300), escalate_after_s=300).escalated == 0
    assert escalation.tick(now=T0 + timedelta(seconds=361), escalate_after_s=300).escalated == 1


def test_two_ticks_at_the_same_moment_escalate_once(waiting):
    at = T0 + timedelta(seconds=61)
    assert escalation.escalate(waiting.store_id, waiting.id, 1, now=at) is True
    assert escalation.escalate(waiting.store_id, waiting.id, 1, now=at) is False
    assert len([k for k in _kinds(waiting) if k[0] == "escalated"]) == 1


def test_a_claimed_request_is_not_escalated(waiting):
    associate = make_user(store=waiting.store)
    moves.claim(waiting.store_id, waiting.id, associate, now=T0 + timedelta(seconds=5))
    assert escalation.tick(now=T0 + timedelta(minutes=5)).escalated == 0


def test_a_request_nobody_reached_expires_after_thirty_minutes_as_a_walk_away(waiting):
    assert escalation.tick(now=T0 + timedelta(minutes=29)).expired == 0
    assert escalation.tick(now=T0 + timedelta(minutes=30, seconds=1)).expired == 1
    assert waiting.status is Status.EXPIRED and waiting.reached_at is None
    assert waiting.closed_at == T0 + timedelta(minutes=30, seconds=1)
    assert escalation.tick(now=T0 + timedelta(minutes=40)).expired == 0


def test_a_request_being_helped_never_expires(waiting):
    associate = make_user(store=waiting.store)
    moves.claim(waiting.store_id, waiting.id, associate, now=T0)
    moves.arrive(waiting.store_id, waiting.id, associate, now=T0)
    assert escalation.tick(now=T0 + timedelta(hours=2)).expired == 0


def test_setting_availability_logs_an_event_and_checks_the_zone(app):
    with app.app_context():
        store = make_store(zones=("Shoes", "Denim"))
        user = make_user(store=store)
        availability.set_availability(user, "on_floor", store.zones[1].id, now=T0)
        assert (user.availability, user.availability_zone_id) == (Availability.ON_FLOOR,
                                                                   store.zones[1].id)
        event = db.session.scalar(select(Event).where(Event.kind == EventKind.AVAILABILITY))
        assert (event.subject_id, event.actor_id, event.from_status, event.to_status,
                event.data) == (user.id, user.id, "off", "on_floor", {"zone_id": store.zones[1].id})
        with pytest.raises(InvalidInput):
            availability.set_availability(user, "on_floor", make_store().zones[0].id)
        with pytest.raises(InvalidInput):
            availability.set_availability(user, "asleep")


def test_idle_associates_are_set_off_by_the_system(app):
    with app.app_context():
        store = make_store()
        idle, busy = make_user(store=store), make_user(store=store)
        availability.set_availability(idle, "on_floor", now=T0)
        availability.set_availability(busy, "on_floor", now=T0)  # a break starts on the floor
        availability.set_availability(busy, "on_break", now=T0 + timedelta(minutes=15))
        assert availability.idle_off(now=T0 + timedelta(minutes=21), idle_minutes=20) == 1
        assert idle.availability is Availability.OFF and busy.availability is Availability.ON_BREAK
        last = db.session.scalar(select(Event).where(Event.kind == EventKind.AVAILABILITY)
                                 .order_by(Event.id.desc()).limit(1))
        assert (last.subject_id, last.actor_id, last.to_status) == (idle.id, None, "off")


def test_logging_off_sets_off_once(app):
    with app.app_context():
        user = make_user()
        availability.set_availability(user, "on_floor")
        availability.log_off(user, actor_id=user.id)
        availability.log_off(user, actor_id=user.id)
        assert user.availability is Availability.OFF
        assert db.session.query(Event).count() == 2
