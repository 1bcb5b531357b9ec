"""The history generator: legal event paths, honest clocks, the weekly shape, determinism."""

import json
from collections import Counter, defaultdict
from datetime import date
from statistics import median
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from floorapp.demo.history import generate_history
from floorapp.demo.history_sim import opening_hours
from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Event, Feedback, HelpRequest, Store
from tests.factories import make_help_request, make_staffed_store, make_store

END = date(2026, 3, 22)  # three weeks over the US spring-forward day (2026-03-08)
LEGAL = {  # kind: allowed (from, to) moves, as in MOVES of services/help/moves.py
    "requested": {(None, "waiting")},
    "claimed": {("waiting", "claimed")},
    "arrived": {("claimed", "helping")},
    "resolved": {("helping", "resolved")},
    "released": {("claimed", "waiting")},
    "cancelled": {("waiting", "cancelled"), ("claimed", "cancelled")},
    "expired": {("waiting", "expired"), ("claimed", "expired")},
    "escalated": {("waiting", "waiting")},
    "rated": {("resolved", "resolved")},
}


@pytest.fixture
def store_id(app):
    """A New York store with three zones, a sign in each, five associates and a manager."""
    with app.app_context():
        return make_staffed_store(code="NYC-9", zones=("Kids", "Shoes", "Women's"),
                                  associates=5).id


def _generate(store_id: int, *, days: int = 21, seed: int = 5):
    return generate_history(db.session.get(Store, store_id), days=days, seed=seed, end=END)


def _events_by_request() -> dict[int, list[Event]]:
    grouped = defaultdict(list)
    for event in db.session.scalars(select(Event).where(Event.request_id.is_not(None))
                                    .order_by(Event.id)):
        grouped[event.request_id].append(event)
    return grouped


def test_every_requests_events_form_a_legal_path_in_time_order(app, store_id):
    with app.app_context():
        report = _generate(store_id)
        events = _events_by_request()
        requests = db.session.scalars(select(HelpRequest)).all()
        assert report.requests == len(requests) > 1000 and len(events) == len(requests)
        for help_request in requests:
            status, previous = None, None
            for event in events[help_request.id]:
                assert (event.from_status, event.to_status) in LEGAL[event.kind.value], event.kind
                assert event.from_status == status
                assert previous is None or event.at >= previous
                status, previous = event.to_status, event.at
            assert help_request.status.value == status


def test_request_clocks_match_their_events_and_walk_aways_were_never_reached(app, store_id):
    with app.app_context():
        _generate(store_id)
        events = _events_by_request()
        for help_request in db.session.scalars(select(HelpRequest)):
            first = {}
            for event in events[help_request.id]:
                first.setdefault(event.kind.value, event)
            claim = first.get("claimed")
            assert help_request.acknowledged_at == (claim.at if claim else None)
            assert help_request.reached_at == _at(first.get("arrived"))
            assert help_request.resolved_at == _at(first.get("resolved"))
            if help_request.status.value in ("cancelled", "expired"):
                assert help_request.reached_at is None and help_request.closed_at is not None
                assert help_request.closed_at >= help_request.requested_at
            else:
                assert (help_request.requested_at <= help_request.acknowledged_at
                        <= help_request.reached_at <= help_request.resolved_at)
                assert help_request.claimed_by_id == first["arrived"].actor_id
                assert json.loads(json.dumps(first["resolved"].data))["outcome"] == (
                    help_request.outcome.value)


def _at(event):
    return event.at if event else None


def test_event_ids_follow_time_and_new_rows_get_ids_after_the_history(app, store_id):
    with app.app_context():
        _generate(store_id, days=7)
        times = db.session.scalars(select(Event.at).order_by(Event.id)).all()
        assert times == sorted(times)
        newest = db.session.scalar(select(func.max(HelpRequest.id)))
        assert make_help_request().id > newest


def test_availability_changes_chain_and_every_day_ends_off(app, store_id):
    with app.app_context():
        _generate(store_id, days=7)
        last = {}
        for event in db.session.scalars(select(Event).where(Event.kind == "availability")
                                        .order_by(Event.id)):
            assert event.request_id is None and event.data == {"zone_id": None}
            assert event.from_status == last.get(event.subject_id, "off") != event.to_status
            last[event.subject_id] = event.to_status
        assert set(last.values()) == {"off"} and len(last) == 5
        claims = db.session.scalar(select(func.count()).where(Event.kind == "claimed"))
        busy = db.session.scalar(select(func.count()).where(Event.to_status == "with_customer"))
        assert busy == claims


def test_weekends_and_afternoons_are_busier_in_the_stores_local_time(app, store_id):
    with app.app_context():
        _generate(store_id)
        zone = ZoneInfo("America/New_York")
        local = [at.astimezone(zone) for at in db.session.scalars(select(HelpRequest.requested_at))]
        per_weekday = Counter(moment.weekday() for moment in local)  # 3 of each weekday
        per_hour = Counter(moment.hour for moment in local)
        assert min(per_weekday[5], per_weekday[6]) > 1.15 * max(per_weekday[d] for d in range(4))
        assert min(per_hour[h] for h in (14, 15, 16)) > 1.5 * max(per_hour[10], per_hour[11])
        for moment in local:  # DST-correct: nothing before opening, even on 8 March
            assert moment.hour in opening_hours(moment.date())


def test_some_walk_away_some_release_escalate_and_a_third_rate(app, store_id):
    with app.app_context():
        _generate(store_id)
        statuses = Counter(db.session.scalars(select(HelpRequest.status)))
        total = sum(statuses.values())
        assert 0.04 <= (statuses["cancelled"] + statuses["expired"]) / total <= 0.12
        kinds = Counter(db.session.scalars(select(Event.kind)))
        assert kinds["released"] > 0 and kinds["escalated"] > 0
        rated = db.session.scalars(select(Feedback)).all()
        assert 0.25 <= len(rated) / statuses["resolved"] <= 0.35
        assert kinds["rated"] == len(rated) and any(f.comment for f in rated)
        assert {f.rating for f in rated} <= {1, 2, 3, 4, 5}


def test_the_same_seed_gives_the_same_history_and_another_seed_another(app, store_id):
    with app.app_context():
        runs = []
        for seed in (5, 5, 6):
            _generate(store_id, days=5, seed=seed)
            runs.append((_rows(HelpRequest), _rows(Event), _rows(Feedback)))
            for model in (Feedback, Event, HelpRequest):
                db.session.execute(model.__table__.delete())
            db.session.commit()
        assert runs[0] == runs[1]
        assert runs[0][0] != runs[2][0]


def _rows(model) -> list[tuple]:
    table = model.__table__
    return [tuple(row) for row in db.session.execute(select(table).order_by(table.c.id))]


def test_bad_history_requests_are_refused_and_write_nothing(app, store_id):
    with app.app_context():
        store = db.session.get(Store, store_id)
        for days in (0, -3, 100_000):
            with pytest.raises(InvalidInput):
                generate_history(store, days=days, seed=1)
        empty = make_store(code="EMPTY-1")
        with pytest.raises(InvalidInput, match="needs a zone and an associate"):
            generate_history(empty, days=3, seed=1)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 0


def test_busy_hours_are_slower_to_acknowledge_and_zones_differ_in_time_to_reach(app, store_id):
    with app.app_context():
        _generate(store_id)
        zone = ZoneInfo("America/New_York")
        busy, quiet, reach_by_zone = [], [], defaultdict(list)
        for help_request in db.session.scalars(select(HelpRequest).where(
                HelpRequest.reached_at.is_not(None))):
            local = help_request.requested_at.astimezone(zone)
            acknowledge = (help_request.acknowledged_at - help_request.requested_at).seconds
            if local.weekday() >= 5 and 13 <= local.hour <= 16:
                busy.append(acknowledge)
            elif local.weekday() < 4 and local.hour <= 11:
                quiet.append(acknowledge)
            reach_by_zone[help_request.zone.name].append(
                (help_request.reached_at - help_request.requested_at).total_seconds())
        assert median(busy) > 1.2 * median(quiet)
        assert median(reach_by_zone["Women's"]) > 1.15 * median(reach_by_zone["Shoes"])
