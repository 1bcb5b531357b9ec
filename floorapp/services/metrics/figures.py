"""The managers' figures for one store and a range of local dates (the clock: models/help.py).

How the figures are defined (the contract the dashboard, the API and the tests share):

- A request belongs to the local day (store time zone) it was *requested* on.
- acknowledge / reach / handle: count, p50, p90 and max of time to acknowledge
  (acknowledged − requested), time to reach (reached − requested) and handling time
  (resolved − reached), over the requests that have that timestamp. Percentiles are
  nearest-rank (see services/metrics/stats.py).
- Walk-aways are requests cancelled or expired before an associate reached them. Their
  wait (closed − requested) is a *censored* time to reach: we know only that the
  customer waited at least that long. They are never dropped:
  * `walkaways` gives their count and the median of their waits;
  * `within_target` counts every walk-away as a miss: the acknowledge share is
    (acknowledged within target) / (acknowledged + walk-aways never acknowledged), the
    reach share is (reached within target) / (reached + walk-aways); "within" is
    services/help/sla.py's, so a wait of exactly the target meets it, as on the board;
  * `reach.km_p50_s` is the Kaplan–Meier median time to reach with walk-aways as
    censored observations, the honest median when many customers leave.
- Requests still open (waiting, claimed, helping) are counted in `requests.open` and
  enter only the figures whose timestamps they already have.
- A range without requests is reported with `empty: true` and None figures, never 0s.
- Coverage (uncovered minutes, breaks, requests while uncovered, hand-overs at a break)
  comes from services/metrics/coverage_figures.py, for the range only.
- Stock pulls, holds and lost demand come from services/metrics/inventory_figures.py, for the
  range and for the previous period alike.
"""

from collections import defaultdict

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Store, User, Zone
from floorapp.models.help import OPEN_STATUSES
from floorapp.services.conversation import recovery
from floorapp.services.help.sla import within
from floorapp.services.metrics import associate_figures, stats
from floorapp.services.metrics import inventory_figures as inventory_metrics
from floorapp.services.metrics import store_rollup_figures as rolled
from floorapp.services.metrics.coverage_figures import coverage_figures
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import RequestRow, fetch_rows

OPEN = {status.value for status in OPEN_STATUSES}
MAX_COMMENTS = 50


def store_metrics(store: Store, period: Period) -> dict:
    """Return every dashboard figure for `store` over `period`, with the previous period.

    A range with more requests than the setting DASHBOARD_EXACT_MAX_REQUESTS takes its
    wait figures from the roll-ups, and `from_rollups` says which and how exact they are
    (None when every figure is exact); the previous period is decided on its own.
    """
    exact = rolled.exact_affordable(store.id, period)
    figures = _exact_figures(store, period) if exact else _long_range_figures(store, period)
    previous = period.previous()
    rolled_previous = not rolled.exact_affordable(store.id, previous)
    figures["previous"] = {
        "range": previous.as_dict(),
        **(rolled.previous_headline(store, previous) if rolled_previous else
           headline(store, fetch_rows(store.id, previous, detail=False))),
        **inventory_metrics.inventory_figures(store, previous)}
    figures["from_rollups"] = (rolled.rollup_note(current=not exact, previous=rolled_previous)
                               if not exact or rolled_previous else None)
    return figures


def _exact_figures(store: Store, period: Period) -> dict:
    """Return the range's figures from its request rows, every one exact."""
    rows = fetch_rows(store.id, period)
    figures = headline(store, rows)
    figures.update(
        store=store_header(store), range=period.as_dict(),
        by_hour=by_hour(rows), heatmap=heatmap(rows), by_zone=by_zone(store, rows),
        by_associate=by_associate(rows), ratings=ratings(rows),
        recovery=recovery.figures(store, period.start_utc, period.end_utc),
        coverage=coverage_figures(store, period, rows),
        **inventory_metrics.inventory_figures(store, period))
    return figures


def _long_range_figures(store: Store, period: Period) -> dict:
    """Return the figures of a range too long to read row by row.

    The wait figures come from the roll-ups; by associate and ratings are exact, grouped
    by the database; coverage is None (its replay of a year of the event log costs
    seconds: README "Performance"); recovery and stock are exact as always.
    """
    figures = rolled.wait_figures(store, period)
    figures.update(
        store=store_header(store), range=period.as_dict(),
        by_associate=associate_figures.by_associate(store.id, period),
        ratings=associate_figures.ratings(store.id, period),
        recovery=recovery.figures(store, period.start_utc, period.end_utc),
        coverage=None, **inventory_metrics.inventory_figures(store, period))
    return figures


def store_header(store: Store) -> dict:
    """Return the store's identity and targets as shown beside its figures."""
    return {"code": store.code, "name": store.name, "timezone": store.timezone,
            "acknowledge_target_s": store.acknowledge_target_s,
            "reach_target_s": store.reach_target_s}


def headline(store: Store, rows: list[RequestRow]) -> dict:
    """Return the figures of the top of the dashboard for some rows."""
    walkaways = [row for row in rows if row.is_walkaway]
    waits = [row.walkaway_wait_s for row in walkaways if row.walkaway_wait_s is not None]
    reach = stats.summary(r.reach_s for r in rows if r.reach_s is not None)
    reach["km_p50_s"] = stats.kaplan_meier_median(
        (r.reach_s for r in rows if r.reach_s is not None), waits)
    return {
        "empty": not rows,
        "requests": {"total": len(rows), "open": sum(r.status in OPEN for r in rows),
                     "resolved": sum(r.resolved is not None for r in rows)},
        "acknowledge": stats.summary(r.acknowledge_s for r in rows if r.acknowledge_s is not None),
        "reach": reach,
        "handle": stats.summary(r.handle_s for r in rows if r.handle_s is not None),
        "within_target": within_target(store, rows),
        "walkaways": {"count": len(walkaways), "median_wait_s": stats.median(waits),
                      "share": stats.share(len(walkaways), len(rows))},
    }


def within_target(store: Store, rows: list[RequestRow]) -> dict:
    """Return the shares acknowledged and reached within target; walk-aways are misses.

    One pass over the rows (the dashboard asks this of the store and of each zone).
    """
    acknowledge_target, reach_target = store.acknowledge_target_s, store.reach_target_s
    acknowledged = acknowledged_in = reached = reached_in = left = left_unacknowledged = 0
    for r in rows:
        if r.acknowledge_s is not None:
            acknowledged += 1
            acknowledged_in += within(r.acknowledge_s, acknowledge_target)
        if r.reach_s is not None:
            reached += 1
            reached_in += within(r.reach_s, reach_target)
        if r.is_walkaway:
            left += 1
            left_unacknowledged += r.acknowledged is None
    return {
        "acknowledge": stats.share(acknowledged_in, acknowledged + left_unacknowledged),
        "reach": stats.share(reached_in, reached + left),
        "acknowledge_target_s": store.acknowledge_target_s,
        "reach_target_s": store.reach_target_s,
    }


def _cell(rows: list[RequestRow]) -> dict:
    return {
        "count": len(rows),
        "acknowledge_p50_s": stats.median(r.acknowledge_s for r in rows
                                          if r.acknowledge_s is not None),
        "reach_p50_s": stats.median(r.reach_s for r in rows if r.reach_s is not None),
        "walkaways": sum(r.is_walkaway for r in rows),
    }


def by_hour(rows: list[RequestRow]) -> list[dict]:
    """Return 24 cells, one per local hour of the day the requests were made in."""
    groups = defaultdict(list)
    for row in rows:
        groups[row.local.hour].append(row)
    return [{"hour": hour, **_cell(groups[hour])} for hour in range(24)]


def heatmap(rows: list[RequestRow]) -> list[dict]:
    """Return 7 × 24 cells (weekday 0 = Monday, local hour) with counts and median reach."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row.local.weekday(), row.local.hour)].append(row)
    return [{"weekday": day, "hour": hour, **_cell(groups[(day, hour)])}
            for day in range(7) for hour in range(24)]


def by_zone(store: Store, rows: list[RequestRow]) -> list[dict]:
    """Return one entry per zone of the store (zones without requests included)."""
    groups = defaultdict(list)
    for row in rows:
        groups[row.zone_id].append(row)
    zones = db.session.execute(select(Zone.id, Zone.name).where(Zone.store_id == store.id)
                               .order_by(Zone.name)).all()
    result = []
    for zone_id, name in zones:
        cell = _cell(groups[zone_id])
        cell["within_target"] = within_target(store, groups[zone_id])
        result.append({"zone_id": zone_id, "zone": name, **cell})
    return result


def by_associate(rows: list[RequestRow]) -> list[dict]:
    """Return per associate (the last claimer): handled, median time to reach, ratings."""
    groups = defaultdict(list)
    for row in rows:
        if row.claimed_by_id is not None:
            groups[row.claimed_by_id].append(row)
    names = dict(db.session.execute(select(User.id, User.name)
                                    .where(User.id.in_(list(groups)))).all()) if groups else {}
    result = [{
        "user_id": user_id, "name": names.get(user_id, f"#{user_id}"),
        "claimed": len(group),
        "handled": sum(r.resolved is not None for r in group),
        "reach_p50_s": stats.median(r.reach_s for r in group if r.reach_s is not None),
        "rating_mean": stats.mean(r.rating for r in group if r.rating is not None),
        "ratings": sum(r.rating is not None for r in group),
    } for user_id, group in groups.items()]
    return sorted(result, key=lambda entry: (-entry["handled"], entry["name"]))


def ratings(rows: list[RequestRow]) -> dict:
    """Return the count, mean and distribution of ratings and the latest comments."""
    rated = [r for r in rows if r.rating is not None]
    comments = [{"request_id": r.id, "rating": r.rating, "comment": r.comment,
                 "requested_local": r.local.isoformat(timespec="minutes")}
                for r in reversed(rated) if r.comment]
    return {
        "count": len(rated),
        "mean": stats.mean(r.rating for r in rated),
        "distribution": {str(n): sum(r.rating == n for r in rated) for n in range(1, 6)},
        "comments": comments[:MAX_COMMENTS],
    }
