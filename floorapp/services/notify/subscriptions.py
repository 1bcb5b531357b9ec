"""Which devices are told: subscribing a handheld or a customer's phone, listing, removing.

A handheld's subscription belongs to one person on one login session, never to the
device: logging out removes it in the logout's own transaction, and the workers' tick
sweeps away any whose session ended otherwise (idle, deactivation, a role change), so
the next person on a shared handheld never receives the last one's pushes. A
customer's phone belongs to one open help request.

An endpoint is unique: the same endpoint subscribing again (a browser renewing its
subscription, or the next associate on the same handheld) updates its one row and
moves it to its new owner.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from floorapp.errors import Conflict, NotFound, Unauthorized
from floorapp.extensions import db
from floorapp.models import OPEN_STATUSES, LoginSession, PushSubscription, User
from floorapp.models.types import utcnow
from floorapp.services.core.transactions import begin_write, writes
from floorapp.services.help import intake
from floorapp.services.notify.subscription_input import SubscriptionInput, parse_subscription
from floorapp.services.org import sessions

PHONES_PER_REQUEST = 2  # a customer and, say, the friend they came with


@writes
def subscribe_device(user: User, token: str | None, data: dict, *, user_agent: str,
                     language: str, devices_per_user: int) -> PushSubscription:
    """Subscribe this login session's browser for `user`'s pushes; the oldest beyond the cap go."""
    checked = parse_subscription(data, user_agent=user_agent)
    login_session_id = sessions.session_id(token)
    if login_session_id is None:
        raise Unauthorized("Log in again on this device to be notified here.")
    if user.home_store_id is None:
        raise Conflict("Only people of a store can be notified of its requests.",
                       code="no_home_store")
    # One subscriber of this user at a time (PostgreSQL): the cap below counts truly.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    row = _upsert(checked, store_id=user.home_store_id, language=language,
                  owner={"user_id": user.id, "login_session_id": login_session_id,
                         "session_version": user.session_version, "help_request_id": None})
    _keep_newest(user.id, devices_per_user)
    db.session.commit()
    return row


@writes
def subscribe_customer(public_token: str, data: dict, *, user_agent: str) -> PushSubscription:
    """Subscribe a customer's phone to their one open request (409 once it ended or is full)."""
    help_request = intake.by_public_token(public_token)
    checked = parse_subscription(data, user_agent=user_agent)
    begin_write(help_request.store_id)  # one writer per store: the count below holds
    db.session.refresh(help_request)
    if help_request.status not in OPEN_STATUSES:
        raise Conflict("This request has ended, so there is nothing left to tell you.",
                       code="request_closed")
    others = db.session.scalar(select(func.count()).select_from(PushSubscription).where(
        PushSubscription.help_request_id == help_request.id,
        PushSubscription.endpoint != checked.endpoint))
    if others >= PHONES_PER_REQUEST:
        raise Conflict(f"This request already tells {PHONES_PER_REQUEST} phones.",
                       code="too_many_phones")
    row = _upsert(checked, store_id=help_request.store_id, language=help_request.language,
                  owner={"user_id": None, "login_session_id": None, "session_version": None,
                         "help_request_id": help_request.id})
    db.session.commit()
    return row


def _upsert(checked: SubscriptionInput, *, store_id: int, language: str,
            owner: dict) -> PushSubscription:
    """Insert the endpoint's row, or update it (a new owner starts its own "since")."""
    fields = {"p256dh": checked.p256dh, "auth": checked.auth, "label": checked.label,
              "store_id": store_id, "language": language, **owner}
    for attempt in range(2):
        row = db.session.scalar(select(PushSubscription)
                                .where(PushSubscription.endpoint == checked.endpoint)
                                .with_for_update())
        if row is not None:
            moved = any(getattr(row, name) != value for name, value in owner.items())
            for name, value in fields.items():
                setattr(row, name, value)
            if moved:
                row.created_at, row.last_pushed_at = utcnow(), None
            db.session.flush()
            return row
        try:
            with db.session.begin_nested():  # another worker may insert it meanwhile
                row = PushSubscription(endpoint=checked.endpoint, created_at=utcnow(), **fields)
                db.session.add(row)
            return row
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _keep_newest(user_id: int, keep: int) -> None:
    """Delete the user's subscriptions beyond the newest `keep`."""
    stale = list(db.session.scalars(
        select(PushSubscription.id).where(PushSubscription.user_id == user_id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
        .offset(max(keep, 1))))
    if stale:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(stale)))


def devices_of(user: User) -> list[PushSubscription]:
    """Return the user's subscribed devices, newest first."""
    return list(db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())))


def this_session_id(token: str | None) -> int | None:
    """Return the login session id of this cookie's token (marks "this device" in the list)."""
    return sessions.session_id(token)


@writes
def remove_device(user: User, subscription_id: int | None) -> None:
    """Remove one of the user's own subscriptions; another's (or none) is NotFound."""
    removed = 0
    if subscription_id is not None:
        removed = db.session.execute(delete(PushSubscription).where(
            PushSubscription.id == subscription_id,
            PushSubscription.user_id == user.id)).rowcount
    if not removed:
        raise NotFound("No such device in your list.")
    db.session.commit()


@writes
def log_out(token: str | None) -> None:
    """End the login session and remove its devices' subscriptions, in one transaction."""
    login_session_id = sessions.close_session(token)
    if login_session_id is not None:
        db.session.execute(delete(PushSubscription).where(
            PushSubscription.login_session_id == login_session_id))
    db.session.commit()


@writes
def sweep(*, now: datetime, idle: timedelta) -> int:
    """Delete the subscriptions whose login session is no longer live; return how many.

    Live is the page requests' rule (services/org/sessions): not ended, used within
    `idle`, the user active and on the session version the subscription was made under.
    """
    live = (select(LoginSession.id).join(User, User.id == LoginSession.user_id)
            .where(LoginSession.id == PushSubscription.login_session_id,
                   LoginSession.ended_at.is_(None), LoginSession.last_seen_at >= now - idle,
                   User.active.is_(True), User.session_version == PushSubscription.session_version))
    swept = db.session.execute(delete(PushSubscription).where(
        PushSubscription.login_session_id.is_not(None), ~live.exists())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return swept
