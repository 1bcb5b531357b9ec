"""One push, encrypted and signed, as the push-service stand-in receives it.

The stand-in decrypts with the browser's secrets and verifies the VAPID token with
code written from the RFCs (tests/webpush/push_crypto.py), not with the libraries the
sender uses, so an encryption or signing mistake cannot pass by agreeing with itself.
"""

import json
import socket
import time
from datetime import timedelta
from email.utils import format_datetime

import pytest

from floorapp import create_app
from floorapp.models.types import utcnow
from floorapp.services.notify import sender, vapid
from floorapp.services.notify.sender import FAIL, RETRY, SENT, Push
from tests.conftest import _test_config
from tests.services.notify.conftest import push_config
from tests.webpush.push_service import CONTACT, PushService, subscription_id


@pytest.fixture
def sender_app(tmp_path):
    """An app allowed to push to 127.0.0.1 (no database needed), in an app context."""
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'unused.sqlite3'}",
                                  **push_config(PUSH_TIMEOUT_S=0.3)))
    with app.app_context():
        yield app


def a_push(browser: dict, *, tag: str = "request-12", ttl_s: int = 300, **fields) -> Push:
    """A claimed push for the stand-in's subscription `browser`."""
    values = {"id": 345, "attempts": 1, "subscription_id": 1, "endpoint": browser["endpoint"],
              "p256dh": browser["keys"]["p256dh"], "auth": browser["keys"]["auth"], "tag": tag,
              "payload": {"v": 1, "tag": tag, "title": "Women's shoes · Find my size"},
              "urgency": "high", "expires_at": utcnow() + timedelta(seconds=ttl_s)}
    return Push(**(values | fields))


def test_the_stand_in_decrypts_the_payload_with_its_push_id_and_verifies_the_token(
        sender_app, service):
    browser = service.new_subscription(
        "tc52", application_server_key=vapid.application_server_key())
    assert sender.send(a_push(browser)).kind == SENT
    (arrival,) = service.wait_for(1)
    assert json.loads(arrival.payload) == {"v": 1, "tag": "request-12",
                                           "title": "Women's shoes · Find my size",
                                           "push_id": 345}
    assert arrival.claims["aud"] == service.origin and arrival.claims["sub"] == CONTACT
    assert 11.9 * 3600 < arrival.claims["exp"] - time.time() <= 12 * 3600


def test_ttl_urgency_and_a_topic_derived_from_the_tag_arrive(sender_app, service):
    browser = service.new_subscription()
    for tag in ("request-12", "request-12", "request-13"):
        sender.send(a_push(browser, tag=tag, ttl_s=120, urgency="normal"))
    first, again, other = (a.headers for a in service.wait_for(3))
    assert 118 <= int(first["ttl"]) <= 120 and first["urgency"] == "normal"
    assert len(first["topic"]) == 32 and first["topic"] == again["topic"] != other["topic"]
    assert first["topic"] != "request-12"  # hashed: the push service learns no request number


def test_one_token_is_signed_per_push_service_origin_and_renewed_within_the_hour(sender_app):
    with PushService() as one, PushService() as two:
        first = sender.authorization(one.new_subscription()["endpoint"], CONTACT)
        assert sender.authorization(one.new_subscription()["endpoint"], CONTACT) == first
        assert sender.authorization(two.new_subscription()["endpoint"], CONTACT) != first
        tokens = sender_app.extensions["floorapp_vapid_tokens"]
        signed_at, header = tokens[(one.origin, CONTACT)]
        tokens[(one.origin, CONTACT)] = (signed_at - sender.TOKEN_REUSE_S, header)
        assert sender.authorization(one.new_subscription()["endpoint"], CONTACT) != first


def test_a_redirect_is_a_failure_and_is_not_followed(sender_app, service):
    browser, trap = service.new_subscription(), service.new_subscription("trap")
    service.fail(subscription_id(browser), 308, location=trap["endpoint"])
    outcome = sender.send(a_push(browser))
    assert (outcome.kind, outcome.status) == (FAIL, 308)
    assert [status for _, status in service.attempts] == [308]


def test_a_stalled_push_service_times_out_after_push_timeout_s_as_a_retry(sender_app, service):
    browser = service.new_subscription()
    service.stall(subscription_id(browser), 3.0, times=1)
    started = time.monotonic()
    outcome = sender.send(a_push(browser))
    assert time.monotonic() - started < 1.5
    assert (outcome.kind, outcome.detail) == (RETRY, "push service did not answer within 0.3 s")


def test_a_push_service_that_refuses_connections_is_a_retry(sender_app, service):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    browser = {"endpoint": f"http://127.0.0.1:{port}/push/{'0' * 32}",
               "keys": service.new_subscription()["keys"]}
    outcome = sender.send(a_push(browser))
    assert (outcome.kind, outcome.detail) == (
        RETRY, "cannot reach push service: connection refused or failed")


def test_a_429_carries_its_retry_after_and_a_500_retries_too(sender_app, service):
    browser = service.new_subscription()
    service.fail(subscription_id(browser), 429, retry_after=30, times=1)
    assert sender.send(a_push(browser)) == sender.Outcome(RETRY, 429, "429 injected 429", 30.0)
    service.fail(subscription_id(browser), 503, times=1)
    assert sender.send(a_push(browser)).kind == RETRY


def test_retry_after_may_be_seconds_or_an_http_date():
    in_a_minute = format_datetime(utcnow() + timedelta(seconds=60), usegmt=True)
    assert 58 <= sender.retry_after_s(in_a_minute) <= 60
    assert sender.retry_after_s("120") == 120.0
    assert sender.retry_after_s("soon") is None and sender.retry_after_s("²") is None
    assert sender.retry_after_s(None) is None


def test_an_endpoint_no_longer_allowed_is_not_posted_to(sender_app, service):
    browser = service.new_subscription()
    sender_app.config["PUSH_ENDPOINT_ALLOW"] = ("https://fcm.googleapis.com/",)
    outcome = sender.send(a_push(browser))
    assert outcome.kind == FAIL and outcome.detail.startswith("endpoint refused: ")
    assert service.attempts == []


def test_a_push_whose_ttl_is_over_is_not_sent(sender_app, service):
    outcome = sender.send(a_push(service.new_subscription(), ttl_s=-1))
    assert (outcome.kind, outcome.detail) == (FAIL, "TTL over before it could be sent")
    assert service.attempts == []


def test_a_subscription_with_broken_keys_fails_without_a_request(sender_app, service):
    browser = service.new_subscription()
    outcome = sender.send(a_push(browser, p256dh="AAAA"))
    assert outcome.kind == FAIL and outcome.detail.startswith("cannot encrypt")
    assert service.attempts == []


def test_a_payload_over_4096_octets_encrypted_is_refused_for_good(sender_app, service):
    browser = service.new_subscription()
    outcome = sender.send(a_push(browser, payload={"body": "x" * 4000}))
    assert (outcome.kind, outcome.status) == (FAIL, 413)
