"""Planned shifts: adding, changing and removing them, and reading a week's plan.

The page's form and the CSV import both go through `check_draft`, so a shift is
refused for the same reasons whichever way it comes in. Every write takes the store's
writer lock first (`begin_write`), so two managers saving at once cannot both pass the
overlap check and plan one person twice.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Role, Shift, Store, User, Zone
from floorapp.services.core import audit
from floorapp.services.core.input_parsing import optional_id, valid_id
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.metrics.periods import parse_bounded_date
from floorapp.services.org.shift_times import check_shift_times, parse_clock, shift_instants

STAFF_ROLES = (Role.ASSOCIATE, Role.MANAGER)


@dataclass(frozen=True)
class Draft:
    """A shift that has passed every check but the overlap one, ready to be written."""

    user: User
    day: date
    start: time
    end: time
    zone: Zone | None

    def key(self) -> tuple:
        """Return what makes two shifts the same shift (the import skips such a row)."""
        return (self.user.id, self.day, self.start, self.end, self.zone.id if self.zone else None)

    def instants(self, timezone: str) -> tuple[datetime, datetime]:
        """Return the draft's UTC start and end in the store's zone."""
        return shift_instants(self.day, self.start, self.end, timezone)


def shift_key(shift: Shift) -> tuple:
    """Return a stored shift's Draft.key()."""
    return (shift.user_id, shift.local_date, shift.start_time, shift.end_time, shift.zone_id)


def instants(shift: Shift) -> tuple[datetime, datetime]:
    """Return a stored shift's UTC start and end (derived from its store's zone)."""
    return shift_instants(shift.local_date, shift.start_time, shift.end_time,
                          shift.store.timezone)


def check_draft(store: Store, *, login: str, day: str, start: str, end: str,
                zone: Zone | None) -> Draft:
    """Return a Draft for typed values, or raise InvalidInput saying what is wrong."""
    user = staff_member(store, login)
    shift_day = parse_bounded_date(day, "date")
    start_at, end_at = parse_clock(start, "start"), parse_clock(end, "end")
    check_shift_times(shift_day, start_at, end_at, store.timezone)
    return Draft(user, shift_day, start_at, end_at, zone)


def staff_member(store: Store, login: str) -> User:
    """Return the active associate or manager of `store` with this login, or InvalidInput."""
    login = (login or "").strip().lower()
    user = db.session.scalar(select(User).where(User.login == login)) if login else None
    if user is None or user.home_store_id != store.id or not user.active \
            or user.role not in STAFF_ROLES:
        raise InvalidInput(f"Nobody active at this store logs in as {login[:64]!r}.")
    return user


def zone_by_id(store: Store, value: object) -> Zone | None:
    """Return the store's active zone with this id (None for no zone), or InvalidInput."""
    zone_id = optional_id(value, label="zone")
    if zone_id is None:
        return None
    zone = db.session.get(Zone, zone_id)
    if zone is None or zone.store_id != store.id or not zone.active:
        raise InvalidInput("Choose one of this store's zones, or none.")
    return zone


def zone_by_name(store: Store, name: str) -> Zone | None:
    """Return the store's active zone of this name (case-blind; None for blank), or InvalidInput."""
    name = (name or "").strip()
    if not name:
        return None
    for zone in store.zones:
        if zone.active and zone.name.casefold() == name.casefold():
            return zone
    raise InvalidInput(f"This store has no zone named {name[:80]!r}.")


def overlapping(draft: Draft, store: Store, *, ignore_id: int | None = None) -> Shift | None:
    """Return a shift of the same person that overlaps the draft in time, if any."""
    begin, finish = draft.instants(store.timezone)
    nearby = db.session.scalars(select(Shift).where(
        Shift.user_id == draft.user.id,
        Shift.local_date.between(draft.day - timedelta(days=1), draft.day + timedelta(days=1))))
    for shift in nearby:
        other_begin, other_end = instants(shift)
        if shift.id != ignore_id and other_begin < finish and begin < other_end:
            return shift
    return None


def refuse_overlap(draft: Draft, store: Store, *, ignore_id: int | None = None) -> None:
    """Raise InvalidInput when the draft overlaps another shift of the same person."""
    other = overlapping(draft, store, ignore_id=ignore_id)
    if other is not None:
        raise InvalidInput(f"{draft.user.name} already works {other.local_date} "
                           f"{other.start_time:%H:%M}–{other.end_time:%H:%M}, which overlaps.")


def add_draft(store: Store, draft: Draft) -> Shift:
    """Add a checked shift to the session (flushed; the caller commits)."""
    shift = Shift(store_id=store.id, user_id=draft.user.id, local_date=draft.day,
                  start_time=draft.start, end_time=draft.end,
                  zone_id=draft.zone.id if draft.zone else None)
    db.session.add(shift)
    db.session.flush()
    return shift


@rolls_back
def add_shift(store: Store, *, login: str, day: str, start: str, end: str, zone_id: object,
              actor: User) -> Shift:
    """Plan a shift for one of the store's people; refuse overlaps and skipped clock times."""
    begin_write(store.id)
    draft = check_draft(store, login=login, day=day, start=start, end=end,
                        zone=zone_by_id(store, zone_id))
    refuse_overlap(draft, store)
    shift = add_draft(store, draft)
    audit.record(actor, "shift.add", target=draft.user.login, store=store,
                 day=draft.day.isoformat(), start=f"{draft.start:%H:%M}", end=f"{draft.end:%H:%M}")
    db.session.commit()
    return shift


@rolls_back
def update_shift(store: Store, shift_id: int, *, login: str, day: str, start: str, end: str,
                 zone_id: object, actor: User) -> Shift:
    """Change a planned shift (person, day, times or zone), with the same checks as adding."""
    begin_write(store.id)
    shift = store_shift(store, shift_id)
    draft = check_draft(store, login=login, day=day, start=start, end=end,
                        zone=zone_by_id(store, zone_id))
    refuse_overlap(draft, store, ignore_id=shift.id)
    shift.user_id, shift.local_date = draft.user.id, draft.day
    shift.start_time, shift.end_time = draft.start, draft.end
    shift.zone_id = draft.zone.id if draft.zone else None
    audit.record(actor, "shift.update", target=draft.user.login, store=store, shift=shift.id,
                 day=draft.day.isoformat(), start=f"{draft.start:%H:%M}", end=f"{draft.end:%H:%M}")
    db.session.commit()
    return shift


@rolls_back
def delete_shift(store: Store, shift_id: int, *, actor: User) -> Shift:
    """Remove a planned shift of the store."""
    begin_write(store.id)
    shift = store_shift(store, shift_id)
    audit.record(actor, "shift.delete", target=shift.user.login, store=store, shift=shift.id,
                 day=shift.local_date.isoformat())
    db.session.delete(shift)
    db.session.commit()
    return shift


def store_shift(store: Store, shift_id: int) -> Shift:
    """Return the store's shift with this id, or NotFound (another store's answers the same)."""
    shift = db.session.get(Shift, shift_id) if valid_id(shift_id) else None
    if shift is None or shift.store_id != store.id:
        raise NotFound(f"No shift with the id {shift_id} in this store.")
    return shift


def week_shifts(store: Store, monday: date) -> list[Shift]:
    """Return the store's shifts starting in the week from `monday`, by day, start and name."""
    return list(db.session.scalars(
        select(Shift).join(User, Shift.user_id == User.id)
        .where(Shift.store_id == store.id,
               Shift.local_date.between(monday, monday + timedelta(days=6)))
        .order_by(Shift.local_date, Shift.start_time, User.name, Shift.id)))


def shifts_touching(store: Store, first: date, last: date) -> list[Shift]:
    """Return the store's shifts that may overlap local days first..last (one day either side)."""
    return list(db.session.scalars(select(Shift).where(
        Shift.store_id == store.id,
        Shift.local_date.between(first - timedelta(days=1), last))))


def user_shifts(user: User, first: date, last: date) -> list[Shift]:
    """Return one person's shifts starting on local days first..last, in order."""
    return list(db.session.scalars(
        select(Shift).where(Shift.user_id == user.id, Shift.local_date.between(first, last))
        .order_by(Shift.local_date, Shift.start_time)))
