"""Keyword-only builders of stock pulls, holds and lookup misses, as stored data.

For tests of readers such as the dashboard; tests of the pull and hold rules go
through services/inventory/pulls.py and services/inventory/stock.py instead.
"""

from datetime import datetime, timedelta

from floorapp.extensions import db
from floorapp.models import (
    HelpRequest,
    Hold,
    LookupMiss,
    LookupSource,
    Outcome,
    PullStatus,
    Sign,
    Status,
    StockPull,
    Store,
    User,
    Variant,
)
from tests.factories import make_help_request


def _after(start: datetime, seconds: float | None) -> datetime | None:
    return None if seconds is None else start + timedelta(seconds=seconds)


def make_pull(*, store: Store, variant: Variant, user: User, asked_at: datetime,
              pick_s: float | None = None, deliver_s: float | None = None,
              not_found_s: float | None = None) -> StockPull:
    """Create a pull whose moves are given as seconds after `asked_at`; status follows."""
    status = (PullStatus.DELIVERED if deliver_s is not None else PullStatus.NOT_FOUND
              if not_found_s is not None else PullStatus.PICKED if pick_s is not None
              else PullStatus.OPEN)
    pull = StockPull(store_id=store.id, variant_id=variant.id, asked_by_id=user.id,
                     status=status, asked_at=asked_at, picked_at=_after(asked_at, pick_s),
                     delivered_at=_after(asked_at, deliver_s),
                     not_found_at=_after(asked_at, not_found_s))
    db.session.add(pull)
    db.session.commit()
    return pull


def make_hold(*, store: Store, variant: Variant, created_at: datetime, minutes: int = 30,
              released_s: float | None = None, qty: int = 1) -> Hold:
    """Create a hold of `minutes`, released `released_s` seconds after it was placed."""
    hold = Hold(store_id=store.id, variant_id=variant.id, customer_label="Ms Lee", qty=qty,
                created_at=created_at, expires_at=created_at + timedelta(minutes=minutes),
                released_at=_after(created_at, released_s))
    db.session.add(hold)
    db.session.commit()
    return hold


def make_miss(*, store: Store, variant: Variant, at: datetime, label: str | None = None,
              user: User | None = None,
              source: LookupSource = LookupSource.ASSOCIATE) -> LookupMiss:
    """Record a lookup miss of `variant` (labelled as services/inventory/stock.py labels it)."""
    label = label or f"{variant.size_label} {variant.width}".strip()
    miss = LookupMiss(store_id=store.id, product_id=variant.product_id, variant_id=variant.id,
                      size_label=label, user_id=user.id if user else None, at=at,
                      source=source)
    db.session.add(miss)
    db.session.commit()
    return miss


def make_out_of_stock_request(*, sign: Sign, requested_at: datetime, product: str = "",
                              size: str = "", variant: Variant | None = None,
                              outcome: Outcome = Outcome.OUT_OF_STOCK) -> HelpRequest:
    """Create a help request resolved (by default "out of stock") ten minutes after it began."""
    return make_help_request(
        sign=sign, status=Status.RESOLVED, requested_at=requested_at,
        acknowledged_at=requested_at + timedelta(seconds=30),
        reached_at=requested_at + timedelta(seconds=90),
        resolved_at=requested_at + timedelta(minutes=10), outcome=outcome,
        product_query=product, size_label=size,
        variant_id=variant.id if variant else None)
