"""Associates' availability: on the floor (for a zone), with a customer, on break, off.

The users table keeps the current value; every change is also an `availability` event
in the store's log, so the live board and the dashboards can replay who covered what.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select, update

from floorapp.errors import DomainError, InvalidInput
from floorapp.extensions import db
from floorapp.models import Availability, EventKind, User, Zone
from floorapp.models.types import utcnow
from floorapp.services.core.event_log import record_event
from floorapp.services.core.input_parsing import enum_value
from floorapp.services.core.transactions import begin_write, rolls_back

TOUCH_EVERY = timedelta(seconds=60)
# set_availability's zone when none is named: the zone the break left, if back from one
# (an explicit None is the whole store).
ZONE_LEFT = "zone_left"


@rolls_back
def set_availability(user: User, value: str | Availability,
                     zone_id: int | None | str = ZONE_LEFT, *, now: datetime | None = None,
                     held: Mapping[str, str] | None = None, until: str = "",
                     backup_id: object = None) -> User:
    """Set a user's availability (and the zone they cover when on the floor), in one commit.

    Going on break or off is services/help/away.py's move (the requests held, the break,
    its backup); coming back on the floor closes an open break and, with no zone named
    (`ZONE_LEFT`), returns to the zone covered before it.
    """
    from floorapp.services.help import away  # away builds on moves, which import this module

    now = now or utcnow()
    wanted = enum_value(Availability, value, "availability")
    store_id = _home_store_id(user)
    begin_write(store_id)
    if wanted in (Availability.ON_BREAK, Availability.OFF):
        away.step_away(user, wanted, held=held, until=until, backup_id=backup_id, now=now,
                       actor_id=user.id)
    else:
        _to_floor(user, wanted, zone_id, store_id, now, away)
    user.last_seen_at = now
    db.session.commit()
    return user


def _to_floor(user: User, wanted: Availability, zone_id: int | None | str, store_id: int,
              now: datetime, away) -> None:
    db.session.refresh(user)
    ended = away.end_break(user, now=now) if wanted is Availability.ON_FLOOR else None
    if zone_id == ZONE_LEFT:
        zone_id = ended.zone_id if ended is not None else None
    if wanted is Availability.ON_FLOOR and zone_id is not None:
        zone = db.session.get(Zone, zone_id)
        if zone is None or zone.store_id != store_id or not zone.active:
            raise InvalidInput("That zone is not one of this store's zones.")
    else:
        zone_id = None
    change(user, wanted, zone_id=zone_id, actor_id=user.id, now=now)


def change(user: User, value: Availability, *, zone_id: int | None, actor_id: int | None,
           now: datetime) -> None:
    """Change the availability inside the caller's write transaction, with its event."""
    if user.availability is value and user.availability_zone_id == zone_id:
        return
    if user.home_store_id is None:
        return  # admins have no floor to cover
    record_event(store_id=user.home_store_id, kind=EventKind.AVAILABILITY, at=now,
                 actor_id=actor_id, subject_id=user.id, from_status=user.availability.value,
                 to_status=value.value, data={"zone_id": zone_id})
    user.availability, user.availability_zone_id = value, zone_id
    user.availability_changed_at = now


def back_on_floor(user: User, *, now: datetime) -> None:
    """Return a user who finished with a customer to the floor, keeping their zone."""
    if user.availability is Availability.WITH_CUSTOMER:
        change(user, Availability.ON_FLOOR, zone_id=user.availability_zone_id,
               actor_id=user.id, now=now)


def with_customer(user: User, *, now: datetime) -> None:
    """Mark a user as with a customer (on claiming), keeping their zone for afterwards."""
    change(user, Availability.WITH_CUSTOMER, zone_id=user.availability_zone_id,
           actor_id=user.id, now=now)


def log_off(user: User, *, now: datetime | None = None, actor_id: int | None = None) -> None:
    """Set a user off (on logout, or by the system when idle)."""
    if user.home_store_id is None or user.availability is Availability.OFF:
        return
    now = now or utcnow()
    begin_write(user.home_store_id)
    change(user, Availability.OFF, zone_id=None, actor_id=actor_id, now=now)
    db.session.commit()


def touch(user: User, *, now: datetime | None = None) -> None:
    """Note that the user is active (at most one write a minute)."""
    now = now or utcnow()
    if user.last_seen_at is not None and now - user.last_seen_at < TOUCH_EVERY:
        return
    begin_write(user.home_store_id or 0)  # a writer like any other (no lock upgrade on SQLite)
    db.session.execute(update(User).where(User.id == user.id).values(last_seen_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def idle_off(*, now: datetime, idle_minutes: int) -> int:
    """Set off every user not seen for `idle_minutes` who is not off; return how many.

    What an idle person held goes to their zone's backup, else back to the queue, in
    the same transaction (services/help/away.py `idle_choices`); the hand-off and
    release events say `"reason": "idle_off"`. Someone with a customer and nobody to
    take them is left as they are. A break is not idleness: someone on one is idle only
    `idle_minutes` after its expected return (the managers were told it ran late first).
    """
    from floorapp.services.help import away  # away builds on moves, which import this module

    cutoff = now - timedelta(minutes=idle_minutes)
    idle_ids = list(db.session.scalars(select(User.id).where(
        User.availability != Availability.OFF, User.home_store_id.is_not(None),
        (User.last_seen_at.is_(None)) | (User.last_seen_at < cutoff))))
    db.session.commit()
    count = 0
    for user_id in idle_ids:
        user = db.session.get(User, user_id)
        begin_write(user.home_store_id)
        db.session.refresh(user)
        still_idle = user.last_seen_at is None or user.last_seen_at < cutoff
        if still_idle and user.availability is Availability.ON_BREAK:
            still_idle = away.break_over_by(user, cutoff)
        if user.availability is not Availability.OFF and still_idle:
            try:
                away.step_away(user, Availability.OFF, held=away.idle_choices(user), now=now,
                               reason="idle_off")
            except DomainError:
                db.session.rollback()
                continue
            count += 1
        db.session.commit()
    return count


def _home_store_id(user: User) -> int:
    if user.home_store_id is None:
        raise InvalidInput("Only associates and managers of a store have an availability.")
    return user.home_store_id
