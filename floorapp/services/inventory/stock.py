"""Changing stock: holds for customers, pulls from the stockroom, manual adjustments.

Concurrency: placing a hold first touches the stock row with a no-op UPDATE. That
row lock (PostgreSQL) or the write lock (SQLite) makes concurrent holds on the same
variant and store take turns, so the second one counts the first one's hold and
two associates reaching for the last pair get one hold and one Conflict.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from floorapp.errors import Conflict, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Hold, LookupMiss, LookupSource, Stock, Store, User, Variant
from floorapp.services.core import audit, idempotency
from floorapp.services.core.idempotency import KeyedCall
from floorapp.services.core.input_parsing import bounded_number, check_text, valid_id
from floorapp.services.core.names import clean_name
from floorapp.services.core.times import iso
from floorapp.services.core.transactions import (
    relaxed_durability,
    rolls_back,
    start_write,
    writes,
)
from floorapp.services.inventory.sizes import normalize_width

MAX_HOLD_MINUTES = 24 * 60
MAX_QTY = 100_000
MISS_REPEAT_WINDOW = timedelta(minutes=10)
# Customers have no login to tell them apart: a look at the same size within a minute is
# taken for the same look (a reload, the back button), not for another customer.
CUSTOMER_REPEAT_WINDOW = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _variant(variant_id: int) -> Variant:
    variant = db.session.get(Variant, variant_id) if valid_id(variant_id) else None
    if variant is None:
        raise NotFound(f"No size with the id {variant_id}.")
    return variant


def parse_quantity(value: object, label: str, *, minimum: int = 0) -> int:
    """Return a whole quantity ≥ `minimum`, or raise InvalidInput."""
    return bounded_number(value, minimum=minimum, maximum=MAX_QTY,
                          not_a_number=f"The {label} must be a whole number.",
                          too_small=f"The {label} cannot be less than {minimum}.",
                          too_large=f"The {label} is too large.")


@rolls_back
def place_hold(*, store: Store, variant_id: int, customer_label: str, minutes: object,
               qty: object = 1, user: User | None = None, call: KeyedCall | None = None) -> Hold:
    """Hold units for a customer for N minutes; never more than is available.

    Raises Conflict when the units are no longer available (someone else held
    or sold them first). Under an idempotency key (`call`) a replay returns the
    first hold: the check runs after the stock row's lock, in the transaction that
    writes the hold, so concurrent replays of one key place one hold.
    """
    label, minutes, qty = _hold_terms(customer_label, minutes, qty)
    _variant(variant_id)
    # Read ids now: after the commit, touching an expired object would read first.
    store_id, user_id = store.id, (user.id if user else None)
    start_write()  # the no-op UPDATE below must be the transaction's first statement
    touched = db.session.execute(
        update(Stock).where(Stock.store_id == store_id, Stock.variant_id == variant_id)
        .values(floor_qty=Stock.floor_qty))
    if touched.rowcount != 1:
        db.session.rollback()
        raise Conflict("This store has none of that size to hold.")
    now = _now()
    body = {"variant_id": variant_id, "customer_label": label, "minutes": minutes, "qty": qty}
    if call is not None and (done := call.replay(body, now)) is not None:
        db.session.commit()
        return db.session.get(Hold, done["id"])
    if qty > _available(store_id, variant_id, now):
        db.session.rollback()
        raise Conflict("Not enough left to hold: someone else has just held or sold it.")
    hold = Hold(store_id=store_id, variant_id=variant_id, customer_label=label, qty=qty,
                created_by_id=user_id, created_at=now,
                expires_at=now + timedelta(minutes=minutes))
    db.session.add(hold)
    db.session.flush()
    if call is not None:
        call.remember(body, 201, hold_dict(hold), now)
    db.session.commit()
    return hold


def _hold_terms(customer_label: str, minutes: object, qty: object) -> tuple[str, int, int]:
    label = clean_name(customer_label, field="customer label", max_length=60)
    if not label:
        raise InvalidInput("Name the hold for the customer (at most 60 characters), "
                           "e.g. 'Ms Lee, blue coat'.")
    minutes = parse_quantity(minutes, "hold time in minutes", minimum=1)
    if minutes > MAX_HOLD_MINUTES:
        raise InvalidInput("A hold lasts at most 24 hours.")
    return label, minutes, parse_quantity(qty, "quantity", minimum=1)


def _available(store_id: int, variant_id: int, now: datetime) -> int:
    on_hand = db.session.execute(
        select(Stock.floor_qty + Stock.stockroom_qty)
        .where(Stock.store_id == store_id, Stock.variant_id == variant_id)).scalar_one()
    held = db.session.scalar(
        select(func.coalesce(func.sum(Hold.qty), 0)).where(
            Hold.store_id == store_id, Hold.variant_id == variant_id,
            Hold.released_at.is_(None), Hold.expires_at > now))
    return on_hand - held


@rolls_back
def release_hold(*, store: Store, hold_id: int, call: KeyedCall | None = None) -> Hold:
    """Release a hold early (the customer bought it or left).

    Under an idempotency key a replay returns the first answer's hold instead of a
    Conflict, even when it raced the first call (idempotency.compare_and_set checks the
    key again after the row's lock).
    """
    now, store_id = _now(), store.id
    statement = (update(Hold).where(Hold.id == hold_id, Hold.store_id == store_id,
                                    Hold.released_at.is_(None))
                 .values(released_at=now))
    return idempotency.compare_and_set(
        call, {}, statement, model=Hold, row_id=hold_id, store_id=store_id, now=now,
        render=hold_dict, missing=f"No hold with the id {hold_id}.",
        refusal=lambda hold: "This hold was released already.")


def hold_dict(hold: Hold) -> dict:
    """Return a hold as the API shows it (and as an idempotency record stores it)."""
    return {"id": hold.id, "variant_id": hold.variant_id, "customer_label": hold.customer_label,
            "qty": hold.qty, "created_at": iso(hold.created_at),
            "expires_at": iso(hold.expires_at), "released_at": iso(hold.released_at)}


def active_holds(store: Store, *, variant_ids: list[int] | None = None) -> list[Hold]:
    """Return the store's holds that still count, soonest to expire first."""
    statement = select(Hold).where(Hold.store_id == store.id, Hold.released_at.is_(None),
                                   Hold.expires_at > _now())
    if variant_ids is not None:
        statement = statement.where(Hold.variant_id.in_(variant_ids))
    return list(db.session.scalars(statement.order_by(Hold.expires_at)))


@writes
def purge_expired_holds(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Erase the customer's name from holds that ended more than `older_than` ago.

    The rows stay: the managers' dashboard counts holds and their lengths for any past
    range (services/metrics/inventory_figures.py). Returns how many names were erased.
    """
    cutoff = _now() - older_than
    result = db.session.execute(update(Hold).where(
        (Hold.expires_at < cutoff) | (Hold.released_at < cutoff), Hold.customer_label != "")
        .values(customer_label=""))
    db.session.commit()
    return result.rowcount


@rolls_back
def set_stock(*, store: Store, variant_id: int, floor: object, stockroom: object,
              bin_location: str | None = None, actor: User | None = None) -> Stock:
    """Set a variant's floor and stockroom quantities in a store (never negative).

    The UPDATE comes first (then an INSERT when the store had no row), so the write
    lock is taken before anything is read in the transaction.
    """
    floor_qty = parse_quantity(floor, "floor quantity")
    stockroom_qty = parse_quantity(stockroom, "stockroom quantity")
    location = (None if bin_location is None
                else " ".join(check_text(bin_location, "bin").split()))
    if location is not None and len(location) > 24:
        raise InvalidInput("A bin location is at most 24 characters.")
    _variant(variant_id)
    store_id, now = store.id, _now()
    values = {"floor_qty": floor_qty, "stockroom_qty": stockroom_qty, "updated_at": now}
    if location is not None:
        values["bin"] = location
    start_write()
    updated = db.session.execute(update(Stock).where(
        Stock.store_id == store_id, Stock.variant_id == variant_id).values(values))
    if updated.rowcount == 0:
        db.session.execute(insert(Stock).values(
            variant_id=variant_id, store_id=store_id, **({"bin": ""} | values)))
    if actor is not None:  # a person's edit; a POS or ERP pushing by token is not audited
        audit.record(actor, "stock.set", target=f"variant {variant_id}", store=store,
                     floor=floor_qty, stockroom=stockroom_qty, bin=location)
    db.session.commit()
    return db.session.get(Stock, (variant_id, store_id))


@rolls_back
def record_lookup_miss(*, store_id: int, variant_id: int, user: User | None,
                       source: LookupSource = LookupSource.ASSOCIATE) -> bool:
    """Record that a lookup ended on a size this store cannot sell now.

    The same associate landing on the same size again within ten minutes counts
    once: a reload is not a second customer. A customer's own check at a sign
    (`source` CUSTOMER, no user) counts once per size within CUSTOMER_REPEAT_WINDOW.
    Returns whether a row was written.

    A lookup is a read on a hot path (a customer's scan answers within 10 ms), so a
    repeat is found by a plain read and writes nothing; only a new miss takes the
    lock, looks again under it (two workers racing write one row) and inserts, with
    the commit not waiting for the disk (transactions.relaxed_durability).
    """
    customer = source is LookupSource.CUSTOMER
    user_id = None if customer else (user.id if user else None)
    since = _now() - (CUSTOMER_REPEAT_WINDOW if customer else MISS_REPEAT_WINDOW)
    if _recent_miss(store_id, variant_id, source, user_id, since):
        return False
    variant = _variant(variant_id)
    start_write()
    relaxed_durability()
    # A no-op write first takes the lock, so the check and the insert cannot race.
    db.session.execute(update(Variant).where(Variant.id == variant_id)
                       .values(size_sort=Variant.size_sort))
    if _recent_miss(store_id, variant_id, source, user_id, since):
        db.session.commit()  # end the write now, not when the page has been rendered
        return False
    label = variant.size_label + (f" {normalize_width(variant.width)}" if variant.width else "")
    db.session.add(LookupMiss(store_id=store_id, product_id=variant.product_id,
                              variant_id=variant_id, size_label=label, user_id=user_id,
                              source=source))
    db.session.commit()
    return True


def _recent_miss(store_id: int, variant_id: int, source: LookupSource, user_id: int | None,
                 since: datetime) -> bool:
    """Tell whether the same look (store, size, source, associate) was recorded since."""
    return db.session.scalar(select(LookupMiss.id).where(
        LookupMiss.store_id == store_id, LookupMiss.variant_id == variant_id,
        LookupMiss.source == source, LookupMiss.user_id.is_(None) if user_id is None
        else LookupMiss.user_id == user_id, LookupMiss.at > since).limit(1)) is not None
