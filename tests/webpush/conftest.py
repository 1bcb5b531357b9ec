"""Fixtures shared by the push stand-in's tests: a running service and a VAPID key."""

import pytest
from py_vapid import Vapid02

from tests.webpush.push_crypto import b64url_encode, public_bytes
from tests.webpush.push_service import PushService


@pytest.fixture
def service():
    """A push service on a random loopback port, stopped after the test."""
    with PushService() as running:
        yield running


@pytest.fixture
def vapid():
    """A fresh VAPID key pair, as the application server would hold it."""
    key = Vapid02()
    key.generate_keys()
    return key


@pytest.fixture
def server_key(vapid):
    """The applicationServerKey the browser would be given for `vapid`."""
    return b64url_encode(public_bytes(vapid.public_key))
