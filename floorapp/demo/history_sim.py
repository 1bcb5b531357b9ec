"""Simulate one store day of help requests, as rows for the bulk writer (no database here).

A small queue simulation, so the figures look like a real floor: customers arrive as a
Poisson process whose rate follows the store's local hour and weekday (afternoons and
weekends are busier); the associate on the floor who is free first claims, walks over,
helps and is busy until done, so busy hours are slower by themselves. Notice and walking
times also vary by hour and zone. Some claims are released, slow requests escalate,
some customers walk away, about 30% of resolved requests are rated. Every request's
events follow the state machine (floorapp/services/help/moves.py), and the associates'
availability events are derived from their shifts, breaks and customers, so they are
consistent too.

Times are epoch seconds (floats) until `Day.stamp` turns them into column values.
"""

import base64
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

HOUR_SHAPE = {10: 0.5, 11: 0.7, 12: 0.9, 13: 1.2, 14: 1.4, 15: 1.5, 16: 1.5, 17: 1.3,
              18: 1.1, 19: 0.9, 20: 0.6}
WEEKDAY_FACTOR = (0.85, 0.8, 0.85, 0.95, 1.15, 1.7, 1.6)  # Monday … Sunday
BASE_PER_HOUR = 9.0
ZONE_SPEED = (1.0, 0.85, 1.25, 1.4, 1.1)  # notice and walking time, by zone (cycled)
NEEDS = (("find_size", 40), ("product_question", 25), ("fitting_room", 15), ("checkout", 10),
         ("other", 10))
HANDLE_MEDIAN_S = {"find_size": 300, "product_question": 240, "fitting_room": 330,
                   "checkout": 180, "other": 170}
OUTCOMES = (("helped", 50), ("sold", 32), ("out_of_stock", 12), ("customer_gone", 6))
PRODUCTS = ("Pegasus 41", "Chuck 70 Hi", "Stan Smith", "574 Core", "Gel-Kayano 31",
            "Boat shoe", "Chelsea boot", "Ballet flat", "Wool coat", "Slim chinos")
SIZES = ("6", "7", "7.5", "8", "8.5", "9", "9 W", "9.5", "10", "10.5", "11", "12", "S", "M", "L")
COMMENTS = {
    5: ("Maria was lovely, found my size in a minute.", "So quick!", "Great help, thank you."),
    4: ("Helpful, a short wait.", "Good advice on sizing."),
    3: ("Took a while but got there.", "OK."),
    2: ("Waited too long.", "Nobody knew if it was in stock."),
    1: ("Nobody came for ages.", "Gave up on the fitting room."),
}
RELEASE_SHARE = 0.04
RATED_SHARE = 0.30
EXPIRE_AFTER_S = 30 * 60
BREAK_S = 30 * 60
NAIVE_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class StoreSpec:
    """What the simulation needs to know about a store."""

    store_id: int
    timezone: str
    acknowledge_target_s: int
    reach_target_s: int
    zones: tuple[tuple[int, int | None], ...]  # (zone_id, sign_id), by name
    associates: tuple[int, ...]


@dataclass
class Shift:
    """One associate's working day: on the floor from start to end, minus a break."""

    associate: int
    start: float
    end: float
    break_start: float
    busy: list[tuple[float, float]] = field(default_factory=list)
    free_at: float = 0.0

    def on_floor(self, at: float) -> bool:
        """Tell whether the associate is on shift and not on break at `at`."""
        return self.start <= at < self.end and not (
            self.break_start <= at < self.break_start + BREAK_S)


@dataclass(frozen=True)
class Served:
    """A resolved request as the stock simulation (history_stock) needs it."""

    request_id: int
    index: int  # its place in Day.requests
    need: str
    outcome: str
    associate: int
    reached: float
    resolved: float


@dataclass
class Day:
    """The rows of one simulated store day; `stamp` makes a time a column value."""

    spec: StoreSpec
    stamp: Callable[[float], object]
    requests: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)  # (at, order, row without id)
    feedback: list[tuple] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)
    pulls: list[tuple] = field(default_factory=list)  # rows without id, as the others
    holds: list[tuple] = field(default_factory=list)
    misses: list[tuple] = field(default_factory=list)

    def event(self, at: float, request_id: int | None, kind: str, actor: int | None,
              from_status: str | None, to_status: str | None, data: dict,
              subject: int | None = None) -> None:
        """Add an event row (its id is given later, in time order)."""
        row = (self.spec.store_id, request_id, kind, self.stamp(at), actor, subject,
               from_status, to_status, json.dumps(data) if data else "{}")
        self.events.append((at, len(self.events), row))


def stamper(dialect: str) -> Callable[[float], object]:
    """Return how epoch seconds become a timestamp value for `dialect`'s bulk insert."""
    if dialect == "sqlite":  # naive UTC text, as SQLAlchemy's DateTime stores it there
        return lambda at: (NAIVE_EPOCH + timedelta(seconds=at)).isoformat(" ", "microseconds")
    return lambda at: datetime.fromtimestamp(at, UTC)


def opening_hours(day: date) -> range:
    """Return the local hours the store is open on `day` (Sunday is shorter)."""
    return range(11, 19) if day.weekday() == 6 else range(10, 21)


def hourly_rate(day: date, hour: int) -> float:
    """Return the expected number of requests in a local hour of `day`."""
    return BASE_PER_HOUR * WEEKDAY_FACTOR[day.weekday()] * HOUR_SHAPE[hour]


def expected_requests(days: list[date]) -> float:
    """Return the expected number of requests of a store over `days`, at scale 1."""
    return sum(hourly_rate(day, hour) for day in days for hour in opening_hours(day))


def local_time(day: date, hour: int, zone: ZoneInfo) -> float:
    """Return the epoch seconds of a local wall-clock hour (DST-correct)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone).timestamp()


def poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (Knuth's method; a normal approximation for large means)."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """Draw a positive duration with the given median."""
    return rng.lognormvariate(math.log(median), sigma)


def public_token(rng: random.Random) -> str:
    """Return a deterministic 32-character URL-safe token."""
    return base64.urlsafe_b64encode(rng.getrandbits(192).to_bytes(24, "big")).decode()


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    """Pick one of `(value, weight)` pairs."""
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def plan_shifts(rng: random.Random, spec: StoreSpec, day: date, zone: ZoneInfo) -> list[Shift]:
    """Split the associates into a morning and an evening shift, with one off on weekdays."""
    people = list(spec.associates)
    rng.shuffle(people)
    if day.weekday() < 5 and len(people) > 2:
        people.pop()
    hours = opening_hours(day)
    opens, closes = hours.start, hours.stop
    shifts = []
    for index, associate in enumerate(people):
        first = (opens, opens + 8) if index % 2 == 0 else (closes - 8, closes)
        start = local_time(day, first[0], zone) - rng.uniform(0, 600)
        end = local_time(day, first[1], zone) + rng.uniform(0, 600)
        # breaks are staggered, so a shift never leaves the floor all at once
        share = 0.3 + 0.4 * (index // 2) / max(1, (len(people) - 1) // 2)
        break_start = start + (end - start) * share + rng.uniform(-600, 600)
        shifts.append(Shift(associate, start, end, break_start, free_at=start))
    return shifts
