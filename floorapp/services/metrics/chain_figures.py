"""Headline figures of a set of stores side by side, and their total, from the daily roll-ups.

The chain's view (and a region's) reads one statement over `rollup_days` whatever the
history's length, instead of every request of every store.
The figures are figures.py `headline`'s, with the same definitions
(services/metrics/rollup_figures.py); the percentiles come from mergeable histograms
and are within services/metrics/wait_histogram.py's documented error (0.5 s below
100 s, 1 % above), the counts, shares and maxima are exact. The roll-ups trail the
requests by up to a minute and a tick (services/metrics/rollup_upkeep.py).
"""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import and_, func, null, or_, select

from floorapp.extensions import db
from floorapp.models import RollupDay, Store
from floorapp.services.metrics.figures import store_header
from floorapp.services.metrics.periods import Period, chosen_period
from floorapp.services.metrics.rollup_figures import (
    COUNTS,
    HISTOGRAMS,
    WAITS,
    Totals,
    concatenated,
)


def compare_stores_rolled(stores: list[Store], *, choice: str | None, first: str | None,
                          last: str | None, now: datetime | None = None,
                          detail: bool = False) -> dict:
    """Return each store's headline figures for the same local dates, and the stores' total.

    Each store's range is its own local days (a preset ends on its own today). The
    handling time's percentiles and the Kaplan–Meier median are None unless `detail`
    (the side-by-side page shows neither, and the handling histogram is the widest to
    read); the handling count and longest are always there. Raises InvalidInput for a
    range the dashboards refuse.
    """
    periods = {store.id: chosen_period(choice, first, last, store.timezone, now)
               for store in stores}
    totals = _totals_by_store(periods, HISTOGRAMS if detail else
                              tuple(name for name in HISTOGRAMS if name != "handle"))
    rows, chain = [], Totals()
    for store in stores:
        total = totals.get(store.id) or Totals()
        chain.add_totals(total)
        rows.append({"store": store_header(store), "range": periods[store.id].as_dict(),
                     **_headline(total, store, detail)})
    return {"stores": rows, "total": {"stores": len(stores), **_headline(chain, None, detail)}}


def _headline(total: Totals, store: Store | None, detail: bool) -> dict:
    figures = total.headline(detail=detail)
    figures["within_target"].update(
        acknowledge_target_s=store.acknowledge_target_s if store else None,
        reach_target_s=store.reach_target_s if store else None)
    return figures


def _totals_by_store(periods: dict[int, Period], histograms: tuple[str, ...]
                     ) -> dict[int, Totals]:
    """Sum the day rows of every store over its period, in one grouped statement.

    The database adds the counts, takes the maxima and concatenates the histograms'
    records (wait_histogram.py), so one row per store comes back, whatever the range.
    """
    if not periods:
        return {}
    by_dates: dict[tuple[date, date], list[int]] = defaultdict(list)
    for store_id, period in periods.items():
        by_dates[(period.first, period.last)].append(store_id)
    table = RollupDay.__table__
    statement = select(
        table.c.store_id, *(func.sum(table.c[name]).label(name) for name in COUNTS),
        *(func.max(table.c[f"{name}_max_s"]).label(f"{name}_max_s") for name in WAITS),
        *((concatenated(table.c[f"{name}_hist"]) if name in histograms else null())
          .label(f"{name}_hist") for name in HISTOGRAMS),
    ).where(or_(*(and_(table.c.store_id.in_(ids), table.c.local_date.between(start, end))
                  for (start, end), ids in by_dates.items()))).group_by(table.c.store_id)
    totals: dict[int, Totals] = {}
    for row in db.session.execute(statement):
        totals[row.store_id] = Totals()
        totals[row.store_id].add_row(row)
    return totals

