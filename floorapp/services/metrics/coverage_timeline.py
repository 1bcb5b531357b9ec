"""Who covered which zone when: the event log replayed into spans of constant coverage.

The rule is services/help/coverage.py's, applied to the past: at any instant a zone is
covered by anyone on shift (on the floor or with a customer) whose zone it is or who
covers the whole store, and by the backup of an open break of that zone (or of a
whole-store break) while the backup is on shift. The replay reads two statements over
the events (never one per zone or hour): each person's last availability change before
the period (a skip from person to person, not a scan of the history), then, through
the (store, kind, at) index, every availability, break and hand-over event of the
period and of the BREAK_LOOKBACK_S before it, of which only the break events are
replayed, so that a break already open at the start is known.

Times are UTC epoch seconds (floats) computed by the database, as in request_rows.py.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import String, and_, case, func, select, type_coerce

from floorapp.extensions import db
from floorapp.models import Availability, Event, EventKind
from floorapp.services.help.coverage import WHOLE_STORE
from floorapp.services.metrics.floor_time import ON_FLOOR as ON_SHIFT
from floorapp.services.metrics.request_rows import epoch_seconds
from floorapp.services.metrics.request_rows import from_epoch as _instant

AT_WORK = ON_SHIFT | {Availability.ON_BREAK.value}
# A break is expected back within 4 hours and idle-off ends one that runs far over,
# so a day before the period is ample to find the breaks open when it starts.
BREAK_LOOKBACK_S = 24 * 3600
BREAK_KINDS = (EventKind.BREAK_STARTED, EventKind.BACKUP_CHANGED, EventKind.BREAK_ENDED)
HAND_OVER_KINDS = (EventKind.HANDED_OFF, EventKind.RELEASED)
KINDS = (EventKind.AVAILABILITY, *BREAK_KINDS, *HAND_OVER_KINDS)
FIELDS = (("zone_id", (EventKind.AVAILABILITY, EventKind.BREAK_STARTED)),
          ("break_id", BREAK_KINDS), ("backup_id", (EventKind.BREAK_STARTED,)),
          ("to_id", (EventKind.BACKUP_CHANGED,)))


class Span(NamedTuple):
    """A stretch of time [start, end) over which coverage did not change.

    A named tuple: a month's replay makes thousands, and a frozen dataclass costs several
    times as much to build.
    """

    start: float
    end: float
    covered: frozenset  # zone ids covered; WHOLE_STORE in it means every zone
    staffed: bool  # someone was at work (on the floor, with a customer or on break)

    def covers(self, zone_id: int) -> bool:
        """Tell whether `zone_id` had someone covering it during the span."""
        return WHOLE_STORE in self.covered or zone_id in self.covered


@dataclass
class Replay:
    """The spans of a period, and what the hand-over events and availability changes said."""

    spans: list[Span] = field(default_factory=list)
    hand_overs: list[tuple] = field(default_factory=list)  # (kind, at, actor_id, reason)
    changes: dict = field(default_factory=dict)  # (subject, at) -> to_status, in the period

    def add_span(self, start: float, end: float, state: tuple[frozenset, bool]) -> None:
        """Append a span, merged into the last one when coverage did not in fact change."""
        spans = self.spans
        if spans and spans[-1][2:] == state:
            spans[-1] = Span(spans[-1].start, end, *state)
        else:
            spans.append(Span(start, end, *state))


class _Floor:
    """The state being replayed: who is on shift for which zone, at work, the open breaks.

    Kept incrementally (a count of coverers per zone), so each event costs the same
    however many people the store has.
    """

    def __init__(self, people: dict):
        self.people: dict = {}  # subject -> (status, zone id)
        self.zones: Counter = Counter()  # zone id -> people on shift covering it
        self.at_work = 0
        self.breaks: dict = {}  # break id -> [zone id, backup id]
        self._covered: frozenset | None = None  # recomputed only after coverage may change
        for subject, (status, zone_id) in people.items():
            self.set_person(subject, status, zone_id)

    def set_person(self, subject: int, status: str | None, zone_id: int | None) -> None:
        old_status, old_zone = self.people.get(subject, (None, None))
        self.people[subject] = (status, zone_id)
        self.at_work += (status in AT_WORK) - (old_status in AT_WORK)
        if (old_status in ON_SHIFT, old_zone) != (status in ON_SHIFT, zone_id):
            self.zones[old_zone] -= old_status in ON_SHIFT
            self.zones[zone_id] += status in ON_SHIFT
            self._covered = None

    def apply(self, kind: str, subject: int | None, to_status: str | None, fields: tuple):
        zone_id, break_id, backup_id, to_id = fields
        if kind == EventKind.AVAILABILITY:
            self.set_person(subject, to_status, zone_id)
            return
        self._covered = None
        if kind == EventKind.BREAK_STARTED:
            self.breaks[break_id] = [zone_id, backup_id]
        elif kind == EventKind.BACKUP_CHANGED and break_id in self.breaks:
            self.breaks[break_id][1] = to_id
        elif kind == EventKind.BREAK_ENDED:
            self.breaks.pop(break_id, None)

    def state(self) -> tuple[frozenset, bool]:
        """Return the zones covered now and whether anyone is at work."""
        if self._covered is None:
            covered = {zone for zone, count in self.zones.items() if count > 0}
            covered |= {zone for zone, backup in self.breaks.values()
                        if self.people.get(backup, (None,))[0] in ON_SHIFT}
            self._covered = frozenset(covered)
        return self._covered, self.at_work > 0


def replay(store_id: int, start: float, end: float) -> Replay:
    """Return the coverage spans from `start` to `end` (epoch seconds) and the hand-overs."""
    floor, result = _Floor(_people_before(store_id, start)), Replay()
    since = start
    for kind, at, subject, actor, to_status, reason, *fields in _events(store_id, start, end):
        if at < start and kind not in BREAK_KINDS:
            continue  # the state before the period is _people_before's; only breaks look back
        if at > since:
            result.add_span(since, at, floor.state())
            since = at
        if kind in HAND_OVER_KINDS:
            result.hand_overs.append((kind, at, actor, reason))
            continue
        if at >= start and kind == EventKind.AVAILABILITY:
            result.changes[(subject, at)] = to_status
        floor.apply(kind, subject, to_status, fields)
    if end > since:
        result.add_span(since, end, floor.state())
    return result


def _events(store_id: int, start: float, end: float):
    """Return the events of the period (break events from earlier), data fields extracted.

    The few data fields are read by the database (JSON_EXTRACT, ->>), not by decoding
    every row's JSON in Python: a 90-day replay reads tens of thousands of rows.
    """
    at = epoch_seconds(Event.at, db.engine.dialect.name)
    early, upper = _instant(start - BREAK_LOOKBACK_S), _instant(end)
    # Each field is read only from the kinds _Floor.apply reads it of (a month is
    # thousands of availability changes, which carry only a zone).
    fields = [case((Event.kind.in_(kinds), Event.data[name].as_integer()))
              for name, kinds in FIELDS]
    reason = case((Event.kind.in_(HAND_OVER_KINDS), Event.data["reason"].as_string()))
    # The kind as its plain string (an EventKind is a StrEnum: equal, and hashed alike),
    # not converted to the enum row by row; the rows fetched at once, without the ORM.
    statement = (select(type_coerce(Event.kind, String()), at, Event.subject_id,
                        Event.actor_id, Event.to_status, reason, *fields)
                 .where(Event.store_id == store_id, Event.kind.in_(KINDS),
                        Event.at >= early, Event.at < upper)
                 .order_by(Event.at, Event.id))
    return db.session.connection().execute(statement).all()


def _people_before(store_id: int, start: float) -> dict:
    """Return each person's availability (and zone) as their last change before `start`
    left it, for the people with any availability change in the store.

    One statement whose cost follows the store's people and the period, not its
    history: a recursive skip over the (store, kind, subject, id, at) index finds each
    person (migration 0250), and for each the highest id before `start` is read
    backwards from their last change, as the max(id) per person over the whole history
    it replaces did.
    """
    mine = and_(Event.store_id == store_id, Event.kind == EventKind.AVAILABILITY)

    def first_after(previous):
        # ORDER BY subject, id (not min()): PostgreSQL then walks the (store, kind,
        # subject, id, at) index; for min() it chose the subject index and filtered the
        # store's whole history. An empty store, or the last person passed, gives NULL.
        after = mine if previous is None else and_(mine, Event.subject_id > previous)
        return (select(Event.subject_id).where(after).order_by(Event.subject_id, Event.id)
                .limit(1).correlate_except(Event).scalar_subquery())

    people = select(first_after(None).label("id")).cte("people", recursive=True)
    people = people.union_all(select(first_after(people.c.id)).where(people.c.id.is_not(None)))
    last = (select(func.max(Event.id))
            .where(mine, Event.subject_id == people.c.id, Event.at < _instant(start))
            .correlate_except(Event).scalar_subquery())
    rows = db.session.execute(
        select(Event.subject_id, Event.to_status, Event.data["zone_id"].as_integer())
        .where(Event.id.in_(select(last).where(people.c.id.is_not(None))))).all()
    return {subject: (status, zone_id) for subject, status, zone_id in rows}
