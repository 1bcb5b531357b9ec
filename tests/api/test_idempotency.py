"""Idempotency keys on the wire: the public submit and the associate's moves.

The same key with the same body answers the first response; with another body, 422;
a key older than a day acts afresh. Concurrent replays of one key make one request.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, IdempotencyRecord
from floorapp.services.help import availability
from tests.factories import make_sign, make_user, with_pass

THREADS = 8


@pytest.fixture
def shop(app):
    """A sign and an associate on the floor of its store."""
    with app.app_context():
        sign = make_sign()
        maria = make_user(login="maria", store=sign.zone.store)
        availability.set_availability(maria, "on_floor")
        return {"token": sign.token}


def _submit(client, token, key, **fields):
    return client.post(f"/api/v1/signs/{token}/help-requests",
                       json=with_pass(client, token, {"need": "find_size", **fields}),
                       headers={"Idempotency-Key": key})


def _requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(HelpRequest))


def _age_records(app, *, days: float) -> None:
    with app.app_context():
        for record in db.session.scalars(select(IdempotencyRecord)):
            record.created_at -= timedelta(days=days)
        db.session.commit()


def test_a_submit_replayed_after_a_day_makes_a_new_request(app, client, shop):
    first = _submit(client, shop["token"], "day-old", note="blue")
    _age_records(app, days=1.01)
    later = _submit(client, shop["token"], "day-old", note="blue")
    assert (first.status_code, later.status_code) == (201, 201)
    assert later.json["id"] != first.json["id"] and _requests(app) == 2


def test_a_submit_replayed_within_the_day_answers_the_first_request(app, client, shop):
    first = _submit(client, shop["token"], "hour-old", size="9")
    _age_records(app, days=0.9)
    again = _submit(client, shop["token"], "hour-old", size="9")
    assert again.status_code == 200 and again.json == first.json
    assert _requests(app) == 1


def test_concurrent_replays_of_one_key_make_one_request(app, shop):
    answers, start = [], threading.Barrier(THREADS)

    def tap():
        client = app.test_client()
        start.wait()
        answers.append(_submit(client, shop["token"], "double-tap", note="at once"))

    threads = [threading.Thread(target=tap) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [201]
    assert len({a.json["id"] for a in answers}) == 1 and _requests(app) == 1


def _move(client, rid, move, key, **body):
    return client.post(f"/api/v1/help-requests/{rid}/{move}", json=body,
                       headers={"Idempotency-Key": key})


def _claimed_request(client, auth, shop) -> int:
    rid = _submit(client, shop["token"], "customer-key").json["id"]
    auth.login("maria")
    assert _move(client, rid, "claim", "claim-key").status_code == 200
    return rid


def test_a_move_replayed_with_another_body_is_refused_with_422(client, auth, shop):
    rid = _claimed_request(client, auth, shop)
    assert _move(client, rid, "arrive", "arrive-key").status_code == 200
    done = _move(client, rid, "resolve", "resolve-key", outcome="sold")
    again = _move(client, rid, "resolve", "resolve-key", outcome="sold")
    assert (done.status_code, again.status_code) == (200, 200) and again.json == done.json
    other = _move(client, rid, "resolve", "resolve-key", outcome="helped")
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"


def test_a_move_replayed_after_a_day_acts_again(app, client, auth, shop):
    rid = _claimed_request(client, auth, shop)
    assert _move(client, rid, "claim", "claim-key").status_code == 200  # a replay
    _age_records(app, days=1.01)
    stale = _move(client, rid, "claim", "claim-key")
    assert stale.status_code == 409  # the key has expired, so the claim really runs again


def test_the_same_key_for_two_different_moves_does_not_mix_them_up(client, auth, shop):
    rid = _claimed_request(client, auth, shop)
    released = _move(client, rid, "release", "claim-key")
    assert released.status_code == 200
    assert released.json["help_request"]["status"] == "waiting"
