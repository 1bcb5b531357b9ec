"""Who covers which zone right now: the people on shift, the backups of those on break.

A zone is covered by anyone on shift (on the floor or with a customer) whose zone it
is or who covers the whole store (no zone), and by the backup of an open break of that
zone while the backup is on shift. A break taken while covering the whole store names
a backup for the whole store. These are reads (no commits); the moves that change
coverage (services/help/away.py) call them inside their write transaction, so what
they compare before and after is exact under the store's write lock.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Availability, Break, HelpRequest, Role, Status, User, Zone

ON_SHIFT = (Availability.ON_FLOOR, Availability.WITH_CUSTOMER)
HELD = (Status.CLAIMED, Status.HELPING)
WHOLE_STORE = None  # the zone id of someone covering every zone


@dataclass
class ZoneCoverage:
    """One zone as the live board shows it."""

    zone: Zone | None  # None: the whole store
    covering: list[User] = field(default_factory=list)
    away: list[Break] = field(default_factory=list)  # open breaks of this zone
    waiting: int = 0
    whole_store: list[User] = field(default_factory=list)  # on shift for every zone

    @property
    def backups(self) -> list[User]:
        return [b.backup for b in self.away if b.backup is not None and on_shift(b.backup)]

    @property
    def uncovered(self) -> bool:
        return not (self.covering or self.backups or self.whole_store)


def on_shift(user: User) -> bool:
    """Tell whether someone is working the floor (on it or with a customer)."""
    return user.active and user.availability in ON_SHIFT


def held_requests(user: User) -> list[HelpRequest]:
    """Return the open requests `user` holds (claimed or being helped), oldest first."""
    return list(db.session.scalars(select(HelpRequest).where(
        HelpRequest.claimed_by_id == user.id, HelpRequest.status.in_(HELD))
        .order_by(HelpRequest.requested_at, HelpRequest.id)
        .execution_options(populate_existing=True)))


def open_breaks(store_id: int) -> list[Break]:
    """Return the store's open breaks, earliest expected back first."""
    return list(db.session.scalars(select(Break).where(
        Break.store_id == store_id, Break.ended_at.is_(None))
        .order_by(Break.expected_return_at, Break.id).execution_options(populate_existing=True)))


def open_break(user_id: int) -> Break | None:
    """Return the open break of one person, if they are on one."""
    return db.session.scalar(select(Break).where(Break.user_id == user_id,
                                                 Break.ended_at.is_(None))
                             .execution_options(populate_existing=True))


def backed_up_zones(store_id: int, user_id: int) -> dict[int | None, str]:
    """Return the zones `user_id` backs up now (zone id → the first name of who is away)."""
    return {b.zone_id: b.user.first_name for b in open_breaks(store_id) if b.backup_id == user_id}


def _team(store_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.home_store_id == store_id, User.active.is_(True),
        User.role.in_((Role.ASSOCIATE, Role.MANAGER))).order_by(User.name)
        .execution_options(populate_existing=True)))


def suggest_backup(store_id: int, leaving_id: int) -> User | None:
    """Suggest who covers for someone leaving: the lightest load on the floor, else a manager.

    The load is the open requests each holds; ties go to the first by name. With nobody
    on the floor, the first manager on shift (with a customer) is named; else nobody.
    """
    loads = dict(db.session.execute(
        select(HelpRequest.claimed_by_id, func.count()).where(
            HelpRequest.store_id == store_id, HelpRequest.status.in_(HELD))
        .group_by(HelpRequest.claimed_by_id)).all())
    people = [p for p in _team(store_id) if p.id != leaving_id and on_shift(p)]
    floor = [p for p in people if p.availability is Availability.ON_FLOOR]
    if floor:
        return min(floor, key=lambda p: (loads.get(p.id, 0), p.name, p.id))
    return next((p for p in people if p.role is Role.MANAGER), None)


def covered_zone_ids(store_id: int) -> set[int | None]:
    """Return the zone ids someone covers now (None in it: someone covers every zone)."""
    covered = {p.availability_zone_id for p in _team(store_id) if on_shift(p)}
    covered |= {b.zone_id for b in open_breaks(store_id)
                if b.backup is not None and on_shift(b.backup)}
    return covered


def uncovered_zones(store_id: int) -> set[int]:
    """Return the ids of the store's active zones that nobody covers now."""
    covered = covered_zone_ids(store_id)
    zones = set(db.session.scalars(select(Zone.id).where(Zone.store_id == store_id,
                                                         Zone.active.is_(True))))
    return set() if WHOLE_STORE in covered else zones - covered


def by_zone(store_id: int) -> list[ZoneCoverage]:
    """Return each active zone's coverage (the whole store's first, when someone has it)."""
    team, breaks = _team(store_id), open_breaks(store_id)
    waiting = dict(db.session.execute(
        select(HelpRequest.zone_id, func.count()).where(
            HelpRequest.store_id == store_id, HelpRequest.status == Status.WAITING)
        .group_by(HelpRequest.zone_id)).all())
    zones = db.session.scalars(select(Zone).where(Zone.store_id == store_id,
                                                  Zone.active.is_(True)).order_by(Zone.name))
    rows = [ZoneCoverage(None, [p for p in team if on_shift(p) and p.availability_zone_id is None],
                         [b for b in breaks if b.zone_id is None])]
    for zone in zones:
        rows.append(ZoneCoverage(zone, [p for p in team if on_shift(p)
                                        and p.availability_zone_id == zone.id],
                                 [b for b in breaks if b.zone_id == zone.id],
                                 waiting.get(zone.id, 0)))
    whole = rows[0]
    for row in rows[1:]:
        row.whole_store = whole.covering + whole.backups
    return rows if (whole.covering or whole.away) else rows[1:]


def overdue_breaks(now: datetime, grace) -> list[Break]:
    """Return the open breaks of every store whose return is over `grace` late, not yet told."""
    return list(db.session.scalars(select(Break).where(
        Break.ended_at.is_(None), Break.overdue_told_at.is_(None),
        Break.expected_return_at < now - grace).order_by(Break.id)))

