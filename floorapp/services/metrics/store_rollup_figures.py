"""One store's wait figures over a long range, from its hour roll-ups instead of its rows.

figures.py keeps a store's dashboard exact while the range holds few enough requests to
read (the setting DASHBOARD_EXACT_MAX_REQUESTS, decided by measurement: README
"Performance"); past that the
wait figures — the headline (requests, acknowledge, reach, handle, within target,
walk-aways), by hour, by day of week and hour, by zone, and the previous period's
headline — are sums of the store's `rollup_hours` rows through rollup_figures.py
`Totals`, with the dashboard's definitions. Counts, shares and the longest waits are
exact; the percentiles are within wait_histogram.py's documented error (0.5 s below
100 s, 1 % above); the roll-ups trail the requests by about a minute and a tick
(rollup_upkeep.py), which `rollup_note` says beside the figures.

One grouped statement reads the range: the database adds the counts, takes the maxima
and concatenates the histograms per (zone, weekday, local hour), at most zones × 168
rows whatever the range's length; Python merges those few groups into each figure.
"""

from collections import defaultdict

from flask import current_app
from sqlalchemy import Integer, cast, func, literal, select

from floorapp.extensions import db
from floorapp.models import HelpRequest, RollupHour, Store, Zone
from floorapp.services.metrics import rollup_upkeep
from floorapp.services.metrics import wait_histogram as histogram
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.rollup_figures import Totals, summed

WAIT_SECTIONS = ("requests", "acknowledge", "reach", "handle", "within_target", "walkaways",
                 "by_hour", "heatmap", "by_zone")
APPROXIMATE_FIELDS = ("p50_s", "p90_s", "km_p50_s", "median_wait_s", "acknowledge_p50_s",
                      "reach_p50_s")


def exact_max_requests() -> int:
    """Return how many requests a range may hold and keep every figure exact."""
    return int(current_app.config["DASHBOARD_EXACT_MAX_REQUESTS"])


def exact_affordable(store_id: int, period: Period) -> bool:
    """Tell whether the range holds at most exact_max_requests() requests (spam included).

    Counts at most one past the bound over the (store_id, requested_at) index, so the
    question costs the same for a year as for a month.
    """
    bound, table = exact_max_requests(), HelpRequest.__table__
    some = (select(table.c.id).where(table.c.store_id == store_id,
                                     table.c.requested_at >= period.start_utc,
                                     table.c.requested_at < period.end_utc)
            .limit(bound + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(some)) <= bound


def wait_figures(store: Store, period: Period) -> dict:
    """Return the headline, by_hour, heatmap and by_zone of `store` over `period`."""
    groups = _groups(store.id, period)
    hours, cells, zones, everything = (defaultdict(Totals), defaultdict(Totals),
                                       defaultdict(Totals), Totals())
    for (zone_id, weekday, hour), total in groups.items():
        cells[(weekday, hour)].add_totals(total)
        zones[zone_id].add_totals(total)
    for (_weekday, hour), total in cells.items():
        hours[hour].add_totals(total)
    for total in zones.values():
        everything.add_totals(total)
    figures = headline(everything, store)
    figures.update(
        by_hour=[{"hour": hour, **_cell(hours.get(hour))} for hour in range(24)],
        heatmap=[{"weekday": day, "hour": hour, **_cell(cells.get((day, hour)))}
                 for day in range(7) for hour in range(24)],
        by_zone=_by_zone(store, zones))
    return figures


def previous_headline(store: Store, period: Period) -> dict:
    """Return the headline figures of `store` over `period` from its roll-ups."""
    everything = Totals()
    for total in _groups(store.id, period, grouped=False).values():
        everything.add_totals(total)
    return headline(everything, store)


def headline(total: Totals, store: Store) -> dict:
    """Return figures.py `headline`'s shape from a running sum, with the store's targets."""
    figures = total.headline(detail=True)
    figures["within_target"].update(acknowledge_target_s=store.acknowledge_target_s,
                                    reach_target_s=store.reach_target_s)
    return figures


def rollup_note(*, current: bool, previous: bool) -> dict:
    """Return what the answer says of its roll-up figures: which, their error, how fresh.

    `current` and `previous` tell whether the range's and the previous period's wait
    figures came from the roll-ups.
    """
    sections = [*(WAIT_SECTIONS if current else ()), *(("previous",) if previous else ())]
    caught_up = rollup_upkeep.caught_up_at()
    return {"sections": sections, "exact_max_requests": exact_max_requests(),
            "approximate_fields": list(APPROXIMATE_FIELDS),
            "error": {"absolute_s": 0.5, "relative": round(histogram.MIDDLE_SHARE - 1, 4),
                      "relative_from_s": histogram.EXACT_BELOW_S},
            "caught_up_at": caught_up.isoformat() if caught_up else None}


def _cell(total: Totals | None) -> dict:
    """Return figures.py `_cell`'s shape: count, median acknowledge and reach, walk-aways."""
    if total is None:
        return {"count": 0, "acknowledge_p50_s": None, "reach_p50_s": None, "walkaways": 0}
    return {"count": total.counts["requests"],
            "acknowledge_p50_s": total.summary("acknowledge")["p50_s"],
            "reach_p50_s": total.summary("reach")["p50_s"],
            "walkaways": total.counts["walkaways"]}


def _by_zone(store: Store, zones: dict[int, Totals]) -> list[dict]:
    """Return one entry per zone of the store, as figures.py `by_zone` (empty ones too)."""
    result = []
    for zone_id, name in db.session.execute(select(Zone.id, Zone.name).where(
            Zone.store_id == store.id).order_by(Zone.name)).all():
        total = zones.get(zone_id) or Totals()
        within = headline(total, store)["within_target"]
        result.append({"zone_id": zone_id, "zone": name, **_cell(zones.get(zone_id)),
                       "within_target": within})
    return result


def _groups(store_id: int, period: Period, *, grouped: bool = True
            ) -> dict[tuple, Totals]:
    """Sum the store's hour rows of the range per (zone, weekday, local hour), or in all."""
    table = RollupHour.__table__
    keys = ([table.c.zone_id, _weekday(table.c.local_date), table.c.local_hour]
            if grouped else [literal(0), literal(0), literal(0)])
    labelled = [key.label(f"key{n}") for n, key in enumerate(keys)]
    statement = select(*labelled, *summed(table)).where(table.c.store_id == store_id,
            table.c.local_date.between(period.first, period.last))
    if grouped:
        statement = statement.group_by(*labelled)
    rows = [row for row in db.session.execute(statement)
            if row.requests is not None]  # no rows at all: the ungrouped sum is one of NULLs
    return {(row.key0, row.key1, row.key2): total
            for row, total in zip(rows, Totals.of_rows(rows), strict=True)}


def _weekday(column):
    """Return a local date's weekday in SQL, 0 = Monday (Python's date.weekday())."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.extract("isodow", column), Integer) - 1
    return (cast(func.strftime("%w", column), Integer) + 6) % 7

