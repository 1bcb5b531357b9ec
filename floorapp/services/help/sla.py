"""A request's SLA state: the one answer the handheld's card, the live board and the dashboard give.

A waiting request is measured against the store's acknowledge target, a claimed one
against its reach target; a request being helped has been reached.

A wait meets its target when it is at most the target: a request waiting exactly its
target is on time on every surface. The dashboard reads durations from epoch seconds,
which carry float noise below the millisecond (services/metrics/request_rows.py), so
"at most" allows half a millisecond, the precision both databases keep.

"Due soon" starts at three quarters of the target (inclusive), so the floor is warned
before the target is missed.
"""

import enum
from datetime import datetime

from floorapp.models import Status, Store

DUE_SOON = 0.75  # the share of a target at which a wait becomes due soon
TOLERANCE_S = 0.0005  # half a millisecond: float noise, not a late customer


class SlaState(enum.StrEnum):
    """Where an open request stands against its target; also its CSS class (sla-<value>)."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    REACHED = "reached"  # with the customer: no target is running


def within(seconds: float, target_s: float) -> bool:
    """Tell whether a duration meets a target, to the millisecond both databases keep."""
    return seconds <= target_s + TOLERANCE_S


def sla_state(wait_s: float, target_s: float | None) -> SlaState:
    """Return the state of a wait against a target (REACHED when no target runs)."""
    if target_s is None:
        return SlaState.REACHED
    if not within(wait_s, target_s):
        return SlaState.OVERDUE
    return SlaState.DUE_SOON if wait_s >= DUE_SOON * target_s else SlaState.ON_TIME


def target_for(store: Store, status: Status) -> int | None:
    """Return the target an open request in `status` runs against (None once reached)."""
    return {Status.WAITING: store.acknowledge_target_s,
            Status.CLAIMED: store.reach_target_s}.get(status)


def waited_s(requested_at: datetime, now: datetime) -> int:
    """Return the whole seconds since a request was made (0 if the clocks disagree)."""
    return max(0, int((now - requested_at).total_seconds()))
