"""The dashboard's coverage figures for one store and a period: gaps, breaks, hand-overs.

What counts (the contract the dashboard, the API, the CSV and the tests share):

- A zone is *covered* at an instant when someone on shift (on the floor or with a
  customer) covers that zone or the whole store, or when the backup of an open break
  of that zone (or of a whole-store break) is on shift: services/help/coverage.py's
  rule, replayed from the event log by services/metrics/coverage_timeline.py.
- *Uncovered minutes* of a zone are the minutes it was not covered while the store was
  open, which here means someone of the store was at work (on the floor, with a
  customer or on break) or a planned shift says someone should have been. The night,
  with everybody off and nobody planned, is not a gap. They are split by the store's
  local hour of day, DST-correct: the repeated 1 a.m. of the autumn change adds both
  its real hours to hour 1, and the skipped spring hour gets nothing. Only the store's
  active zones are listed. The current day counts up to now, not to midnight.
- *Requests while uncovered* are those (spam left out, as everywhere) requested at an
  instant their zone was not covered, whether or not the store was open: a customer
  asked and nobody covered the zone. Their wait is the dashboard's time to acknowledge
  (acknowledged − requested, nearest-rank percentiles); walk-aways are counted apart.
- *Breaks* are those that started in the period (the breaks table): how many, the
  median and longest length of those ended, how many came back after their expected
  return, how many are still out, and how many the managers were told ran over.
- *Hand-overs* are the hand-offs and releases made by going on break or going off
  (the events' `reason`: going_away or idle_off); which of the two it was is read
  from the holder's availability change at the same instant.
"""

from bisect import bisect_right
from datetime import UTC, datetime

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Break, EventKind, Store, Zone
from floorapp.services.metrics import stats
from floorapp.services.metrics.coverage_timeline import Replay, Span, replay
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import RequestRow
from floorapp.services.metrics.staffing import hour_slots
from floorapp.services.org import shifts

HOUR_S = 3600.0
AWAY_REASONS = ("going_away", "idle_off")


def coverage_figures(store: Store, period: Period, rows: list[RequestRow],
                     now: datetime | None = None) -> dict:
    """Return the coverage figures of `store` over `period`; `rows` are its requests."""
    now = now or datetime.now(UTC)
    start = period.start_utc.timestamp()
    end = max(start, min(period.end_utc, now).timestamp())
    timeline = replay(store.id, start, end)
    zones = db.session.execute(select(Zone.id, Zone.name).where(
        Zone.store_id == store.id, Zone.active.is_(True)).order_by(Zone.name)).all()
    minutes = _uncovered_minutes(timeline.spans, [zone_id for zone_id, _ in zones],
                                 _planned(store, period), period)
    arrived = _arrived_uncovered(timeline.spans, rows)
    return {
        "uncovered_minutes": round(sum(sum(hours) for hours in minutes.values()), 1),
        "by_hour": [{"hour": hour, "uncovered_minutes": round(
            sum(hours[hour] for hours in minutes.values()), 1)} for hour in range(24)],
        "zones": [_zone(zone_id, name, minutes[zone_id],
                        [r for r in arrived if r.zone_id == zone_id])
                  for zone_id, name in zones],
        "requests": _requests(arrived, len(rows)),
        "breaks": break_figures(store.id, period),
        "hand_overs": hand_overs(timeline),
    }


def _zone(zone_id: int, name: str, hours: list[float], arrived: list[RequestRow]) -> dict:
    return {"zone_id": zone_id, "zone": name, "uncovered_minutes": round(sum(hours), 1),
            "by_hour": [round(value, 1) for value in hours],
            "requests": len(arrived),
            "acknowledge_p50_s": stats.median(r.acknowledge_s for r in arrived
                                              if r.acknowledge_s is not None)}


def _requests(arrived: list[RequestRow], total: int) -> dict:
    return {"count": len(arrived), "share": stats.share(len(arrived), total),
            "acknowledge": stats.summary(r.acknowledge_s for r in arrived
                                         if r.acknowledge_s is not None),
            "walkaways": sum(r.is_walkaway for r in arrived)}


def _uncovered_minutes(spans: list[Span], zone_ids: list[int], planned: list[tuple],
                       period: Period) -> dict[int, list[float]]:
    """Return, per zone, 24 local hours of minutes uncovered while the store was open."""
    slots = hour_slots(period)
    starts, hours = [s.timestamp() for s, _, _ in slots], [hour for _, _, hour in slots]
    minutes = {zone_id: [0.0] * 24 for zone_id in zone_ids}
    for span in spans:
        gaps = [z for z in zone_ids if not span.covers(z)]
        if not gaps:
            continue
        for begin, end in _open_parts(span, planned):
            for hour, seconds in _split_by_hour(begin, end, starts, hours):
                for zone_id in gaps:
                    minutes[zone_id][hour] += seconds / 60
    return minutes


def _open_parts(span: Span, planned: list[tuple]) -> list[tuple[float, float]]:
    """Return the parts of `span` when the store was open (staffed, or someone planned)."""
    if span.staffed:
        return [(span.start, span.end)]
    index = max(0, bisect_right(planned, (span.start, float("inf"))) - 1)
    parts = []
    while index < len(planned) and planned[index][0] < span.end:
        begin, end = max(span.start, planned[index][0]), min(span.end, planned[index][1])
        if end > begin:
            parts.append((begin, end))
        index += 1
    return parts


def _split_by_hour(begin: float, end: float, starts: list[float], hours: list[int]):
    index = max(0, bisect_right(starts, begin) - 1)
    while index < len(starts) and starts[index] < end:
        seconds = min(end, starts[index] + HOUR_S) - max(begin, starts[index])
        if seconds > 0:
            yield hours[index], seconds
        index += 1


def _planned(store: Store, period: Period) -> list[tuple[float, float]]:
    """Return the planned shifts of the period as merged (start, end) epoch intervals."""
    intervals = sorted((a.timestamp(), b.timestamp()) for a, b in
                       (shifts.instants(shift) for shift in
                        shifts.shifts_touching(store, period.first, period.last)))
    merged: list[tuple[float, float]] = []
    for begin, end in intervals:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _arrived_uncovered(spans: list[Span], rows: list[RequestRow]) -> list[RequestRow]:
    """Return the requests made at an instant nobody covered their zone."""
    starts = [span.start for span in spans]
    found = []
    for row in rows:
        index = bisect_right(starts, row.requested) - 1
        if index >= 0 and row.requested < spans[index].end \
                and not spans[index].covers(row.zone_id):
            found.append(row)
    return found


def break_figures(store_id: int, period: Period) -> dict:
    """Return how many breaks started in the period, how long they were, how many ran late."""
    breaks = db.session.execute(select(
        Break.started_at, Break.expected_return_at, Break.ended_at, Break.overdue_told_at)
        .where(Break.store_id == store_id, Break.started_at >= period.start_utc,
               Break.started_at < period.end_utc)).all()
    ended = [b for b in breaks if b.ended_at is not None]
    lengths = sorted((b.ended_at - b.started_at).total_seconds() for b in ended)
    return {"count": len(breaks), "ended": len(ended),
            "median_length_s": stats.median(lengths),
            "longest_s": lengths[-1] if lengths else None,
            "late": sum(b.ended_at > b.expected_return_at for b in ended),
            "still_out": len(breaks) - len(ended),
            "overdue_told": sum(b.overdue_told_at is not None for b in breaks)}


def hand_overs(timeline: Replay) -> dict:
    """Count the hand-offs and releases made by going on break or going off."""
    counts = dict.fromkeys(("handed_off_at_break", "handed_off_at_off", "released_at_break",
                            "released_at_off", "idle_off"), 0)
    for kind, at, actor_id, reason in timeline.hand_overs:
        if reason not in AWAY_REASONS:
            continue
        move = "handed_off" if kind == EventKind.HANDED_OFF else "released"
        on_break = reason == "going_away" and timeline.changes.get((actor_id, at)) == "on_break"
        counts[f"{move}_at_{'break' if on_break else 'off'}"] += 1
        counts["idle_off"] += reason == "idle_off"
    return counts
