"""The stock side of a simulated store day: pulls from the stockroom, holds, lookup misses.

It runs after the day's help requests are simulated (history_flow), on its own random
stream, so the requests of a seed stay the same whether or not the store has a catalog.
Only stores whose catalog has stock rows get any (a benchmark store without stock gets
none, and costs nothing). What it makes, from the requests associates served:

- about a third of the "find a size" requests helped or sold need a pull: asked a little
  after the associate reached the customer, picked and delivered minutes later, or not
  found (about 6%) when the stockroom count was wrong;
- about one in ten of them ends with a hold of 15 minutes to 2 hours, released by hand
  a bit more than half the time (the customer came back), else left to expire;
- a request resolved "out of stock" names a catalog size the store has none of, and the
  associate's lookup of it is a lookup miss; other lookups miss too, through the day.
  The sizes missed follow a steep popularity curve, so a few styles top the list.
"""

import random
from dataclasses import dataclass

from sqlalchemy import select

from floorapp.demo.history_sim import Day, lognormal, poisson
from floorapp.extensions import db
from floorapp.models import Product, Stock, Variant

SAMPLE_VARIANTS, SAMPLE_STRIDE, MISSING_SIZES = 4000, 5, 150
PULL_SHARE, HOLD_SHARE, NOT_FOUND_SHARE, RELEASED_SHARE = 0.33, 0.10, 0.06, 0.55
EXTRA_MISSES_PER_REQUEST = 0.12
HOLD_MINUTES = (15, 30, 30, 60, 120)
CUSTOMERS = ("Ms Lee", "Mr Diaz", "Blue coat", "Sam, red bag", "Mrs Okafor", "Tall, grey scarf",
             "Mr Rossi", "Ana")
# Request tuple fields that this module reads or fills in (see history_flow.simulate_request).
PRODUCT_QUERY, SIZE_LABEL, PRODUCT_ID, VARIANT_ID = 6, 7, 8, 9


@dataclass(frozen=True)
class Size:
    """A variant the simulation can name: its ids, product name and size label."""

    variant_id: int
    product_id: int
    product: str
    label: str


@dataclass(frozen=True)
class StockSample:
    """A store's sizes to pull (some in the stockroom) and to miss (none to sell)."""

    pullable: tuple[Size, ...]
    missing: tuple[Size, ...]
    weights: tuple[float, ...]  # popularity of each missing size


def stock_sample(store_id: int, rng: random.Random) -> StockSample | None:
    """Return some of the store's stock to simulate with, or None when it has none.

    Every fifth variant, so every department is in it; the sizes missed are shuffled
    before they get their popularity, so the most missed are spread over the catalog.
    """
    rows = db.session.execute(
        select(Stock.variant_id, Variant.product_id, Product.name, Variant.size_label,
               Variant.width, Stock.floor_qty, Stock.stockroom_qty)
        .join(Variant, Variant.id == Stock.variant_id).join(Product)
        .where(Stock.store_id == store_id, Stock.variant_id % SAMPLE_STRIDE == 0)
        .order_by(Stock.variant_id).limit(SAMPLE_VARIANTS)).all()
    sizes = [(Size(variant_id, product_id, name, f"{size} {width}".strip()), floor, stockroom)
             for variant_id, product_id, name, size, width, floor, stockroom in rows]
    pullable = tuple(size for size, _, stockroom in sizes if stockroom > 0)
    missing = [size for size, floor, stockroom in sizes if floor + stockroom == 0]
    if not pullable or not missing:
        return None
    rng.shuffle(missing)
    missing = tuple(missing[:MISSING_SIZES])
    return StockSample(pullable, missing, tuple(1 / (rank + 1) ** 1.1
                                                for rank in range(len(missing))))


def simulate_stock(day: Day, sample: StockSample, rng: random.Random) -> None:
    """Add the day's pulls, holds and lookup misses; name the sizes not in stock."""
    for served in day.served:
        if served.outcome == "out_of_stock":
            _out_of_stock(day, sample, rng, served)
        elif served.need == "find_size" and served.outcome in ("helped", "sold"):
            if rng.random() < PULL_SHARE:
                _pull(day, rng, rng.choice(sample.pullable), served)
            if rng.random() < HOLD_SHARE:
                _hold(day, rng, rng.choice(sample.pullable), served)
    if day.served:
        for _ in range(poisson(rng, EXTRA_MISSES_PER_REQUEST * len(day.requests))):
            served = rng.choice(day.served)
            _miss(day, _popular_missing(sample, rng), served.associate,
                  served.reached + rng.uniform(0, 900))


def _popular_missing(sample: StockSample, rng: random.Random) -> Size:
    return rng.choices(sample.missing, weights=sample.weights)[0]


def _out_of_stock(day: Day, sample: StockSample, rng: random.Random, served) -> None:
    size = _popular_missing(sample, rng)
    row = list(day.requests[served.index])
    row[PRODUCT_QUERY], row[SIZE_LABEL] = size.product, size.label
    row[PRODUCT_ID], row[VARIANT_ID] = size.product_id, size.variant_id
    day.requests[served.index] = tuple(row)
    _miss(day, size, served.associate, served.reached + rng.uniform(20, 120))


def _miss(day: Day, size: Size, associate: int, at: float) -> None:
    day.misses.append((day.spec.store_id, size.product_id, size.variant_id, size.label,
                       associate, day.stamp(at)))


def _pull(day: Day, rng: random.Random, size: Size, served) -> None:
    asked = served.reached + rng.uniform(30, 180)
    picked = asked + lognormal(rng, 150, 0.5)
    delivered = picked + lognormal(rng, 80, 0.4)
    stamp, not_found = day.stamp, rng.random() < NOT_FOUND_SHARE
    if not_found and rng.random() < 0.5:  # nobody found it on the shelf to pick
        status, times = "not_found", (None, None, picked)
    elif not_found:
        status, times = "not_found", (picked, None, delivered)
    else:
        status, times = "delivered", (picked, delivered, None)
    day.pulls.append((day.spec.store_id, size.variant_id, served.associate, served.request_id,
                      status, stamp(asked), *(None if at is None else stamp(at) for at in times),
                      served.associate))


def _hold(day: Day, rng: random.Random, size: Size, served) -> None:
    placed = served.resolved + rng.uniform(-60, 0)
    minutes = rng.choice(HOLD_MINUTES)
    released = (placed + rng.uniform(0.1, 0.9) * minutes * 60
                if rng.random() < RELEASED_SHARE else None)
    day.holds.append((day.spec.store_id, size.variant_id, rng.choice(CUSTOMERS), 1,
                      served.associate, day.stamp(placed), day.stamp(placed + minutes * 60),
                      None if released is None else day.stamp(released)))
