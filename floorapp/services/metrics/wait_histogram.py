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

A row stores a histogram as bytes: one 4-byte record (bucket and count as uint16,
little-endian) per bucket that has counts (a larger count takes several records).
Records of many rows concatenated are still a valid histogram, so the database
concatenates them while it sums the rest (`string_agg` on PostgreSQL, `group_concat` of
hex on SQLite) and one numpy `bincount` merges them: merging costs C time per record,
not Python time per bucket, which lets the chain's view read 800 stores × 30 days in
one statement.
"""

import functools
import math
from collections.abc import Iterable

import numpy as np

EXACT_BELOW_S = 100
RATIO = 1.02
GEOMETRIC_BUCKETS = 342
BUCKETS = EXACT_BELOW_S + GEOMETRIC_BUCKETS + 1  # the last one is the overflow
OVERFLOW = BUCKETS - 1
_LOG_RATIO = math.log(RATIO)
MIDDLE_SHARE = math.sqrt(RATIO)
RECORD = np.dtype([("bucket", "<u2"), ("count", "<u2")])
RECORD_MAX = 65_535


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


def counts_of(waits: Iterable[float]) -> np.ndarray:
    """Return the dense bucket counts (BUCKETS integers) of some waits."""
    counts = np.zeros(BUCKETS, dtype=np.int64)
    for seconds in waits:
        counts[bucket_of(seconds)] += 1
    return counts


def encode(counts: np.ndarray) -> bytes:
    """Return the stored form of dense counts: a record per bucket that has some.

    A count above a record's 65,535 is written as several records of one bucket, which
    add up like any others.
    """
    buckets = np.flatnonzero(counts)
    values = counts[buckets]
    if len(values) and values.max() > RECORD_MAX:
        pieces = -(-values // RECORD_MAX)  # records per bucket
        buckets = np.repeat(buckets, pieces)
        values = np.concatenate([[RECORD_MAX] * (n - 1) + [v - RECORD_MAX * (n - 1)]
                                 for n, v in zip(pieces, values, strict=True)])
    records = np.empty(len(buckets), dtype=RECORD)
    records["bucket"], records["count"] = buckets, values
    return records.tobytes()


def as_bytes(stored: bytes | memoryview | None) -> bytes:
    """Return a stored histogram (or a concatenation) as bytes."""
    return bytes(stored) if stored else b""


def decode(stored: bytes) -> np.ndarray:
    """Return the dense counts of stored records (concatenated ones merge: counts add)."""
    return decode_many([stored])[0]


def decode_many(stored: list[bytes]) -> np.ndarray:
    """Return the dense counts of several stored histograms at once, one row each.

    One bincount over every record, offset by its histogram's row, instead of one call
    per histogram: the chain's view merges 800 stores' histograms this way.
    """
    pairs = np.frombuffer(b"".join(stored), dtype="<u2").reshape(-1, 2)  # RECORD's fields
    records = np.fromiter(map(len, stored), dtype=np.int64, count=len(stored)) // RECORD.itemsize
    index = np.repeat(np.arange(0, len(stored) * BUCKETS, BUCKETS, dtype=np.int64), records)
    index += pairs[:, 0]  # each record's bucket, in its histogram's row
    flat = np.bincount(index, weights=pairs[:, 1], minlength=len(stored) * BUCKETS)
    return flat.astype(np.int64).reshape(len(stored), BUCKETS)


@functools.cache
def _middles() -> np.ndarray:
    """Return the wait each bucket stands for, as an array (made once)."""
    return np.array([middle(bucket) for bucket in range(BUCKETS)])


def percentile(counts: np.ndarray, p: float, maximum: float | None = None) -> float | None:
    """Return the nearest-rank p-th percentile from dense counts (None when empty)."""
    return percentiles(counts, (p,), maximum)[0]


def percentiles(counts: np.ndarray, ps: tuple[float, ...],
                maximum: float | None = None) -> list[float | None]:
    """Return several nearest-rank percentiles from dense counts at once (None when empty)."""
    return capped(percentiles_of_rows(counts[np.newaxis], ps)[0], maximum)


def capped(values: list[float | None], maximum: float | None) -> list[float | None]:
    """Return percentiles no larger than the exact longest wait (a bucket's middle can be)."""
    if maximum is None:
        return list(values)
    return [value if value is None else min(value, maximum) for value in values]


def percentiles_of_rows(counts: np.ndarray, ps: tuple[float, ...]) -> list[list[float | None]]:
    """Return nearest-rank percentiles of each row of dense counts (None for an empty row).

    Uncapped (see `capped`); `percentiles` is one row of it. Every row is counted in a
    few array operations: the chain's view asks for 800 stores' waits, and one call per
    store cost more than the statement that read them.
    """
    cumulative = np.cumsum(counts, axis=1)
    totals = cumulative[:, -1]
    found = []
    for p in ps:
        ranks = np.maximum(1, np.ceil(p / 100 * totals))
        below = (cumulative < ranks[:, None]).sum(axis=1)  # searchsorted, row by row
        found.append(_middles()[np.minimum(below, OVERFLOW)].tolist())  # empty rows: None
    return [[None if not total else value for value in values]
            for total, values in zip(totals.tolist(), zip(*found, strict=True), strict=True)]


def kaplan_meier_median(events: np.ndarray, censored: np.ndarray) -> float | None:
    """Return the Kaplan–Meier median from bucketed events and censorings (stats.py's rule).

    Within a bucket, events count before censorings, as at a tie in stats.py, so a
    bucket's e events among n at risk multiply the survival by (n − e) / n; the answer
    is a bucket's middle and carries the histogram's error.
    """
    leaving = events + censored
    at_risk = int(leaving.sum()) - np.concatenate(([0], np.cumsum(leaving)[:-1]))
    factors = np.where(at_risk > 0, (at_risk - events) / np.maximum(at_risk, 1), 1.0)
    below = np.flatnonzero((np.cumprod(factors) <= 0.5 + 1e-12) & (events > 0))
    return float(_middles()[below[0]]) if len(below) else None
