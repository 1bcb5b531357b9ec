"""50 threads claim, release, arrive and resolve 1,000 requests at once, with real commits.

Afterwards: no request was held by two people, none was lost, every success a thread
saw has exactly its event, and each request's log is a legal path of the state machine.
"""

import random
import threading
from collections import Counter, defaultdict

from sqlalchemy import insert, select

from floorapp.errors import Conflict, Forbidden
from floorapp.extensions import db
from floorapp.models import Availability, Event, HelpRequest, Status, User
from floorapp.services.help import moves
from tests.factories import make_sign, make_user

THREADS = 50
REQUESTS = 1000
PICKS_PER_THREAD = 60
LEGAL = {  # (kind, from) -> to; None means "unchanged"
    ("claimed", "waiting"): "claimed", ("arrived", "claimed"): "helping",
    ("resolved", "helping"): "resolved", ("released", "claimed"): "waiting",
    ("handed_off", "claimed"): None, ("handed_off", "helping"): None,
    ("cancelled", "waiting"): "cancelled", ("cancelled", "claimed"): "cancelled",
    ("expired", "waiting"): "expired", ("expired", "claimed"): "expired",
}


def test_fifty_threads_on_a_thousand_requests_never_double_claim_or_lose_one(make_app):
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": THREADS + 2, "max_overflow": 0})
    with app.app_context():
        store_id, user_ids, request_ids = _seed()
    done, errors = [], []
    threads = [threading.Thread(target=_worker, args=(app, store_id, user_ids[n], request_ids,
                                                      n, done, errors)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        _check(store_id, request_ids, done)


def _seed():
    sign = make_sign()
    store_id = sign.zone.store_id
    users = [make_user(name=f"Worker {n}", store=sign.zone.store) for n in range(THREADS)]
    for user in users:
        user.availability = Availability.ON_FLOOR
    rows = [{"store_id": store_id, "zone_id": sign.zone_id, "sign_id": sign.id,
             "public_token": f"stress-{n}", "need": "find_size", "status": "waiting"}
            for n in range(REQUESTS)]
    db.session.execute(insert(HelpRequest), rows)
    db.session.commit()
    request_ids = list(db.session.scalars(select(HelpRequest.id).order_by(HelpRequest.id)))
    events = [{"store_id": store_id, "request_id": rid, "kind": "requested",
               "to_status": "waiting", "data": {}} for rid in request_ids]
    db.session.execute(insert(Event), events)
    db.session.commit()
    return store_id, [u.id for u in users], request_ids


def _worker(app, store_id, user_id, request_ids, seed, done, errors):
    rng = random.Random(seed)
    hot = request_ids[:200]  # half the picks fight over a fifth of the requests
    try:
        with app.app_context():
            user = db.session.get(User, user_id)
            for _ in range(PICKS_PER_THREAD):
                request_id = rng.choice(hot if rng.random() < 0.5 else request_ids)
                _play(store_id, user, request_id, rng, done)
                db.session.rollback()
    except Exception as error:
        errors.append(repr(error))


def _play(store_id, user, request_id, rng, done):
    try:
        moves.claim(store_id, request_id, user)
    except (Conflict, Forbidden):
        return
    done.append((request_id, "claimed", user.id))
    if rng.random() < 0.3:
        moves.release(store_id, request_id, user)
        done.append((request_id, "released", user.id))
        return
    moves.arrive(store_id, request_id, user)
    done.append((request_id, "arrived", user.id))
    moves.resolve(store_id, request_id, user, "helped")
    done.append((request_id, "resolved", user.id))


def _check(store_id, request_ids, done):
    rows = {r.id: r for r in db.session.scalars(select(HelpRequest))}
    assert sorted(rows) == request_ids  # none lost, none made
    logged = defaultdict(list)
    for event in db.session.scalars(select(Event).where(Event.request_id.is_not(None))
                                     .order_by(Event.id)):
        logged[event.request_id].append(event)
    seen = Counter((e.request_id, e.kind.value, e.actor_id)
                   for events in logged.values() for e in events if e.actor_id)
    assert seen == Counter(done)  # every success has its event, and nothing else
    for request_id, events in logged.items():
        _assert_legal_path(rows[request_id], events)
    assert any(kind == "released" for _, kind, _ in done)


def _assert_legal_path(help_request, events):
    assert events[0].kind.value == "requested"
    status, holder = "waiting", None
    for event in events[1:]:
        assert event.from_status == status, (help_request.id, event.kind, status)
        target = LEGAL[(event.kind.value, status)]
        if event.kind.value == "claimed":
            assert holder is None  # nobody claims what somebody holds
            holder = event.actor_id
        elif event.kind.value in ("released", "cancelled", "expired"):
            holder = None
        else:
            assert event.actor_id == holder
        status = target or status
        assert event.to_status == status
    assert help_request.status == Status(status)
    assert help_request.claimed_by_id == (holder if status in ("claimed", "helping",
                                                               "resolved") else None)
    _assert_timestamps(help_request, events)


def _assert_timestamps(help_request, events):
    """acknowledged_at is the FIRST claim (a release and re-claim keeps it); order holds."""
    claims = [e.at for e in events if e.kind.value == "claimed"]
    assert help_request.acknowledged_at == (claims[0] if claims else None)
    if help_request.status is Status.RESOLVED:
        assert (help_request.acknowledged_at <= help_request.reached_at
                <= help_request.resolved_at)
