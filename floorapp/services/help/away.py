"""The associate going away: on break or off, never with a customer's request still in hand.

Going on break or off while holding claimed or in-progress requests is refused
(`HoldingRequests`, a 409 listing them) unless the same call says, for each one, who
takes it: a named colleague (a hand-off) or the queue (a release; only a request not
yet reached, since a customer being helped must be handed to someone). Everything
happens in one transaction under the store's write lock (`begin_write`): the
hand-overs, the break row, the backups passed on, the availability and their events
commit together or not at all.

A break names an expected return and a backup for the zone being left (suggested by
services/help/coverage.py, changeable). While the break is open the backup is pushed
that zone's new requests and sees them at the top of the queue (services/notify/
recipients.py, services/help/queue_page.py). Someone who leaves while backing others
up passes those breaks on: to their own backup when they go on break, else to the
suggested colleague or manager; with nobody left, the zone is uncovered and the
managers are told. Naming a backup who is not on shift is refused, so two associates
who name each other at the same moment get one break and one 409: the second finds
the first already away (the lock serialises them).
"""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import (
    MANAGING_ROLES,
    Availability,
    Break,
    EventKind,
    HelpRequest,
    Status,
    Store,
    User,
)
from floorapp.models.types import utcnow
from floorapp.services.core.event_log import record_event
from floorapp.services.core.input_parsing import enum_value, id_or_none
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.help import availability, coverage, moves, returns
from floorapp.services.notify import plan

QUEUE = "queue"  # the hand-over choice that puts a request back in the queue


class HoldingRequests(Conflict):
    """Going away while holding requests nobody was named for (409, with the list)."""

    code = "holding_requests"


def step_away(user: User, value: str | Availability, *, held: Mapping[str, str] | None = None,
              until: str = "", backup_id: object = None, now: datetime | None = None,
              actor_id: int | None = None, reason: str = "going_away") -> Break | None:
    """Go on break or off: hand over what is held, open the break, pass backups on.

    Runs inside the caller's write transaction (availability.set_availability opened it);
    returns the new break, or None when going off.
    """
    now = now or utcnow()
    wanted = enum_value(Availability, value, "availability",
                        allowed=(Availability.ON_BREAK, Availability.OFF))
    store = db.session.get(Store, user.home_store_id)
    db.session.refresh(user)
    if wanted is Availability.ON_BREAK and user.availability is Availability.ON_BREAK:
        raise Conflict("You are on break already; come back first, or change your backup.",
                       code="already_on_break")
    if wanted is Availability.ON_BREAK and user.availability is Availability.OFF:
        raise Conflict("You are off; a break starts from the floor.", code="not_on_shift")
    before = coverage.uncovered_zones(store.id)
    hand_over(user, held or {}, now=now, actor_id=actor_id, reason=reason)
    expected = returns.expected_return(until, store.timezone, now) \
        if wanted is Availability.ON_BREAK else None
    zone_id = user.availability_zone_id
    new_break = None
    if wanted is Availability.ON_BREAK:
        backup = _named_backup(store.id, user, backup_id)
        new_break = _open_break(user, zone_id, backup, expected, now)
    else:
        end_break(user, now=now, reason=reason)
    availability.change(user, wanted, zone_id=None, actor_id=actor_id, now=now)
    pass_on_backups(user, new_break.backup if new_break else None, now=now)
    tell_if_uncovered(store.id, before, now=now)
    return new_break


def hand_over(user: User, held: Mapping[str, str], *, now: datetime, actor_id: int | None,
              reason: str) -> None:
    """Hand off or release each request `user` holds, as `held` says; refuse if one is missing.

    `held` maps a request id to a colleague's user id or "queue". Choices for requests
    no longer held (a stale page) are ignored: someone else already moved them.
    """
    requests = coverage.held_requests(user)
    missing = [r for r in requests if not str(held.get(str(r.id)) or "").strip()]
    if missing:
        raise HoldingRequests(
            f"You still hold {_count(len(missing))}: hand each to a colleague or put it back "
            "in the queue first.", details={"requests": [_held_item(r) for r in missing]})
    for help_request in requests:
        choice = str(held[str(help_request.id)]).strip()
        if choice == QUEUE:
            _release(help_request, user, now=now, actor_id=actor_id, reason=reason)
        else:
            _hand_to(help_request, user, choice, now=now, actor_id=actor_id, reason=reason)


def _release(help_request: HelpRequest, user: User, *, now: datetime, actor_id: int | None,
             reason: str) -> None:
    if help_request.status is not Status.CLAIMED:
        raise InvalidInput("A customer you are already helping cannot go back in the queue; "
                           "hand them to a colleague.")
    moves.apply_move(help_request, "release", actor_id=actor_id, now=now,
                     values={"claimed_by_id": None}, holder_id=user.id,
                     data={"reason": reason})


def _hand_to(help_request: HelpRequest, user: User, choice: str, *, now: datetime,
             actor_id: int | None, reason: str) -> None:
    receiver = moves.colleague(help_request.store_id, choice, user)
    if receiver.availability not in coverage.ON_SHIFT:
        raise InvalidInput(f"{receiver.first_name} is on break; pick a colleague on the floor.")
    moves.apply_move(help_request, "handoff", actor_id=actor_id, now=now,
                     values={"claimed_by_id": receiver.id}, holder_id=user.id,
                     data={"from_id": user.id, "to_id": receiver.id, "reason": reason})
    availability.with_customer(receiver, now=now)


def _held_item(help_request: HelpRequest) -> dict:
    return {"id": help_request.id, "status": help_request.status.value,
            "zone": help_request.zone.name, "need": help_request.need.value,
            "choices": [QUEUE, "colleague"] if help_request.status is Status.CLAIMED
            else ["colleague"]}


def _count(n: int) -> str:
    return "a request" if n == 1 else f"{n} requests"


def break_over_by(user: User, cutoff: datetime) -> bool:
    """Tell whether someone on break was expected back before `cutoff` (or has no break row)."""
    own = coverage.open_break(user.id)
    return own is None or own.expected_return_at < cutoff


def idle_choices(user: User) -> dict[str, str]:
    """What idle-off does with each request held: to the zone's backup, else to the queue.

    The backup is the open break's backup when it is on shift, else the suggested
    colleague (services/help/coverage.py). A customer being helped with nobody to take
    them is left out, so idle-off refuses and the person stays with the customer.
    """
    own = coverage.open_break(user.id)
    backup = own.backup if own is not None and own.backup is not None \
        and coverage.on_shift(own.backup) else coverage.suggest_backup(user.home_store_id,
                                                                      user.id)
    choices = {}
    for help_request in coverage.held_requests(user):
        if backup is not None:
            choices[str(help_request.id)] = str(backup.id)
        elif help_request.status is Status.CLAIMED:
            choices[str(help_request.id)] = QUEUE
    return choices


def _named_backup(store_id: int, user: User, backup_id: object) -> User | None:
    """Return the backup named (who must be on shift), or the suggested one when none is."""
    text = str(backup_id if backup_id is not None else "").strip()
    if not text:
        return coverage.suggest_backup(store_id, user.id)
    backup_key = id_or_none(text)
    backup = db.session.get(User, backup_key) if backup_key else None
    if backup is None or backup.home_store_id != store_id or not backup.active:
        raise InvalidInput("Pick a backup from this store.")
    if backup.id == user.id:
        raise InvalidInput("You cannot be your own backup.")
    db.session.refresh(backup)
    if backup.availability not in coverage.ON_SHIFT:
        raise Conflict(f"{backup.first_name} is not on the floor right now; pick another "
                       "backup.", code="backup_unavailable")
    return backup


def _open_break(user: User, zone_id: int | None, backup: User | None, expected: datetime,
                now: datetime) -> Break:
    new_break = Break(store_id=user.home_store_id, user_id=user.id, zone_id=zone_id,
                      backup_id=backup.id if backup else None, started_at=now,
                      expected_return_at=expected)
    db.session.add(new_break)
    db.session.flush()
    record_event(store_id=user.home_store_id, kind=EventKind.BREAK_STARTED, at=now,
                 actor_id=user.id, subject_id=user.id,
                 data={"break_id": new_break.id, "zone_id": zone_id,
                       "backup_id": new_break.backup_id,
                       "expected_return_at": expected.isoformat()})
    if backup is not None:
        plan.backup_named(new_break, actor_id=user.id)
    return new_break


def end_break(user: User, *, now: datetime, reason: str = "back") -> Break | None:
    """Close the open break of `user`, if any, with its event (inside the caller's write)."""
    open_one = coverage.open_break(user.id)
    if open_one is None:
        return None
    open_one.ended_at = now
    late_s = max(0, int((now - open_one.expected_return_at).total_seconds()))
    record_event(store_id=open_one.store_id, kind=EventKind.BREAK_ENDED, at=now,
                 actor_id=user.id, subject_id=user.id,
                 data={"break_id": open_one.id, "zone_id": open_one.zone_id,
                       "backup_id": open_one.backup_id, "late_s": late_s, "reason": reason})
    db.session.flush()
    plan.break_ended(open_one)
    return open_one


def pass_on_backups(leaving: User, to: User | None, *, now: datetime) -> None:
    """Give the breaks `leaving` backs up to `to`, else to the suggested colleague, else nobody."""
    covered = db.session.scalars(select(Break).where(
        Break.backup_id == leaving.id, Break.ended_at.is_(None))).all()
    for item in covered:
        target = to if to is not None and to.id != item.user_id else \
            coverage.suggest_backup(item.store_id, leaving.id)
        if target is not None and target.id == item.user_id:
            target = None
        set_backup(item, target, actor_id=None, now=now, reason="backup_left")


def set_backup(item: Break, backup: User | None, *, actor_id: int | None, now: datetime,
               reason: str) -> None:
    """Change a break's backup, with its event and a push to the new one (no commit)."""
    before = item.backup_id
    item.backup_id = backup.id if backup else None
    db.session.flush()
    db.session.refresh(item)
    record_event(store_id=item.store_id, kind=EventKind.BACKUP_CHANGED, at=now,
                 actor_id=actor_id, subject_id=item.user_id,
                 data={"break_id": item.id, "zone_id": item.zone_id, "from_id": before,
                       "to_id": item.backup_id, "reason": reason})
    if backup is not None:
        plan.backup_named(item, actor_id=actor_id)


def tell_if_uncovered(store_id: int, before: set[int], *, now: datetime) -> None:
    """Log and push to the managers the zones this move left with nobody covering them."""
    lost = sorted(coverage.uncovered_zones(store_id) - before)
    if not lost:
        return
    record_event(store_id=store_id, kind=EventKind.UNCOVERED, at=now,
                 data={"zone_ids": lost})
    plan.zones_uncovered(store_id, lost)


@rolls_back
def change_backup(store_id: int, break_id: int, actor: User, backup_id: object, *,
                  now: datetime | None = None) -> Break:
    """Name another backup for an open break: the one on break or a manager may."""
    now = now or utcnow()
    begin_write(store_id)
    item = db.session.get(Break, break_id)
    if item is not None:
        db.session.refresh(item)
    if item is None or item.store_id != store_id or item.ended_at is not None:
        raise NotFound("No such break in this store (it may have ended).")
    if actor.id != item.user_id and actor.role not in MANAGING_ROLES:
        raise Forbidden("Only the one on break or a manager can change their backup.")
    backup = _named_backup(store_id, item.user, backup_id) if str(backup_id or "").strip() \
        else None
    if backup is None:
        raise InvalidInput("Pick a backup from this store.")
    if backup.id != item.backup_id:
        set_backup(item, backup, actor_id=actor.id, now=now, reason="changed")
    db.session.commit()
    return item
