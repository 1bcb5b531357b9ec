"""A mergeable histogram of waits: fixed buckets, so two histograms merge by adding counts.

The roll-ups (models/rollups.py) keep one per figure and row, so the waits of any set of
stores over any range are the sum of small rows. The buckets:

- exact seconds below 100 s: bucket k holds [k, k + 1) (a negative wait, clock skew,
  goes to bucket 0);
- from 100 s on, geometric buckets 2 % wide: bucket 100 + i holds
  [100 · 1.02^i, 100 · 1.02^(i+1)), up to bucket 441 (about 24 hours);
- the last bucket, 442, holds everything longer (no wait lasts that long: requests
  expire after 30 minutes).

A percentile is the nearest-rank percentile of services/metrics/stats.py taken on the
buckets: the bucket that holds the value at rank ceil(p/100 · n), reported as its
middle (k + 0.5 below 100 s, the geometric middle above) and never above the exact
maximum the row also keeps. The documented error, against the exact percentile of the
same waits: at most 0.5 s below 100 s and at most 1 % of the exact value above it
(sqrt(1.02) − 1 = 0.995 %), before both are rounded to the 0.1 s the dashboards show;
only the overflow bucket has no bound. tests/services/metrics/test_rollup_accuracy.py
holds the roll-ups to it.

A row stores a histogram as compact JSON text, `[[bucket, …], [count, …]]` with only
the buckets that have counts, which both databases keep as plain text and Python reads
with one C call.
"""

import json
import math
from collections.abc import Iterable

EXACT_BELOW_S = 100
RATIO = 1.02
GEOMETRIC_BUCKETS = 342
BUCKETS = EXACT_BELOW_S + GEOMETRIC_BUCKETS + 1  # the last one is the overflow
OVERFLOW = BUCKETS - 1
_LOG_RATIO = math.log(RATIO)
MIDDLE_SHARE = math.sqrt(RATIO)


def bucket_of(seconds: float) -> int:
    """Return the bucket a wait of `seconds` falls in."""
    if seconds < EXACT_BELOW_S:
        return max(0, int(seconds))
    index = EXACT_BELOW_S + int(math.log(seconds / EXACT_BELOW_S) / _LOG_RATIO)
    return min(index, OVERFLOW)


def lower_edge(bucket: int) -> float:
    """Return the smallest wait bucket `bucket` holds."""
    if bucket < EXACT_BELOW_S:
        return float(bucket)
    return EXACT_BELOW_S * RATIO ** (bucket - EXACT_BELOW_S)


def middle(bucket: int) -> float:
    """Return the wait a bucket stands for: its middle (the lower edge of the overflow)."""
    if bucket < EXACT_BELOW_S:
        return bucket + 0.5
    if bucket == OVERFLOW:
        return lower_edge(bucket)
    return lower_edge(bucket) * MIDDLE_SHARE


def counts_of(waits: Iterable[float]) -> list[int]:
    """Return the dense bucket counts (a list of BUCKETS ints) of some waits."""
    counts = [0] * BUCKETS
    for seconds in waits:
        counts[bucket_of(seconds)] += 1
    return counts


def empty() -> list[int]:
    """Return dense counts with nothing in them, to merge rows into."""
    return [0] * BUCKETS


def encode(counts: list[int]) -> str:
    """Return the compact text of dense counts (only the buckets that have some)."""
    buckets = [index for index, count in enumerate(counts) if count]
    return json.dumps([buckets, [counts[index] for index in buckets]], separators=(",", ":"))


def merge_into(counts: list[int], text: str | None) -> None:
    """Add a stored histogram's counts to dense `counts` in place (merge = add counts)."""
    if not text:
        return
    buckets, values = json.loads(text)
    for index, count in zip(buckets, values, strict=True):
        counts[index] += count


def add(counts: list[int], other: list[int]) -> None:
    """Add dense `other` to dense `counts` in place."""
    for index, count in enumerate(other):
        if count:
            counts[index] += count


def percentile(counts: list[int], p: float, maximum: float | None = None) -> float | None:
    """Return the nearest-rank p-th percentile from dense counts (None when empty)."""
    total = sum(counts)
    if not total:
        return None
    rank, seen = max(1, math.ceil(p / 100 * total)), 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            value = middle(index)
            return value if maximum is None else min(value, maximum)
    return None  # unreachable: the ranks end at the total


def kaplan_meier_median(events: list[int], censored: list[int]) -> float | None:
    """Return the Kaplan–Meier median from bucketed events and censorings (stats.py's rule).

    Within a bucket, events count before censorings, as at a tie in stats.py; the
    answer is a bucket's middle, so it carries the histogram's error.
    """
    at_risk, survival = sum(events) + sum(censored), 1.0
    for index in range(BUCKETS):
        for _ in range(events[index]):
            survival *= (at_risk - 1) / at_risk
            at_risk -= 1
            if survival <= 0.5 + 1e-12:
                return middle(index)
        at_risk -= censored[index]
    return None
