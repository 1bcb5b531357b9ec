"""An associate's shifts as an iCalendar feed, behind a secret link a phone's calendar polls.

Calendar apps cannot log in, so the link itself is the key: 32 random bytes, of which
only the SHA-256 is kept (as for API tokens). Making a new link or revoking it ends the
old one at once. Events carry the store's zone as TZID with a VTIMEZONE built from
zoneinfo, so the phone shows 09:00 on the schedule's day whatever zone it is in, and
the hour across a change of the clocks is right.
"""

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select, update

from floorapp.errors import NotFound
from floorapp.extensions import db
from floorapp.models import Shift, ShiftFeed, User
from floorapp.services.core.input_parsing import has_control_characters
from floorapp.services.core.transactions import writes
from floorapp.services.org import shifts

PAST_DAYS, FUTURE_DAYS = 28, 91  # what the feed holds around today
PRODID = "-//floorapp//shifts//EN"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@writes
def new_link(user: User) -> str:
    """Make the user's feed link (ending any earlier one) and return its secret, shown once."""
    _revoke_all(user)
    raw = secrets.token_urlsafe(32)
    db.session.add(ShiftFeed(user_id=user.id, token_hash=_hash(raw)))
    db.session.commit()
    return raw


@writes
def revoke(user: User) -> bool:
    """End the user's feed link; tell whether there was one."""
    revoked = _revoke_all(user)
    db.session.commit()
    return revoked


def _revoke_all(user: User) -> bool:
    result = db.session.execute(update(ShiftFeed).where(
        ShiftFeed.user_id == user.id, ShiftFeed.revoked_at.is_(None)).values(
        revoked_at=datetime.now(UTC)))
    return result.rowcount > 0


def has_link(user: User) -> bool:
    """Tell whether the user has a live feed link."""
    return db.session.scalar(select(ShiftFeed.id).where(
        ShiftFeed.user_id == user.id, ShiftFeed.revoked_at.is_(None))) is not None


def feed_owner(raw: str) -> User:
    """Return the active user whose live link this is, or NotFound (revoked, unknown, bad)."""
    if not raw or len(raw) > 100 or has_control_characters(raw):
        raise NotFound("No such calendar feed.")
    feed = db.session.scalar(select(ShiftFeed).where(ShiftFeed.token_hash == _hash(raw),
                                                     ShiftFeed.revoked_at.is_(None)))
    if feed is None or not feed.user.active:
        raise NotFound("No such calendar feed (it may have been replaced or revoked).")
    return feed.user


def calendar_bytes(user: User, today: date | None = None) -> bytes:
    """Return the user's shifts from four weeks ago to thirteen weeks ahead as iCalendar."""
    today = today or datetime.now(UTC).date()
    found = shifts.user_shifts(user, today - timedelta(days=PAST_DAYS),
                               today + timedelta(days=FUTURE_DAYS))
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Shifts: {user.name}")
    for shift in found:
        calendar.add_component(_event(shift))
    calendar.add_missing_timezones(first_date=today - timedelta(days=PAST_DAYS + 2),
                                   last_date=today + timedelta(days=FUTURE_DAYS + 2))
    return calendar.to_ical()


def _event(shift: Shift) -> icalendar.Event:
    zone = ZoneInfo(shift.store.timezone)
    begin, end = shifts.instants(shift)
    event = icalendar.Event()
    event.add("uid", f"shift-{shift.id}@floorapp")
    event.add("dtstamp", shift.created_at)
    event.add("dtstart", begin.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    where = f" · {shift.zone.name}" if shift.zone else ""
    event.add("summary", f"Shift at {shift.store.name}{where}")
    event.add("location", shift.store.name)
    return event
