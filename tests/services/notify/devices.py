"""Subscribed devices for the push plan's tests, inserted as rows (the routes are elsewhere).

A staff device is a PushSubscription on a real login session (services/org/sessions.py
`start_session`), as the subscribe route makes it; a customer's phone belongs to one
help request.
"""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from floorapp.extensions import db
from floorapp.models import Availability, LoginSession, PushMessage, PushSubscription
from floorapp.services.org import sessions


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
