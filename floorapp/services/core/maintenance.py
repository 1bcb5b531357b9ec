"""Housekeeping: forget what customers wrote once it is no longer needed.

Notes, comments and the threads' messages and photos are purged after the retention
window; the anonymous timings of every request (and of each message) stay, so the
dashboards keep their history. Catalog uploads nobody confirmed are deleted after a
day; finished pushes leave the outbox after a few days (kept that long to answer "did
my handheld get it?"). The workers run this by themselves once an hour
(`purge_when_due`, from the escalation tick); `flask maintenance purge` runs it at once.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import (
    OPEN_STATUSES,
    Feedback,
    HelpRequest,
    IdempotencyRecord,
    LoginSession,
    PushMessage,
    RequestMessage,
    RequestPhoto,
    SmsConsent,
    SmsMessage,
)
from floorapp.services.core.transactions import begin_sqlite_write, writes

IDEMPOTENCY_WINDOW = timedelta(days=1)
PURGE_EVERY = timedelta(hours=1)
PUSH_OUTBOX_KEEP = timedelta(days=3)  # finished pushes (sent, gone, given up), then deleted
TEXT_GRACE = timedelta(minutes=30)  # after the conversation closed (its texts are long gone)
UPLOAD_LIFETIME = timedelta(days=1)  # a dry run's file waits this long for its confirmation
UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}\.csv$")  # the names the import page gives
CLAIM_SCOPE = "maintenance.purge"


@dataclass(frozen=True)
class PurgeReport:
    """How many rows (and uploaded files) each purge step removed or blanked."""

    notes: int
    comments: int
    idempotency_records: int
    login_sessions: int
    uploads: int = 0
    pushes: int = 0
    messages: int = 0  # thread messages blanked (the row and its time stay)
    photos: int = 0
    phone_numbers: int = 0  # texts' numbers erased (the request ended, or is past retention)
    texts: int = 0  # finished texts deleted from the SMS outbox


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
        pushes=_count(delete(PushMessage).where(PushMessage.sent_at < now - PUSH_OUTBOX_KEEP)),
        **_purge_threads(old_requests),
        **_purge_texts(old_requests, now),
    )
    db.session.commit()
    return report


def _purge_threads(old_requests) -> dict[str, int]:
    """Blank the threads' texts and delete their photos, like the notes: timings stay."""
    old_messages = RequestMessage.request_id.in_(old_requests)
    blanked = _count(update(RequestMessage)
                     .where(old_messages, or_(RequestMessage.body != "",
                                              RequestMessage.photo_id.is_not(None)))
                     .values(body="", photo_id=None))
    photos = _count(delete(RequestPhoto).where(RequestPhoto.request_id.in_(old_requests)))
    return {"messages": blanked, "photos": photos}


def _purge_texts(old_requests, now: datetime) -> dict[str, int]:
    """Erase the numbers no request needs any more, and drop finished texts after a while.

    A number normally goes when its request ends (services/texts/consent.py); this is
    the backstop: the number of a request whose conversation closed over TEXT_GRACE ago
    (its texts stuck in retries), and every number of a request older than the
    retention window, whatever its status.
    """
    from floorapp.services.conversation import thread  # the window is the thread's rule

    ended_at = func.coalesce(HelpRequest.resolved_at, HelpRequest.closed_at)
    ended = select(HelpRequest.id).where(HelpRequest.status.not_in(OPEN_STATUSES),
                                         ended_at < now - thread.window() - TEXT_GRACE)
    numbers = _count(update(SmsConsent).where(
        SmsConsent.number.is_not(None),
        or_(SmsConsent.request_id.in_(ended), SmsConsent.request_id.in_(old_requests)))
        .values(number=None, erased_at=now))
    texts = _count(delete(SmsMessage).where(SmsMessage.sent_at < now - PUSH_OUTBOX_KEEP))
    return {"phone_numbers": numbers, "texts": texts}


def purge_when_due(config: Mapping, instance_path: str, *, now: datetime) -> PurgeReport | None:
    """Purge and delete stale uploads if no worker has this hour; return None if one has.

    Every worker calls this on every tick. The first to insert this hour's claim row
    (a unique scope and key in idempotency_records, kept a day like every record there)
    runs the purge; the others see the row, or meet the unique key, and skip. The claim
    commits on its own first, so a second worker waits only for that one insert, never
    for the purge; if the purge then fails, this hour's run is lost and the next runs.
    """
    if not _claim(now):
        return None
    report = purge(retention_days=int(config["RETENTION_DAYS"]),
                   session_idle=config["SESSION_IDLE"], now=now)
    uploads = delete_stale_uploads(Path(instance_path) / "imports", now=now)
    return PurgeReport(**{**report.__dict__, "uploads": uploads})


def delete_stale_uploads(folder: Path, *, now: datetime) -> int:
    """Delete catalog uploads older than UPLOAD_LIFETIME that nobody confirmed; count them.

    Only files named as the import page names them: anything else an operator keeps
    in the folder stays. A file deleted meanwhile (confirmed, or by another host) is fine.
    """
    if not folder.is_dir():
        return 0
    cutoff = (now - UPLOAD_LIFETIME).timestamp()
    deleted = 0
    for path in folder.iterdir():
        try:
            if UPLOAD_NAME.match(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def _claim(now: datetime) -> bool:
    period = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0).isoformat()
    taken = select(IdempotencyRecord.id).where(IdempotencyRecord.scope == CLAIM_SCOPE,
                                               IdempotencyRecord.key == period)
    if db.session.scalar(taken) is not None:
        db.session.commit()
        return False
    begin_sqlite_write()
    try:
        db.session.execute(insert(IdempotencyRecord), {
            "scope": CLAIM_SCOPE, "key": period, "fingerprint": "", "status_code": 200,
            "response": {}, "created_at": now})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker claimed this hour a moment before
        return False
    return True


def _count(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
