"""CSV exports of the dashboards: every request with its clock, and the aggregated figures.

Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed
with an apostrophe, since zone and associate names are typed in by people.
"""

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Store, User, Zone
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import RequestRow, fetch_rows
from floorapp.services.metrics.shift_plan import planned_by_cell

REQUEST_COLUMNS = (
    "id", "zone", "associate", "status", "outcome", "requested_local",
    "requested_at", "acknowledged_at", "reached_at", "resolved_at", "closed_at",
    "acknowledge_s", "reach_s", "handle_s", "walkaway", "walkaway_wait_s", "rating",
)
NAIVE_EPOCH = datetime(1970, 1, 1)  # naive on purpose: CSV timestamps are UTC by construction
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return `value`, defused if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _lines(rows: Iterator[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def requests_csv(store: Store, period: Period) -> str:
    """Return the CSV of the store's requests in `period`: timestamps (UTC) and durations."""
    rows = fetch_rows(store.id, period)
    zones = dict(db.session.execute(select(Zone.id, Zone.name)
                                    .where(Zone.store_id == store.id)).all())
    people = {row.claimed_by_id for row in rows if row.claimed_by_id is not None}
    names = dict(db.session.execute(select(User.id, User.name)
                                    .where(User.id.in_(people))).all()) if people else {}
    zone = ZoneInfo(store.timezone)
    return _lines([list(REQUEST_COLUMNS)] + [
        _request_line(row, zones, names, zone) for row in rows])


def _request_line(row: RequestRow, zones: dict, names: dict, zone: ZoneInfo) -> list:
    return [
        row.id, safe_cell(zones.get(row.zone_id, "")), safe_cell(names.get(row.claimed_by_id, "")),
        row.status,
        row.outcome or "", row.local.isoformat(timespec="seconds"),
        *(_iso(value) for value in (row.requested, row.acknowledged, row.reached,
                                    row.resolved, row.closed)),
        *(_seconds(value) for value in (row.acknowledge_s, row.reach_s, row.handle_s)),
        "yes" if row.is_walkaway else "no", _seconds(row.walkaway_wait_s),
        "" if row.rating is None else row.rating,
    ]


def _iso(epoch: float | None) -> str:
    if epoch is None:
        return ""
    # Naive UTC arithmetic and isoformat: the cheapest exact way in pure Python.
    return (NAIVE_EPOCH + timedelta(seconds=epoch)).isoformat(timespec="seconds") + "Z"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def figures_csv(figures: dict) -> str:
    """Return the aggregated figures of `store_metrics` as section,name,measure,value lines."""
    lines = [["section", "name", "measure", "value"]]
    for period_name, block in (("range", figures), ("previous", figures["previous"])):
        for section in ("requests", "acknowledge", "reach", "handle", "within_target",
                        "walkaways"):
            lines += [[period_name, section, key, _plain(value)]
                      for key, value in block[section].items()]
    for cell in figures["by_hour"]:
        lines += _cell_lines("by_hour", f"{cell['hour']:02d}:00", cell)
    for cell in figures["by_zone"]:
        lines += _cell_lines("by_zone", cell["zone"], cell)
    for cell in figures["by_associate"]:
        lines += _cell_lines("by_associate", cell["name"], cell)
    lines += [["ratings", "all", key, _plain(value)] for key, value in figures["ratings"].items()
              if key != "comments"]
    lines += _inventory_lines(figures)
    if figures["coverage"] is not None:  # None over a long range (figures.py says why)
        lines += _coverage_lines(figures["coverage"])
    return _lines(lines)


def _coverage_lines(coverage: dict) -> list[list]:
    """Return the coverage lines: totals, breaks, hand-overs, per zone and per local hour."""
    lines = [["coverage", "all", "uncovered_minutes", coverage["uncovered_minutes"]]]
    for section in ("requests", "breaks", "hand_overs"):
        lines += _flat_lines(f"coverage_{section}", "all", coverage[section])
    for zone in coverage["zones"]:
        lines += [["coverage_zone", safe_cell(zone["zone"]), key, _plain(zone[key])]
                  for key in ("uncovered_minutes", "requests", "acknowledge_p50_s")]
    lines += [["coverage_hour", f"{cell['hour']:02d}:00", "uncovered_minutes",
               cell["uncovered_minutes"]] for cell in coverage["by_hour"]]
    return lines


def _inventory_lines(figures: dict) -> list[list]:
    """Return the stock pull, hold and lost-demand lines, this range and the previous one."""
    lines = []
    for period_name, block in (("range", figures), ("previous", figures["previous"])):
        for section in ("stock_pulls", "holds"):
            lines += _flat_lines(period_name, section, block[section])
        lines += [[period_name, "lost_demand", key, block["lost_demand"][key]]
                  for key in ("looked_up", "customer_looked_up", "asked_for", "sizes")]
    for row in figures["lost_demand"]["top"]:
        name = safe_cell(" ".join(part for part in (
            row["product"] or "(not named)", f"({row['style']})" if row["style"] else "",
            "size", row["size"] or "?") if part))
        lines += [["lost_demand", name, key, row[key]]
                  for key in ("looked_up", "customer_looked_up", "asked_for", "total")]
    return lines


def _flat_lines(first: str, second: str, block: dict) -> list[list]:
    """Return one line per figure of `block`, a nested dict's keys joined with a dot."""
    lines = []
    for key, value in block.items():
        items = value.items() if isinstance(value, dict) else [("", value)]
        lines += [[first, second, f"{key}.{part}" if part else key, _plain(number)]
                  for part, number in items]
    return lines


def _cell_lines(section: str, name: str, cell: dict) -> list[list]:
    name = safe_cell(name)
    return [[section, name, key, _plain(value)] for key, value in cell.items()
            if not isinstance(value, dict) and key not in ("hour", "zone", "name")]


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else value


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def staffing_csv(result: dict, plan: dict) -> str:
    """Return the staffing suggestion and the planned week as one line per hour of the week.

    `plan` is services/metrics/shift_plan.py's week; its `planned` is the associates the
    shifts put on the floor that local hour of that week (the repeated autumn hour
    averaged, the skipped spring hour empty).
    """
    header = ["weekday", "hour", "hours_in_range", "arrivals", "arrivals_per_hour",
              "mean_busy_s", "needed", "on_floor_mean", "short_by", "plan_week", "planned"]
    planned = planned_by_cell(plan)
    lines = [header]
    for cell in result["cells"]:
        on_floor = cell["on_floor"]
        short = max(0.0, cell["needed"] - on_floor) if on_floor is not None else ""
        lines.append([WEEKDAY_NAMES[cell["weekday"]], f"{cell['hour']:02d}:00",
                      cell["hours_in_range"], cell["arrivals"], cell["arrivals_per_hour"],
                      _plain(cell["mean_handle_s"]), cell["needed"], _plain(on_floor),
                      short if short == "" else round(short, 2), plan["week"],
                      _plain(planned.get((cell["weekday"], cell["hour"])))])
    return _lines(lines)
