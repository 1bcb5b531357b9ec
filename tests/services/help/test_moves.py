"""Every move of the help request's state machine, and every refusal."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Availability, Event, HelpRequest, Status
from floorapp.services.core.idempotency import KeyReused
from floorapp.services.help import availability, intake, moves
from floorapp.services.org.signs import SignRetired
from tests.factories import make_sign, make_submission, make_user, submit_request

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def _events(help_request):
    return [(e.kind.value, e.from_status, e.to_status, e.actor_id, e.data) for e in
            db.session.scalars(select(Event).where(Event.request_id == help_request.id)
                               .order_by(Event.id))]


def test_a_submission_from_a_sign_waits_with_its_requested_event(floor):
    sign, store, *_ = floor
    help_request = submit_request(sign=sign, now=T0, product="Runner X", size="9 wide",
                                  note="by the mirrors")
    assert help_request.status is Status.WAITING and help_request.store_id == store.id
    assert help_request.requested_at == T0 and len(help_request.public_token) >= 32
    assert (help_request.product_query, help_request.size_label) == ("Runner X", "9 wide")
    assert _events(help_request) == [("requested", None, "waiting", None,
                                      {"zone_id": sign.zone_id})]


def test_the_whole_happy_path_keeps_the_clock_and_the_log(floor):
    sign, store, maria, *_ = floor
    help_request = submit_request(sign=sign, now=T0)
    moves.claim(store.id, help_request.id, maria, now=T0 + timedelta(seconds=20))
    assert maria.availability is Availability.WITH_CUSTOMER
    moves.arrive(store.id, help_request.id, maria, now=T0 + timedelta(seconds=90))
    moves.resolve(store.id, help_request.id, maria, "sold", now=T0 + timedelta(minutes=5))
    assert help_request.status is Status.RESOLVED and help_request.outcome.value == "sold"
    assert help_request.acknowledged_at == T0 + timedelta(seconds=20)
    assert help_request.reached_at == T0 + timedelta(seconds=90)
    assert help_request.resolved_at == T0 + timedelta(minutes=5)
    assert maria.availability is Availability.ON_FLOOR
    assert [e[0] for e in _events(help_request)] == ["requested", "claimed", "arrived",
                                                      "resolved"]
    assert _events(help_request)[1] == ("claimed", "waiting", "claimed", maria.id,
                                        {"associate_id": maria.id})
    assert _events(help_request)[3][4] == {"outcome": "sold"}


def test_a_second_claim_is_a_conflict_naming_the_first_claimer(floor):
    sign, store, maria, sam, _ = floor
    help_request = submit_request(sign=sign)
    moves.claim(store.id, help_request.id, maria)
    with pytest.raises(Conflict, match="already claimed by Maria"):
        moves.claim(store.id, help_request.id, sam)
    assert help_request.claimed_by_id == maria.id and len(_events(help_request)) == 2


def test_a_release_and_reclaim_keeps_the_first_acknowledgement(floor):
    sign, store, maria, sam, _ = floor
    help_request = submit_request(sign=sign, now=T0)
    moves.claim(store.id, help_request.id, maria, now=T0 + timedelta(seconds=10))
    moves.release(store.id, help_request.id, maria, now=T0 + timedelta(seconds=30))
    assert help_request.status is Status.WAITING and help_request.claimed_by_id is None
    assert maria.availability is Availability.ON_FLOOR
    moves.claim(store.id, help_request.id, sam, now=T0 + timedelta(seconds=50))
    assert help_request.acknowledged_at == T0 + timedelta(seconds=10)


def test_only_the_holder_may_arrive_resolve_or_release(floor):
    sign, store, maria, sam, _ = floor
    help_request = submit_request(sign=sign)
    moves.claim(store.id, help_request.id, maria)
    for move in (moves.arrive, moves.release):
        with pytest.raises(Forbidden, match="Maria's"):
            move(store.id, help_request.id, sam)
    assert help_request.status is Status.CLAIMED


@pytest.mark.parametrize("move", ["arrive", "resolve", "release", "handoff"])
def test_moves_from_waiting_that_need_a_claim_are_conflicts(floor, move):
    sign, store, maria, sam, _ = floor
    help_request = submit_request(sign=sign)
    args = {"resolve": ("helped",), "handoff": (sam.id,)}.get(move, ())
    with pytest.raises(Conflict, match="still waiting"):
        getattr(moves, move)(store.id, help_request.id, maria, *args)
    assert len(_events(help_request)) == 1


def test_resolving_before_arriving_is_a_conflict_and_an_unknown_outcome_is_refused(floor):
    sign, store, maria, *_ = floor
    help_request = submit_request(sign=sign)
    moves.claim(store.id, help_request.id, maria)
    with pytest.raises(Conflict):
        moves.resolve(store.id, help_request.id, maria, "helped")
    moves.arrive(store.id, help_request.id, maria)
    with pytest.raises(InvalidInput, match="Unknown outcome"):
        moves.resolve(store.id, help_request.id, maria, "vanished")
    assert help_request.status is Status.HELPING


def test_a_request_of_another_store_is_not_found(floor):
    sign, store, *_ = floor
    help_request = submit_request(sign=sign)
    stranger = make_user(name="Other Store")
    with pytest.raises(NotFound):
        moves.claim(stranger.home_store_id, help_request.id, stranger)
    with pytest.raises(NotFound):
        moves.claim(store.id, help_request.id, stranger)
    assert help_request.status is Status.WAITING


def test_a_hand_off_goes_to_a_working_colleague_of_the_same_store(floor):
    sign, store, maria, sam, boss = floor
    help_request = submit_request(sign=sign)
    moves.claim(store.id, help_request.id, maria)
    with pytest.raises(InvalidInput, match="off"):
        moves.handoff(store.id, help_request.id, maria, boss.id)  # boss is off
    with pytest.raises(InvalidInput, match="this store"):
        moves.handoff(store.id, help_request.id, maria, make_user().id)
    with pytest.raises(InvalidInput, match="yourself"):
        moves.handoff(store.id, help_request.id, maria, maria.id)
    moves.handoff(store.id, help_request.id, maria, sam.id)
    assert help_request.claimed_by_id == sam.id and help_request.status is Status.CLAIMED
    assert _events(help_request)[-1] == ("handed_off", "claimed", "claimed", maria.id,
                                         {"from_id": maria.id, "to_id": sam.id})
    assert sam.availability is Availability.WITH_CUSTOMER
    assert maria.availability is Availability.ON_FLOOR


def test_the_customer_cancels_a_claimed_request_and_the_associate_is_freed(floor):
    sign, store, maria, *_ = floor
    help_request = submit_request(sign=sign, now=T0)
    moves.claim(store.id, help_request.id, maria, now=T0)
    intake.cancel_by_customer(help_request.public_token, now=T0 + timedelta(minutes=2))
    assert help_request.status is Status.CANCELLED
    assert help_request.closed_at == T0 + timedelta(minutes=2)
    assert maria.availability is Availability.ON_FLOOR
    with pytest.raises(Conflict, match="cancelled"):
        intake.cancel_by_customer(help_request.public_token)


def test_an_associate_cannot_cancel_but_a_manager_can(floor):
    sign, store, maria, _, boss = floor
    help_request = submit_request(sign=sign)
    with pytest.raises(Forbidden):
        moves.cancel(store.id, help_request.id, manager=maria)
    moves.cancel(store.id, help_request.id, manager=boss)
    assert _events(help_request)[-1][:4] == ("cancelled", "waiting", "cancelled", boss.id)


def test_a_helping_request_cannot_be_cancelled_or_expired(floor):
    sign, store, maria, *_ = floor
    help_request = submit_request(sign=sign)
    moves.claim(store.id, help_request.id, maria)
    moves.arrive(store.id, help_request.id, maria)
    with pytest.raises(Conflict):
        intake.cancel_by_customer(help_request.public_token)
    with pytest.raises(Conflict):
        moves.expire(store.id, help_request.id)


def test_a_rating_comes_once_and_only_after_the_help(floor):
    sign, store, maria, *_ = floor
    help_request = submit_request(sign=sign)
    with pytest.raises(Conflict, match="once it is finished"):
        intake.rate(help_request.public_token, 5)
    moves.claim(store.id, help_request.id, maria)
    moves.arrive(store.id, help_request.id, maria)
    moves.resolve(store.id, help_request.id, maria, "helped")
    for bad in (0, 6, "x", None, 4.5):
        with pytest.raises(InvalidInput):
            intake.rate(help_request.public_token, bad)
    feedback = intake.rate(help_request.public_token, "4", "Quick and kind")
    assert (feedback.rating, feedback.comment) == (4, "Quick and kind")
    assert _events(help_request)[-1][:2] == ("rated", "resolved")
    with pytest.raises(Conflict, match="already"):
        intake.rate(help_request.public_token, 5)


@pytest.mark.parametrize("fields, message", [
    ({"need": "dance"}, "choose what you need"),
    ({"need": ""}, "choose what you need"),
    ({"need": "other", "note": "x" * 281}, "note is too long"),
    ({"need": "other", "product": "p" * 121}, "product name is too long"),
    ({"need": "other", "size": "s" * 25}, "size is too long"),
    ({"need": "other", "note": ["a", "list"]}, "must be text"),
])
def test_bad_submissions_are_refused_with_a_message(fields, message):
    with pytest.raises(InvalidInput, match=message):
        intake.parse_submission(fields)


def test_a_note_of_exactly_280_characters_is_kept():
    assert len(make_submission(need="other", note="n" * 280).note) == 280


def test_a_retired_or_unknown_sign_makes_no_request(floor):
    sign, *_ = floor
    retired = make_sign(zone=sign.zone, active=False)
    with pytest.raises(SignRetired):
        intake.submit(retired.token, make_submission())
    with pytest.raises(NotFound):
        intake.submit("no-such-sign", make_submission())
    assert db.session.scalar(select(HelpRequest.id)) is None


def test_the_same_key_makes_one_request_and_another_body_is_refused(floor):
    sign, *_ = floor
    first, created = intake.submit(sign.token, make_submission(note="a"),
                                        idempotency_key="tap-1")
    again, created_again = intake.submit(sign.token, make_submission(note="a"),
                                              idempotency_key="tap-1")
    assert created and not created_again and again.id == first.id
    with pytest.raises(KeyReused):
        intake.submit(sign.token, make_submission(note="b"), idempotency_key="tap-1")
    assert len(db.session.scalars(select(HelpRequest.id)).all()) == 1


def test_an_idempotency_key_older_than_a_day_acts_again(floor):
    sign, *_ = floor
    first, _ = intake.submit(sign.token, make_submission(), idempotency_key="k",
                                  now=T0)
    later, created = intake.submit(sign.token, make_submission(), idempotency_key="k",
                                        now=T0 + timedelta(days=1, seconds=1))
    assert created and later.id != first.id


def test_the_wait_estimate_follows_the_queue_the_pace_and_who_is_on_the_floor(floor):
    from floorapp.services.help.views import customer_status

    sign, store, maria, sam, _ = floor
    requests = [submit_request(sign=sign, now=T0 + timedelta(seconds=n)) for n in range(4)]
    at = T0 + timedelta(seconds=4)
    two_on_floor = customer_status(requests[3], now=at)
    assert two_on_floor.position == 4
    availability.set_availability(sam, "on_break", now=at)
    one_on_floor = customer_status(requests[3], now=at)
    assert one_on_floor.estimate_s > two_on_floor.estimate_s  # fewer people: longer wait
    moves.claim(store.id, requests[0].id, maria, now=at + timedelta(seconds=400))
    availability.set_availability(maria, "on_floor", now=at)
    slow_pace = customer_status(requests[3], now=at + timedelta(seconds=400))
    assert slow_pace.position == 3 and slow_pace.estimate_s > one_on_floor.estimate_s
    # going off while holding a request names who takes it (services/help/away.py)
    availability.set_availability(maria, "off", now=at, held={str(requests[0].id): "queue"})
    assert customer_status(requests[3], now=at).estimate_s is None  # nobody on the floor
