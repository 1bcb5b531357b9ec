"""Builders for Web Push tests: a browser's subscription, and a subscribed device as rows."""

import os
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from floorapp.extensions import db
from floorapp.models import LoginSession, PushSubscription, User
from floorapp.services.notify.vapid import b64url_encode

LOCAL_PUSH = ("http://127.0.0.1:",)  # PUSH_ENDPOINT_ALLOW for a receiver on this machine


def browser_subscription(*, origin: str = "http://127.0.0.1:9", label: str | None = None) -> dict:
    """Return a fresh `PushSubscription.toJSON()` as a browser would send it."""
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    data = {"endpoint": f"{origin}/push/{secrets.token_hex(8)}", "expirationTime": None,
            "keys": {"p256dh": b64url_encode(point), "auth": b64url_encode(os.urandom(16))}}
    if label is not None:
        data["label"] = label
    return data


def make_device(*, user: User, label: str = "Chrome on Android") -> PushSubscription:
    """Store a subscribed device of `user` on a login session of its own (as rows)."""
    login_session = LoginSession(user_id=user.id, token_hash=secrets.token_hex(32))
    db.session.add(login_session)
    db.session.flush()
    data = browser_subscription()
    row = PushSubscription(endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"],
                           auth=data["keys"]["auth"], store_id=user.home_store_id,
                           user_id=user.id, login_session_id=login_session.id,
                           session_version=user.session_version, label=label, language="en")
    db.session.add(row)
    db.session.commit()
    return row
