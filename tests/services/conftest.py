"""Fixtures the service tests share: a store's floor with its people on it."""

from datetime import UTC, datetime

import pytest

from floorapp.models import Role
from floorapp.services.help import availability
from tests.factories import make_sign, make_user

FLOOR_OPENS = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


@pytest.fixture
def floor(app):
    """A sign in a store with two associates on the floor and a manager, in an app context."""
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        maria = make_user(name="Maria Lopez", store=store)
        sam = make_user(name="Sam Okafor", store=store)
        boss = make_user(name="Ada Boss", store=store, role=Role.MANAGER)
        for person in (maria, sam):
            availability.set_availability(person, "on_floor", now=FLOOR_OPENS)
        yield sign, store, maria, sam, boss
