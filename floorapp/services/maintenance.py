"""Housekeeping a cron job runs: forget what customers wrote once it is no longer needed.

Notes and comments are purged after the retention window; the anonymous timings of
every request stay, so the dashboards keep their history.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, IdempotencyRecord, LoginSession
from floorapp.services.transactions import writes

IDEMPOTENCY_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class PurgeReport:
    """How many rows each purge step changed."""

    notes: int
    comments: int
    idempotency_records: int
    login_sessions: int


@writes
def purge(*, retention_days: int, session_idle: timedelta,
          now: datetime | None = None) -> PurgeReport:
    """Purge customer text older than `retention_days`, stale keys and dead sessions."""
    if not 1 <= retention_days <= 3650:
        raise InvalidInput("The retention window must be between 1 and 3650 days.")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=retention_days)
    old_requests = select(HelpRequest.id).where(HelpRequest.requested_at < cutoff)
    report = PurgeReport(
        notes=_count(update(HelpRequest)
                     .where(HelpRequest.requested_at < cutoff, HelpRequest.note != "")
                     .values(note="")),
        comments=_count(update(Feedback)
                        .where(Feedback.request_id.in_(old_requests), Feedback.comment != "")
                        .values(comment="")),
        idempotency_records=_count(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < now - IDEMPOTENCY_WINDOW)),
        login_sessions=_count(delete(LoginSession).where(or_(
            LoginSession.ended_at.is_not(None),
            LoginSession.last_seen_at < now - session_idle)).where(
            LoginSession.last_seen_at < now - timedelta(days=1))),
    )
    db.session.commit()
    return report


def _count(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
