"""What people see of help requests: the store's open queue and a customer's status.

These are reads (no commits). The queue is one Core select, because handhelds poll
and re-render it often.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from floorapp.extensions import db
from floorapp.models import (
    OPEN_STATUSES,
    Availability,
    HelpRequest,
    Status,
    Store,
    User,
    Zone,
)
from floorapp.models.types import utcnow
from floorapp.services.core.times import iso
from floorapp.services.help import wait_estimate
from floorapp.services.help.sla import sla_state, target_for, waited_s


def open_queue(store: Store, *, now: datetime | None = None) -> list[dict]:
    """Return the store's open requests, oldest first, with their SLA state (help/sla.py)."""
    now = now or utcnow()
    holder = aliased(User)
    rows = db.session.execute(
        select(HelpRequest.id, HelpRequest.status, HelpRequest.need, HelpRequest.zone_id,
               Zone.name.label("zone"), HelpRequest.product_query, HelpRequest.size_label,
               HelpRequest.product_id, HelpRequest.variant_id, HelpRequest.note,
               HelpRequest.requested_at, HelpRequest.claimed_by_id,
               holder.name.label("claimed_by"), HelpRequest.escalation_level)
        .join(Zone, Zone.id == HelpRequest.zone_id)
        .outerjoin(holder, holder.id == HelpRequest.claimed_by_id)
        .where(HelpRequest.store_id == store.id, HelpRequest.status.in_(OPEN_STATUSES))
        .order_by(HelpRequest.requested_at, HelpRequest.id)).mappings().all()
    return [_queue_item(row, store, now) for row in rows]


def _queue_item(row, store: Store, now: datetime) -> dict:
    waited = waited_s(row["requested_at"], now)
    item = dict(row)
    item.update(status=row["status"].value, need=row["need"].value, waited_s=waited,
                requested_at=iso(row["requested_at"]),
                sla=sla_state(waited, target_for(store, row["status"])).value)
    return item


@dataclass
class CustomerStatus:
    """What the customer's status page shows (the wait: services/help/wait_estimate.py)."""

    status: str
    position: int | None
    estimate_s: int | None
    associate: str | None
    everyone_busy: bool = False
    managers_told: bool = False


def customer_status(help_request: HelpRequest, *, now: datetime | None = None) -> CustomerStatus:
    """Return the status, queue position, wait estimate and associate's first name."""
    now = now or utcnow()
    name = help_request.claimed_by.first_name if help_request.claimed_by else None
    if help_request.status is not Status.WAITING:
        return CustomerStatus(help_request.status.value, None, None, name)
    position = 1 + db.session.scalar(select(func.count()).where(
        HelpRequest.store_id == help_request.store_id, HelpRequest.status == Status.WAITING,
        or_(HelpRequest.requested_at < help_request.requested_at,
            (HelpRequest.requested_at == help_request.requested_at)
            & (HelpRequest.id < help_request.id))))
    wait = wait_estimate.for_request(help_request, position, now=now)
    return CustomerStatus("waiting", position, wait.seconds, None,
                          everyone_busy=wait.everyone_busy,
                          managers_told=help_request.escalation_level >= 2)


def colleagues(store: Store, giver: User) -> list[User]:
    """Return the store's staff who can take a hand-off (working, not the giver)."""
    return list(db.session.scalars(select(User).where(
        User.home_store_id == store.id, User.active.is_(True), User.id != giver.id,
        User.availability != Availability.OFF).order_by(User.name)))


def my_current(store: Store, user: User) -> HelpRequest | None:
    """Return the open request `user` holds in `store`, if any (the oldest)."""
    return db.session.scalar(select(HelpRequest).where(
        HelpRequest.store_id == store.id, HelpRequest.claimed_by_id == user.id,
        HelpRequest.status.in_((Status.CLAIMED, Status.HELPING)))
        .order_by(HelpRequest.requested_at).limit(1))


def summary(help_request: HelpRequest) -> dict:
    """Return a request as the API shows it to the store's staff."""
    return {
        "id": help_request.id, "status": help_request.status.value,
        "zone_id": help_request.zone_id, "need": help_request.need.value,
        "product": help_request.product_query, "size": help_request.size_label,
        "product_id": help_request.product_id, "variant_id": help_request.variant_id,
        "note": help_request.note, "requested_at": iso(help_request.requested_at),
        "acknowledged_at": iso(help_request.acknowledged_at),
        "reached_at": iso(help_request.reached_at),
        "resolved_at": iso(help_request.resolved_at), "closed_at": iso(help_request.closed_at),
        "claimed_by_id": help_request.claimed_by_id,
        "outcome": help_request.outcome.value if help_request.outcome else None,
        "escalation_level": help_request.escalation_level,
    }


def store_id_of(request_id: int) -> int | None:
    """Return the store of a request (None if there is no such request)."""
    return db.session.scalar(select(HelpRequest.store_id).where(HelpRequest.id == request_id))


def has_feedback(help_request: HelpRequest) -> bool:
    """Tell whether the customer has rated this request already."""
    from floorapp.models import Feedback

    return db.session.scalar(
        select(Feedback.id).where(Feedback.request_id == help_request.id)) is not None


def covered_zone_ids(store: Store) -> tuple[set[int], bool]:
    """Return the zones someone on the floor covers, and whether someone covers them all."""
    zones = set(db.session.scalars(select(User.availability_zone_id).where(
        User.home_store_id == store.id, User.active.is_(True),
        User.availability == Availability.ON_FLOOR)))
    return {zone for zone in zones if zone is not None}, None in zones


def break_summary(item) -> dict:
    """A break as the API shows it (services/help/away.py)."""
    return {"id": item.id, "user_id": item.user_id, "zone_id": item.zone_id,
            "backup_id": item.backup_id, "started_at": iso(item.started_at),
            "expected_return_at": iso(item.expected_return_at), "ended_at": iso(item.ended_at)}
