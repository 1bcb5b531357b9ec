"""A manager's "Clear spam": cancel a flood's waiting requests in one action.

A flood that got past the limits (web/public_limits.py) sits in the associates' queue.
The manager names a sign (or the whole store) and how far back to look; every request
still waiting from there in that window is cancelled through the state machine
(services/help/moves.py), so each gets its compare-and-set and its event row, with
`{"reason": "spam"}` in the event's data and the outcome `spam` on the request. The
dashboards leave spam out (services/metrics/request_rows.py): it is neither demand nor a walk-away.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import HelpRequest, Outcome, Sign, Status, Store, User, Zone
from floorapp.models.types import utcnow
from floorapp.services.core import audit
from floorapp.services.core.input_parsing import id_or_none
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.help import moves as help_queue
from floorapp.services.org import stores

WINDOWS_MIN = (15, 30, 60, 120)  # the choices the manager's form offers


@dataclass(frozen=True)
class Cleared:
    """What one "Clear spam" did: how many requests it cancelled, from where."""

    count: int
    sign_id: int | None
    minutes: int


@rolls_back
def clear_spam(store: Store, manager: User, *, sign_id: int | None, minutes: int,
               now: datetime | None = None) -> Cleared:
    """Cancel as spam the requests still waiting from a sign (or the store) in the window.

    Idempotent: run again, it finds nothing left waiting and cancels nothing more.
    Safe under concurrency: the store's write lock is held from the read to the commit,
    and each cancel is the state machine's compare-and-set from `waiting`, so a request
    an associate claims meanwhile is left alone.
    """
    now = now or utcnow()
    stores.require_manager(manager, store)
    if minutes not in WINDOWS_MIN:
        raise InvalidInput(f"Choose a window of {', '.join(map(str, WINDOWS_MIN))} minutes.")
    _check_sign(store, sign_id)
    begin_write(store.id)
    waiting = db.session.scalars(_waiting(store.id, sign_id, now - timedelta(minutes=minutes)))
    count = 0
    for help_request in waiting.all():
        help_queue.apply_move(help_request, "cancel", actor_id=manager.id, now=now,
                              values={"closed_at": now, "outcome": Outcome.SPAM},
                              data={"reason": "spam"})
        count += 1
    audit.record(manager, "help_requests.clear_spam", store=store,
                 target=f"sign {sign_id}" if sign_id else "all signs", cleared=count,
                 minutes=minutes)
    db.session.commit()
    return Cleared(count, sign_id, minutes)


def _waiting(store_id: int, sign_id: int | None, since: datetime):
    statement = select(HelpRequest).where(
        HelpRequest.store_id == store_id, HelpRequest.status == Status.WAITING,
        HelpRequest.requested_at >= since).order_by(HelpRequest.id)
    if sign_id is not None:
        statement = statement.where(HelpRequest.sign_id == sign_id)
    return statement


def _check_sign(store: Store, sign_id: int | None) -> None:
    if sign_id is None:
        return
    found = db.session.scalar(select(Sign.id).join(Zone, Zone.id == Sign.zone_id)
                              .where(Sign.id == sign_id, Zone.store_id == store.id))
    if found is None:
        raise InvalidInput("That sign is not one of this store's.")


def parse_window(value: object) -> int:
    """Return the window in minutes the form names, or raise InvalidInput."""
    text = str(value or "").strip()
    if text not in {str(m) for m in WINDOWS_MIN}:
        raise InvalidInput(f"Choose a window of {', '.join(map(str, WINDOWS_MIN))} minutes.")
    return int(text)


def parse_sign(value: object) -> int | None:
    """Return the sign id the form names ('' is every sign), or raise InvalidInput."""
    text = str(value or "").strip()
    if not text:
        return None
    sign_id = id_or_none(text)
    if sign_id is None:
        raise InvalidInput("That sign is not one of this store's.")
    return sign_id


def signs_of(store: Store) -> list[tuple[int, str]]:
    """Return the store's active signs as (id, "zone · label") for the manager's form."""
    rows = db.session.execute(select(Sign.id, Zone.name, Sign.label).join(
        Zone, Zone.id == Sign.zone_id).where(Zone.store_id == store.id, Sign.active.is_(True))
        .order_by(Zone.name, Sign.id))
    return [(row.id, f"{row.name} · {row.label}" if row.label else row.name) for row in rows]
