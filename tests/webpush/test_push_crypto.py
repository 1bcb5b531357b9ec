"""The stand-in's decryption and the VAPID key handling, checked without the network.

The RFC 8291 example proves the decryption against the standard itself, and
records made directly with http_ece prove it against the sender's library on
shapes pywebpush never produces (several records, padding).
"""

import os

import http_ece
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import webpush

from tests.webpush.push_crypto import (
    DecryptError,
    b64url_decode,
    b64url_encode,
    decrypt_aes128gcm,
    public_bytes,
)
from tests.webpush.push_service import CONTACT, subscription_id

RFC8291_UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
RFC8291_AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
RFC8291_BODY = (
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLoc"
    "InmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLV"
    "WGNWQexSgSxsj_Qulcy4a-fN"
)


def _private_from_raw(text):
    return ec.derive_private_key(int.from_bytes(b64url_decode(text), "big"), ec.SECP256R1())


def _http_ece_body(ua_private, auth, content, **kwargs):
    """Encrypt with http_ece directly, as pywebpush does, with our own choices."""
    sender = ec.generate_private_key(ec.SECP256R1())
    return http_ece.encrypt(
        content, private_key=sender, dh=public_bytes(ua_private.public_key()),
        auth_secret=auth, version="aes128gcm", **kwargs,
    )


def test_the_rfc_8291_example_message_decrypts_to_its_plaintext():
    ua = _private_from_raw(RFC8291_UA_PRIVATE)
    body = b64url_decode(RFC8291_BODY)
    plain = decrypt_aes128gcm(body, ua, b64url_decode(RFC8291_AUTH))
    assert plain == b"When I grow up, I want to be a watermelon"


def test_a_record_made_by_http_ece_decrypts():
    ua, auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    body = _http_ece_body(ua, auth, b"claim 42", salt=os.urandom(16))
    assert decrypt_aes128gcm(body, ua, auth) == b"claim 42"


def test_several_records_decrypt_only_when_asked_for_the_general_rfc_8188_form():
    ua, auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    content = bytes(range(200))
    body = _http_ece_body(ua, auth, content, rs=40)
    assert decrypt_aes128gcm(body, ua, auth, single_record=False) == content
    with pytest.raises(DecryptError, match="single record"):
        decrypt_aes128gcm(body, ua, auth)


def test_a_message_cut_after_a_full_record_is_refused_as_truncated():
    ua, auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    body = _http_ece_body(ua, auth, bytes(100), rs=40)
    with pytest.raises(DecryptError, match="delimiter"):
        decrypt_aes128gcm(body[: 86 + 40], ua, auth, single_record=False)


def test_a_message_for_another_auth_secret_does_not_decrypt():
    ua = ec.generate_private_key(ec.SECP256R1())
    body = _http_ece_body(ua, os.urandom(16), b"x")
    with pytest.raises(DecryptError, match="tag"):
        decrypt_aes128gcm(body, ua, os.urandom(16))


def test_a_multi_record_push_is_refused_by_the_service_with_400(service, vapid):
    sub = service.new_subscription()
    sub_id = subscription_id(sub)
    body = _http_ece_body(*service.secrets(sub_id), bytes(100), rs=40)
    headers = vapid.sign({"aud": service.origin, "sub": CONTACT})
    headers.update({"TTL": "0", "Content-Encoding": "aes128gcm"})
    answer = requests.post(sub["endpoint"], data=body, headers=headers, timeout=5)
    assert (answer.status_code, "single record" in answer.text) == (400, True)


def test_a_vapid_key_round_trips_through_pem_and_raw_base64url(tmp_path):
    key = Vapid02()
    key.generate_keys()
    pem_file = tmp_path / "vapid.pem"
    key.save_key(str(pem_file))
    raw = b64url_encode(key.private_key.private_numbers().private_value.to_bytes(32, "big"))
    for loaded in (Vapid02.from_file(str(pem_file)), Vapid02.from_pem(pem_file.read_bytes()),
                   Vapid02.from_raw(raw.encode()), Vapid02.from_string(raw)):
        assert public_bytes(loaded.public_key) == public_bytes(key.public_key)
    application_server_key = b64url_encode(public_bytes(key.public_key))
    assert len(application_server_key) == 87 and application_server_key.startswith("B")


def test_webpush_takes_a_raw_key_string_but_not_pem_text(service, tmp_path):
    key = Vapid02()
    key.generate_keys()
    raw = b64url_encode(key.private_key.private_numbers().private_value.to_bytes(32, "big"))
    sub = service.new_subscription()
    claims = {"sub": CONTACT}
    assert webpush(sub, "x", vapid_private_key=raw, vapid_claims=claims, timeout=5).ok
    with pytest.raises(ValueError, match="Could not deserialize"):
        webpush(sub, "x", vapid_private_key=key.private_pem().decode(),
                vapid_claims={"sub": CONTACT}, timeout=5)


def test_loading_a_missing_key_file_silently_makes_a_new_key(tmp_path):
    """A typo in the key path would re-key the app and orphan every subscription."""
    path = tmp_path / "no-such.pem"
    Vapid02.from_file(str(path))
    assert path.exists()
