"""The SMS outbox's leases, guarded finishes and erasure, on both databases."""

from datetime import timedelta

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import SmsConsent, SmsMessage, SmsOutcome
from floorapp.models.types import utcnow
from floorapp.services.core.maintenance import purge
from floorapp.services.help import moves
from floorapp.services.texts import consent, delivery
from floorapp.services.texts.provider import RETRY, SENT, Outcome
from tests.sms.conftest import E164


def _claimed_request(floor):
    sign, _store, maria, _sam, _boss = floor
    from tests.factories import submit_request

    request = submit_request(sign=sign)
    consent.opt_in(request.public_token, E164)
    moves.claim(request.store_id, request.id, maria)
    return request


def test_a_leased_text_is_not_claimed_twice_until_its_lease_runs_out(floor):
    _claimed_request(floor)
    now = utcnow()
    [first] = delivery.claim(10, now=now)
    assert delivery.claim(10, now=now) == []  # another worker finds it leased
    [again] = delivery.claim(10, now=now + timedelta(seconds=31))  # the first worker died
    assert again.id == first.id and again.attempts == 2
    assert delivery.finish(first, Outcome(SENT, sid="SMold")) is False  # the late one loses
    assert delivery.finish(again, Outcome(SENT, sid="SMnew")) is True
    assert db.session.scalar(select(SmsMessage.provider_sid)) == "SMnew"


def test_retries_end_in_a_recorded_failure_after_the_last_attempt(floor):
    _claimed_request(floor)
    now = utcnow()
    for attempt in range(5):
        [text] = delivery.claim(10, now=now + timedelta(hours=attempt))
        delivery.finish(text, Outcome(RETRY, status=503, detail="503 20500 busy"),
                        now=now + timedelta(hours=attempt))
    row = db.session.scalar(select(SmsMessage).execution_options(populate_existing=True))
    assert row.outcome is SmsOutcome.FAILED and "gave up after 5 attempts" in row.detail


def test_a_text_whose_number_was_erased_is_closed_not_sent(floor):
    request = _claimed_request(floor)
    consent.erase(request.id, now=utcnow())
    db.session.commit()
    assert delivery.claim(10) == []
    row = db.session.scalar(select(SmsMessage).execution_options(populate_existing=True))
    assert row.outcome is SmsOutcome.ERASED


def test_the_purge_erases_an_ended_requests_number_an_hour_after_it_ended(floor):
    request = _claimed_request(floor)
    _sign, _store, maria, _sam, _boss = floor
    moves.arrive(request.store_id, request.id, maria)
    moves.resolve(request.store_id, request.id, maria, "helped")  # the feedback text is owed
    soon = purge(retention_days=30, session_idle=timedelta(hours=1),
                 now=utcnow() + timedelta(minutes=5))
    assert soon.phone_numbers == 0  # its feedback text may still be on its way
    later = purge(retention_days=30, session_idle=timedelta(hours=1),
                  now=utcnow() + timedelta(hours=2))
    assert later.phone_numbers == 1
    assert db.session.scalar(select(SmsConsent.number)) is None


def test_the_purge_keeps_a_number_while_a_longer_conversation_window_is_open(floor, app):
    app.config["MESSAGE_WINDOW_MINUTES"] = 90  # a store that keeps threads open longer
    request = _claimed_request(floor)
    _sign, _store, maria, _sam, _boss = floor
    moves.arrive(request.store_id, request.id, maria)
    moves.resolve(request.store_id, request.id, maria, "helped")
    still_open = purge(retention_days=30, session_idle=timedelta(hours=1),
                       now=utcnow() + timedelta(minutes=80))
    assert still_open.phone_numbers == 0  # a manager may still answer by text
    closed = purge(retention_days=30, session_idle=timedelta(hours=1),
                   now=utcnow() + timedelta(minutes=125))
    assert closed.phone_numbers == 1
