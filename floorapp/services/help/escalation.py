"""Escalation and expiry: requests nobody acknowledges are shouted wider, then expire.

- Not acknowledged within the store's acknowledge target: level 1 (every available
  associate of the store is alerted).
- A further `ESCALATE_AFTER_S` (default: the target again) later: level 2 (managers).
- Sent while nobody is working who would take it: level 2 at once (`tell_managers_at_once`).
- Not reached within `EXPIRE_AFTER_MINUTES` (default 30): expired, a walk-away.

Every worker runs `tick` on a timer and cron may run it too: each escalation is a
conditional `UPDATE … WHERE escalation_level = <previous>`, so however many run at once,
each level is written (and logged) once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from floorapp.errors import Conflict
from floorapp.extensions import db
from floorapp.models import EventKind, HelpRequest, Status, Store
from floorapp.services.core import idempotency
from floorapp.services.core.event_log import record_event
from floorapp.services.core.transactions import begin_write
from floorapp.services.help import moves
from floorapp.services.help.sla import within
from floorapp.services.notify import plan


@dataclass
class TickReport:
    """What one tick did."""

    escalated: int = 0
    expired: int = 0


def tick(*, now: datetime, expire_after_minutes: int = 30,
         escalate_after_s: int | None = None) -> TickReport:
    """Escalate overdue waiting requests and expire unreached ones; return the counts."""
    report = TickReport()
    expire_before = now - timedelta(minutes=expire_after_minutes)
    for store_id, request_id in _open_before(expire_before, (Status.WAITING, Status.CLAIMED)):
        try:
            moves.expire(store_id, request_id, now=now)
            report.expired += 1
        except Conflict:
            db.session.rollback()  # someone moved it first: nothing to do
    for row in _waiting_candidates(now):
        level = _due_level(row, now, escalate_after_s)
        if level and escalate(row.store_id, row.id, level, now=now):
            report.escalated += 1
    idempotency.purge(now)
    return report


def _open_before(cutoff: datetime, statuses) -> list[tuple[int, int]]:
    rows = db.session.execute(select(HelpRequest.store_id, HelpRequest.id).where(
        HelpRequest.status.in_(statuses), HelpRequest.requested_at < cutoff)).all()
    db.session.commit()
    return [tuple(row) for row in rows]


def _waiting_candidates(now: datetime):
    rows = db.session.execute(
        select(HelpRequest.id, HelpRequest.store_id, HelpRequest.requested_at,
               HelpRequest.escalation_level, HelpRequest.last_escalated_at,
               Store.acknowledge_target_s)
        .join(Store, Store.id == HelpRequest.store_id)
        .where(HelpRequest.status == Status.WAITING, HelpRequest.escalation_level < 2)).all()
    db.session.commit()
    return rows


def _due_level(row, now: datetime, escalate_after_s: int | None) -> int:
    """Return the level a waiting request is due for: 1 once it misses its target.

    "Misses" is the SLA vocabulary's (services/help/sla.py): a request waiting exactly
    its target is due soon on every surface, so it is not escalated yet either.
    """
    further = timedelta(seconds=escalate_after_s or row.acknowledge_target_s)
    waited = (now - row.requested_at).total_seconds()
    if row.escalation_level == 0 and not within(waited, row.acknowledge_target_s):
        return 1
    if row.escalation_level == 1 and row.last_escalated_at and \
            now - row.last_escalated_at >= further:
        return 2
    return 0


def escalate(store_id: int, request_id: int, level: int, *, now: datetime) -> bool:
    """Raise a waiting request to `level` once; return False if another worker did it."""
    begin_write(store_id)
    if not _raise(store_id, request_id, level, from_level=level - 1, now=now):
        db.session.rollback()
        return False
    db.session.commit()
    return True


def tell_managers_at_once(store_id: int, request_id: int, *, now: datetime) -> None:
    """Take a request nobody is working to take (services/help/wait_estimate.py) to the
    managers now, level 2, instead of after two targets; in the caller's transaction."""
    _raise(store_id, request_id, 2, from_level=0, now=now, reason="uncovered")


def _raise(store_id: int, request_id: int, level: int, *, from_level: int, now: datetime,
           reason: str | None = None) -> bool:
    """Move a waiting request from `from_level` to `level`, with its event and alerts."""
    result = db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.store_id == store_id,
               HelpRequest.status == Status.WAITING,
               HelpRequest.escalation_level == from_level)
        .values(escalation_level=level, last_escalated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    record_event(store_id=store_id, request_id=request_id, kind=EventKind.ESCALATED, at=now,
                 from_status=Status.WAITING.value, to_status=Status.WAITING.value,
                 data={"level": level, **({"reason": reason} if reason else {})})
    plan.escalated(store_id, request_id, level)
    return True
