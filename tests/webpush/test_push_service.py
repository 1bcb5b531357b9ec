"""The push stand-in accepts what pywebpush sends right and refuses what it must.

pywebpush is the sender a Flask app would use, so if the stand-in agrees with it
on good messages and refuses each kind of bad one with the RFC's status, tests
of the app's sending code can trust the stand-in's answers.
"""

import time

import pytest
import requests
from py_vapid import Vapid01, Vapid02
from py_vapid.jwt import sign as jwt_sign
from pywebpush import WebPusher, WebPushException, webpush

from tests.webpush.push_crypto import b64url_encode, public_bytes
from tests.webpush.push_service import CONTACT, PushService, subscription_id


def _push(sub, vapid, data="hello", **kwargs):
    """Send as the app would: a fresh claims dict (webpush mutates it) and a timeout."""
    kwargs.setdefault("timeout", 5)
    return webpush(sub, data, vapid_private_key=vapid, vapid_claims={"sub": CONTACT}, **kwargs)


def _hand_signed(sub, vapid, claims, data=b"hello"):
    """POST a body pywebpush encrypted with an Authorization we signed ourselves."""
    token = jwt_sign(claims, vapid.private_key)
    key = b64url_encode(public_bytes(vapid.public_key))
    headers = {"Authorization": f"vapid t={token},k={key}", "TTL": "60"}
    return WebPusher(sub).send(data, headers, timeout=5)


def _origin(sub):
    return sub["endpoint"].rsplit("/push/", 1)[0]


def _status_of(call):
    with pytest.raises(WebPushException) as caught:
        call()
    return caught.value.status_code


def test_a_valid_push_arrives_decrypted_with_its_headers(service, vapid, server_key):
    sub = service.new_subscription("ana", application_server_key=server_key)
    response = _push(sub, vapid, '{"title": "Aisle 7"}', ttl=60,
                     headers={"Urgency": "high", "Topic": "help-42"})
    assert response.status_code == 201
    assert response.headers["Location"].startswith(service.origin + "/message/")
    (arrival,) = service.wait_for(1, timeout=2)
    assert arrival.payload == b'{"title": "Aisle 7"}'
    assert arrival.label == "ana"
    assert arrival.headers["urgency"] == "high" and arrival.headers["topic"] == "help-42"
    assert arrival.claims["aud"] == service.origin and arrival.claims["sub"] == CONTACT


def test_a_push_signed_with_another_vapid_key_is_refused_with_403(service, vapid):
    other = Vapid02()
    other.generate_keys()
    sub = service.new_subscription(
        application_server_key=b64url_encode(public_bytes(other.public_key))
    )
    assert _status_of(lambda: _push(sub, vapid)) == 403
    assert service.arrivals == []


def test_a_token_whose_signature_is_not_from_key_k_is_refused_with_401(service, vapid):
    sub = service.new_subscription()
    other = Vapid02()
    other.generate_keys()
    claims = {"aud": _origin(sub), "exp": int(time.time()) + 600, "sub": CONTACT}
    token = jwt_sign(claims, other.private_key)
    key = b64url_encode(public_bytes(vapid.public_key))
    headers = {"Authorization": f"vapid t={token},k={key}", "TTL": "60"}
    assert WebPusher(sub).send(b"hi", headers, timeout=5).status_code == 401


def test_an_expired_token_is_refused_with_401(service, vapid):
    sub = service.new_subscription()
    claims = {"aud": _origin(sub), "exp": int(time.time()) - 1, "sub": CONTACT}
    response = _hand_signed(sub, vapid, claims)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "vapid"


def test_a_token_living_more_than_24_hours_is_refused_with_401(service, vapid):
    sub = service.new_subscription()
    claims = {"aud": _origin(sub), "exp": int(time.time()) + 86400 + 60, "sub": CONTACT}
    assert _hand_signed(sub, vapid, claims).status_code == 401


def test_a_token_without_a_contact_sub_is_refused_with_401(service, vapid):
    sub = service.new_subscription()
    claims = {"aud": _origin(sub), "exp": int(time.time()) + 600}
    assert _hand_signed(sub, vapid, claims).status_code == 401


def test_a_token_for_another_audience_is_refused_with_401(service, vapid):
    sub = service.new_subscription()
    claims = {"sub": CONTACT, "aud": "https://fcm.googleapis.com"}
    with pytest.raises(WebPushException) as caught:
        webpush(sub, "hi", vapid_private_key=vapid, vapid_claims=claims, timeout=5)
    assert caught.value.status_code == 401


def test_reusing_one_claims_dict_for_two_push_services_sends_the_wrong_audience(vapid):
    """webpush() writes `aud` into the caller's dict, so the second origin gets the first's."""
    with PushService() as first, PushService() as second:
        claims = {"sub": CONTACT}
        webpush(first.new_subscription(), "a", vapid_private_key=vapid,
                vapid_claims=claims, timeout=5)
        assert claims["aud"] == first.origin
        with pytest.raises(WebPushException) as caught:
            webpush(second.new_subscription(), "b", vapid_private_key=vapid,
                    vapid_claims=claims, timeout=5)
        assert caught.value.status_code == 401


def test_a_push_without_authorization_or_with_another_scheme_is_refused_with_401(
    service, vapid
):
    sub = service.new_subscription()
    assert WebPusher(sub).send(b"hi", {"TTL": "0"}, timeout=5).status_code == 401
    legacy = Vapid01(vapid.private_key)
    assert _status_of(lambda: _push(sub, legacy)) == 401
    good = vapid.sign({"aud": service.origin, "sub": CONTACT})["Authorization"]
    bearer = {"Authorization": good.replace("vapid ", "Bearer ", 1), "TTL": "0"}
    assert WebPusher(sub).send(b"hi", bearer, timeout=5).status_code == 401


def test_a_tampered_body_is_refused_with_400(service, vapid):
    sub = service.new_subscription()
    pusher = WebPusher(sub)
    body = bytearray(pusher.encode(b"claim request 42")["body"])
    body[-1] ^= 0x01
    headers = vapid.sign({"aud": service.origin, "sub": CONTACT})
    headers.update({"TTL": "60", "Content-Encoding": "aes128gcm"})
    response = requests.post(sub["endpoint"], data=bytes(body), headers=headers, timeout=5)
    assert response.status_code == 400
    assert "cannot decrypt" in response.text


def test_the_legacy_aesgcm_encoding_is_refused_with_400_for_its_header(service, vapid):
    sub = service.new_subscription()
    with pytest.raises(WebPushException) as caught:
        _push(sub, vapid, content_encoding="aesgcm")
    assert caught.value.status_code == 400
    assert "Content-Encoding must be aes128gcm" in caught.value.response.text


@pytest.mark.parametrize(
    "extra", [{"Urgency": "urgent"}, {"Topic": "x" * 33}, {"Topic": "has space"}]
)
def test_a_bad_urgency_or_topic_is_refused_with_400(service, vapid, extra):
    sub = service.new_subscription()
    assert _status_of(lambda: _push(sub, vapid, headers=extra)) == 400


def test_a_push_without_ttl_is_refused_with_400(service, vapid):
    sub = service.new_subscription()
    headers = vapid.sign({"aud": service.origin, "sub": CONTACT})
    body = WebPusher(sub).encode(b"hi")["body"]
    headers["Content-Encoding"] = "aes128gcm"
    assert requests.post(sub["endpoint"], data=body, headers=headers, timeout=5).status_code == 400


def test_the_largest_payload_fits_in_4096_octets_and_one_more_is_refused_with_413(
    service, vapid
):
    sub = service.new_subscription()
    assert _push(sub, vapid, "x" * 3993).status_code == 201  # 86 header + 1 pad + 16 tag
    assert _status_of(lambda: _push(sub, vapid, "x" * 3994)) == 413


def test_an_unknown_or_forgotten_subscription_is_answered_404(service, vapid):
    sub = service.new_subscription()
    service.forget(subscription_id(sub))
    assert _status_of(lambda: _push(sub, vapid)) == 404


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_injected_status_is_answered_for_the_next_n_requests_only(service, vapid, status):
    sub = service.new_subscription()
    service.fail(subscription_id(sub), status, times=2)
    assert [_status_of(lambda: _push(sub, vapid)) for _ in range(2)] == [status, status]
    assert _push(sub, vapid).status_code == 201


def test_a_429_carries_retry_after_until_cleared(service, vapid):
    sub = service.new_subscription()
    sub_id = subscription_id(sub)
    service.fail(sub_id, 429, retry_after=30)
    for _ in range(3):
        with pytest.raises(WebPushException) as caught:
            _push(sub, vapid)
        assert (caught.value.status_code, caught.value.retry_after) == (429, "30")
    service.clear(sub_id)
    assert _push(sub, vapid).status_code == 201


def test_a_stalled_service_makes_the_sender_time_out_with_a_requests_error(service, vapid):
    sub = service.new_subscription()
    service.stall(subscription_id(sub), 3.0, times=1)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):  # not a WebPushException
        _push(sub, vapid, timeout=0.3)
    assert time.monotonic() - started < 2.0
    assert _push(sub, vapid).status_code == 201


def test_webpush_without_a_timeout_waits_as_long_as_the_service_stalls(service, vapid):
    """pywebpush passes timeout=None to requests by default: no limit at all."""
    sub = service.new_subscription()
    service.stall(subscription_id(sub), 1.0, times=1)
    started = time.monotonic()
    assert webpush(sub, "x", vapid_private_key=vapid, vapid_claims={"sub": CONTACT}).ok
    assert time.monotonic() - started >= 1.0


class NoRedirectSession(requests.Session):
    """A session that never follows a redirect, whatever the caller asks."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def _redirected(service):
    """A subscription whose push service answers 307 towards another one (the trap)."""
    sub, trap = service.new_subscription(), service.new_subscription("trap")
    service.fail(subscription_id(sub), 307, location=trap["endpoint"])
    return sub, "/push/" + subscription_id(trap)


def test_pywebpush_follows_a_redirect_by_default_and_re_posts_body_and_token(service, vapid):
    sub, trap_path = _redirected(service)
    assert _status_of(lambda: _push(sub, vapid)) == 400  # the trap cannot decrypt it
    assert service.attempts[-1] == (trap_path, 400)


def test_a_session_with_no_redirects_allowed_raises_too_many_redirects(service, vapid):
    sub, trap_path = _redirected(service)
    session = requests.Session()
    session.max_redirects = 0
    with pytest.raises(requests.exceptions.TooManyRedirects):
        _push(sub, vapid, requests_session=session)
    assert trap_path not in [path for path, _ in service.attempts]


def test_a_no_redirect_session_turns_a_redirect_into_a_webpush_exception(service, vapid):
    sub, trap_path = _redirected(service)
    assert _status_of(lambda: _push(sub, vapid, requests_session=NoRedirectSession())) == 307
    assert trap_path not in [path for path, _ in service.attempts]


def test_wait_for_raises_when_too_few_messages_arrive(service, vapid):
    _push(service.new_subscription(), vapid)
    with pytest.raises(TimeoutError, match="1 of 2"):
        service.wait_for(2, timeout=0.2)
