"""Subscribed devices for the push plan's tests, inserted as rows (the routes are elsewhere).

A staff device is a PushSubscription on a real login session (services/org/sessions.py
`start_session`), as the subscribe route makes it; a customer's phone belongs to one
help request.
"""

import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from floorapp.extensions import db
from floorapp.models import Availability, LoginSession, PushMessage, PushSubscription, Role
from floorapp.services.org import sessions
from tests.factories import make_store, make_user

ON, WITH, BREAK, OFF = (Availability.ON_FLOOR, Availability.WITH_CUSTOMER,
                        Availability.ON_BREAK, Availability.OFF)


def subscribe(user, *, language: str = "en", label: str = "handheld") -> PushSubscription:
    """Log `user` in on a new device and subscribe it; return the subscription."""
    token = sessions.start_session(user, address="192.0.2.7", user_agent="test")
    session_id = sessions.session_id(token)
    device = PushSubscription(
        endpoint=f"https://fcm.googleapis.com/fcm/send/{secrets.token_urlsafe(12)}",
        p256dh="BP256dh", auth="auth", store_id=user.home_store_id, user_id=user.id,
        login_session_id=session_id, session_version=user.session_version,
        label=label, language=language)
    db.session.add(device)
    db.session.commit()
    device.token = token  # for tests that log this device out
    return device


def subscribe_customer(help_request, *, language: str = "en") -> PushSubscription:
    """Subscribe the customer's phone to their request."""
    device = PushSubscription(
        endpoint=f"https://fcm.googleapis.com/fcm/send/{secrets.token_urlsafe(12)}",
        p256dh="BP256dh", auth="auth", store_id=help_request.store_id,
        help_request_id=help_request.id, language=language)
    db.session.add(device)
    db.session.commit()
    return device


def go_idle(device, minutes: float) -> None:
    """Make the device's login session last used `minutes` ago."""
    db.session.execute(update(LoginSession).where(LoginSession.id == device.login_session_id)
                       .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=minutes)))
    db.session.commit()


def set_state(user, availability: Availability, zone=None) -> None:
    """Put a person in a state directly (the moves' own effects are tested elsewhere)."""
    user.availability = availability
    user.availability_zone_id = zone.id if zone is not None else None
    db.session.commit()


def outbox(tag: str | None = None) -> list[PushMessage]:
    """Return the outbox rows (of a tag), oldest first."""
    statement = select(PushMessage).order_by(PushMessage.id)
    if tag is not None:
        statement = statement.where(PushMessage.tag == tag)
    return list(db.session.scalars(statement))


def pushed_to(rows) -> set[int]:
    """The subscription ids of some outbox rows."""
    return {row.subscription_id for row in rows}


@pytest.fixture
def shop(app):
    """A store with two shoe zones and a stockroom, and one device for each person."""
    with app.app_context():
        store = make_store(zones=("Women's shoes", "Men's shoes", "Stockroom"))
        zones = {zone.name: zone for zone in store.zones}
        women, men, stockroom = (zones[name] for name in ("Women's shoes", "Men's shoes",
                                                          "Stockroom"))
        stockroom.stockroom = True
        db.session.commit()
        people = {name: make_user(name=f"{name.title()} Tester", store=store, role=role)
                  for name, role in (("maria", Role.ASSOCIATE), ("sam", Role.ASSOCIATE),
                                     ("ada", Role.ASSOCIATE), ("bo", Role.ASSOCIATE),
                                     ("cy", Role.ASSOCIATE), ("dee", Role.ASSOCIATE),
                                     ("rex", Role.ASSOCIATE), ("boss", Role.MANAGER))}
        for name, state, zone in (("maria", ON, women), ("sam", ON, men), ("ada", ON, None),
                                  ("bo", BREAK, None), ("cy", WITH, women), ("dee", OFF, None),
                                  ("rex", ON, stockroom), ("boss", OFF, None)):
            set_state(people[name], state, zone)
        devices = {name: subscribe(person) for name, person in people.items()}
        yield SimpleNamespace(store=store, women=women, men=men, stockroom=stockroom,
                              people=people, devices=devices)
