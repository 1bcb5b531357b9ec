"""The audit log: every manager and admin action, written in the action's transaction."""

from typing import Any

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import AuditEntry, Store, User

PAGE_SIZE = 100


def record(actor: User | None, action: str, *, target: str = "",
           store: Store | None = None, **data: Any) -> None:
    """Add an audit entry to the caller's transaction (flushed, committed by the caller).

    `actor` None means the command line. Passwords and tokens never go in `data`.
    """
    db.session.add(AuditEntry(actor_id=actor.id if actor else None,
                              store_id=store.id if store else None,
                              action=action, target=target[:160], data=data))
    db.session.flush()


def entries(*, store: Store | None, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    """Return the newest entries for a store, or for everything when `store` is None."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if store is not None:
        query = query.where(AuditEntry.store_id == store.id)
    return list(db.session.scalars(query))
