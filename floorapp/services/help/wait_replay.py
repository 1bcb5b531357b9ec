"""A store's history replayed through the wait model: how far "about N min" was from the truth.

For each request sent in the period, the model (services/help/wait_estimate.py `model`)
is applied to the state the store was in the moment it was sent, rebuilt from the event
log alone: who was on the floor or with a customer (availability events), which requests
were waiting (each request's status after its latest event), and the recent pace (the
requests of the two hours before, acknowledged and resolved by then). That is the figure
the sign page showed (`before_asking`). It is compared with the request's actual time to
acknowledge; a request nobody acknowledged (a walk-away, a cancel) has no truth to compare
and is counted apart, as are requests sent while nobody was working (no figure shown).
"""

import bisect
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Availability, Event, EventKind, HelpRequest, Status, Store
from floorapp.services.help import wait_estimate
from floorapp.services.metrics import stats

REQUEST_KINDS = (EventKind.REQUESTED, EventKind.CLAIMED, EventKind.RELEASED,
                 EventKind.HANDED_OFF, EventKind.ARRIVED, EventKind.RESOLVED,
                 EventKind.CANCELLED, EventKind.EXPIRED)


@dataclass(frozen=True)
class ReplayReport:
    """How the estimates shown at submit compared with the waits that followed."""

    requests: int
    compared: int
    unacknowledged: int
    no_figure: int
    median_abs_error_s: float | None
    p90_abs_error_s: float | None
    median_actual_s: float | None
    within_a_minute: float | None  # the share of estimates within 60 s of the truth


@dataclass(frozen=True)
class _Asked:
    requested_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class Replayed:
    """One request: the estimate the sign showed as it was sent, and the wait that followed."""

    request_id: int
    shown: wait_estimate.WaitEstimate
    acknowledged_s: float | None


def replay(store: Store, start: datetime, end: datetime) -> ReplayReport:
    """Replay the requests `store` received in [start, end) and sum up (see the module)."""
    rows = replayed(store, start, end)
    compared = [row for row in rows
                if row.shown.seconds is not None and row.acknowledged_s is not None]
    errors = sorted(abs(row.shown.seconds - row.acknowledged_s) for row in compared)
    return ReplayReport(
        requests=len(rows), compared=len(compared),
        unacknowledged=sum(row.acknowledged_s is None for row in rows),
        no_figure=sum(row.shown.seconds is None for row in rows),
        median_abs_error_s=stats.median(errors), p90_abs_error_s=stats.percentile(errors, 90),
        median_actual_s=stats.median(row.acknowledged_s for row in compared),
        within_a_minute=stats.share(sum(error <= 60 for error in errors), len(errors)))


def replayed(store: Store, start: datetime, end: datetime) -> list[Replayed]:
    """Return each request sent in [start, end) with its estimate and its actual wait."""
    asked = _requests(store.id, start - wait_estimate.PACE_WINDOW, end)
    by_time = sorted((row.requested_at, request_id) for request_id, row in asked.items())
    people: dict[int, tuple[Availability, int | None]] = {}
    waiting: set[int] = set()
    rows = []
    for event in _events(store.id, end):
        if event.kind is EventKind.AVAILABILITY:
            people[event.subject_id] = (Availability(event.to_status),
                                        (event.data or {}).get("zone_id"))
            continue
        if event.kind is EventKind.REQUESTED and event.at >= start and event.request_id in asked:
            truth = asked[event.request_id].acknowledged_at
            rows.append(Replayed(
                event.request_id, _shown(store, event, people, len(waiting), asked, by_time),
                None if truth is None else (truth - event.at).total_seconds()))
        _follow(waiting, event)
    return rows


def _shown(store: Store, event: Event, people: dict, ahead: int, asked: dict,
           by_time: list) -> wait_estimate.WaitEstimate:
    """Return what `before_asking` said the moment the request of `event` was sent."""
    zone_id = (event.data or {}).get("zone_id")
    staffing = wait_estimate.staffing_of(((availability, zone, 1) for availability, zone
                                          in people.values()), zone_id)
    low = bisect.bisect_left(by_time, (event.at - wait_estimate.PACE_WINDOW, -1))
    high = bisect.bisect_right(by_time, (event.at, float("inf")))
    recent = [asked[request_id] for _at, request_id in reversed(by_time[low:high])]
    rows = [(row.requested_at, row.acknowledged_at, row.resolved_at) for row in recent
            if row.acknowledged_at is not None and row.acknowledged_at <= event.at]
    pace_s, handle_s = wait_estimate.pace_of(rows[:wait_estimate.PACE_SAMPLE], now=event.at,
                                             target_s=store.acknowledge_target_s)
    return wait_estimate.model(staffing, ahead=ahead, pace_s=pace_s, handle_s=handle_s,
                               waited_s=0)


def _follow(waiting: set[int], event: Event) -> None:
    """Keep the set of waiting requests up to date with a request's event."""
    if event.request_id is None or event.kind not in REQUEST_KINDS:
        return
    if event.to_status == Status.WAITING.value:
        waiting.add(event.request_id)
    else:
        waiting.discard(event.request_id)


def _requests(store_id: int, since: datetime, until: datetime) -> dict[int, _Asked]:
    rows = db.session.execute(
        select(HelpRequest.id, HelpRequest.requested_at, HelpRequest.acknowledged_at,
               HelpRequest.resolved_at)
        .where(HelpRequest.store_id == store_id, HelpRequest.requested_at >= since,
               HelpRequest.requested_at < until))
    return {row.id: _Asked(row.requested_at, row.acknowledged_at, row.resolved_at)
            for row in rows}


def _events(store_id: int, until: datetime):
    """The store's request and availability events before `until`, in the log's order."""
    return db.session.execute(
        select(Event).where(Event.store_id == store_id, Event.at < until,
                            Event.kind.in_((*REQUEST_KINDS, EventKind.AVAILABILITY)))
        .order_by(Event.at, Event.id).execution_options(yield_per=2000)).scalars()


def describe(report: ReplayReport) -> str:
    """Say a replay's figures in a sentence or two (the CLI's and the benchmark's)."""
    if not report.compared:
        return f"{report.requests} requests, none acknowledged with an estimate to compare."
    return (f"{report.requests} requests: {report.compared} compared, "
            f"{report.unacknowledged} never acknowledged, {report.no_figure} sent while "
            f"nobody was working. Median absolute error {report.median_abs_error_s:.0f} s "
            f"(p90 {report.p90_abs_error_s:.0f} s) against a median actual wait of "
            f"{report.median_actual_s:.0f} s; {report.within_a_minute:.0%} within a minute.")
