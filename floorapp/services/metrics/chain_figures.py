"""Headline figures of a set of stores side by side, and their total, from the roll-ups.

The chain's view (and a region's) reads one statement over `rollup_weeks` and
`rollup_days` whatever the history's length, instead of every request of every store:
a range is its whole local weeks and its days outside them (30 days: 4 or 5 week rows and
up to 6 day rows a store, a year about 58).
The figures are figures.py `headline`'s, with the same definitions
(services/metrics/rollup_figures.py); the percentiles come from mergeable histograms
and are within services/metrics/wait_histogram.py's documented error (0.5 s below
100 s, 1 % above), the counts, shares and maxima are exact. The roll-ups trail the
requests by up to a minute and a tick (services/metrics/rollup_upkeep.py).
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import and_, false, or_, select, union_all

from floorapp.extensions import db
from floorapp.models import RollupDay, RollupWeek, Store
from floorapp.services.metrics import rollup_writer
from floorapp.services.metrics.figures import store_header
from floorapp.services.metrics.periods import Period, chosen_period
from floorapp.services.metrics.rollup_figures import COUNTS, HISTOGRAMS, WAITS, Totals, summed


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
    by_zone = {zone: chosen_period(choice, first, last, zone, now)
               for zone in {store.timezone for store in stores}}
    periods = {store.id: by_zone[store.timezone] for store in stores}
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
    """Sum the week and day rows of every store over its period, in one grouped statement.

    A period is read as its whole local weeks (rollup_weeks) and its days outside them
    (rollup_days). The database adds the counts, takes the maxima and concatenates the
    histograms' records (wait_histogram.py), so one row per store comes back, whatever
    the range.
    """
    if not periods:
        return {}
    by_dates: dict[tuple[date, date], list[int]] = defaultdict(list)
    for store_id, period in periods.items():
        by_dates[(period.first, period.last)].append(store_id)
    days, weeks = RollupDay.__table__, RollupWeek.__table__
    day_ranges, week_ranges = [], []
    for (first, last), ids in by_dates.items():
        whole, edges = _split(first, last)
        day_ranges += [and_(days.c.store_id.in_(ids), days.c.local_date.between(*edge))
                       for edge in edges]
        if whole:
            week_ranges.append(and_(weeks.c.store_id.in_(ids), weeks.c.week_start.between(*whole)))
    parts = [_part(days, day_ranges, histograms)]
    if week_ranges:
        parts.append(_part(weeks, week_ranges, histograms))
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    statement = select(both.c.store_id, *summed(both, histograms)).group_by(both.c.store_id)
    rows = db.session.execute(statement).all()
    return {row.store_id: total for row, total in zip(rows, Totals.of_rows(rows), strict=True)}


def _split(first: date, last: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Return the Mondays of the whole weeks within first..last, and the day ranges left.

    Either part may be empty: a range shorter than a week, or one of whole weeks.
    """
    monday = first + timedelta(days=-first.weekday() % 7)  # first, or the Monday after it
    end = rollup_writer.week_start(last + timedelta(days=1))  # the Monday after the last whole week
    if end - monday < timedelta(days=7):
        return None, [(first, last)]
    edges = [(first, monday - timedelta(days=1)), (end, last)]
    return (monday, end - timedelta(days=7)), [(a, b) for a, b in edges if a <= b]


def _part(table, ranges: list, histograms: tuple[str, ...]):
    """Return the select of the rows of `table` in `ranges`, with the columns to sum."""
    return select(
        table.c.store_id, *(table.c[name] for name in COUNTS),
        *(table.c[f"{name}_max_s"] for name in WAITS),
        *(table.c[f"{name}_hist"] for name in HISTOGRAMS if name in histograms),
    ).where(or_(*ranges) if ranges else false())

