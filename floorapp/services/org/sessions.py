"""Login sessions kept on the server, so logging out or going idle really ends them.

The browser's signed cookie holds the user id, their session version and a random
session token; this module keeps the token's hash with the last time it was used.
"""

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from floorapp.extensions import db
from floorapp.models import LoginSession, User
from floorapp.services.core.input_parsing import whole_number
from floorapp.services.core.transactions import start_write, writes

# last_seen_at is written at most this often, so reading pages does not mean writing rows
TOUCH_INTERVAL = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@writes
def start_session(user: User, *, address: str, user_agent: str) -> str:
    """Open a login session for `user` and return its token (for the cookie only)."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token),
                                address=address[:64], user_agent=user_agent[:200]))
    db.session.commit()
    return token


@writes
def end_session(token: str | None) -> None:
    """End the login session with this token (logout); unknown tokens are ignored."""
    close_session(token)
    db.session.commit()


def close_session(token: str | None) -> int | None:
    """Mark the session with this token ended, in the caller's transaction; return its id.

    Logging out also removes the session's push subscriptions in that same transaction
    (services/notify/subscriptions.log_out), so it only flushes.
    """
    if not token:
        return None
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC))
    )
    return session_id(token)


def load_session_user(session_user_id: str, token: str | None, *, idle: timedelta,
                      now: datetime | None = None) -> User | None:
    """Return the user of a live login session, or None if it has ended.

    A session ends when logged out, when the user was deactivated or changed role
    (their session version moved on), or when unused for longer than `idle`. Every
    authenticated request runs this, so it is one cached statement that also brings
    the user's home store (the API and the pages ask for it next).
    """
    user_id, _, version = (session_user_id or "").partition(".")
    if not (token and whole_number(user_id) is not None and whole_number(version) is not None):
        return None
    row = db.session.execute(_session_statement(),
                             {"user_id": int(user_id), "token_hash": _hash(token)}).first()
    now = now or datetime.now(UTC)
    if row is None or not _is_live(row, int(version), idle, now):
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        _touch(row.session_id, now)
    return row.User


def _touch(session_id: int, now: datetime) -> None:
    """Note the session's use, as a writer (the lookup before it was a read snapshot).

    The commits keep what the request has loaded: the user just read is returned to
    Flask-Login, and a stream closes the session before its after-request hooks read it.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        start_write()
        db.session.execute(update(LoginSession).where(LoginSession.id == session_id)
                           .values(last_seen_at=now))
        db.session.commit()
    finally:
        session.expire_on_commit = True


@functools.cache
def _session_statement():
    """Build the session lookup once: the user (with home store) and the session's clock."""
    return (select(User, LoginSession.id.label("session_id"), LoginSession.last_seen_at,
                   LoginSession.ended_at)
            .join(LoginSession, LoginSession.user_id == User.id)
            .options(joinedload(User.home_store))
            .where(User.id == bindparam("user_id"),
                   LoginSession.token_hash == bindparam("token_hash")))


def _is_live(row, version: int, idle: timedelta, now: datetime) -> bool:
    user = row.User
    return (user.active and user.session_version == version and row.ended_at is None
            and now - row.last_seen_at <= idle)


def session_id(token: str | None) -> int | None:
    """Return the id of the login session with this token (a staff stream remembers it)."""
    if not token:
        return None
    return db.session.scalar(select(LoginSession.id).where(LoginSession.token_hash == _hash(token)))


def live_session_users(versions: dict[int, int], *, idle: timedelta,
                       now: datetime | None = None) -> dict[int, SimpleNamespace]:
    """Of these login sessions (id: the session version its stream opened with), return
    the role and home store of the users of those still live, by session id.

    A worker's open streams are re-checked with this one query every few seconds, by
    the same rule as `load_session_user`; plain columns, not User objects, keep 3,200
    sessions cheap. It never touches last_seen_at: idleness is about the person, and an
    open stream on a shared handheld is not somebody using it.
    """
    if not versions:
        return {}
    now = now or datetime.now(UTC)
    rows = db.session.execute(
        select(LoginSession.id, LoginSession.last_seen_at, LoginSession.ended_at, User.active,
               User.session_version, User.role, User.home_store_id)
        .join(User, LoginSession.user_id == User.id)
        .where(LoginSession.id.in_(list(versions))))
    live = {}
    for row in rows:
        user = SimpleNamespace(active=row.active, session_version=row.session_version,
                               role=row.role, home_store_id=row.home_store_id)
        clock = SimpleNamespace(User=user, ended_at=row.ended_at, last_seen_at=row.last_seen_at)
        if _is_live(clock, versions[row.id], idle, now):
            live[row.id] = user
    return live
