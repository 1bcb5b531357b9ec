"""Breaks and backups decided at the same moment by several handhelds (real threads, real commits).

Every going-away move holds the store's write lock (BEGIN IMMEDIATE on SQLite, the
advisory lock on PostgreSQL), so these races have one answer each, on both databases.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from floorapp.errors import Conflict
from floorapp.extensions import db
from floorapp.models import Availability, Break, Event, EventKind, Role, User
from floorapp.services.help import availability, coverage
from tests.concurrency import at_once
from tests.factories import make_store, make_user

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def _team(zones=("Shoes", "Denim"), people=("Ann", "Ben"), manager=None):
    store = make_store(zones=zones)
    ids = []
    for index, name in enumerate(people):
        person = make_user(name=name, store=store)
        availability.set_availability(person, "on_floor", store.zones[index % len(zones)].id,
                                      now=T0)
        ids.append(person.id)
    if manager:
        boss = make_user(name=manager, store=store, role=Role.MANAGER)
        availability.set_availability(boss, "on_floor", now=T0)
        ids.append(boss.id)
    return store.id, ids


def _go(user_id, value, **fields):
    def act():
        user = db.session.get(User, user_id)
        return availability.set_availability(user, value, now=T0, **fields)
    return act


def _outcome(result):
    if isinstance(result, Conflict):
        return result.code
    if isinstance(result, Exception):
        raise result
    return "ok"


def _no_backup_is_away(store_id):
    for item in coverage.open_breaks(store_id):
        assert item.backup is None or item.backup.availability in coverage.ON_SHIFT


@pytest.mark.parametrize("round_", range(3))
def test_two_associates_naming_each_other_as_backup_at_once_get_one_break(app, round_):
    with app.app_context():
        store_id, (ann, ben) = _team()
    results = at_once(app, [_go(ann, "on_break", backup_id=ben),
                            _go(ben, "on_break", backup_id=ann)])
    assert sorted(_outcome(r) for r in results) == ["backup_unavailable", "ok"]
    with app.app_context():
        breaks = db.session.scalars(select(Break)).all()
        assert len(breaks) == 1
        away, stayed = breaks[0].user_id, breaks[0].backup_id
        assert db.session.get(User, stayed).availability is Availability.ON_FLOOR
        assert db.session.get(User, away).availability is Availability.ON_BREAK
        _no_backup_is_away(store_id)


@pytest.mark.parametrize("round_", range(3))
def test_a_backup_going_on_break_while_someone_names_them_leaves_no_break_without_cover(
        app, round_):
    with app.app_context():
        store_id, (ann, ben, cat, ada) = _team(people=("Ann", "Ben", "Cat"), manager="Ada")
        availability.set_availability(db.session.get(User, ann), "on_break", now=T0,
                                      backup_id=ben)
    results = at_once(app, [_go(ben, "on_break", backup_id=ada),
                            _go(cat, "on_break", backup_id=ben)])
    outcomes = sorted(_outcome(r) for r in results)
    # Ben first: Cat's naming of Ben is refused. Cat first: Ben passes Cat's break on too.
    assert outcomes in (["backup_unavailable", "ok"], ["ok", "ok"])
    with app.app_context():
        _no_backup_is_away(store_id)
        assert coverage.open_break(ann).backup_id == ada  # passed on to Ben's own backup
        if outcomes == ["ok", "ok"]:
            assert coverage.open_break(cat).backup_id == ada


@pytest.mark.parametrize("round_", range(3))
def test_the_last_two_people_going_off_at_once_leave_every_zone_uncovered_and_told_once(
        app, round_):
    with app.app_context():
        store_id, (ann, ben) = _team()
    results = at_once(app, [_go(ann, "off"), _go(ben, "off")])
    assert [_outcome(r) for r in results] == ["ok", "ok"]  # allowed: nobody is made to stay
    with app.app_context():
        zones = coverage.uncovered_zones(store_id)
        told = [zone for event in db.session.scalars(
            select(Event).where(Event.kind == EventKind.UNCOVERED))
            for zone in event.data["zone_ids"]]
        assert len(zones) == 2 and sorted(told) == sorted(zones)  # each zone told once
