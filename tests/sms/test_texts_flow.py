"""Texts end to end: opt in, claim, the text through Twilio's REST API, STOP, replies, erasure."""

from datetime import timedelta

from sqlalchemy import func, select

from floorapp import sms_dispatch
from floorapp.extensions import db
from floorapp.models import (
    Event,
    EventKind,
    HelpRequest,
    RequestMessage,
    SmsConsent,
    SmsMessage,
    SmsOptOut,
    SmsOutcome,
    User,
)
from floorapp.models.types import utcnow
from floorapp.services.conversation import thread
from floorapp.services.core.maintenance import purge
from floorapp.services.help import moves
from floorapp.services.texts import consent
from tests.factories import with_pass
from tests.sms.conftest import E164, MOBILE, signed_post
from tests.sms.twilio_service import ACCOUNT_SID, AUTH_TOKEN, FROM


def _opt_in(client, token: str, number: str = MOBILE):
    return client.post(f"/h/{token}/texts", data={"mobile": number})


def _claim(app, waiting) -> None:
    with app.app_context():
        maria = db.session.get(User, waiting["maria"])
        moves.claim(waiting["store_id"], waiting["id"], maria)


def _drain(app, **kwargs):
    with app.app_context():
        return sms_dispatch.drain_once(**kwargs)


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_number_given_on_the_sign_page_gets_the_claim_text_with_the_first_name(
        twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    fields = {"need": "find_size", "idempotency_key": "k-sign", "mobile": MOBILE}
    answer = client.post(f"/s/{waiting['sign']}", data=with_pass(client, waiting["sign"], fields))
    assert answer.status_code == 303
    token = answer.location.rsplit("/", 1)[1]
    with twilio_app.app_context():
        mine = db.session.scalar(select(HelpRequest).where(HelpRequest.public_token == token))
        assert consent.for_request(mine.id).number == E164
        moves.claim(mine.store_id, mine.id, db.session.get(User, waiting["maria"]))
    assert _drain(twilio_app)["sent"] == 1
    [text] = twilio.arrivals
    assert text.to == E164 and text.sender == FROM and text.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert text.body.startswith("Maria is on the way") and "STOP" in text.body
    assert text.status_callback == "http://127.0.0.1:8000/sms/status"
    page = client.get(f"/h/{token}").text
    assert "1 text sent:" in page and "Maria is on the way" in page


def test_each_text_is_sent_once_whatever_is_replayed(twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    assert _opt_in(client, waiting["token"]).status_code == 303
    _claim(twilio_app, waiting)
    with twilio_app.app_context():
        maria = db.session.get(User, waiting["maria"])
        moves.release(waiting["store_id"], waiting["id"], maria)
        moves.claim(waiting["store_id"], waiting["id"], maria)  # claimed again: no second text
    _drain(twilio_app)
    _drain(twilio_app)
    assert len(twilio.arrivals) == 1


def test_bad_numbers_are_refused_with_a_message_and_nothing_is_stored(twilio_app, waiting):
    client = twilio_app.test_client()
    for typed in ("12", "not a number", "+1 555 0100", "+44 20 7946 0958", "9" * 40):
        answer = _opt_in(client, waiting["token"], typed)
        assert answer.status_code == 400, typed
        assert "does not look like a mobile number" in answer.text
    fields = {"need": "find_size", "idempotency_key": "k-bad", "mobile": "555"}
    answer = client.post(f"/s/{waiting['sign']}", data=with_pass(client, waiting["sign"], fields))
    assert answer.status_code == 400 and "does not look like a mobile number" in answer.text
    assert _count(twilio_app, SmsConsent) == 0 and _count(twilio_app, HelpRequest) == 1


def test_a_number_typed_without_country_code_is_read_in_the_default_region(make_app):
    app = make_app(SMS_DEFAULT_REGION="MX")
    with app.app_context():
        from floorapp.services.texts.numbers import parse_number

        assert parse_number("55 1234 5678") == "+525512345678"
        assert parse_number("+1 201 555 0123") == E164


def test_stop_by_text_stops_every_later_text_and_start_allows_them_again(
        twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    answer = signed_post(client, "/sms/inbound", {"From": E164, "Body": " stop ",
                                                  "MessageSid": "SM" + "1" * 32})
    assert answer.status_code == 200 and "<Response>" in answer.text
    _claim(twilio_app, waiting)
    assert _drain(twilio_app) == {} and twilio.arrivals == []
    with twilio_app.app_context():
        [row] = db.session.scalars(select(SmsOptOut)).all()
        assert E164 not in row.number_hash and len(row.number_hash) == 64  # a keyed hash
        assert consent.for_request(waiting["id"]).opted_out_at is not None
    assert "You asked us to stop texting" in client.get(f"/h/{waiting['token']}").text
    signed_post(client, "/sms/inbound", {"From": E164, "Body": "START", "MessageSid": "SM2"})
    assert _count(twilio_app, SmsOptOut) == 0


def test_every_opt_out_word_is_honoured(twilio_app, waiting):
    client = twilio_app.test_client()
    for word in ("STOP", "stopall", "Unsubscribe", "CANCEL", "end", "QUIT"):
        signed_post(client, "/sms/inbound", {"From": E164, "Body": word, "MessageSid": "SM3"})
        assert _count(twilio_app, SmsOptOut) == 1, word
        signed_post(client, "/sms/inbound", {"From": E164, "Body": "start", "MessageSid": "SM4"})
        assert _count(twilio_app, SmsOptOut) == 0
    signed_post(client, "/sms/inbound", {"From": E164, "Body": "STOP", "MessageSid": "SM5"})
    answer = _opt_in(client, waiting["token"])
    assert answer.status_code == 409 and "asked us to stop texting" in answer.text


def test_an_unsigned_or_wrongly_signed_webhook_is_403_and_changes_nothing(twilio_app, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    stop = {"From": E164, "Body": "STOP", "MessageSid": "SM6"}
    assert client.post("/sms/inbound", data=stop).status_code == 403
    assert signed_post(client, "/sms/inbound", stop, token="not-the-token").status_code == 403
    forged = signed_post(client, "/sms/inbound", {**stop, "Body": "hello"})  # body changed:
    forged_headers = {"X-Twilio-Signature": forged.request.headers["X-Twilio-Signature"]}
    assert client.post("/sms/inbound", data=stop, headers=forged_headers).status_code == 403
    assert client.post("/sms/status", data={"MessageSid": "SMx", "MessageStatus": "delivered"}
                       ).status_code == 403
    assert _count(twilio_app, SmsOptOut) == 0
    assert _count(twilio_app, RequestMessage) == 1  # only the signed "hello" was posted


def test_a_reply_lands_in_the_thread_once_for_the_associate(twilio_app, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    _claim(twilio_app, waiting)
    reply = {"From": E164, "Body": "By the mirrors, blue coat", "MessageSid": "SM" + "7" * 32}
    assert signed_post(client, "/sms/inbound", reply).status_code == 200
    assert signed_post(client, "/sms/inbound", reply).status_code == 200  # Twilio retried
    with twilio_app.app_context():
        [message] = thread.messages(waiting["id"])
        assert message["author"] == "customer" and message["body"] == reply["Body"]
        # the `message` event is what the holder's live stream carries to the floor card
        [event] = db.session.scalars(select(Event).where(
            Event.request_id == waiting["id"], Event.kind == EventKind.MESSAGE)).all()
        assert event.data == {"message_id": message["id"], "author": "customer"}


def test_a_reply_from_a_number_no_request_holds_is_ignored(twilio_app, waiting):
    client = twilio_app.test_client()
    answer = signed_post(client, "/sms/inbound", {"From": E164, "Body": "hi", "MessageSid": "S"})
    assert answer.status_code == 200 and _count(twilio_app, RequestMessage) == 0
    bad = signed_post(client, "/sms/inbound", {"From": "nobody", "Body": "hi"})
    assert bad.status_code == 400


def test_an_associates_message_is_texted_only_while_the_status_page_is_closed(
        twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    _claim(twilio_app, waiting)
    with twilio_app.app_context():
        from floorapp.services.org import stream_leases

        caps = stream_leases.caps_for(twilio_app.config, "public")
        lease = stream_leases.open_lease(kind="public", address="10.0.0.9",
                                         subject=f"token:{waiting['token']}", worker="w1",
                                         caps=caps)
        maria = db.session.get(User, waiting["maria"])
        thread.post_as_staff(maria, waiting["id"], "Found your size")  # page open: no text
        stream_leases.close_lease(lease)
        thread.post_as_staff(maria, waiting["id"], "Blue or black?")
    _drain(twilio_app)
    bodies = [text.body for text in twilio.arrivals]
    assert len(bodies) == 2 and bodies[1].startswith("Maria: Blue or black?")


def test_resolve_sends_one_feedback_text_and_the_number_goes_when_the_talk_closes(
        twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    _claim(twilio_app, waiting)
    with twilio_app.app_context():
        maria = db.session.get(User, waiting["maria"])
        moves.arrive(waiting["store_id"], waiting["id"], maria)
        moves.resolve(waiting["store_id"], waiting["id"], maria, "helped")
        assert consent.for_request(waiting["id"]).number == E164  # the feedback text needs it
    _drain(twilio_app)
    assert f"/h/{waiting['token']}" in twilio.arrivals[-1].body and len(twilio.arrivals) == 2
    with twilio_app.app_context():
        # kept while the conversation is open: a manager may answer a poor rating by text
        assert consent.for_request(waiting["id"]).number == E164
        assert consent.erase_after_conversations() == 0
        thread.post_as_staff(db.session.get(User, waiting["maria"]), waiting["id"],
                             "Sorry about the wait: your size is at the desk")
    _drain(twilio_app)
    assert twilio.arrivals[-1].body.startswith("Maria: Sorry about the wait")
    with twilio_app.app_context():
        closed = utcnow() + thread.window() + timedelta(seconds=1)
        assert consent.erase_after_conversations(now=closed) == 1
        left = consent.for_request(waiting["id"])
        assert left.number is None and left.erased_at is not None and left.last_digits == "0123"
        assert consent.erase_after_conversations(now=closed) == 0


def test_a_cancel_erases_the_number_at_once_and_owes_nothing(twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    client.post(f"/h/{waiting['token']}/cancel")
    with twilio_app.app_context():
        assert consent.for_request(waiting["id"]).number is None
    assert _drain(twilio_app) == {} and twilio.arrivals == []


def test_the_purge_erases_any_number_left(twilio_app, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    with twilio_app.app_context():
        report = purge(retention_days=1, session_idle=timedelta(hours=1),
                       now=utcnow() + timedelta(days=2))
        assert report.phone_numbers == 1
        assert consent.for_request(waiting["id"]).number is None


def test_twilios_21610_is_remembered_as_an_opt_out(twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    twilio.fail_next(400, 21610, "Attempt to send to unsubscribed recipient")
    _claim(twilio_app, waiting)
    assert _drain(twilio_app)["opted_out"] == 1
    assert _count(twilio_app, SmsOptOut) == 1
    assert _count(twilio_app, SmsMessage, SmsMessage.outcome == SmsOutcome.OPTED_OUT) == 1


def test_429_and_500_retry_with_backoff_and_a_4xx_fails_recorded(twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    twilio.fail_next(429, 20429, "Too Many Requests")
    twilio.fail_next(500, 20500, "Internal Server Error")
    _claim(twilio_app, waiting)
    assert _drain(twilio_app)["retry"] == 1
    assert _drain(twilio_app) == {}  # not due yet: 2 s backoff
    assert _drain(twilio_app, now=utcnow() + timedelta(seconds=3))["retry"] == 1
    assert _drain(twilio_app, now=utcnow() + timedelta(seconds=10))["sent"] == 1
    assert [status for status, _ in twilio.refused] == [429, 500]
    twilio.fail_next(400, 21408, "Permission to send an SMS has not been enabled")
    with twilio_app.app_context():
        thread.post_as_staff(db.session.get(User, waiting["maria"]), waiting["id"], "Hello")
    assert _drain(twilio_app)["fail"] == 1
    with twilio_app.app_context():
        failed = db.session.scalar(select(SmsMessage).where(
            SmsMessage.outcome == SmsOutcome.FAILED))
        assert "21408" in failed.detail


def test_the_delivery_status_callback_is_recorded(twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    _opt_in(client, waiting["token"])
    _claim(twilio_app, waiting)
    _drain(twilio_app)
    sid = twilio.arrivals[0].sid
    answer = signed_post(client, "/sms/status", {"MessageSid": sid, "MessageStatus": "delivered",
                                                 "AccountSid": ACCOUNT_SID})
    assert answer.status_code == 204
    with twilio_app.app_context():
        assert db.session.scalar(select(SmsMessage.delivery_status)) == "delivered"
    assert signed_post(client, "/sms/status", {"MessageSid": sid}).status_code == 400


def test_the_log_backend_shows_its_texts_on_the_status_page(app, client, caplog):
    from tests.factories import make_sign, make_user, submit_request

    with app.app_context():
        sign = make_sign()
        maria = make_user(name="Maria Lopez", store=sign.zone.store)
        request = submit_request(sign=sign)
        token, store_id, request_id = request.public_token, request.store_id, request.id
        maria_id = maria.id
    _opt_in(client, token)
    with app.app_context():
        moves.claim(store_id, request_id, db.session.get(User, maria_id))
    with caplog.at_level("INFO", logger="floorapp.services.texts.provider"):
        assert _drain(app)["sent"] == 1
    assert "…0123: Maria is on the way" in caplog.text
    page = client.get(f"/h/{token}").text
    assert "number ending 0123" in page and "1 text sent:" in page


def test_flask_texts_drain_sends_what_is_due(twilio_app, twilio, waiting):
    _opt_in(twilio_app.test_client(), waiting["token"])
    _claim(twilio_app, waiting)
    result = twilio_app.test_cli_runner().invoke(args=["texts", "drain"])
    assert result.exit_code == 0 and "Sent 1, to retry 0" in result.output
    assert len(twilio.arrivals) == 1


def test_a_spanish_customer_is_texted_in_spanish(twilio_app, twilio, waiting):
    client = twilio_app.test_client()
    fields = {"need": "find_size", "idempotency_key": "k-es", "mobile": MOBILE}
    answer = client.post(f"/s/{waiting['sign']}?lang=es",
                         data=with_pass(client, waiting["sign"], fields))
    token = answer.location.rsplit("/", 1)[1]
    with twilio_app.app_context():
        mine = db.session.scalar(select(HelpRequest).where(HelpRequest.public_token == token))
        moves.claim(mine.store_id, mine.id, db.session.get(User, waiting["maria"]))
    _drain(twilio_app)
    assert twilio.arrivals[0].body.startswith("Maria va en camino para ayudarle")
