"""The dashboard's stock figures for a store and a Period: pulls, holds and lost demand.

How the figures are defined (the contract the dashboard, the API and the tests share):

- Each thing belongs to the local day (store time zone) it started on, exactly as a
  help request does in services/metrics/figures.py: a pull to the day it was asked, a hold to
  the day it was placed, a lookup miss to the day it happened, a help request resolved
  "out of stock" to the day it was requested. The range is Period's
  [start_utc, end_utc), so a DST day has 23 or 25 hours and nothing falls between days.
- stock_pulls: `asked`, then by where each pull stands now: `delivered`, `not_found`,
  `open` (open or picked). `to_pick` (asked → picked) and `to_deliver` (asked →
  delivered) are count, p50, p90 and max in seconds over the pulls that got there,
  nearest-rank like services/metrics/stats.py (computed in SQL by rank, so no row comes back).
- holds: `placed` and `units`; each hold ended one way: `released` by hand before it
  expired, `expired` (its time ran out, or it was released only afterwards), or is
  still `active`. `median_length_s` is the nearest-rank median time from placing to
  the release or the expiry, over the holds that ended (active ones are not over yet).
- lost_demand: sizes a store could not sell, by product and size, from three sources
  kept apart: `looked_up` counts lookup misses (an associate's lookup ended on a size
  not in stock), `customer_looked_up` the customers' own checks at a sign that named a
  size not here ("customer looked it up", services/inventory/customer_view.py), and
  `asked_for` counts help requests resolved "out of stock" (a customer asked).
  A request linked to a catalog size joins that product's row; one that only
  names a product in words gets a row of its own with what the customer typed.
  `top` holds the MAX_TOP rows with the most of all three (at a tie, those customers asked
  for first, then by product name), `sizes` how many rows there were.
"""

import functools
from datetime import UTC, datetime

from sqlalchemy import bindparam, case, func, select

from floorapp.extensions import db
from floorapp.models import (
    HelpRequest,
    Hold,
    LookupMiss,
    LookupSource,
    Outcome,
    Product,
    PullStatus,
    StockPull,
    Store,
    Variant,
)
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import epoch_seconds

MAX_TOP = 15
PERCENTILES = (50, 90)


def inventory_figures(store: Store, period: Period, now: datetime | None = None) -> dict:
    """Return the stock pulls, holds and lost demand of `store` over `period`."""
    now = now or datetime.now(UTC)
    return {"stock_pulls": stock_pulls(store.id, period),
            "holds": hold_figures(store.id, period, now),
            "lost_demand": lost_demand(store.id, period)}


def _ranked(inner, name: str) -> list:
    """Return a duration column of `inner` with its rank (NULLs last) and how many are set.

    The durations are computed in `inner` first: SQLite would otherwise compute each one
    again for the value, the ordering and the count (three times slower).
    """
    seconds = inner.c[f"{name}_s"]
    return [seconds,
            func.row_number().over(order_by=seconds.asc().nulls_last()).label(f"{name}_rank"),
            func.count(seconds).over().label(f"{name}_n")]


def _summary_columns(ranked, name: str) -> list:
    """Return count, the nearest-rank percentiles and max of a ranked duration column."""
    seconds, rank, count = (ranked.c[f"{name}_{part}"] for part in ("s", "rank", "n"))
    # Nearest rank ceil(p·n/100), in integers so SQLite and PostgreSQL agree.
    at_rank = [func.max(case((rank == (count * p + 99) // 100, seconds)))
               for p in PERCENTILES]
    return [func.coalesce(func.max(count), 0), *at_rank, func.max(seconds)]


def _summary(values) -> dict:
    count, p50, p90, longest = values
    return {"count": count, "p50_s": _round(p50), "p90_s": _round(p90),
            "max_s": _round(longest)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _in_range(column) -> list:
    return [column >= bindparam("start"), column < bindparam("end")]


def _range(store_id: int, period: Period, **extra) -> dict:
    return {"store_id": store_id, "start": period.start_utc, "end": period.end_utc, **extra}


# The statements are built once per dialect and run with parameters: building and
# hashing a statement of windows and CASEs costs more Python time than running it.
@functools.cache
def _pulls_statement(dialect: str):
    table = StockPull.__table__
    asked = epoch_seconds(table.c.asked_at, dialect)
    inner = select(
        table.c.status, (epoch_seconds(table.c.picked_at, dialect) - asked).label("pick_s"),
        (epoch_seconds(table.c.delivered_at, dialect) - asked).label("deliver_s"),
    ).where(table.c.store_id == bindparam("store_id"), *_in_range(table.c.asked_at)).subquery()
    ranked = select(inner.c.status, *_ranked(inner, "pick"),
                    *_ranked(inner, "deliver")).subquery()
    status = ranked.c.status
    return select(
        func.count(),
        *(func.coalesce(func.sum(case((status.in_(values), 1), else_=0)), 0)
          for values in ([PullStatus.DELIVERED.value], [PullStatus.NOT_FOUND.value],
                         [PullStatus.OPEN.value, PullStatus.PICKED.value])),
        *_summary_columns(ranked, "pick"), *_summary_columns(ranked, "deliver"))


def stock_pulls(store_id: int, period: Period) -> dict:
    """Return the pulls asked in `period`: where they stand and how long they took."""
    row = db.session.execute(_pulls_statement(db.engine.dialect.name),
                             _range(store_id, period)).one()
    return {"asked": row[0], "delivered": row[1], "not_found": row[2], "open": row[3],
            "to_pick": _summary(row[4:8]), "to_deliver": _summary(row[8:12])}


@functools.cache
def _holds_statement(dialect: str):
    table = Hold.__table__
    by_hand = table.c.released_at.is_not(None) & (table.c.released_at < table.c.expires_at)
    ran_out = ~by_hand & (table.c.expires_at <= bindparam("now"))
    ended = case((by_hand, epoch_seconds(table.c.released_at, dialect)),
                 (ran_out, epoch_seconds(table.c.expires_at, dialect)))
    inner = select(
        table.c.qty, case((by_hand, 1), else_=0).label("by_hand"),
        case((ran_out, 1), else_=0).label("ran_out"),
        (ended - epoch_seconds(table.c.created_at, dialect)).label("length_s"),
    ).where(table.c.store_id == bindparam("store_id"),
            *_in_range(table.c.created_at)).subquery()
    ranked = select(inner.c.qty, inner.c.by_hand, inner.c.ran_out,
                    *_ranked(inner, "length")).subquery()
    return select(func.count(), *(func.coalesce(func.sum(ranked.c[name]), 0)
                                  for name in ("qty", "by_hand", "ran_out")),
                  *_summary_columns(ranked, "length"))


def hold_figures(store_id: int, period: Period, now: datetime) -> dict:
    """Return the holds placed in `period`: how many, how they ended, how long they lasted."""
    row = db.session.execute(_holds_statement(db.engine.dialect.name),
                             _range(store_id, period, now=now)).one()
    placed, units, released, expired = row[:4]
    return {"placed": placed, "units": units, "released": released, "expired": expired,
            "active": placed - released - expired, "median_length_s": _round(row[5])}


def lost_demand(store_id: int, period: Period) -> dict:
    """Return the sizes not in stock that were looked up or asked for, most wanted first."""
    rows: dict[tuple, dict] = {}
    looked_up, customer_looked_up = _add_lookup_misses(rows, store_id, period)
    asked_for = _add_out_of_stock_requests(rows, store_id, period)
    ranked = sorted(rows.values(), key=lambda row: (
        -_total(row), -row["asked_for"],
        (row["product"] or "").casefold(), row["product_id"] or 0, row["size"]))
    return {"looked_up": looked_up, "customer_looked_up": customer_looked_up,
            "asked_for": asked_for, "sizes": len(rows),
            "top": [{**row, "total": _total(row)} for row in ranked[:MAX_TOP]]}


def _total(row: dict) -> int:
    return row["looked_up"] + row["customer_looked_up"] + row["asked_for"]


def _entry(rows: dict, key: tuple, **fields) -> dict:
    if key not in rows:
        rows[key] = {"product_id": None, "style": None, "product": None, "brand": None,
                     "size": "", "looked_up": 0, "customer_looked_up": 0, "asked_for": 0,
                     **fields}
    return rows[key]


# Grouped first, then each group is named from the catalog: one statement per source.
_missed = (select(LookupMiss.product_id, LookupMiss.size_label, LookupMiss.source,
                  func.count().label("n"))
           .where(LookupMiss.store_id == bindparam("store_id"), *_in_range(LookupMiss.at))
           .group_by(LookupMiss.product_id, LookupMiss.size_label, LookupMiss.source)
           .subquery())
_MISSES = (select(_missed.c.product_id, _missed.c.size_label, _missed.c.source, _missed.c.n,
                  Product.style, Product.name, Product.brand)
           .outerjoin(Product, Product.id == _missed.c.product_id))
_asked = (select(HelpRequest.variant_id, HelpRequest.product_query, HelpRequest.size_label,
                 func.count().label("n"))
          .where(HelpRequest.store_id == bindparam("store_id"),
                 *_in_range(HelpRequest.requested_at),
                 HelpRequest.outcome == Outcome.OUT_OF_STOCK)
          .group_by(HelpRequest.variant_id, HelpRequest.product_query, HelpRequest.size_label)
          .subquery())
_OUT_OF_STOCK = (select(_asked.c.product_query, _asked.c.size_label, _asked.c.n,
                        Variant.product_id, Variant.size_label, Variant.width, Product.style,
                        Product.name, Product.brand)
                 .outerjoin(Variant, Variant.id == _asked.c.variant_id)
                 .outerjoin(Product, Product.id == Variant.product_id))


def _add_lookup_misses(rows: dict, store_id: int, period: Period) -> tuple[int, int]:
    """Add the lookup misses; return (the associates' count, the customers' count)."""
    grouped = db.session.execute(_MISSES, _range(store_id, period)).all()
    totals = {LookupSource.ASSOCIATE: 0, LookupSource.CUSTOMER: 0}
    for product_id, size, source, count, style, name, brand in grouped:
        source = LookupSource(source)
        column = "customer_looked_up" if source is LookupSource.CUSTOMER else "looked_up"
        _entry(rows, (product_id, size), product_id=product_id, size=size, style=style,
               product=name, brand=brand)[column] += count
        totals[source] += count
    return totals[LookupSource.ASSOCIATE], totals[LookupSource.CUSTOMER]


def _add_out_of_stock_requests(rows: dict, store_id: int, period: Period) -> int:
    grouped = db.session.execute(_OUT_OF_STOCK, _range(store_id, period)).all()
    for query, typed_size, count, product_id, size, width, style, name, brand in grouped:
        if product_id is not None:  # a catalog size, labelled as lookup misses label it
            label = f"{size} {width}".strip()
            entry = _entry(rows, (product_id, label), product_id=product_id, size=label,
                           style=style, product=name, brand=brand)
        else:  # named in words only: grouped by what was typed, ignoring case and spaces
            words = " ".join((query or "").split())
            label = " ".join((typed_size or "").split()).upper()
            entry = _entry(rows, ("typed", words.casefold(), label), product=words or None,
                           size=label)
        entry["asked_for"] += count
    return sum(row.n for row in grouped)
