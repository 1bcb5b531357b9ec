"""Small, exact statistics for the dashboards: percentiles and a censored median.

Percentiles use the nearest-rank method: the p-th percentile of n sorted values is
the value at rank ceil(p/100 · n) (1-based), so it is always one of the measured
values and p50 of [10, 20, 30, 40] is 20. It needs no interpolation, so SQLite,
PostgreSQL and a person with a pencil agree on it.
"""

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """Return the nearest-rank p-th percentile of already sorted values (None if empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(values: Iterable[float]) -> dict:
    """Return count, p50, p90 and max (seconds) of durations; None figures when empty."""
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50_s": _round(percentile(ordered, 50)),
        "p90_s": _round(percentile(ordered, 90)),
        "max_s": _round(ordered[-1] if ordered else None),
    }


def median(values: Iterable[float]) -> float | None:
    """Return the nearest-rank median (None if there are no values)."""
    return _round(percentile(sorted(values), 50))


def mean(values: Iterable[float]) -> float | None:
    """Return the arithmetic mean rounded to 2 decimals (None if there are no values)."""
    values = list(values)
    return round(sum(values) / len(values), 2) if values else None


def share(hits: int, total: int) -> float | None:
    """Return hits/total rounded to 4 decimals, or None when there is nothing to divide."""
    return round(hits / total, 4) if total else None


def kaplan_meier_median(events: Iterable[float], censored: Iterable[float]) -> float | None:
    """Return the Kaplan–Meier median time to an event, with right-censored observations.

    `events` are times at which the event happened (a customer was reached);
    `censored` are times at which we stopped seeing the subject without the event
    (the customer walked away after waiting that long). The median is the first
    event time at which the estimated survival S(t) drops to 0.5 or below; None when
    it never does (more than half of the customers were never reached). At a tie,
    events count before censorings, the usual convention.
    """
    event_times, censored_times = sorted(events), sorted(censored)
    total, survival = len(event_times) + len(censored_times), 1.0
    for done, time in enumerate(event_times):
        # Still at risk: everyone whose event or censoring is not before this time.
        at_risk = total - done - bisect_left(censored_times, time)
        survival *= (at_risk - 1) / at_risk
        if survival <= 0.5 + 1e-12:
            return _round(time)
    return None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
