"""Who was on the floor when: intervals rebuilt from the event log's availability rows.

Each is an Event of kind EventKind.AVAILABILITY (floorapp/models/help.py) whose
to_status is the associate's new Availability (floorapp/models/users.py).
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import Availability, Event, EventKind
from floorapp.services.metrics.periods import Period

ON_FLOOR = {Availability.ON_FLOOR.value, Availability.WITH_CUSTOMER.value}


def floor_intervals(store_id: int, period: Period) -> list[tuple[datetime, datetime]]:
    """Return the (start, end) UTC intervals during which each associate was on the floor.

    An associate counts as on the floor when their availability is on_floor or
    with_customer; the state at the start of the period is their last change before it.
    """
    start, end = period.start_utc, period.end_utc
    state = _states_before(store_id, start)
    changes = db.session.execute(
        select(Event.subject_id, Event.at, Event.to_status)
        .where(Event.store_id == store_id, Event.kind == EventKind.AVAILABILITY,
               Event.at >= start, Event.at < end)
        .order_by(Event.at, Event.id)).all()
    since = {subject: start for subject, status in state.items() if status in ON_FLOOR}
    intervals = []
    for subject, at, to_status in changes:
        if subject in since and to_status not in ON_FLOOR:
            intervals.append((since.pop(subject), at))
        elif subject not in since and to_status in ON_FLOOR:
            since[subject] = at
    intervals.extend((begin, end) for begin in since.values())
    return intervals


def _states_before(store_id: int, start: datetime) -> dict[int, str]:
    last = (select(func.max(Event.id))
            .where(Event.store_id == store_id, Event.kind == EventKind.AVAILABILITY,
                   Event.at < start)
            .group_by(Event.subject_id))
    rows = db.session.execute(select(Event.subject_id, Event.to_status)
                              .where(Event.id.in_(last))).all()
    result = defaultdict(str)
    result.update({subject: status for subject, status in rows})
    return result
