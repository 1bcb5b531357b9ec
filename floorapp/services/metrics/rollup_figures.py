"""The figures of a roll-up row, from requests or from other rows, with the dashboard's definitions.

One place says what each column of models/rollups.py counts, in the words of
services/metrics/figures.py `headline` and `within_target` (walk-aways are
services/metrics/request_rows.py's `is_walkaway`, "within" is services/help/sla.py's), so
the chain's figures from roll-ups are the dashboard's figures, up to the histograms'
documented error in the percentiles. `Totals` adds rows up (an hour's zones into the
day, a range's days into a store, stores into a chain): counts add, maxima take the
larger, histograms merge.
"""

from sqlalchemy import LargeBinary, cast, func, literal, null

from floorapp.extensions import db
from floorapp.models.help import OPEN_STATUSES
from floorapp.services.help.sla import within
from floorapp.services.metrics import stats
from floorapp.services.metrics import wait_histogram as histogram
from floorapp.services.metrics.request_rows import CLOSED_UNREACHED, RequestRow

OPEN = {status.value for status in OPEN_STATUSES}
COUNTS = ("requests", "open", "resolved", "cancelled", "acknowledged", "acknowledged_within",
          "reached", "reached_within", "handled", "walkaways", "walkaways_unacknowledged")
WAITS = ("acknowledge", "reach", "handle")  # each has a histogram and an exact maximum
HISTOGRAMS = (*WAITS, "walkaway")
COUNTED = {"acknowledge": "acknowledged", "reach": "reached", "handle": "handled"}


def row_figures(rows: list[RequestRow], acknowledge_target_s: int,
                reach_target_s: int) -> dict:
    """Return the column values of a roll-up row for some requests and the store's targets."""
    waits = {
        "acknowledge": [r.acknowledge_s for r in rows if r.acknowledge_s is not None],
        "reach": [r.reach_s for r in rows if r.reach_s is not None],
        "handle": [r.handle_s for r in rows if r.handle_s is not None],
        "walkaway": [r.walkaway_wait_s for r in rows if r.walkaway_wait_s is not None],
    }
    figures = {
        "requests": len(rows), "open": sum(r.status in OPEN for r in rows),
        "resolved": sum(r.resolved is not None for r in rows),
        "cancelled": sum(r.status in CLOSED_UNREACHED for r in rows),
        "acknowledged": len(waits["acknowledge"]),
        "acknowledged_within": sum(within(s, acknowledge_target_s)
                                   for s in waits["acknowledge"]),
        "reached": len(waits["reach"]),
        "reached_within": sum(within(s, reach_target_s) for s in waits["reach"]),
        "handled": len(waits["handle"]),
        "walkaways": sum(r.is_walkaway for r in rows),
        "walkaways_unacknowledged": sum(r.is_walkaway and r.acknowledged is None for r in rows),
        "acknowledge_target_s": acknowledge_target_s, "reach_target_s": reach_target_s,
    }
    for name in WAITS:
        figures[f"{name}_max_s"] = max(waits[name], default=None)
    for name in HISTOGRAMS:
        figures[f"{name}_hist"] = histogram.encode(histogram.counts_of(waits[name]))
    return figures


class Totals:
    """A running sum of roll-up rows (mappings or objects with the columns).

    A histogram is its dense counts merged so far plus the stored records added since
    (`pending`), which are decoded all at once when a figure is asked for
    (wait_histogram.decode): adding a row costs no Python loop, and adding another sum
    adds its dense counts, so sums of sums (a store's cells into its hours and zones,
    stores into a chain) decode each record once.
    """

    __slots__ = ("counts", "maxima", "pending", "_merged", "_medians_and_p90s")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(COUNTS, 0)
        self.maxima: dict[str, float | None] = dict.fromkeys(WAITS)
        self.pending: dict[str, list[bytes]] = {name: [] for name in HISTOGRAMS}
        self._merged: dict = {}  # by histogram: dense counts, never changed in place
        self._medians_and_p90s: dict = {}  # by wait, when of_rows counted them

    def add_row(self, row) -> None:
        """Add one stored row (or a row of sums and concatenations) to the totals."""
        counts = self.counts
        for name in COUNTS:
            counts[name] += getattr(row, name) or 0
        for name in WAITS:
            self._take_max(name, getattr(row, f"{name}_max_s"))
        for name in HISTOGRAMS:
            self.pending[name].append(histogram.as_bytes(getattr(row, f"{name}_hist")))
        self._medians_and_p90s.clear()

    @classmethod
    def of_rows(cls, rows) -> list["Totals"]:
        """Return one running sum per row, their histograms merged in one numpy pass.

        The same as a Totals().add_row(row) for each row, without a decode per
        histogram nor a percentile count per wait when their figures are asked for
        (wait_histogram.decode_many and percentiles_of_rows).
        """
        totals = []
        for row in rows:
            totals.append(cls())
            totals[-1].add_row(row)
        if not totals:
            return totals
        for name in HISTOGRAMS:
            merged = histogram.decode_many([b"".join(each.pending[name]) for each in totals])
            found = histogram.percentiles_of_rows(merged, (50, 90)) if name in WAITS else None
            for number, each in enumerate(totals):
                each.pending[name] = []
                each._merged[name] = merged[number]
                if found:
                    each._medians_and_p90s[name] = found[number]
        return totals

    def add_totals(self, other: "Totals") -> None:
        """Add another running sum (a store's, into the chain's)."""
        for name in COUNTS:
            self.counts[name] += other.counts[name]
        for name in WAITS:
            self._take_max(name, other.maxima[name])
        for name in HISTOGRAMS:
            self.pending[name].extend(other.pending[name])
            if name in other._merged:
                self._add_dense(name, other._merged[name])
        self._medians_and_p90s.clear()

    def _add_dense(self, name: str, counts) -> None:
        merged = self._merged.get(name)
        self._merged[name] = counts if merged is None else merged + counts

    def _take_max(self, name: str, value: float | None) -> None:
        if value is not None and (self.maxima[name] is None or value > self.maxima[name]):
            self.maxima[name] = value

    def dense(self, name: str):
        """Return the merged counts of one histogram, decoding what was added since."""
        if self.pending[name] or name not in self._merged:
            self._add_dense(name, histogram.decode(b"".join(self.pending[name])))
            self.pending[name] = []
        return self._merged[name]

    def columns(self) -> dict:
        """Return the totals as the columns of a roll-up row (targets not included)."""
        result = dict(self.counts)
        result.update({f"{name}_max_s": self.maxima[name] for name in WAITS})
        result.update({f"{name}_hist": histogram.encode(self.dense(name))
                       for name in HISTOGRAMS})
        return result

    def summary(self, name: str, *, percentiles: bool = True) -> dict:
        """Return stats.summary's shape for a wait, its percentiles from the histogram."""
        maximum = self.maxima[name]
        p50, p90 = self._median_and_p90(name) if percentiles else (None, None)
        return {"count": self.counts[COUNTED[name]], "p50_s": _round(p50),
                "p90_s": _round(p90), "max_s": _round(maximum)}

    def _median_and_p90(self, name: str) -> tuple[float | None, float | None]:
        counted = self._medians_and_p90s.get(name)
        if counted is None:
            return tuple(histogram.percentiles(self.dense(name), (50, 90), self.maxima[name]))
        return tuple(histogram.capped(counted, self.maxima[name]))

    def headline(self, *, detail: bool = True) -> dict:
        """Return figures.py `headline`'s shape (within_target without the targets).

        Without `detail`, the handling time's percentiles and the Kaplan–Meier median
        are None (the stores side by side show neither).
        """
        counts = self.counts
        reach = self.summary("reach")
        reach["km_p50_s"] = _round(histogram.kaplan_meier_median(
            self.dense("reach"), self.dense("walkaway"))) if detail else None
        return {
            "empty": not counts["requests"],
            "requests": {"total": counts["requests"], "open": counts["open"],
                         "resolved": counts["resolved"]},
            "acknowledge": self.summary("acknowledge"), "reach": reach,
            "handle": self.summary("handle", percentiles=detail),
            "within_target": {
                "acknowledge": stats.share(counts["acknowledged_within"],
                                           counts["acknowledged"]
                                           + counts["walkaways_unacknowledged"]),
                "reach": stats.share(counts["reached_within"],
                                     counts["reached"] + counts["walkaways"])},
            "walkaways": {"count": counts["walkaways"],
                          "median_wait_s": _round(histogram.percentile(self.dense("walkaway"), 50)),
                          "share": stats.share(counts["walkaways"], counts["requests"])},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summed(table, histograms: tuple[str, ...] = HISTOGRAMS) -> list:
    """Return the columns that add up roll-up rows of `table`, named as its columns.

    The database adds the counts, takes the maxima and concatenates the histograms'
    records, so a group of rows comes back as one row that `Totals.add_row` reads like a
    stored one; a histogram not in `histograms` comes back NULL (not read, not sent).
    """
    return [*(func.sum(table.c[name]).label(name) for name in COUNTS),
            *(func.max(table.c[f"{name}_max_s"]).label(f"{name}_max_s") for name in WAITS),
            *((concatenated(table.c[f"{name}_hist"]) if name in histograms else null())
              .label(f"{name}_hist") for name in HISTOGRAMS)]


def concatenated(column):
    """Return an aggregate that concatenates a bytes column.

    The records of several roll-up rows, concatenated, are one histogram (wait_histogram.py).
    SQLite's group_concat joins the blobs' bytes as they are (as text in the database's
    UTF-8, which SQLite does not check) and CAST(… AS BLOB) takes the same bytes back;
    the tests hold that on real histograms. As hex text, the chain's view spent more
    CPU on decoding its histograms than on reading them.
    """
    if db.engine.dialect.name == "postgresql":
        return func.string_agg(column, literal(b"", LargeBinary))
    return cast(func.group_concat(column, ""), LargeBinary)
