"""Recovery: a poor rating or a comment reaches the managers at once and waits for an answer."""

from datetime import timedelta

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import PushMessage
from floorapp.services.conversation import recovery, thread
from floorapp.services.help import availability, intake, moves
from tests.push_factories import make_device
from tests.services.conftest import FLOOR_OPENS


def _helped(floor, at, **fields):
    """A request Maria claimed a minute after it was sent and resolved at `at` + 5 min."""
    from tests.factories import submit_request

    sign, store, maria, _sam, _boss = floor
    request = submit_request(sign=sign, now=at, **fields)
    moves.claim(store.id, request.id, maria, now=at + timedelta(minutes=1))
    moves.arrive(store.id, request.id, maria, now=at + timedelta(minutes=2))
    moves.resolve(store.id, request.id, maria, "helped", now=at + timedelta(minutes=5))
    return request


def _pushes(tag_prefix="rating-"):
    return [row.payload for row in db.session.scalars(select(PushMessage).order_by(
        PushMessage.id)) if row.tag.startswith(tag_prefix)]


def test_a_poor_rating_pushes_its_story_to_the_manager_and_waits_on_the_board(floor):
    sign, store, maria, _sam, boss = floor
    availability.set_availability(boss, "on_floor", now=FLOOR_OPENS)
    make_device(user=boss)
    at = FLOOR_OPENS + timedelta(minutes=1)
    request = _helped(floor, at, product="Trail Runner", size="9 W")
    rated = at + timedelta(minutes=6)
    intake.rate(request.public_token, "2", "Nobody knew if it was in stock", now=rated)
    (payload,) = _pushes()
    assert payload["title"] == "Rated 2 of 5: Shoes"
    assert payload["body"].startswith("“Nobody knew if it was in stock” · Trail Runner")
    assert payload["body"].endswith("helped by Maria")
    assert payload["url"] == f"/stores/{store.code}/board#rating-{request.id}"
    (waiting,) = recovery.to_answer(store, now=rated)
    assert (waiting.request_id, waiting.rating, waiting.associate, waiting.waited_s) == (
        request.id, 2, "Maria", 60)
    thread.post_as_staff(boss, request.id, "So sorry, I'm coming over with the 9 W",
                         now=rated + timedelta(seconds=90))
    assert recovery.to_answer(store, now=rated + timedelta(minutes=2)) == []
    figures = recovery.figures(store, FLOOR_OPENS, rated + timedelta(hours=1))
    assert figures == {"to_answer": 1, "low_ratings": 1, "answered": 1,
                       "median_answer_s": 90}


def test_a_good_rating_is_not_one_to_answer_but_a_comment_is(floor):
    _sign, store, _maria, _sam, boss = floor
    availability.set_availability(boss, "on_floor", now=FLOOR_OPENS)
    make_device(user=boss)
    at = FLOOR_OPENS + timedelta(minutes=1)
    quiet = _helped(floor, at)
    talkative = _helped(floor, at + timedelta(minutes=1))
    intake.rate(quiet.public_token, "5", "", now=at + timedelta(minutes=10))
    intake.rate(talkative.public_token, "4", "The fitting rooms were full",
                now=at + timedelta(minutes=10))
    blank = _helped(floor, at + timedelta(minutes=2))
    intake.rate(blank.public_token, "5", " \n\t ", now=at + timedelta(minutes=10))
    assert [p["title"] for p in _pushes()] == ["Rated 4 of 5: Shoes"]
    assert [r.request_id for r in recovery.to_answer(store, now=at + timedelta(minutes=11))] \
        == [talkative.id]
    figures = recovery.figures(store, FLOOR_OPENS, at + timedelta(hours=1))
    assert figures == {"to_answer": 1, "low_ratings": 0, "answered": 0,
                       "median_answer_s": None}


def test_a_rating_leaves_the_board_when_its_thread_closes(app, floor):
    _sign, store, *_ = floor
    at = FLOOR_OPENS + timedelta(minutes=1)
    request = _helped(floor, at)
    intake.rate(request.public_token, "1", "", now=at + timedelta(minutes=6))
    window = thread.window()
    assert len(recovery.to_answer(store, now=at + timedelta(minutes=5) + window
                                  - timedelta(seconds=1))) == 1
    assert recovery.to_answer(store, now=at + timedelta(minutes=5) + window) == []
