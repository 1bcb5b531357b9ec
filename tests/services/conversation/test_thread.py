"""The thread: the customer by token, the store's staff by id; limits, window, retention."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Event, EventKind, RequestMessage, RequestPhoto
from floorapp.services.conversation import thread
from floorapp.services.core import maintenance
from floorapp.services.help import moves
from tests.factories import make_sign, make_user, submit_request
from tests.photo_files import TEXT_AS_JPEG, has_gps, jpeg_with_gps
from tests.services.conftest import FLOOR_OPENS


def _counts():
    return (db.session.scalar(select(func.count()).select_from(RequestMessage)),
            db.session.scalar(select(func.count()).select_from(RequestPhoto)))


def test_customer_and_associate_talk_and_each_post_is_an_event(floor):
    sign, store, maria, _sam, _boss = floor
    request = submit_request(sign=sign, now=FLOOR_OPENS)
    thread.post_as_customer(request.public_token, "  I'm by the\nfitting   rooms  ",
                            now=FLOOR_OPENS)
    moves.claim(store.id, request.id, maria, now=FLOOR_OPENS)
    reply = thread.post_as_staff(maria, request.id, "On my way", now=FLOOR_OPENS)
    assert reply.created and reply.message["name"] == "Maria"
    shown = thread.messages(request.id)
    assert [(m["author"], m["name"], m["body"]) for m in shown] == [
        ("customer", "", "I'm by the\nfitting rooms"), ("staff", "Maria", "On my way")]
    kinds = db.session.scalars(select(Event.kind).where(Event.request_id == request.id)
                               .order_by(Event.id)).all()
    assert kinds.count(EventKind.MESSAGE) == 2
    event = db.session.scalar(select(Event).where(Event.kind == EventKind.MESSAGE)
                              .order_by(Event.id.desc()))
    assert event.data == {"message_id": reply.message["id"], "author": "staff"}
    assert "On my way" not in str(event.data)  # the text is never kept in the log


def test_a_replayed_key_posts_once_and_another_body_under_it_is_refused(floor):
    sign, store, maria, _sam, _boss = floor
    request = submit_request(sign=sign)
    moves.claim(store.id, request.id, maria)
    first = thread.post_as_staff(maria, request.id, "Two minutes", key="k-1")
    again = thread.post_as_staff(maria, request.id, "Two minutes", key="k-1")
    assert (first.created, again.created) == (True, False)
    assert again.message == first.message and _counts() == (1, 0)
    with pytest.raises(Exception, match="(?i)idempotency|key"):
        thread.post_as_staff(maria, request.id, "Bringing your size", key="k-1")
    assert _counts() == (1, 0)


def test_staff_of_another_store_get_404_and_nothing_is_written(floor):
    sign, _store, _maria, _sam, _boss = floor
    request = submit_request(sign=sign)
    stranger = make_user(name="Other Person", store=make_sign().zone.store)
    with pytest.raises(NotFound):
        thread.post_as_staff(stranger, request.id, "hello")
    with pytest.raises(NotFound):
        thread.staff_request(stranger, request.id)
    with pytest.raises(NotFound):
        thread.post_as_customer("no-such-token", "hello")
    assert _counts() == (0, 0)


def test_the_holder_answers_a_colleague_only_reads_and_a_manager_always_may(floor):
    sign, store, maria, sam, boss = floor
    request = submit_request(sign=sign, now=FLOOR_OPENS)
    with pytest.raises(Forbidden, match="Claim this request"):  # waiting: claim to answer
        thread.post_as_staff(sam, request.id, "On my way", now=FLOOR_OPENS)
    moves.claim(store.id, request.id, maria, now=FLOOR_OPENS)
    with pytest.raises(Forbidden, match="Maria holds this request") as refused:
        thread.post_as_staff(sam, request.id, "Two minutes", now=FLOOR_OPENS)
    assert refused.value.status == 403 and refused.value.code == "not_holder"
    assert _counts() == (0, 0)
    assert thread.for_staff(sam, store, request.id)["answering"] is False  # but sam reads it
    thread.post_as_staff(maria, request.id, "Two minutes", now=FLOOR_OPENS)
    thread.post_as_staff(boss, request.id, "I'm sending Maria", now=FLOOR_OPENS)
    assert [m["name"] for m in thread.messages(request.id)] == ["Maria", "Ada"]
    assert [(thread.may_answer(person, maria.id), thread.may_answer(person, None))
            for person in (maria, sam, boss)] == [(True, False), (False, False), (True, True)]


def test_a_hand_off_moves_the_right_to_answer_and_a_replay_still_answers(floor):
    sign, store, maria, sam, _boss = floor
    request = submit_request(sign=sign, now=FLOOR_OPENS)
    moves.claim(store.id, request.id, maria, now=FLOOR_OPENS)
    first = thread.post_as_staff(maria, request.id, "On my way", key="dead-spot")
    moves.handoff(store.id, request.id, maria, sam.id)
    replay = thread.post_as_staff(maria, request.id, "On my way", key="dead-spot")
    assert (replay.created, replay.message) == (False, first.message)
    with pytest.raises(Forbidden, match="Sam holds"):
        thread.post_as_staff(maria, request.id, "Two minutes")
    thread.post_as_staff(sam, request.id, "Bringing your size")
    assert _counts() == (2, 0)


@pytest.mark.parametrize("body", ["x" * 501, "", "   ", 42, ["a"]])
def test_bad_bodies_are_refused_with_nothing_stored(floor, body):
    sign, *_ = floor
    request = submit_request(sign=sign)
    with pytest.raises(InvalidInput):
        thread.post_as_customer(request.public_token, body)
    assert _counts() == (0, 0)


def test_the_thread_closes_a_while_after_the_request_ended(floor, app):
    sign, store, maria, _sam, _boss = floor
    request = submit_request(sign=sign, now=FLOOR_OPENS)
    moves.claim(store.id, request.id, maria, now=FLOOR_OPENS)
    moves.arrive(store.id, request.id, maria, now=FLOOR_OPENS)
    ended = FLOOR_OPENS + timedelta(minutes=3)
    moves.resolve(store.id, request.id, maria, "helped", now=ended)
    window = timedelta(minutes=app.config["MESSAGE_WINDOW_MINUTES"])
    thread.post_as_customer(request.public_token, "Thanks!", now=ended + window
                            - timedelta(seconds=1))
    with pytest.raises(Conflict, match="closed"):
        thread.post_as_customer(request.public_token, "One more?", now=ended + window)
    assert _counts() == (1, 0)
    thread.post_as_staff(maria, request.id, "You're welcome", now=ended + window)  # staff can


def test_a_photo_is_stored_without_gps_and_a_bad_one_stores_nothing(floor):
    sign, *_ = floor
    request = submit_request(sign=sign)
    with pytest.raises(InvalidInput):
        thread.post_as_customer(request.public_token, "this one", TEXT_AS_JPEG)
    assert _counts() == (0, 0)
    posted = thread.post_as_customer(request.public_token, "", jpeg_with_gps())
    stored = db.session.get(RequestPhoto, posted.message["photo_id"])
    assert not has_gps(stored.data) and max(stored.width, stored.height) == 1600
    assert thread.photo_of(request.id, stored.id).id == stored.id
    other = submit_request(sign=sign)
    with pytest.raises(NotFound):
        thread.photo_of(other.id, stored.id)


def test_retention_blanks_messages_and_deletes_photos_keeping_their_times(floor):
    sign, store, maria, _sam, _boss = floor
    old = submit_request(sign=sign, now=FLOOR_OPENS)
    thread.post_as_customer(old.public_token, "blue one", jpeg_with_gps((100, 100)),
                            now=FLOOR_OPENS)
    moves.claim(store.id, old.id, maria, now=FLOOR_OPENS)
    thread.post_as_staff(maria, old.id, "On my way", now=FLOOR_OPENS)
    recent = submit_request(sign=sign, now=FLOOR_OPENS + timedelta(days=29))
    thread.post_as_customer(recent.public_token, "still here",
                            now=FLOOR_OPENS + timedelta(days=29))
    report = maintenance.purge(retention_days=30, session_idle=timedelta(minutes=30),
                               now=FLOOR_OPENS + timedelta(days=31))
    assert (report.messages, report.photos) == (2, 1)
    rows = {m["body"]: m for m in thread.messages(old.id)}
    assert list(rows) == [""] and all(m["photo_id"] is None for m in thread.messages(old.id))
    assert len(thread.messages(old.id)) == 2 and thread.messages(old.id)[0]["at"]
    assert [m["body"] for m in thread.messages(recent.id)] == ["still here"]
    assert _counts() == (3, 0)
