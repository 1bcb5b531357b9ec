"""The live board of a store: open requests with their waits against the targets, and the team.

Each request's SLA state (on time, due soon, overdue, reached) and the target it runs
against come from services/help/sla.py, as on the handheld's card and the dashboard.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from floorapp.extensions import db
from floorapp.models import Availability, HelpRequest, Role, Store, User
from floorapp.models.help import OPEN_STATUSES
from floorapp.services.help import coverage
from floorapp.services.help.sla import SlaState, sla_state, target_for, waited_s

TEAM_ROLES = (Role.ASSOCIATE, Role.MANAGER)


@dataclass(frozen=True)
class BoardItem:
    """One open request as the board shows it."""

    help_request: HelpRequest
    wait_s: int
    sla: SlaState
    target_s: int | None


def open_requests(store: Store, now: datetime | None = None) -> list[BoardItem]:
    """Return the store's open requests, longest waiting first."""
    now = now or datetime.now(UTC)
    found = db.session.scalars(
        select(HelpRequest).options(joinedload(HelpRequest.zone),
                                    joinedload(HelpRequest.claimed_by))
        .where(HelpRequest.store_id == store.id, HelpRequest.status.in_(OPEN_STATUSES))
        .order_by(HelpRequest.requested_at))
    items = []
    for help_request in found:
        target = target_for(store, help_request.status)
        wait = waited_s(help_request.requested_at, now)
        items.append(BoardItem(help_request, wait, sla_state(wait, target), target))
    return items


def team(store: Store) -> dict[str, list[User]]:
    """Return the store's active team grouped by availability, by name."""
    people = db.session.scalars(
        select(User).where(User.home_store_id == store.id, User.active.is_(True),
                           User.role.in_(TEAM_ROLES)).order_by(User.name))
    groups: dict[str, list[User]] = {state.value: [] for state in Availability}
    for person in people:
        groups[person.availability.value].append(person)
    return groups


def snapshot(store: Store, now: datetime | None = None) -> dict:
    """Return everything the board shows: requests, escalations, coverage and the team."""
    items = open_requests(store, now)
    zones = coverage.by_zone(store.id)
    return {
        "coverage": zones,
        "waiting_uncovered": sum(row.waiting for row in zones if row.uncovered),
        "items": items,
        "escalated": [item for item in items if item.help_request.escalation_level > 0],
        "team": team(store),
        "now": now or datetime.now(UTC),
    }


def backup_forms(store: Store) -> list[tuple]:
    """Return each open break with the people on shift who could back it up instead."""
    people = [p for person_list in team(store).values() for p in person_list
              if coverage.on_shift(p)]
    return [(item, [p for p in people if p.id != item.user_id])
            for item in coverage.open_breaks(store.id)]
