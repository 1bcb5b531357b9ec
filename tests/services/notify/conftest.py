"""Fixtures for the delivery tests: the push-service stand-in, an app that may reach it,
and subscriptions made the way a browser makes them."""

from functools import cache

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from floorapp.extensions import db
from floorapp.models import PushMessage, PushSubscription
from floorapp.services.core.transactions import begin_sqlite_write
from floorapp.services.notify import outbox
from tests.factories import make_help_request
from tests.webpush.push_service import CONTACT, PushService

LOCAL_RECEIVER = ("http://127.0.0.1:",)


@cache
def vapid_pem() -> str:
    """One VAPID key for the run, so no test writes one into the repository's instance/."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def push_config(**overrides) -> dict:
    """The config of an app that sends to the stand-in on 127.0.0.1, quickly."""
    return {"PUSH_ENDPOINT_ALLOW": LOCAL_RECEIVER, "VAPID_SUBJECT": CONTACT,
            "VAPID_PRIVATE_KEY": vapid_pem(), "PUSH_TIMEOUT_S": 1.0, "PUSH_SENDERS": 4,
            **overrides}


@pytest.fixture
def service():
    """A push service stand-in on a random loopback port."""
    with PushService() as running:
        yield running


@pytest.fixture
def push_app(make_app):
    """The app on each backend, allowed to push to the stand-in (in an app context)."""
    app = make_app(**push_config())
    with app.app_context():
        yield app


def subscribe(service: PushService, *, label: str = "", help_request=None) -> PushSubscription:
    """Store a subscription of the stand-in, owned by a (customer's) help request."""
    help_request = help_request or make_help_request()
    begin_sqlite_write()  # a dispatcher may write meanwhile: never upgrade a read snapshot
    browser = service.new_subscription(label)
    subscription = PushSubscription(
        endpoint=browser["endpoint"], p256dh=browser["keys"]["p256dh"],
        auth=browser["keys"]["auth"], store_id=help_request.store_id,
        help_request_id=help_request.id, label=label)
    db.session.add(subscription)
    db.session.commit()
    return subscription


def push(subscription: PushSubscription, *, tag: str = "request-1", body: str = "hello",
         urgency: str = "high", ttl_s: int = 300) -> PushMessage:
    """Write one push to the outbox and commit it, as a service of the help queue would."""
    begin_sqlite_write()
    message = outbox.enqueue(subscription, tag=tag, payload={"v": 1, "tag": tag, "body": body},
                             urgency=urgency, ttl_s=ttl_s)
    db.session.commit()
    return message


def row(message_id: int) -> PushMessage:
    """Read an outbox row afresh (another thread finished it): end the read snapshot first."""
    db.session.commit()
    return db.session.get(PushMessage, message_id)
