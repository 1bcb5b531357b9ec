"""A local stand-in for a Web Push service (RFC 8030, RFC 8291, RFC 8292) for tests.

The handhelds' real push services (FCM, Mozilla autopush, Apple, WNS) are out of
reach here, so tests send to this one instead. It checks what a strict push
service checks, decrypts each message as the browser would, and records it; it
can also be told to fail the way real services do (404/410 for a dead
subscription, 429 with Retry-After, 500, a redirect, or a stall) so the sender's
handling of each can be tested.

Run it in-process (`with PushService() as service: ...`), or in a child process
with `python -m tests.webpush.serve_push` when the sender is gevent-patched.
"""

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.asymmetric import ec

from tests.webpush.push_crypto import (
    DecryptError,
    VapidError,
    b64url_encode,
    decrypt_aes128gcm,
    public_bytes,
    verify_vapid,
)
from tests.webpush.push_headers import MAX_BODY, header_problem

# the VAPID `sub` the tests sign with, as floorapp will send its operator contact
CONTACT = "mailto:ops@floorapp.example"


@dataclass
class Subscription:
    """One browser's push subscription, with the secrets only the browser holds."""

    id: str
    label: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None


@dataclass(frozen=True)
class Arrival:
    """A push message the service accepted, decrypted, as the browser would see it."""

    subscription_id: str
    label: str
    monotonic: float
    wall_time: float
    headers: dict  # names lower-cased: senders differ (pywebpush sends "ttl")
    payload: bytes
    claims: dict


@dataclass
class Fault:
    """An injected misbehaviour; `remaining` None means until cleared."""

    status: int
    remaining: int | None
    retry_after: int | None = None
    stall_seconds: float = 0.0
    location: str | None = None


@dataclass
class _State:
    """Everything the handler threads share, guarded by one condition."""

    origin: str = ""
    subscriptions: dict = field(default_factory=dict)
    faults: dict = field(default_factory=dict)
    arrivals: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)
    closing: threading.Event = field(default_factory=threading.Event)


def subscription_id(subscription: dict) -> str:
    """Return the id that fail(), stall() and the other controls take."""
    return subscription["endpoint"].rsplit("/", 1)[1]


class _Server(ThreadingHTTPServer):
    """The stdlib server, with a backlog for bursts: the default of 5 let the
    kernel reset connections when 50 greenlets connected at once."""

    request_queue_size = 256
    daemon_threads = True


class PushService:
    """A push service on 127.0.0.1 at a random port, served from a daemon thread."""

    def __init__(self) -> None:
        self._state = _State()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self._state
        self.port = self._server.server_address[1]
        self.origin = self._state.origin = f"http://127.0.0.1:{self.port}"
        # A short poll keeps stop() quick; the default 0.5 s adds up over a suite.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> "PushService":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Begin answering; the socket is already bound, so the port is known."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release stalled handlers so no thread outlives the test."""
        self._state.closing.set()
        self._server.shutdown()
        self._server.server_close()

    def new_subscription(self, label: str = "", application_server_key: str | None = None) -> dict:
        """Create a subscription and return it as `PushSubscription.toJSON()` would.

        Pass the VAPID public key (base64url) as `application_server_key` to
        restrict the subscription to it, as `pushManager.subscribe()` does.
        """
        sub = Subscription(
            id=uuid.uuid4().hex,
            label=label,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
            application_server_key=application_server_key,
        )
        with self._state.cond:
            self._state.subscriptions[sub.id] = sub
        return {
            "endpoint": f"{self.origin}/push/{sub.id}",
            "keys": {
                "p256dh": b64url_encode(public_bytes(sub.private_key.public_key())),
                "auth": b64url_encode(sub.auth_secret),
            },
        }

    def fail(self, sub_id: str, status: int, *, times: int | None = None, **extra) -> None:
        """Answer `status` to the next `times` requests (all, if None) for a subscription.

        `extra` may hold retry_after (seconds, for 429/503) or location (redirects).
        """
        with self._state.cond:
            self._state.faults[sub_id] = Fault(status=status, remaining=times, **extra)

    def stall(self, sub_id: str, seconds: float, *, times: int | None = None) -> None:
        """Hold requests `seconds` before handling them, so a client timeout fires."""
        with self._state.cond:
            self._state.faults[sub_id] = Fault(status=0, remaining=times, stall_seconds=seconds)

    def clear(self, sub_id: str) -> None:
        """Return a subscription to normal service."""
        with self._state.cond:
            self._state.faults.pop(sub_id, None)

    def secrets(self, sub_id: str) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
        """Return the private key and auth secret, to hand-craft bodies in tests."""
        with self._state.cond:
            sub = self._state.subscriptions[sub_id]
        return sub.private_key, sub.auth_secret

    def forget(self, sub_id: str) -> None:
        """Drop a subscription, as when the user unsubscribes: later pushes get 404."""
        with self._state.cond:
            self._state.subscriptions.pop(sub_id, None)

    @property
    def arrivals(self) -> list[Arrival]:
        """A snapshot of accepted messages, oldest first."""
        with self._state.cond:
            return list(self._state.arrivals)

    @property
    def attempts(self) -> list[tuple[str, int]]:
        """Every request seen as (path, status answered), including refusals."""
        with self._state.cond:
            return list(self._state.attempts)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Arrival]:
        """Block until `count` messages have arrived; raise TimeoutError otherwise."""
        with self._state.cond:
            if not self._state.cond.wait_for(lambda: len(self._state.arrivals) >= count, timeout):
                have = len(self._state.arrivals)
                raise TimeoutError(f"{have} of {count} push messages arrived in {timeout}s")
            return list(self._state.arrivals)


class _Refusal(Exception):
    """A request to answer with an error status and a short reason."""

    def __init__(self, status: int, reason: str, headers: dict | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.headers = status, reason, headers or {}


class _Handler(BaseHTTPRequestHandler):
    """Handle POST /push/<id>; every other request is a 404 or 405."""

    protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session expects

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: test output is for the tests."""

    def do_GET(self) -> None:
        """Refuse: a push resource is written by POST only (RFC 8030 section 5)."""
        self._answer(405, {"Allow": "POST"}, b"POST only")

    def do_POST(self) -> None:
        """Check, decrypt and record one push message, or refuse it with a status."""
        state: _State = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        if length > 16 * MAX_BODY:  # do not even read it; drop the connection after
            self.close_connection = True
            self._answer(413, {}, b"body far too large")
            return
        body = self.rfile.read(length)
        try:
            arrival = _accept(state, self.path, dict(self.headers.items()), body)
        except _Refusal as refusal:
            with state.cond:
                state.attempts.append((self.path, refusal.status))
            self._answer(refusal.status, refusal.headers, refusal.reason.encode())
            return
        with state.cond:
            state.arrivals.append(arrival)
            state.attempts.append((self.path, 201))
            state.cond.notify_all()
        self._answer(201, {"Location": f"{state.origin}/message/{uuid.uuid4().hex}"}, b"")

    def _answer(self, status: int, headers: dict, body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _accept(state: _State, path: str, headers: dict, body: bytes) -> Arrival:
    """Apply the push service's checks in the order a real one would."""
    match = re.fullmatch(r"/push/([0-9a-f]{32})", path)
    with state.cond:
        sub = state.subscriptions.get(match.group(1)) if match else None
    if sub is None:
        raise _Refusal(404, "no such subscription")
    _apply_fault(state, sub.id)
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        auth = verify_vapid(
            lower.get("authorization"), state.origin, expected_key=sub.application_server_key
        )
    except VapidError as exc:
        raise _Refusal(exc.status, str(exc), {"WWW-Authenticate": "vapid"}) from exc
    problem = header_problem(lower, len(body))
    if problem:
        raise _Refusal(*problem)
    try:
        payload = decrypt_aes128gcm(body, sub.private_key, sub.auth_secret)
    except DecryptError as exc:
        raise _Refusal(400, f"cannot decrypt: {exc}") from exc
    return Arrival(sub.id, sub.label, time.monotonic(), time.time(), lower, payload, auth.claims)


def _apply_fault(state: _State, sub_id: str) -> None:
    """Consume one use of an injected fault and act it out, if one is set."""
    with state.cond:
        fault = state.faults.get(sub_id)
        if fault is None:
            return
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                del state.faults[sub_id]
    if fault.stall_seconds:
        state.closing.wait(fault.stall_seconds)
        return  # then handle normally; a client that timed out has gone already
    extra = {}
    if fault.retry_after is not None:
        extra["Retry-After"] = str(fault.retry_after)
    if fault.location is not None:
        extra["Location"] = fault.location
    raise _Refusal(fault.status, f"injected {fault.status}", extra)
