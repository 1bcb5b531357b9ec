"""One simulated store day: each request's path through the state machine, then availability.

See history_sim for the model. A request's times only ever move forward (every step adds
a positive duration), and a walk-away closes it before anything later happens, so the
events of each request form a legal path of the state machine (the MOVES of
floorapp/services/help/moves.py) with non-decreasing timestamps.
"""

import random
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from floorapp.demo.history_sim import (
    BASE_PER_HOUR,
    BREAK_S,
    COMMENTS,
    EXPIRE_AFTER_S,
    HANDLE_MEDIAN_S,
    NEEDS,
    OUTCOMES,
    PRODUCTS,
    RATED_SHARE,
    RELEASE_SHARE,
    SIZES,
    ZONE_SPEED,
    Day,
    Served,
    Shift,
    StoreSpec,
    hourly_rate,
    local_time,
    lognormal,
    opening_hours,
    plan_shifts,
    poisson,
    public_token,
    weighted,
)

ZONE_WEIGHTS = (1.3, 1.0, 0.8, 1.1, 1.2)


@dataclass
class Plan:
    """When things would happen to one request if the customer waited."""

    claims: list[tuple[float, Shift]]
    release_at: float | None
    reached: float
    close: tuple[str, float] | None  # ("cancelled" | "expired", at) for a walk-away


def simulate_day(spec: StoreSpec, day: date, rng: random.Random, *, scale: float,
                 stamp, next_request_id: int) -> Day:
    """Simulate one local day of a store and return its rows (ids of requests given)."""
    zone = ZoneInfo(spec.timezone)
    rows = Day(spec=spec, stamp=stamp)
    shifts = plan_shifts(rng, spec, day, zone)
    arrivals = []
    for hour in opening_hours(day):
        start, rate = local_time(day, hour, zone), hourly_rate(day, hour)
        arrivals += [(start + rng.uniform(0, 3600), rate / BASE_PER_HOUR)
                     for _ in range(poisson(rng, rate * scale))]
    arrivals.sort()
    weights = [ZONE_WEIGHTS[i % len(ZONE_WEIGHTS)] for i in range(len(spec.zones))]
    for offset, (at, load) in enumerate(arrivals):
        zone_index = rng.choices(range(len(spec.zones)), weights=weights)[0]
        simulate_request(rows, rng, shifts, next_request_id + offset, at, load, zone_index)
    for shift in shifts:
        availability_events(rows, rng, shift)
    return rows


def simulate_request(rows: Day, rng: random.Random, shifts: list[Shift], request_id: int,
                     at: float, load: float, zone_index: int) -> None:
    """Add one request, its events, and perhaps its feedback, to the day's rows."""
    zone_id, sign_id = rows.spec.zones[zone_index]
    speed = ZONE_SPEED[zone_index % len(ZONE_SPEED)] * (0.6 + 0.4 * load)
    need = weighted(rng, NEEDS)
    plan = plan_request(rng, shifts, at, speed)
    rows.event(at, request_id, "requested", None, None, "waiting", {"zone_id": zone_id})
    level, escalated_at = escalate(rows, request_id, at, plan)
    state = run_claims(rows, request_id, plan)
    if plan.close:
        status, fields = close_request(rows, request_id, plan, state)
    else:
        status, fields = resolve_request(rows, rng, request_id, at, need, plan)
    product, size = ("", "")
    if need == "find_size" and rng.random() < 0.7:
        product, size = rng.choice(PRODUCTS), rng.choice(SIZES)
    stamp = rows.stamp
    rows.requests.append((
        request_id, rows.spec.store_id, zone_id, sign_id, public_token(rng), need, product,
        size, None, None, "", "es" if rng.random() < 0.2 else "en", status, stamp(at),
        _stamp_or_none(stamp, state["acknowledged"]), _stamp_or_none(stamp, fields["reached"]),
        _stamp_or_none(stamp, fields["resolved"]), _stamp_or_none(stamp, fields["closed"]),
        fields["holder"], fields["outcome"], level, _stamp_or_none(stamp, escalated_at)))
    if status == "resolved":
        rows.served.append(Served(request_id, len(rows.requests) - 1, need, fields["outcome"],
                                  fields["holder"], fields["reached"], fields["resolved"]))


def plan_request(rng: random.Random, shifts: list[Shift], at: float, speed: float) -> Plan:
    """Decide who claims when, whether they release it, when the customer is reached."""
    first = free_first(shifts, at)
    claim = max(at + lognormal(rng, 20 * speed, 0.6), first.free_at + rng.uniform(5, 30))
    claims, release_at = [(claim, first)], None
    others = [shift for shift in shifts if shift is not first]
    if others and rng.random() < RELEASE_SHARE:
        release_at = claim + rng.uniform(30, 150)
        second = free_first(others, release_at)
        claims.append((max(release_at + lognormal(rng, 20 * speed, 0.6),
                           second.free_at + rng.uniform(5, 30)), second))
    reached = claims[-1][0] + lognormal(rng, 60 * speed, 0.5)
    wait = reached - at
    close = None
    if wait > EXPIRE_AFTER_S:
        close = ("expired", at + EXPIRE_AFTER_S)
    elif rng.random() < 0.04 + 0.06 * min(1.0, wait / 600):
        close = ("cancelled", at + rng.uniform(0.25, 0.95) * wait)
    return Plan(claims=claims, release_at=release_at, reached=reached, close=close)


def free_first(shifts: list[Shift], at: float) -> Shift:
    """Return the associate on the floor who is free soonest (else anyone on shift)."""
    pool = ([s for s in shifts if s.on_floor(at)] or [s for s in shifts if s.end > at]
            or shifts)
    return min(pool, key=lambda shift: shift.free_at)


def escalate(rows: Day, request_id: int, at: float, plan: Plan) -> tuple[int, float | None]:
    """Log the escalations of a request still unclaimed past the target (and twice it)."""
    horizon = plan.claims[0][0]
    if plan.close:
        horizon = min(horizon, plan.close[1])
    target = rows.spec.acknowledge_target_s
    level, last = 0, None
    for next_level in (1, 2):
        when = at + target * next_level
        if when >= horizon:
            break
        rows.event(when, request_id, "escalated", None, "waiting", "waiting",
                   {"level": next_level})
        level, last = next_level, when
    return level, last


def run_claims(rows: Day, request_id: int, plan: Plan) -> dict:
    """Log the claims (and a release) that happen before any walk-away."""
    close_at = plan.close[1] if plan.close else float("inf")
    state = {"status": "waiting", "acknowledged": None, "holder": None, "since": None}
    for index, (claim_at, shift) in enumerate(plan.claims):
        if claim_at >= close_at:
            break
        rows.event(claim_at, request_id, "claimed", shift.associate, "waiting", "claimed",
                   {"associate_id": shift.associate})
        state.update(status="claimed", holder=shift, since=claim_at)
        state["acknowledged"] = state["acknowledged"] or claim_at
        if index == 0 and plan.release_at is not None:
            if plan.release_at >= close_at:
                break
            rows.event(plan.release_at, request_id, "released", shift.associate, "claimed",
                       "waiting", {})
            _busy(shift, claim_at, plan.release_at)
            state.update(status="waiting", holder=None, since=None)
    return state


def close_request(rows: Day, request_id: int, plan: Plan, state: dict) -> tuple[str, dict]:
    """Log a walk-away: the customer cancelled, or nobody reached them in time."""
    kind, at = plan.close
    rows.event(at, request_id, kind, None, state["status"], kind, {})
    holder = state["holder"]
    if holder is not None:
        _busy(holder, state["since"], at)
    return kind, {"reached": None, "resolved": None, "closed": at,
                  "holder": holder.associate if holder else None, "outcome": None}


def resolve_request(rows: Day, rng: random.Random, request_id: int, at: float, need: str,
                    plan: Plan) -> tuple[str, dict]:
    """Log the arrival and the outcome, and perhaps the customer's rating."""
    claim_at, holder = plan.claims[-1]
    rows.event(plan.reached, request_id, "arrived", holder.associate, "claimed", "helping", {})
    resolved = plan.reached + lognormal(rng, HANDLE_MEDIAN_S[need], 0.6)
    outcome = weighted(rng, OUTCOMES)
    rows.event(resolved, request_id, "resolved", holder.associate, "helping", "resolved",
               {"outcome": outcome})
    _busy(holder, claim_at, resolved)
    if rng.random() < RATED_SHARE:
        rate(rows, rng, request_id, plan.reached - at, resolved, outcome)
    return "resolved", {"reached": plan.reached, "resolved": resolved, "closed": None,
                        "holder": holder.associate, "outcome": outcome}


def rate(rows: Day, rng: random.Random, request_id: int, waited: float, resolved: float,
         outcome: str) -> None:
    """Add a rating (worse after long waits or no stock), sometimes with a comment."""
    target = rows.spec.reach_target_s
    rating = 5 - (waited > target) - (waited > 2 * target) - (outcome == "out_of_stock")
    rating += (rng.random() < 0.1) - (rng.random() < 0.25)
    rating = min(5, max(1, rating))
    comment = rng.choice(COMMENTS[rating]) if rng.random() < 0.3 else ""
    at = resolved + rng.uniform(30, 900)
    rows.feedback.append((request_id, rating, comment, rows.stamp(at)))
    rows.event(at, request_id, "rated", None, "resolved", "resolved", {"rating": rating})


def availability_events(rows: Day, rng: random.Random, shift: Shift) -> None:
    """Log an associate's availability changes from their shift, break and customers."""
    points = [(shift.start, 0, 1), (shift.end, 0, -1), (shift.break_start, 1, 1),
              (shift.break_start + BREAK_S, 1, -1)]
    points += [p for start, end in shift.busy for p in ((start, 2, 1), (end, 2, -1))]
    points.sort()
    counts, status = [0, 0, 0], "off"
    for index, (at, which, delta) in enumerate(points):
        counts[which] += delta
        if index + 1 < len(points) and points[index + 1][0] == at:
            continue  # apply every change of one instant before looking
        new = _status(counts)
        if new != status:
            idle = new == "off" and rng.random() < 0.1  # the system logged an idle one off
            rows.event(at, None, "availability", None if idle else shift.associate,
                       status, new, {"zone_id": None}, subject=shift.associate)
            status = new


def _status(counts: list[int]) -> str:
    on_shift, on_break, busy = counts
    if busy > 0:
        return "with_customer"
    if on_shift > 0:
        return "on_break" if on_break > 0 else "on_floor"
    return "off"


def _busy(shift: Shift, start: float, end: float) -> None:
    shift.busy.append((start, end))
    shift.free_at = max(shift.free_at, end)


def _stamp_or_none(stamp, at: float | None):
    return None if at is None else stamp(at)
