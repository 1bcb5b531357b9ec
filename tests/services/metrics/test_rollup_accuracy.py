"""Roll-up figures against the exact ones on the same requests, DST days included.

The counts, shares and maxima from the roll-ups must equal figures.py `headline`; the
percentiles must be within services/metrics/wait_histogram.py's documented error.
"""

import random
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Outcome, RollupDay, RollupHour, Status
from floorapp.services.metrics import chain_figures, rollup_upkeep
from floorapp.services.metrics import wait_histogram as histogram
from floorapp.services.metrics.figures import headline
from floorapp.services.metrics.periods import Period, local_midnight
from floorapp.services.metrics.request_rows import fetch_rows, from_epoch
from tests.factories import (
    NEW_YORK,
    make_help_request,
    make_sign,
    make_store,
    make_timed_request,
    utc,
)

SPRING_FORWARD, FALL_BACK, PLAIN = date(2026, 3, 8), date(2026, 11, 1), date(2026, 6, 10)
ROUNDING_S = 0.1  # both figures are rounded to 0.1 s, each by up to 0.05 s


@pytest.fixture
def shop(app):
    with app.app_context():
        yield make_store(code="NY-R", timezone=NEW_YORK, zones=("Shoes", "Kids"),
                         acknowledge_target_s=60, reach_target_s=180)


def _fill_day(store, day: date, rng: random.Random, count: int) -> None:
    """Requests all over a local day, most of them at night around the clock change."""
    signs = [make_sign(zone=zone) for zone in store.zones]
    start = local_midnight(day, store.timezone)
    length = (local_midnight(day + timedelta(days=1), store.timezone) - start).total_seconds()
    for n in range(count):
        offset = rng.uniform(3600, 4 * 3600) if n % 2 else rng.uniform(0, length - 1)
        at, sign, kind = start + timedelta(seconds=offset), signs[n % 2], n % 10
        if kind == 0:
            make_timed_request(sign=sign, requested_at=at, closed_s=rng.uniform(5, 1700))
        elif kind == 1:
            make_timed_request(sign=sign, requested_at=at, acknowledge_s=rng.uniform(1, 90),
                               closed_s=rng.uniform(100, 1700))
        elif kind == 2:
            make_timed_request(sign=sign, requested_at=at, acknowledge_s=60, reach_s=180)
        elif kind == 3:
            make_help_request(sign=sign, requested_at=at, status=Status.CANCELLED,
                              closed_at=at + timedelta(seconds=30), outcome=Outcome.SPAM)
        elif kind == 4:
            make_timed_request(sign=sign, requested_at=at, acknowledge_s=rng.uniform(0, 40))
        else:
            ack = rng.expovariate(1 / 45)
            reach = ack + rng.expovariate(1 / 150)
            make_timed_request(sign=sign, requested_at=at, acknowledge_s=ack, reach_s=reach,
                               handle_s=rng.uniform(30, 2400))


def _close_enough(rolled: float | None, exact: float | None) -> bool:
    if exact is None or rolled is None:
        return rolled is exact
    bound = max(0.5, exact * (histogram.MIDDLE_SHARE - 1)) + ROUNDING_S
    return abs(rolled - exact) <= bound


def _assert_same_figures(rolled: dict, exact: dict) -> None:
    assert rolled["empty"] == exact["empty"]
    assert rolled["requests"] == exact["requests"]
    assert rolled["within_target"] == exact["within_target"]
    assert rolled["walkaways"]["count"] == exact["walkaways"]["count"]
    assert rolled["walkaways"]["share"] == exact["walkaways"]["share"]
    assert _close_enough(rolled["walkaways"]["median_wait_s"], exact["walkaways"]["median_wait_s"])
    for wait in ("acknowledge", "reach", "handle"):
        assert rolled[wait]["count"] == exact[wait]["count"], wait
        assert rolled[wait]["max_s"] == exact[wait]["max_s"], wait
        for figure in ("p50_s", "p90_s"):
            assert _close_enough(rolled[wait][figure], exact[wait][figure]), (wait, figure)


def _rolled(store, first: date, last: date) -> dict:
    return chain_figures.compare_stores_rolled(
        [store], choice="custom", first=first.isoformat(), last=last.isoformat(),
        detail=True)["stores"][0]


def test_roll_up_figures_match_the_exact_ones_within_the_documented_error(shop):
    rng = random.Random(18)
    for day in (SPRING_FORWARD, FALL_BACK, PLAIN, PLAIN + timedelta(days=1)):
        _fill_day(shop, day, rng, 300)
    rollup_upkeep.rebuild(shop, now=utc(2027, 1, 1))
    for first, last in [(SPRING_FORWARD, SPRING_FORWARD), (FALL_BACK, FALL_BACK),
                        (PLAIN, PLAIN + timedelta(days=1)), (SPRING_FORWARD, FALL_BACK)]:
        period = Period(first, last, NEW_YORK)
        exact = headline(shop, fetch_rows(shop.id, period, detail=False))
        assert exact["requests"]["total"] > 0
        _assert_same_figures(_rolled(shop, first, last), exact)
    without = chain_figures.compare_stores_rolled([shop], choice="custom", first="2026-06-10",
                                                  last="2026-06-11")["stores"][0]["handle"]
    exact = headline(shop, fetch_rows(shop.id, Period(PLAIN, PLAIN + timedelta(days=1),
                                                       NEW_YORK), detail=False))["handle"]
    assert without == {"count": exact["count"], "p50_s": None, "p90_s": None,
                       "max_s": exact["max_s"]}


def test_the_hours_of_dst_days_are_the_local_hours_with_the_repeated_one_twice(shop):
    _fill_day(shop, SPRING_FORWARD, random.Random(1), 300)
    _fill_day(shop, FALL_BACK, random.Random(2), 300)
    rollup_upkeep.rebuild(shop, now=utc(2027, 1, 1))
    zone = ZoneInfo(NEW_YORK)
    for day, hours in ((SPRING_FORWARD, 23), (FALL_BACK, 25)):
        rows = fetch_rows(shop.id, Period(day, day, NEW_YORK), detail=False)
        exact = Counter(from_epoch(r.requested).astimezone(zone).hour for r in rows)
        stored = db.session.execute(select(RollupHour.local_hour, RollupHour.hour_start_utc,
                                           RollupHour.requests)
                                    .where(RollupHour.local_date == day)).all()
        rolled = Counter()
        for hour, _, requests in stored:
            rolled[hour] += requests
        assert rolled == exact
        # New York's offsets are whole hours: a local hour starts at a UTC hour.
        utc_hours = {from_epoch(r.requested).replace(minute=0, second=0, microsecond=0)
                     for r in rows}
        assert {start for _, start, _ in stored} == utc_hours and len(utc_hours) == hours
        assert 2 not in rolled if day == SPRING_FORWARD else len(
            {start for hour, start, _ in stored if hour == 1}) == 2
        total = db.session.scalar(select(RollupDay.requests).where(RollupDay.local_date == day))
        assert total == len(rows)
