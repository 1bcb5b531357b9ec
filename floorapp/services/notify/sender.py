"""Sending one push to one push service: encrypt (RFC 8291), sign (RFC 8292), POST (RFC 8030).

The cryptography is done by Mozilla's own small libraries, `http_ece` (aes128gcm) and
`py_vapid` (the ES256 token), both thin layers over `cryptography`; the HTTP is ours,
with `urllib3`. pywebpush (which wraps the same two) is not used at run time: it
imports aiohttp into every worker, follows redirects, waits without a timeout by
default, writes `aud` into the caller's claims and signs a fresh token for every
push. Here a token is signed once per push service origin and reused for an hour
(it is valid for 12), so a push costs one ECDH and one AES-GCM, not an ECDSA too.

Nothing here touches the database: `send` takes a `Push` (a snapshot made when the
row was claimed) and returns an `Outcome`; services/notify/delivery.py records it.
Under gevent every step cooperates: the HTTP waits on patched sockets, and the
cryptography is a few dozen microseconds of C.
"""

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import http_ece
import urllib3
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid02

from floorapp.models.types import utcnow
from floorapp.services.core.input_parsing import whole_number
from floorapp.services.notify import vapid
from floorapp.services.notify.endpoints import endpoint_problem

TOKEN_LIFETIME_S = 12 * 3600  # RFC 8292 allows at most 24 h
TOKEN_REUSE_S = 3600  # sign again well before exp: clocks of push services drift
DETAIL_LIMIT = 200  # characters of a refusal's body kept in the outbox's detail
SENT, GONE, RETRY, FAIL = "sent", "gone", "retry", "fail"


@dataclass(frozen=True)
class Push:
    """One claimed outbox row with its subscription's address and keys, read at claim time."""

    id: int
    attempts: int
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    tag: str
    payload: dict[str, Any]
    urgency: str
    expires_at: datetime  # created_at + ttl_s: a retry asks the push service to keep it less


@dataclass(frozen=True)
class Outcome:
    """What the push service said: sent, gone (404/410), retry later, or fail for good."""

    kind: str
    status: int | None = None
    detail: str = ""
    retry_after_s: float | None = None  # the service's Retry-After, in seconds from now


def send(push: Push) -> Outcome:
    """Encrypt, sign and POST one push (inside an app context); never raises for the network."""
    config = current_app.config
    problem = endpoint_problem(push.endpoint, config["PUSH_ENDPOINT_ALLOW"])
    if problem:  # the allow-list changed since the browser subscribed
        return Outcome(FAIL, detail=f"endpoint refused: {problem}")
    ttl = int((push.expires_at - utcnow()).total_seconds())
    if ttl <= 0:  # the workers were down past its TTL: nobody wants it now
        return Outcome(FAIL, detail="TTL over before it could be sent")
    try:
        body = encrypt(json_payload(push), push.p256dh, push.auth)
    except ValueError as error:  # http_ece's ECEException is a ValueError too
        return Outcome(FAIL, detail=f"cannot encrypt for this subscription: {error}"[:200])
    headers = {
        "Authorization": authorization(push.endpoint, config["VAPID_SUBJECT"]),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(ttl),
        "Urgency": push.urgency,
        "Topic": topic(push.tag),
    }
    return post(push.endpoint, body, headers, timeout=float(config["PUSH_TIMEOUT_S"]))


def json_payload(push: Push) -> bytes:
    """Return the JSON the service worker reads: the row's payload and its own id."""
    return json.dumps(push.payload | {"push_id": push.id}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def encrypt(plain: bytes, p256dh: str, auth: str) -> bytes:
    """Encrypt for one browser (RFC 8291): a fresh sender key and salt for every message."""
    receiver = vapid.b64url_decode(p256dh)
    secret = vapid.b64url_decode(auth)
    if len(receiver) != 65 or len(secret) != 16:
        raise ValueError("p256dh must be a 65-byte point and auth 16 bytes")
    return http_ece.encrypt(plain, salt=os.urandom(16),
                            private_key=ec.generate_private_key(ec.SECP256R1()),
                            dh=receiver, auth_secret=secret, version="aes128gcm")


def topic(tag: str) -> str:
    """Return the Topic for a tag: a later push of the tag replaces an undelivered one.

    Hashed, so the push service learns no request number, and always 32 base64url
    characters (RFC 8030 section 5.4).
    """
    return vapid.b64url_encode(hashlib.sha256(tag.encode()).digest()[:24])


_TOKENS = "floorapp_vapid_tokens"  # app.extensions: {(audience, subject): (signed at, header)}
_tokens_lock = threading.Lock()


def authorization(endpoint: str, subject: str) -> str:
    """Return the `vapid t=…,k=…` header for the endpoint's origin, signed at most hourly.

    Kept per app (each app has its own key); a race signs twice, harmlessly.
    """
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    tokens = current_app.extensions.setdefault(_TOKENS, {})
    now = time.time()
    with _tokens_lock:
        cached = tokens.get((audience, subject))
    if cached is not None and now - cached[0] < TOKEN_REUSE_S:
        return cached[1]
    claims = {"aud": audience, "sub": subject, "exp": int(now) + TOKEN_LIFETIME_S}
    header = Vapid02(private_key=vapid.private_key()).sign(claims)["Authorization"]
    with _tokens_lock:
        tokens[(audience, subject)] = (now, header)
    return header


def post(endpoint: str, body: bytes, headers: dict, *, timeout: float) -> Outcome:
    """POST the message and read the answer; a redirect is a failure, never followed."""
    try:
        response = _pool().request(
            "POST", endpoint, body=body, headers=headers, redirect=False, retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout))
    except urllib3.exceptions.NewConnectionError:  # a subclass of the timeout, in urllib3
        return Outcome(RETRY, detail="cannot reach push service: connection refused or failed")
    except urllib3.exceptions.TimeoutError:
        return Outcome(RETRY, detail=f"push service did not answer within {timeout:g} s")
    except urllib3.exceptions.HTTPError as error:
        return Outcome(RETRY, detail=f"cannot reach push service: {type(error).__name__}")
    text = ""
    if response.status >= 300:
        text = " ".join(response.data[:DETAIL_LIMIT].decode("utf-8", "replace").split())
    return classify(response.status, text, retry_after_s(response.headers.get("Retry-After")))


def classify(status: int, text: str, retry_after: float | None) -> Outcome:
    """Map the push service's status to an outcome (RFC 8030 sections 5 and 8)."""
    detail = f"{status} {text}".strip()[:DETAIL_LIMIT]
    if status in (201, 202):
        return Outcome(SENT, status)
    if status in (404, 410):
        return Outcome(GONE, status, detail)
    if status == 429 or status >= 500:
        return Outcome(RETRY, status, detail, retry_after)
    if 300 <= status < 400:
        return Outcome(FAIL, status, f"{detail} (redirect not followed)"[:DETAIL_LIMIT])
    return Outcome(FAIL, status, detail)


def retry_after_s(value: str | None) -> float | None:
    """Parse Retry-After: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    seconds = whole_number(value)  # the app's one reading of digits ('²' is not one)
    if seconds is not None:
        return float(seconds)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - utcnow()).total_seconds())


_pools: dict[int, urllib3.PoolManager] = {}  # by process id: a forked worker makes its own


def _pool() -> urllib3.PoolManager:
    """Return this process's connection pools, so keep-alive connections are reused.

    urllib3 directly, not requests: a push needs none of what requests adds (cookies,
    proxies read from the environment on every call, redirects), and skipping it
    halves the CPU of a POST. Thread-safe; green under gevent's monkey patching.
    """
    pid = os.getpid()
    pool = _pools.get(pid)
    if pool is None:
        senders = int(current_app.config["PUSH_SENDERS"])
        pool = _pools.setdefault(pid, urllib3.PoolManager(num_pools=20,
                                                          maxsize=max(10, senders)))
    return pool
