"""A week's planned shifts against the need Erlang C measures, hour by local hour.

For every local hour of the planned week (167 on the spring-forward week, 169 on the
fall-back one): how many associates the shifts put on the floor (time-weighted, so a
shift ending at half past counts half), how many the measured (weekday, hour) cell
says are needed, and what the gap costs: Erlang C's expected wait and share answered
within the acknowledge target with the whole associates planned for the full hour
(the time-weighted count rounded down) against the same with the number needed. For
hours already past, the associates actually on the floor (from the availability
events) stand beside the plan.
"""

import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from floorapp.models import Store
from floorapp.services.core.times import iso
from floorapp.services.metrics import erlang, floor_time
from floorapp.services.metrics.periods import Period, local_today, parse_bounded_date
from floorapp.services.metrics.staffing import hour_slots, hours_by_slot
from floorapp.services.org import shifts
from floorapp.services.org.shift_times import next_week, week_of

EPSILON = 1e-9  # 3 associates for 3 × 20 minutes each is 2.9999…, still 3 whole


def plan_against_need(store: Store, monday: date, need: dict,
                      now: datetime | None = None) -> dict:
    """Return each local hour of the week from `monday`: planned, needed, on floor, cost."""
    now = now or datetime.now(UTC)
    period = Period(monday, monday + timedelta(days=6), store.timezone)
    slots = hour_slots(period)
    planned = hours_by_slot(slots, _planned_intervals(store, period))
    present = hours_by_slot(slots, floor_time.floor_intervals(store.id, period)) \
        if period.start_utc < now else {}
    cells = {(cell["weekday"], cell["hour"]): cell for cell in need["cells"]}
    zone = ZoneInfo(store.timezone)
    hours = [_hour(start, start.astimezone(zone), planned.get(index, 0.0),
                   present.get(index, 0.0) if start < now else None,
                   cells[(weekday, hour)], store.acknowledge_target_s)
             for index, (start, weekday, hour) in enumerate(slots)]
    short = [row for row in hours if row["short"]]
    grid = defaultdict(list)  # (weekday, hour): one row, or two for the repeated 1 a.m.
    for row in hours:
        grid[(row["weekday"], row["hour"])].append(row)
    return {"week": monday.isoformat(), "past": period.end_utc <= now,
            "started": period.start_utc < now, "hours": hours, "grid": dict(grid),
            "short_hours": len(short),
            "short_associate_hours": round(sum(row["needed"] - row["planned"]
                                               for row in short), 2)}


def plan_week(store: Store, value: str | None, now: datetime | None = None) -> date:
    """Return the Monday of the week asked for (any day of it), else of the store's next week."""
    if not value:
        return next_week(local_today(store.timezone, now))
    return week_of(parse_bounded_date(value, "plan_week"))


def plan_json(plan: dict) -> dict:
    """Return a week's plan (plan_against_need) as JSON-ready values: ISO instants, no grid."""
    hours = [{**row, "start": iso(row["start"]),
              "local": row["local"].isoformat(timespec="minutes")} for row in plan["hours"]]
    return {key: value for key, value in plan.items() if key != "grid"} | {"hours": hours}


def planned_by_cell(plan: dict) -> dict[tuple[int, int], float]:
    """Return the planned associates per (weekday, local hour), the repeated hour averaged."""
    return {key: round(sum(row["planned"] for row in rows) / len(rows), 2)
            for key, rows in plan["grid"].items()}


def _hour(start: datetime, local: datetime, planned: float, on_floor: float | None,
          cell: dict, target_s: int) -> dict:
    rate, handle = cell["arrivals_per_hour"], cell["mean_handle_s"]
    load = rate / 3600 * handle if rate and handle else 0.0
    whole = math.floor(planned + EPSILON)
    needed = cell["needed"]
    return {"start": start, "local": local, "weekday": local.weekday(), "hour": local.hour,
            "planned": round(planned, 2), "needed": needed,
            "on_floor": None if on_floor is None else round(on_floor, 2),
            "short": planned + EPSILON < needed,
            "wait_planned_s": erlang.mean_wait(whole, load, handle) if load else 0.0,
            "wait_needed_s": erlang.mean_wait(needed, load, handle) if load else 0.0,
            "share_planned": erlang.service_level(whole, load, handle, target_s) if load else 1.0,
            "share_needed": erlang.service_level(needed, load, handle, target_s) if load else 1.0}


def _planned_intervals(store: Store, period: Period) -> list[tuple[datetime, datetime]]:
    found = shifts.shifts_touching(store, period.first, period.last)
    return [shifts.instants(shift) for shift in found]
