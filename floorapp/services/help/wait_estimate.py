"""The honest wait a customer is told: at the sign before asking, and while waiting.

One model for both (the sign page and the status page must not disagree), from the
store's live state and its recent pace:

- `free`: associates on the floor covering the request's zone (for that zone or the
  whole store; when nobody covers it, anyone on the floor in the store, as the
  notifications do);
- `busy`: associates with a customer, who come free as they finish;
- `ahead`: the store's requests waiting before this one (first come, first served);
- `pace`: the median time to acknowledge over the last two hours (the store's target
  when there is none), and `handle`: the median time from the first claim to resolved
  over the same window (DEFAULT_HANDLE_S when there is none).

While a free associate is left for this customer (ahead < free) the wait is the recent
pace: "usually about 3 min right now". When everyone is taken the customer waits for
the (ahead − free + 1)-th associate to come free; with free + busy of them working, one
comes free every handle / (free + busy) seconds on average, so the wait is the pace plus
that many intervals: "everyone is with a customer; about 8 min". With nobody on the floor
or with a customer there is no honest figure: `seconds` is None, and a request sent then
is taken to the managers at once (services/help/escalation.py `tell_managers_at_once`).

Known limits: the pace is a two-hour median, so a sudden rush shows late; associates on
break count only once back; a request's own answer time (a size check, a stockroom
run) is not known before it is asked.
"""

import functools
import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select

from floorapp.extensions import db
from floorapp.models import Availability, HelpRequest, Role, Status, Store, User

PACE_WINDOW = timedelta(hours=2)
PACE_SAMPLE = 200  # the most recent requests the medians read
DEFAULT_HANDLE_S = 300
MIN_WAIT_S = 15


@dataclass(frozen=True)
class WaitEstimate:
    """Seconds until someone acknowledges (None: nobody working), and whether everyone
    working is already taken (the customer waits for someone to come free)."""

    seconds: int | None
    everyone_busy: bool


@dataclass(frozen=True)
class Staffing:
    """Who can take the request now (`free`) and who will come free (`busy`)."""

    free: int
    busy: int


def before_asking(store: Store, zone_id: int, *, now: datetime) -> WaitEstimate:
    """Return the wait a request sent now at a sign of `zone_id` would have."""
    waiting = db.session.scalar(select(func.count()).where(
        HelpRequest.store_id == store.id, HelpRequest.status == Status.WAITING))
    return estimate(store, zone_id, ahead=waiting, waited_s=0, now=now)


def for_request(help_request: HelpRequest, position: int, *, now: datetime) -> WaitEstimate:
    """Return the rest of a waiting request's wait, `position` its place in the queue."""
    waited = (now - help_request.requested_at).total_seconds()
    return estimate(help_request.store, help_request.zone_id, ahead=position - 1,
                    waited_s=waited, now=now)


def estimate(store: Store, zone_id: int, *, ahead: int, waited_s: float,
             now: datetime) -> WaitEstimate:
    """Apply the model (see the module) to the live staffing and the recent pace."""
    staffing = staffing_for(store.id, zone_id)
    if staffing.free + staffing.busy == 0:
        return WaitEstimate(None, everyone_busy=False)
    pace_s, handle_s = recent_pace(store, now=now)
    return model(staffing, ahead=ahead, pace_s=pace_s, handle_s=handle_s, waited_s=waited_s)


def model(staffing: Staffing, *, ahead: int, pace_s: float, handle_s: float,
          waited_s: float) -> WaitEstimate:
    """The model's arithmetic alone (see the module), shared with the replay of history
    (services/help/wait_replay.py) so that what is measured is what customers read."""
    if staffing.free + staffing.busy == 0:
        return WaitEstimate(None, everyone_busy=False)
    wait_s = pace_s
    everyone_busy = ahead >= staffing.free
    if everyone_busy:
        wait_s += (ahead - staffing.free + 1) * handle_s / (staffing.free + staffing.busy)
    return WaitEstimate(max(MIN_WAIT_S, math.ceil(wait_s - waited_s)), everyone_busy)


def staffing_for(store_id: int, zone_id: int) -> Staffing:
    """Count the associates covering `zone_id` on the floor, and those with a customer."""
    rows = db.session.execute(_staffing_statement(), {"store_id": store_id}).all()
    return staffing_of(rows, zone_id)


@functools.cache
def _staffing_statement():
    """Build the staffing count once: every submission asks it before the store's lock."""
    return (select(User.availability, User.availability_zone_id, func.count())
            .where(User.home_store_id == bindparam("store_id"), User.active.is_(True),
                   User.role != Role.ADMIN,
                   User.availability.in_((Availability.ON_FLOOR, Availability.WITH_CUSTOMER)))
            .group_by(User.availability, User.availability_zone_id))


def staffing_of(groups, zone_id: int) -> Staffing:
    """Count `free` and `busy` (see the module) among (availability, zone id, how many)
    groups of associates."""
    on_floor: dict[int | None, int] = {}
    busy = 0
    for availability, zone, count in groups:
        if availability is Availability.ON_FLOOR:
            on_floor[zone] = on_floor.get(zone, 0) + count
        elif availability is Availability.WITH_CUSTOMER:
            busy += count
    covering = on_floor.get(zone_id, 0) + on_floor.get(None, 0)
    return Staffing(free=covering or sum(on_floor.values()), busy=busy)


def covered(store_id: int, zone_id: int) -> bool:
    """Tell whether anyone is working who would take a request of `zone_id` (see module)."""
    staffing = staffing_for(store_id, zone_id)
    return staffing.free + staffing.busy > 0


def recent_pace(store: Store, *, now: datetime) -> tuple[float, float]:
    """Return the medians (seconds) of acknowledging and of handling, last two hours."""
    rows = db.session.execute(
        select(HelpRequest.requested_at, HelpRequest.acknowledged_at, HelpRequest.resolved_at)
        .where(HelpRequest.store_id == store.id, HelpRequest.acknowledged_at.is_not(None),
               HelpRequest.acknowledged_at <= now,
               HelpRequest.requested_at >= now - PACE_WINDOW,
               HelpRequest.requested_at <= now)
        .order_by(HelpRequest.requested_at.desc()).limit(PACE_SAMPLE)).all()
    return pace_of(rows, now=now, target_s=store.acknowledge_target_s)


def pace_of(rows, *, now: datetime, target_s: float) -> tuple[float, float]:
    """Return the medians of acknowledging and of handling among (requested, acknowledged,
    resolved) rows, newest first, as `recent_pace` reads them; a resolve after `now` is
    not known yet."""
    acknowledge = [(row[1] - row[0]).total_seconds() for row in rows]
    handle = [(row[2] - row[1]).total_seconds()
              for row in rows if row[2] is not None and row[2] <= now]
    return (statistics.median(acknowledge) if acknowledge else target_s,
            statistics.median(handle) if handle else DEFAULT_HANDLE_S)
