"""The associate going away: refused while holding requests, breaks, backups, returns, idle-off."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorapp.errors import Conflict, InvalidInput
from floorapp.extensions import db
from floorapp.models import Availability, Break, Event, EventKind, PushMessage, Role, Status
from floorapp.services.help import availability, coverage, moves, returns
from floorapp.services.help.away import HoldingRequests
from tests.factories import make_sign, make_store, make_user, submit_request
from tests.push_factories import make_device

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # 10:00 in New York


def _events(kind):
    return list(db.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)))


@pytest.fixture
def shop(app):
    """Two zones; Maria covers Shoes, Sam covers Denim, Ada manages; everyone with a device."""
    with app.app_context():
        store = make_store(zones=("Shoes", "Denim"))
        shoes, denim = store.zones
        maria = make_user(name="Maria Lopez", store=store)
        sam = make_user(name="Sam Okafor", store=store)
        ada = make_user(name="Ada Boss", store=store, role=Role.MANAGER)
        availability.set_availability(maria, "on_floor", shoes.id, now=T0)
        availability.set_availability(sam, "on_floor", denim.id, now=T0)
        availability.set_availability(ada, "on_floor", denim.id, now=T0)
        for person in (maria, sam, ada):
            make_device(user=person)
        yield store, shoes, denim, maria, sam, ada


def _claimed_by(person, zone, now=T0):
    help_request = submit_request(sign=make_sign(zone=zone), now=now)
    moves.claim(zone.store_id, help_request.id, person, now=now)
    return help_request


def test_going_on_break_while_holding_a_request_is_refused_with_the_list(shop):
    store, shoes, _denim, maria, _sam, _ada = shop
    held = _claimed_by(maria, shoes)
    with pytest.raises(HoldingRequests) as refusal:
        availability.set_availability(maria, "on_break", until="15", now=T0)
    assert refusal.value.status == 409
    assert [r["id"] for r in refusal.value.details["requests"]] == [held.id]
    assert refusal.value.details["requests"][0]["choices"] == ["queue", "colleague"]
    assert maria.availability is Availability.WITH_CUSTOMER
    assert db.session.scalar(select(Break)) is None and _events(EventKind.BREAK_STARTED) == []


def test_going_on_break_hands_off_and_releases_in_the_same_transaction(shop):
    store, shoes, _denim, maria, sam, _ada = shop
    first, second = _claimed_by(maria, shoes), _claimed_by(maria, shoes)
    moves.arrive(store.id, first.id, maria, now=T0)
    availability.set_availability(maria, "on_break", until="15", now=T0, backup_id=sam.id,
                                  held={str(first.id): str(sam.id), str(second.id): "queue"})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, first.claimed_by_id) == (Status.HELPING, sam.id)
    assert (second.status, second.claimed_by_id) == (Status.WAITING, None)
    handed = _events(EventKind.HANDED_OFF)[-1]
    assert handed.data == {"from_id": maria.id, "to_id": sam.id, "reason": "going_away"}
    started = _events(EventKind.BREAK_STARTED)[-1]
    assert started.data["backup_id"] == sam.id and started.data["zone_id"] == shoes.id
    assert maria.availability is Availability.ON_BREAK


def test_a_customer_being_helped_cannot_go_back_in_the_queue_and_nothing_changes(shop):
    store, shoes, _denim, maria, _sam, _ada = shop
    held = _claimed_by(maria, shoes)
    moves.arrive(store.id, held.id, maria, now=T0)
    with pytest.raises(InvalidInput):
        availability.set_availability(maria, "off", now=T0, held={str(held.id): "queue"})
    db.session.refresh(held)
    assert (held.status, held.claimed_by_id, maria.availability) == (
        Status.HELPING, maria.id, Availability.WITH_CUSTOMER)


def test_a_break_starts_from_the_floor_once(shop):
    store, shoes, _denim, maria, sam, _ada = shop
    availability.set_availability(maria, "on_break", until="15", now=T0)
    with pytest.raises(Conflict, match="on break already"):
        availability.set_availability(maria, "on_break", until="15", now=T0)
    availability.set_availability(sam, "off", now=T0)
    with pytest.raises(Conflict, match="You are off"):
        availability.set_availability(sam, "on_break", until="15", now=T0)
    assert len(coverage.open_breaks(store.id)) == 1


def test_the_suggested_backup_is_the_lightest_load_on_the_floor(shop):
    store, shoes, denim, maria, sam, ada = shop
    _claimed_by(ada, denim)  # Ada is with a customer now; Sam has none
    availability.set_availability(maria, "on_break", until="30", now=T0)
    item = coverage.open_break(maria.id)
    assert item.backup_id == sam.id
    assert item.expected_return_at == T0 + timedelta(minutes=30)


def test_with_nobody_on_the_floor_the_manager_on_shift_is_the_backup(shop):
    store, shoes, denim, maria, sam, ada = shop
    availability.set_availability(sam, "off", now=T0)
    _claimed_by(ada, denim)
    availability.set_availability(maria, "on_break", until="15", now=T0)
    assert coverage.open_break(maria.id).backup_id == ada.id


def test_a_zones_new_requests_go_to_the_backup_while_away_and_back_after(shop):
    store, shoes, _denim, maria, sam, _ada = shop
    availability.set_availability(maria, "on_break", until="15", backup_id=sam.id, now=T0)
    told = db.session.scalars(select(PushMessage.tag)).all()
    assert any(tag.startswith("break-") for tag in told)  # the backup was pushed
    submit_request(sign=make_sign(zone=shoes), now=T0 + timedelta(minutes=1))
    pushed = _pushed_users(store.id, "request-")
    assert pushed == {sam.id}  # not the whole floor: the backup first
    availability.set_availability(maria, "on_floor", now=T0 + timedelta(minutes=12))
    assert maria.availability_zone_id == shoes.id  # the zone is restored
    ended = _events(EventKind.BREAK_ENDED)[-1]
    assert ended.data["late_s"] == 0 and ended.data["reason"] == "back"
    replaced = db.session.scalars(select(PushMessage).where(
        PushMessage.tag.startswith("break-")).order_by(PushMessage.id)).all()
    assert replaced[-1].payload["silent"] is True  # the backup's notification, replaced
    assert coverage.open_break(maria.id) is None


def test_coming_back_to_the_whole_store_on_purpose_is_not_overridden(shop):
    store, shoes, _denim, maria, sam, _ada = shop
    availability.set_availability(maria, "on_break", until="15", backup_id=sam.id, now=T0)
    availability.set_availability(maria, "on_floor", None, now=T0 + timedelta(minutes=5))
    assert maria.availability_zone_id is None  # the whole store, as chosen


def _pushed_users(store_id, prefix):
    from floorapp.models import PushSubscription
    return set(db.session.scalars(
        select(PushSubscription.user_id).join(PushMessage,
                                              PushMessage.subscription_id == PushSubscription.id)
        .where(PushMessage.tag.startswith(prefix))))


def test_naming_a_backup_who_is_away_is_a_409(shop):
    store, shoes, _denim, maria, sam, _ada = shop
    availability.set_availability(sam, "on_break", until="15", now=T0)
    with pytest.raises(Conflict) as refusal:
        availability.set_availability(maria, "on_break", until="15", backup_id=sam.id, now=T0)
    assert refusal.value.code == "backup_unavailable"
    assert maria.availability is Availability.ON_FLOOR


def test_a_backup_going_on_break_passes_the_zone_to_their_own_backup(shop):
    store, shoes, _denim, maria, sam, ada = shop
    availability.set_availability(maria, "on_break", until="15", backup_id=sam.id, now=T0)
    availability.set_availability(sam, "on_break", until="15", backup_id=ada.id, now=T0)
    assert coverage.open_break(maria.id).backup_id == ada.id
    changed = _events(EventKind.BACKUP_CHANGED)[-1]
    assert changed.data["from_id"] == sam.id
    assert (changed.data["to_id"], changed.data["reason"]) == (ada.id, "backup_left")


def test_the_last_person_going_off_leaves_the_zones_uncovered_and_tells_the_managers(shop):
    store, shoes, denim, maria, sam, ada = shop
    availability.set_availability(ada, "off", now=T0)
    availability.set_availability(sam, "off", now=T0)
    assert _events(EventKind.UNCOVERED)[-1].data == {"zone_ids": [denim.id]}
    availability.set_availability(maria, "off", now=T0)
    assert _events(EventKind.UNCOVERED)[-1].data == {"zone_ids": [shoes.id]}
    assert coverage.uncovered_zones(store.id) == {shoes.id, denim.id}
    assert ada.id in _pushed_users(store.id, "uncovered-")  # a manager, though off


def test_a_late_break_is_told_to_the_managers_once_from_the_tick(shop):
    store, shoes, _denim, maria, sam, ada = shop
    availability.set_availability(maria, "on_break", until="15", backup_id=sam.id, now=T0)
    assert returns.tell_overdue(now=T0 + timedelta(minutes=20), grace_minutes=5) == 0
    assert returns.tell_overdue(now=T0 + timedelta(minutes=21), grace_minutes=5) == 1
    assert returns.tell_overdue(now=T0 + timedelta(minutes=30), grace_minutes=5) == 0
    late = _events(EventKind.BREAK_OVERDUE)
    assert len(late) == 1 and late[0].data["late_s"] == 360
    assert _pushed_users(store.id, "break-") >= {ada.id}


@pytest.mark.parametrize(("until", "expected"), [
    ("15", T0 + timedelta(minutes=15)), ("30 min", T0 + timedelta(minutes=30)),
    ("10:45", datetime(2026, 11, 21, 15, 45, tzinfo=UTC)),
    ("until 11:30", datetime(2026, 11, 21, 16, 30, tzinfo=UTC))])
def test_the_expected_return_reads_minutes_or_the_store_clock(until, expected):
    assert returns.expected_return(until, "America/New_York", T0) == expected


def test_a_break_with_no_return_said_lasts_the_default_fifteen_minutes():
    assert returns.expected_return("", "America/New_York", T0) == T0 + timedelta(minutes=15)


@pytest.mark.parametrize("until", [" ", "0", "-5", True, [15], "241", "09:59", "²", "25:00",
                                   "lunch", "15:00"])
def test_a_bad_expected_return_is_refused(until):
    with pytest.raises(InvalidInput):
        returns.expected_return(until, "America/New_York", T0)


def test_a_store_clock_return_is_dst_correct():
    # 2026-03-08 in New York: 02:00 jumps to 03:00; 01:50 EST is 06:50 UTC.
    before = datetime(2026, 3, 8, 6, 50, tzinfo=UTC)
    assert returns.expected_return("03:10", "America/New_York", before) == \
        datetime(2026, 3, 8, 7, 10, tzinfo=UTC)  # 20 real minutes, not 80
    with pytest.raises(InvalidInput, match="does not exist"):
        returns.expected_return("02:30", "America/New_York", before)


def test_idle_off_hands_what_was_held_to_a_colleague_and_says_so(shop):
    store, shoes, _denim, maria, sam, _ada = shop
    held = _claimed_by(maria, shoes)
    for person in (sam,):
        availability.touch(person, now=T0 + timedelta(minutes=30))
    assert availability.idle_off(now=T0 + timedelta(minutes=21), idle_minutes=20) >= 1
    db.session.refresh(held)
    assert maria.availability is Availability.OFF
    assert held.claimed_by_id is not None and held.claimed_by_id != maria.id
    assert _events(EventKind.HANDED_OFF)[-1].data["reason"] == "idle_off"


def test_idle_off_releases_when_nobody_is_left(app):
    with app.app_context():
        store = make_store()
        alone = make_user(store=store)
        availability.set_availability(alone, "on_floor", now=T0)
        held = _claimed_by(alone, store.zones[0])
        assert availability.idle_off(now=T0 + timedelta(minutes=21), idle_minutes=20) == 1
        db.session.refresh(held)
        assert (held.status, held.claimed_by_id) == (Status.WAITING, None)
        assert _events(EventKind.RELEASED)[-1].data == {"reason": "idle_off"}


def test_a_break_is_not_idleness_until_well_past_its_return(shop):
    store, shoes, _denim, maria, sam, ada = shop
    availability.set_availability(maria, "on_break", until="30", backup_id=sam.id, now=T0)
    for colleague in (sam, ada):
        availability.touch(colleague, now=T0 + timedelta(minutes=49))
    assert availability.idle_off(now=T0 + timedelta(minutes=49), idle_minutes=20) == 0
    assert maria.availability is Availability.ON_BREAK
    assert availability.idle_off(now=T0 + timedelta(minutes=51), idle_minutes=20) == 1
    db.session.refresh(maria)
    assert maria.availability is Availability.OFF
    assert _events(EventKind.BREAK_ENDED)[-1].data["reason"] == "idle_off"
