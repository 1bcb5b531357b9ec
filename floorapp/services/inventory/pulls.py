"""Stock pulls: an associate asks the stockroom for a pair; the stockroom answers.

open → picked → delivered, or → not_found from open or picked. Each move is a
compare-and-set UPDATE (`WHERE id = ? AND status IN (…)`) whose row count is
checked, so two people moving the same pull at once get one success and one
Conflict, on SQLite and PostgreSQL alike.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from floorapp.errors import NotFound
from floorapp.extensions import db
from floorapp.models import HelpRequest, Product, PullStatus, StockPull, Store, User, Variant
from floorapp.services.core import idempotency
from floorapp.services.core.idempotency import KeyedCall
from floorapp.services.core.input_parsing import enum_value, valid_id
from floorapp.services.core.times import iso
from floorapp.services.core.transactions import rolls_back, start_write
from floorapp.services.notify import plan

# target status: (statuses it may come from, the timestamp column it stamps)
PULL_MOVES = {
    PullStatus.PICKED: ((PullStatus.OPEN,), "picked_at"),
    PullStatus.DELIVERED: ((PullStatus.PICKED,), "delivered_at"),
    PullStatus.NOT_FOUND: ((PullStatus.OPEN, PullStatus.PICKED), "not_found_at"),
}
PULLS_SHOWN_FOR = timedelta(hours=12)  # how far back a store's pull list reaches


@rolls_back
def ask_for_pull(*, store: Store, variant_id: int, user: User,
                 help_request_id: int | None = None, call: KeyedCall | None = None) -> StockPull:
    """Ask the stockroom to bring a variant to the floor.

    Under an idempotency key (`call`) a replay returns the first pull. The check and
    the insert share one transaction; on PostgreSQL two replays racing past the check
    collide on the key's unique row, and the loser rolls back and answers the winner's.
    """
    _check_pull_request(store, variant_id, help_request_id)
    store_id, user_id, now = store.id, user.id, datetime.now(UTC)
    body = {"variant_id": variant_id, "help_request_id": help_request_id}
    start_write()
    if call is not None and (done := call.replay(body, now)) is not None:
        db.session.commit()
        return db.session.get(StockPull, done["id"])
    pull = StockPull(store_id=store_id, variant_id=variant_id, asked_by_id=user_id,
                     help_request_id=help_request_id, asked_at=now, status=PullStatus.OPEN)
    db.session.add(pull)
    try:
        db.session.flush()
        if call is not None:
            call.remember(body, 201, pull_dict(pull), now)
        plan.pull_asked(pull)  # in the pull's transaction: a rolled-back ask pushes nothing
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        done = call.replay(body, now) if call is not None else None
        if done is None:
            raise
        db.session.commit()
        return db.session.get(StockPull, done["id"])
    return pull


def _check_pull_request(store: Store, variant_id: int, help_request_id: int | None) -> None:
    if not valid_id(variant_id) or db.session.get(Variant, variant_id) is None:
        raise NotFound(f"No size with the id {variant_id}.")
    if help_request_id is not None:
        help_request = (db.session.get(HelpRequest, help_request_id)
                        if valid_id(help_request_id) else None)
        if help_request is None or help_request.store_id != store.id:
            raise NotFound(f"No help request with the id {help_request_id} in this store.")


def parse_pull_status(value: str) -> PullStatus:
    """Return the target status of a move, or raise InvalidInput."""
    return enum_value(PullStatus, value, "pull status", allowed=PULL_MOVES,
                      message="A pull can move to picked, delivered or not_found.")


@rolls_back
def move_pull(*, store: Store, pull_id: int, to: PullStatus | str, user: User,
              call: KeyedCall | None = None) -> StockPull:
    """Move a pull to its next status with a compare-and-set; stamp the time.

    Under an idempotency key a replay returns the pull instead of a Conflict, even
    when it raced the first call (idempotency.compare_and_set checks the key again
    after the row's lock).
    """
    target = parse_pull_status(str(to))
    sources, stamp = PULL_MOVES[target]
    store_id, user_id, now = store.id, user.id, datetime.now(UTC)
    statement = (update(StockPull)
                 .where(StockPull.id == pull_id, StockPull.store_id == store_id,
                        StockPull.status.in_(sources))
                 .values({"status": target, stamp: now, "handled_by_id": user_id}))
    return idempotency.compare_and_set(
        call, {"status": target.value}, statement, model=StockPull, row_id=pull_id,
        store_id=store_id, now=now, render=pull_dict,
        missing=f"No stock pull with the id {pull_id}.",
        after=lambda pull: plan.pull_moved(pull, target.value, user_id),
        refusal=lambda pull: (f"This pull is {pull.status.value.replace('_', ' ')}; "
                              f"it cannot become {target.value.replace('_', ' ')}."))


def get_pull(store: Store, pull_id: int) -> StockPull:
    """Return a pull of this store, or raise NotFound."""
    pull = db.session.get(StockPull, pull_id) if valid_id(pull_id) else None
    if pull is None or pull.store_id != store.id:
        raise NotFound(f"No stock pull with the id {pull_id}.")
    return pull


def store_pulls(store: Store, *, asked_by: User | None = None, open_only: bool = False) -> list:
    """Return recent pulls of a store (optionally one associate's) with product and size."""
    statement = (select(StockPull, Variant, Product)
                 .join(Variant, Variant.id == StockPull.variant_id)
                 .join(Product, Product.id == Variant.product_id)
                 .where(StockPull.store_id == store.id,
                        StockPull.asked_at > datetime.now(UTC) - PULLS_SHOWN_FOR)
                 .order_by(StockPull.asked_at.desc()).limit(100))
    if asked_by is not None:
        statement = statement.where(StockPull.asked_by_id == asked_by.id)
    if open_only:
        statement = statement.where(StockPull.status.in_((PullStatus.OPEN, PullStatus.PICKED)))
    return list(db.session.execute(statement).all())


def pull_dict(pull: StockPull) -> dict:
    """Return a pull as the API shows it, with its timings in seconds."""
    ended = pull.delivered_at or pull.not_found_at
    return {
        "id": pull.id, "variant_id": pull.variant_id, "status": pull.status.value,
        "help_request_id": pull.help_request_id, "asked_at": iso(pull.asked_at),
        "picked_at": iso(pull.picked_at), "delivered_at": iso(pull.delivered_at),
        "not_found_at": iso(pull.not_found_at),
        "seconds_to_pick": _seconds(pull.asked_at, pull.picked_at),
        "seconds_to_close": _seconds(pull.asked_at, ended),
    }


def _seconds(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else int((end - start).total_seconds())
