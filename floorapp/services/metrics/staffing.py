"""The staffing suggestion: for each local hour of the week, associates needed versus present.

For every (weekday, local hour) cell of the range: the measured arrival rate
(requests in that cell / number of times that local hour occurred in the range, so a
23-hour day contributes no 2 a.m. and a 25-hour day two 1 a.m.s), the mean handling
time (claimed → resolved: the associate is busy from the claim), the associates needed
by Erlang C to acknowledge `target_share` of requests within the store's acknowledge
target, and the time-weighted mean number of associates actually on the floor (on
floor or with a customer, from the availability events).
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from floorapp.errors import InvalidInput
from floorapp.models import Store
from floorapp.services.metrics import erlang, floor_time, stats
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import fetch_rows

DEFAULT_TARGET_SHARE = 0.9
HOUR = timedelta(hours=1)


def parse_target_share(value: object) -> float:
    """Return a share strictly between 0 and 1 (default 0.9), or raise InvalidInput."""
    if value is None or str(value).strip() == "":
        return DEFAULT_TARGET_SHARE
    try:
        share = float(str(value).strip())
    except ValueError:
        raise InvalidInput(f"target_share {str(value)[:20]!r} is not a number.") from None
    if not 0 < share < 1:
        raise InvalidInput("target_share must be between 0 and 1 (exclusive), e.g. 0.9.")
    return share


def hour_slots(period: Period) -> list[tuple[datetime, int, int]]:
    """Return (UTC start, weekday, local hour) of every local hour in the period."""
    zone = ZoneInfo(period.timezone)
    slots, start, end = [], period.start_utc, period.end_utc
    while start < end:
        local = start.astimezone(zone)
        slots.append((start, local.weekday(), local.hour))
        start += HOUR
    return slots


def staffing(store: Store, period: Period, target_share: float = DEFAULT_TARGET_SHARE) -> dict:
    """Return the 168 cells of the week with arrivals, handling, needed and present."""
    rows = fetch_rows(store.id, period)
    slots = hour_slots(period)
    occurrences = defaultdict(int)
    for _, weekday, hour in slots:
        occurrences[(weekday, hour)] += 1
    arrivals, busy = defaultdict(int), defaultdict(list)
    for row in rows:
        key = (row.local.weekday(), row.local.hour)
        arrivals[key] += 1
        if row.busy_s is not None:
            busy[key].append(row.busy_s)
    overall_handle = stats.mean(value for values in busy.values() for value in values)
    present = on_floor_by_cell(store, period, slots)
    cells = [_cell(store, (day, hour), occurrences, arrivals, busy, present, overall_handle,
                   target_share) for day in range(7) for hour in range(24)]
    return {"range": period.as_dict(), "target_share": target_share,
            "acknowledge_target_s": store.acknowledge_target_s,
            "mean_handle_s": overall_handle, "empty": not rows, "cells": cells}


def _cell(store, key, occurrences, arrivals, busy, present, overall_handle, share) -> dict:
    seen = occurrences.get(key, 0)
    rate = arrivals[key] / seen if seen else 0.0
    handle = stats.mean(busy[key]) or overall_handle
    needed = (erlang.servers_needed(rate / 3600, handle, store.acknowledge_target_s, share)
              if rate and handle else 0)
    return {"weekday": key[0], "hour": key[1], "hours_in_range": seen,
            "arrivals": arrivals[key], "arrivals_per_hour": round(rate, 2),
            "mean_handle_s": handle if arrivals[key] else None,
            "needed": needed,
            "on_floor": round(present[key] / seen, 2) if seen else None}


def on_floor_by_cell(store: Store, period: Period, slots) -> dict:
    """Return associate-hours on the floor per (weekday, hour) cell of the period."""
    totals = defaultdict(float)
    for index, hours in hours_by_slot(slots, floor_time.floor_intervals(store.id, period)).items():
        totals[(slots[index][1], slots[index][2])] += hours
    return totals


def hours_by_slot(slots, intervals) -> dict[int, float]:
    """Return, per index of `slots`, the hours of the (start, end) intervals inside that slot."""
    starts = [slot[0] for slot in slots]
    totals = defaultdict(float)
    for begin, end in intervals:
        index = max(0, bisect_right(starts, begin) - 1)
        while index < len(slots) and starts[index] < end:
            overlap = min(end, starts[index] + HOUR) - max(begin, starts[index])
            if overlap.total_seconds() > 0:
                totals[index] += overlap.total_seconds() / 3600
            index += 1
    return totals
