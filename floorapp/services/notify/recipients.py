"""Who is pushed: the live subscriptions of the right people of a store, per kind of event.

The rules are about people, as the queue page's alert is (static/js/floor.js), and a
push goes to every live device of the people chosen:

- a new (or released) request: those on the floor (availability `on_floor`, any store
  role) covering its zone or the whole store (no zone), and the backup of an open break
  of that zone (or of a whole-store break) while the backup is on the floor: "goes to
  the backup first" means the backup is pushed instead of the whole floor; if nobody
  covers it, everyone on the floor. Nobody with a customer, on break or off.
- breaks: a backup named is pushed; a break overdue goes to the managers on shift; a
  zone left uncovered goes to every manager of the store with a live device.
- an escalation: level 1 everyone on the floor (today's level-1 alert); level 2 the
  store's managers on shift (`on_floor` or `with_customer`), or, when no manager is on
  shift, everyone on the floor, so a late request is never shouted to nobody.
- a stock pull: those on the floor covering a stockroom zone (`zones.stockroom`); if
  nobody covers one, everyone on the floor (someone must fetch the pair).
- named people (a hand-off's colleague, a pull's asker): just their devices.
- a replacement: the devices that got an earlier push with the same tag (read from the
  outbox, not by re-running the rules: the people may have moved since).

A staff subscription counts only while its owner's login session is live, by the rule
of services/org/sessions.py `_is_live`: the user active, the session version the same as
when subscribed, the session not ended and used within SESSION_IDLE. A shared handheld
therefore never gets the previous person's pushes, even before the sweep removes them.
The actor of a move is always left out: nobody is pushed their own move.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Row, and_, bindparam, delete, select

from floorapp.extensions import db
from floorapp.models import (
    Availability,
    Break,
    LoginSession,
    PushMessage,
    PushSubscription,
    Role,
    User,
    Zone,
)
from floorapp.models.types import utcnow

ON_SHIFT = (Availability.ON_FLOOR, Availability.WITH_CUSTOMER)
# A device as the plan needs it: plain columns, not ORM objects (a floor can be hundreds)
DEVICE_COLUMNS = (PushSubscription.id, PushSubscription.store_id, PushSubscription.user_id,
                  PushSubscription.language)
Device = Row  # with the DEVICE_COLUMNS as attributes


@dataclass(frozen=True)
class Person:
    """Someone of the store who is working: what the rules read of them."""

    id: int
    role: Role
    availability: Availability
    zone_id: int | None  # None on the floor: the whole store
    stockroom: bool  # the zone they cover is a stockroom


def _idle() -> timedelta:
    return current_app.config["SESSION_IDLE"]


def live_staff(store_id: int, user_ids: Iterable[int] | None = None, *,
               subscription_ids: Iterable[int] | None = None,
               now: datetime | None = None) -> list[Device]:
    """Return the store's staff subscriptions whose sessions are live (of `user_ids`)."""
    now = now or utcnow()
    statement = _live_staff_statement()
    if user_ids is not None:
        statement = statement.where(PushSubscription.user_id.in_(sorted(set(user_ids))))
    if subscription_ids is not None:
        statement = statement.where(PushSubscription.id.in_(sorted(set(subscription_ids))))
    return list(db.session.execute(statement, {"store_id": store_id,
                                               "since": now - _idle()}))


@functools.cache
def _live_staff_statement():
    """Build the live devices' select once: every move and submission asks it."""
    return (
        select(*DEVICE_COLUMNS)
        .join(User, User.id == PushSubscription.user_id)
        .join(LoginSession, and_(LoginSession.id == PushSubscription.login_session_id,
                                 LoginSession.user_id == User.id))
        .where(PushSubscription.store_id == bindparam("store_id"),
               User.home_store_id == bindparam("store_id"), User.active.is_(True),
               User.session_version == PushSubscription.session_version,
               LoginSession.ended_at.is_(None), LoginSession.last_seen_at >= bindparam("since"))
        .order_by(PushSubscription.id))


def _working(store_id: int) -> list[Person]:
    """Return the store's active people on shift (on the floor or with a customer)."""
    rows = db.session.execute(
        select(User.id, User.role, User.availability, User.availability_zone_id,
               Zone.stockroom)
        .outerjoin(Zone, Zone.id == User.availability_zone_id)
        .where(User.home_store_id == store_id, User.active.is_(True),
               User.availability.in_(ON_SHIFT)))
    return [Person(row.id, row.role, row.availability, row.availability_zone_id,
                   bool(row.stockroom)) for row in rows]


def _on_floor(people: list[Person]) -> list[Person]:
    return [p for p in people if p.availability is Availability.ON_FLOOR]


def _chosen(store_id: int, choose: Callable[[list[Person]], list[Person]],
            actor_id: int | None, now: datetime | None) -> list[Device]:
    """The live devices of the people `choose` picks among those working (not the actor).

    The devices are read first: a store nobody subscribed in pays one query per move.
    """
    devices = live_staff(store_id, now=now)
    if not devices:
        return []
    ids = {p.id for p in choose(_working(store_id))} - {actor_id}
    return [device for device in devices if device.user_id in ids]


def _covering(store_id: int, zone_id: int) -> Callable[[list[Person]], list[Person]]:
    def choose(people: list[Person]) -> list[Person]:
        floor = _on_floor(people)
        backups = _backups_of(store_id, zone_id)
        return [p for p in floor if p.zone_id in (None, zone_id) or p.id in backups] or floor
    return choose


def _backups_of(store_id: int, zone_id: int) -> set[int]:
    """The backups of the open breaks of `zone_id` (or of the whole store)."""
    return set(db.session.scalars(select(Break.backup_id).where(
        Break.store_id == store_id, Break.ended_at.is_(None), Break.backup_id.is_not(None),
        (Break.zone_id == zone_id) | Break.zone_id.is_(None))))


def _escalation(level: int) -> Callable[[list[Person]], list[Person]]:
    def choose(people: list[Person]) -> list[Person]:
        managers = [p for p in people if p.role is Role.MANAGER]
        return managers if level >= 2 and managers else _on_floor(people)
    return choose


def _stockroom(people: list[Person]) -> list[Person]:
    floor = _on_floor(people)
    return [p for p in floor if p.stockroom] or floor


def for_new_request(store_id: int, zone_id: int, *, actor_id: int | None = None,
                    now: datetime | None = None) -> list[Device]:
    """Those on the floor covering the zone or the whole store; nobody: the whole floor."""
    return _chosen(store_id, _covering(store_id, zone_id), actor_id, now)


def for_escalation(store_id: int, level: int, *,
                   now: datetime | None = None) -> list[Device]:
    """Level 1: everyone on the floor; level 2: the managers on shift, else the floor."""
    return _chosen(store_id, _escalation(level), None, now)


def for_managers(store_id: int, *, on_shift_only: bool = True,
                 now: datetime | None = None) -> list[Device]:
    """The store's managers on shift (or, with `on_shift_only` False, every manager)."""
    devices = live_staff(store_id, now=now)
    if not devices:
        return []
    statement = select(User.id).where(User.home_store_id == store_id, User.active.is_(True),
                                      User.role == Role.MANAGER)
    if on_shift_only:
        statement = statement.where(User.availability.in_(ON_SHIFT))
    ids = set(db.session.scalars(statement))
    return [device for device in devices if device.user_id in ids]


def for_stockroom(store_id: int, *, actor_id: int | None = None,
                  now: datetime | None = None) -> list[Device]:
    """Those on the floor covering a stockroom zone; nobody: everyone on the floor."""
    return _chosen(store_id, _stockroom, actor_id, now)


def for_people(store_id: int, user_ids: Iterable[int | None], *, actor_id: int | None = None,
               now: datetime | None = None) -> list[Device]:
    """The live devices of named people (a hand-off's colleague, a pull's asker)."""
    ids = {user_id for user_id in user_ids if user_id is not None} - {actor_id}
    return live_staff(store_id, ids, now=now) if ids else []


def earlier(store_id: int, tag: str, *, skip_user_ids: Iterable[int | None] = (),
            now: datetime | None = None) -> list[Device]:
    """The live staff devices that were pushed `tag` before, but for `skip_user_ids`.

    Read from the outbox rows of the tag, so exactly the devices that got the earlier
    push get its replacement, whoever the rules would choose now.
    """
    pushed = set(db.session.scalars(
        select(PushMessage.subscription_id).where(
            PushMessage.store_id == store_id, PushMessage.tag == tag,
            PushMessage.subscription_id.is_not(None)).distinct()))
    if not pushed:
        return []
    skip = set(skip_user_ids)
    return [s for s in live_staff(store_id, subscription_ids=pushed, now=now)
            if s.user_id not in skip]


def customer_devices(request_id: int) -> list[Device]:
    """The customer's phones subscribed to this request."""
    return list(db.session.execute(select(*DEVICE_COLUMNS).where(
        PushSubscription.help_request_id == request_id).order_by(PushSubscription.id)))


def forget_customer(request_id: int) -> None:
    """Delete the request's customer subscriptions (it ended), in the caller's transaction."""
    db.session.execute(delete(PushSubscription)
                       .where(PushSubscription.help_request_id == request_id)
                       .execution_options(synchronize_session=False))
