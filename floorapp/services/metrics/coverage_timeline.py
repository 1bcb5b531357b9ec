"""Who covered which zone when: the event log replayed into spans of constant coverage.

The rule is services/help/coverage.py's, applied to the past: at any instant a zone is
covered by anyone on shift (on the floor or with a customer) whose zone it is or who
covers the whole store, and by the backup of an open break of that zone (or of a
whole-store break) while the backup is on shift. The replay reads two statements over
the events (never one per zone or hour): each person's last availability change before
the period, then every availability, break and hand-over event of the period, the break
events from BREAK_LOOKBACK earlier so a break already open at the start is known.

Times are UTC epoch seconds (floats) computed by the database, as in request_rows.py.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from floorapp.extensions import db
from floorapp.models import Availability, Event, EventKind
from floorapp.services.metrics.request_rows import epoch_seconds
from floorapp.services.metrics.request_rows import from_epoch as _instant

ON_SHIFT = {Availability.ON_FLOOR.value, Availability.WITH_CUSTOMER.value}
AT_WORK = ON_SHIFT | {Availability.ON_BREAK.value}
WHOLE_STORE = None
# A break is expected back within 4 hours and idle-off ends one that runs far over,
# so a day before the period is ample to find the breaks open when it starts.
BREAK_LOOKBACK_S = 24 * 3600
BREAK_KINDS = (EventKind.BREAK_STARTED, EventKind.BACKUP_CHANGED, EventKind.BREAK_ENDED)
HAND_OVER_KINDS = (EventKind.HANDED_OFF, EventKind.RELEASED)


@dataclass(frozen=True)
class Span:
    """A stretch of time [start, end) over which coverage did not change."""

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
    hand_overs: list[tuple] = field(default_factory=list)  # (kind, at, actor_id, data)
    changes: dict = field(default_factory=dict)  # (subject, at) -> to_status, in the period


class _Floor:
    """The state being replayed: each person's availability and zone, the open breaks."""

    def __init__(self, people: dict):
        self.people = people  # subject -> (status, zone id)
        self.breaks: dict = {}  # break id -> [zone id, backup id]

    def apply(self, kind: str, subject: int | None, to_status: str | None, data: dict):
        if kind == EventKind.AVAILABILITY:
            self.people[subject] = (to_status, data.get("zone_id"))
        elif kind == EventKind.BREAK_STARTED:
            self.breaks[data.get("break_id")] = [data.get("zone_id"), data.get("backup_id")]
        elif kind == EventKind.BACKUP_CHANGED and data.get("break_id") in self.breaks:
            self.breaks[data["break_id"]][1] = data.get("to_id")
        elif kind == EventKind.BREAK_ENDED:
            self.breaks.pop(data.get("break_id"), None)

    def span(self, start: float, end: float) -> Span:
        on_shift = {who for who, (status, _) in self.people.items() if status in ON_SHIFT}
        covered = {self.people[who][1] for who in on_shift}
        covered |= {zone for zone, backup in self.breaks.values() if backup in on_shift}
        staffed = any(status in AT_WORK for status, _ in self.people.values())
        return Span(start, end, frozenset(covered), staffed)


def replay(store_id: int, start: float, end: float) -> Replay:
    """Return the coverage spans from `start` to `end` (epoch seconds) and the hand-overs."""
    floor, result = _Floor(_people_before(store_id, start)), Replay()
    since = start
    for kind, at, subject, actor, to_status, data in _events(store_id, start, end):
        data = data or {}
        if at > since:
            result.spans.append(floor.span(since, at))
            since = at
        if at >= start and kind in HAND_OVER_KINDS:
            result.hand_overs.append((kind, at, actor, data))
            continue
        if at >= start and kind == EventKind.AVAILABILITY:
            result.changes[(subject, at)] = to_status
        floor.apply(kind, subject, to_status, data)
    if end > since:
        result.spans.append(floor.span(since, end))
    return result


def _events(store_id: int, start: float, end: float):
    dialect = db.engine.dialect.name
    at = epoch_seconds(Event.at, dialect)
    lower, upper = _instant(start), _instant(end)
    early = _instant(start - BREAK_LOOKBACK_S)
    statement = (select(Event.kind, at, Event.subject_id, Event.actor_id, Event.to_status,
                        Event.data)
                 .where(Event.store_id == store_id, Event.at < upper, or_(
                     and_(Event.kind.in_((EventKind.AVAILABILITY, *HAND_OVER_KINDS)),
                          Event.at >= lower),
                     and_(Event.kind.in_(BREAK_KINDS), Event.at >= early)))
                 .order_by(Event.at, Event.id))
    return db.session.execute(statement).all()


def _people_before(store_id: int, start: float) -> dict:
    last = (select(func.max(Event.id))
            .where(Event.store_id == store_id, Event.kind == EventKind.AVAILABILITY,
                   Event.at < _instant(start))
            .group_by(Event.subject_id))
    rows = db.session.execute(select(Event.subject_id, Event.to_status, Event.data)
                              .where(Event.id.in_(last))).all()
    return {subject: (status, (data or {}).get("zone_id")) for subject, status, data in rows}
