"""The help request's state machine: claim, arrive, resolve, release, hand off, cancel, expire.

One table, ALLOWED_MOVES, says from which statuses each move may start and where it
leads. Every move is safe under concurrency in two ways. The transaction starts with
`begin_write(store)` (BEGIN IMMEDIATE on SQLite, the store's advisory lock on
PostgreSQL), and the move itself is a compare-and-set:
`UPDATE help_requests SET … WHERE id = ? AND status = <the status we read> [AND
claimed_by_id = <holder>]` whose row count must be 1. Two associates tapping "claim"
at once therefore give one winner and one Conflict, on both databases. Each move writes
its event row in the same transaction (the append-only event log,
services/core/event_log.py, that the live streams and the dashboards read) and commits
once. A refused move rolls back (`rolls_back`), so its caller finds the session clean.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import (
    MANAGING_ROLES,
    Availability,
    EventKind,
    HelpRequest,
    Outcome,
    Role,
    Status,
    User,
)
from floorapp.models.types import utcnow
from floorapp.services.core.event_log import record_event
from floorapp.services.core.input_parsing import enum_value, id_or_none
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.help import availability
from floorapp.services.notify import plan


@dataclass(frozen=True)
class Move:
    """One allowed kind of move: from which statuses, to which, and its event."""

    verb: str
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is
    kind: EventKind


ALLOWED_MOVES = {
    "claim": Move("claimed", frozenset({Status.WAITING}), Status.CLAIMED, EventKind.CLAIMED),
    "arrive": Move("marked as arrived", frozenset({Status.CLAIMED}), Status.HELPING,
                   EventKind.ARRIVED),
    "resolve": Move("resolved", frozenset({Status.HELPING}), Status.RESOLVED,
                    EventKind.RESOLVED),
    "release": Move("released", frozenset({Status.CLAIMED}), Status.WAITING,
                    EventKind.RELEASED),
    "handoff": Move("handed off", frozenset({Status.CLAIMED, Status.HELPING}), None,
                    EventKind.HANDED_OFF),
    "cancel": Move("cancelled", frozenset({Status.WAITING, Status.CLAIMED}), Status.CANCELLED,
                   EventKind.CANCELLED),
    "expire": Move("expired", frozenset({Status.WAITING, Status.CLAIMED}), Status.EXPIRED,
                   EventKind.EXPIRED),
}
STATUS_PHRASES = {
    Status.WAITING: "still waiting for someone", Status.CLAIMED: "already claimed",
    Status.HELPING: "already being helped", Status.RESOLVED: "already resolved",
    Status.CANCELLED: "cancelled", Status.EXPIRED: "expired",
}


def load_for_write(store_id: int, request_id: int, move: str | None = None) -> HelpRequest:
    """Start the store's write transaction and return its request, or raise NotFound.

    With `move`, a request already past that move is refused before waiting for the
    store's write lock: a crowd of late claimers then costs one read each. The read is
    only a shortcut; the compare-and-set under the lock still decides.
    """
    if move is not None:
        _read(store_id, request_id, move)
    begin_write(store_id)
    return _read(store_id, request_id)


def _read(store_id: int, request_id: int, move: str | None = None) -> HelpRequest:
    help_request = db.session.scalar(
        select(HelpRequest).where(HelpRequest.id == request_id, HelpRequest.store_id == store_id)
        .execution_options(populate_existing=True))
    if help_request is None:
        raise NotFound("No such help request in this store.")
    if move is not None and help_request.status not in ALLOWED_MOVES[move].sources:
        raise _wrong_state(help_request, ALLOWED_MOVES[move])
    return help_request


def _wrong_state(help_request: HelpRequest, move: Move) -> Conflict:
    return Conflict(f"This request is {_phrase(help_request)}, so it cannot be {move.verb} now.",
                    code="wrong_state")


def apply_move(help_request: HelpRequest, name: str, *, actor_id: int | None, now: datetime,
               values: dict | None = None, data: dict | None = None,
               holder_id: int | None = None) -> None:
    """Compare-and-set the request from its current status and log the event (no commit)."""
    move = ALLOWED_MOVES[name]
    before = help_request.status
    if before not in move.sources:
        raise _wrong_state(help_request, move)
    target = move.target or before
    statement = update(HelpRequest).where(HelpRequest.id == help_request.id,
                                          HelpRequest.status == before)
    if holder_id is not None:
        statement = statement.where(HelpRequest.claimed_by_id == holder_id)
    result = db.session.execute(statement.values(status=target, **(values or {}))
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("Someone else changed this request just now; reload and try again.",
                       code="wrong_state")
    record_event(store_id=help_request.store_id, request_id=help_request.id, kind=move.kind,
                 at=now, actor_id=actor_id, from_status=before.value, to_status=target.value,
                 data=data)
    plan.request_moved(help_request, name, actor_id=actor_id, data=data)  # same transaction
    db.session.expire(help_request)


def _phrase(help_request: HelpRequest) -> str:
    phrase = STATUS_PHRASES[help_request.status]
    if (help_request.status in (Status.CLAIMED, Status.HELPING)
            and help_request.claimed_by is not None):
        phrase += f" by {help_request.claimed_by.first_name}"
    return phrase


@rolls_back
def claim(store_id: int, request_id: int, associate: User, *,
          now: datetime | None = None) -> HelpRequest:
    """Claim a waiting request ("on my way"); exactly one of many claimers wins."""
    now = now or utcnow()
    help_request = load_for_write(store_id, request_id, "claim")
    _require_staff(associate, store_id)
    apply_move(help_request, "claim", actor_id=associate.id, now=now,
               values={"claimed_by_id": associate.id,
                       "acknowledged_at": help_request.acknowledged_at or now},
               data={"associate_id": associate.id})
    availability.with_customer(associate, now=now)
    db.session.commit()
    return help_request


@rolls_back
def arrive(store_id: int, request_id: int, associate: User, *,
           now: datetime | None = None) -> HelpRequest:
    """Mark that the claiming associate has reached the customer."""
    now = now or utcnow()
    help_request = load_for_write(store_id, request_id)
    _require_holder(help_request, associate)
    apply_move(help_request, "arrive", actor_id=associate.id, now=now,
               values={"reached_at": now}, holder_id=associate.id)
    db.session.commit()
    return help_request


@rolls_back
def resolve(store_id: int, request_id: int, associate: User, outcome: str, *,
            now: datetime | None = None) -> HelpRequest:
    """Finish a request with an outcome; the associate goes back on the floor."""
    now = now or utcnow()
    parsed = parse_outcome(outcome)
    help_request = load_for_write(store_id, request_id)
    _require_holder(help_request, associate)
    apply_move(help_request, "resolve", actor_id=associate.id, now=now,
               values={"resolved_at": now, "outcome": parsed}, holder_id=associate.id,
               data={"outcome": parsed.value})
    availability.back_on_floor(associate, now=now)
    db.session.commit()
    return help_request


@rolls_back
def release(store_id: int, request_id: int, associate: User, *,
            now: datetime | None = None) -> HelpRequest:
    """Put a claimed request back in the queue (its clock keeps running)."""
    now = now or utcnow()
    help_request = load_for_write(store_id, request_id)
    _require_holder(help_request, associate)
    apply_move(help_request, "release", actor_id=associate.id, now=now,
               values={"claimed_by_id": None}, holder_id=associate.id)
    availability.back_on_floor(associate, now=now)
    db.session.commit()
    return help_request


@rolls_back
def handoff(store_id: int, request_id: int, giver: User, to_user_id: int, *,
            now: datetime | None = None) -> HelpRequest:
    """Hand a claimed or in-progress request to a colleague of the store who is not off."""
    now = now or utcnow()
    help_request = load_for_write(store_id, request_id)
    _require_holder(help_request, giver, managers_too=True)
    receiver = colleague(store_id, to_user_id, giver)
    holder = help_request.claimed_by
    apply_move(help_request, "handoff", actor_id=giver.id, now=now,
               values={"claimed_by_id": receiver.id}, holder_id=help_request.claimed_by_id,
               data={"from_id": help_request.claimed_by_id, "to_id": receiver.id})
    if holder is not None:
        availability.back_on_floor(holder, now=now)
    availability.with_customer(receiver, now=now)
    db.session.commit()
    return help_request


@rolls_back
def cancel(store_id: int, request_id: int, *, manager: User | None = None,
           now: datetime | None = None) -> HelpRequest:
    """Cancel a request that nobody has reached: by the customer, or by a manager."""
    now = now or utcnow()
    help_request = load_for_write(store_id, request_id)
    if manager is not None and manager.role not in MANAGING_ROLES:
        raise Forbidden("Only the customer or a manager can cancel a request.")
    _close(help_request, "cancel", actor_id=manager.id if manager else None, now=now)
    db.session.commit()
    return help_request


@rolls_back
def expire(store_id: int, request_id: int, *, now: datetime | None = None) -> HelpRequest:
    """Expire a request nobody reached in time (a walk-away); the system is the actor."""
    now = now or utcnow()
    help_request = load_for_write(store_id, request_id)
    _close(help_request, "expire", actor_id=None, now=now)
    db.session.commit()
    return help_request


def make_move(name: str, store_id: int, request_id: int, user: User,
              fields: Mapping[str, Any]) -> HelpRequest:
    """Run the staff's move `name` on a request, with the fields it needs from the form.

    `resolve` reads `outcome`, `handoff` reads `to_user_id`; the others read nothing.
    """
    if name == "resolve":
        return resolve(store_id, request_id, user, str(fields.get("outcome") or ""))
    if name == "handoff":
        return handoff(store_id, request_id, user, fields.get("to_user_id") or "")
    if name == "cancel":
        return cancel(store_id, request_id, manager=user)
    plain = {"claim": claim, "arrive": arrive, "release": release}
    if name not in plain:
        raise InvalidInput(f"Unknown move {name!r}.")
    return plain[name](store_id, request_id, user)


def _close(help_request: HelpRequest, name: str, *, actor_id: int | None,
           now: datetime) -> None:
    holder = help_request.claimed_by
    apply_move(help_request, name, actor_id=actor_id, now=now, values={"closed_at": now})
    if holder is not None:
        availability.back_on_floor(holder, now=now)


def parse_outcome(value: str) -> Outcome:
    """Return the Outcome named by `value`, or raise InvalidInput."""
    # Only a manager's "Clear spam" marks spam (services/help/spam.py).
    return enum_value(Outcome, value, "outcome",
                      allowed=[o for o in Outcome if o is not Outcome.SPAM])


def _require_staff(user: User, store_id: int) -> None:
    if user.role is not Role.ADMIN and user.home_store_id != store_id:
        raise NotFound("No such help request in this store.")


def _require_holder(help_request: HelpRequest, user: User, *, managers_too: bool = False) -> None:
    _require_staff(user, help_request.store_id)
    if help_request.claimed_by_id in (None, user.id):
        return  # an unclaimed request answers with the state Conflict from apply_move
    if managers_too and user.role in MANAGING_ROLES:
        return
    raise Forbidden(f"This request is {help_request.claimed_by.first_name}'s; "
                    "only they can do that.")


def colleague(store_id: int, user_id: object, giver: User) -> User:
    """Return the colleague `user_id` names, who may take a request from `giver`."""
    text = str(user_id).strip()
    colleague_id = id_or_none(text)
    colleague = db.session.get(User, colleague_id) if colleague_id else None
    if colleague is None or colleague.home_store_id != store_id or not colleague.active:
        raise InvalidInput("Pick a colleague from this store.")
    if colleague.id == giver.id:
        raise InvalidInput("You cannot hand a request to yourself.")
    if colleague.availability is Availability.OFF:
        raise InvalidInput(f"{colleague.first_name} is off; pick a colleague who is working.")
    return colleague
