"""When a break ends: the expected return as people say it, and the managers told when late.

"15" or "30" (minutes from now) or "14:30" (today, the store's wall clock) become one
UTC instant. The wall clock is read in the store's IANA zone with zoneinfo, so a break
across a DST change is timed in real minutes, and a time that does not exist that day
(the hour skipped in spring) is refused rather than guessed.

A break that runs more than BREAK_OVERDUE_MINUTES past its expected return is told to
the managers on shift once: the tick's conditional UPDATE on `overdue_told_at IS NULL`
lets one of many workers write the event and the pushes.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Break, EventKind
from floorapp.services.core.event_log import record_event
from floorapp.services.core.input_parsing import bounded_number
from floorapp.services.core.transactions import begin_write
from floorapp.services.help import coverage
from floorapp.services.notify import plan

MINUTE_CHOICES = (15, 30, 45, 60)
DEFAULT_MINUTES = 15  # a break whose return nobody said (an old client, a bare API call)
MAX_BREAK = timedelta(hours=4)
CLOCK = re.compile(r"(?:until\s+)?([01]?\d|2[0-3]):([0-5]\d)")


def expected_return(value: str | int | None, timezone: str, now: datetime) -> datetime:
    """Return the UTC instant a break is expected to end, from minutes or a store-time clock.

    Nothing said (None or "") means DEFAULT_MINUTES; anything else must parse.
    """
    if value is None or value == "":
        return now + timedelta(minutes=DEFAULT_MINUTES)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidInput("Say when you will be back: minutes or a time like 14:30.")
    text = str(value).strip().lower().removesuffix("min").strip()
    clock = CLOCK.fullmatch(text)
    if clock is None:
        minutes = bounded_number(text, minimum=1, maximum=int(MAX_BREAK.total_seconds() // 60),
                                 not_a_number="Say when you will be back: minutes or a time "
                                              "like 14:30.",
                                 too_small="A break lasts 1 to 240 minutes.")
        return now + timedelta(minutes=minutes)
    return _at_store_clock(int(clock[1]), int(clock[2]), ZoneInfo(timezone), now)


def _at_store_clock(hour: int, minute: int, zone: ZoneInfo, now: datetime) -> datetime:
    local_now = now.astimezone(zone)
    wall = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0, tzinfo=None)
    moment = wall.replace(tzinfo=zone)
    if moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != wall:
        raise InvalidInput(f"{hour:02d}:{minute:02d} does not exist today in the store's time "
                           "zone (the clocks change); pick another time.")
    instant = moment.astimezone(ZoneInfo("UTC"))
    if instant <= now:
        raise InvalidInput(f"{hour:02d}:{minute:02d} has passed already; pick a later time.")
    if instant - now > MAX_BREAK:
        raise InvalidInput("A break ends within 4 hours; pick an earlier time, or go off.")
    return instant


def tell_overdue(*, now: datetime, grace_minutes: int) -> int:
    """Tell the managers on shift, once, of each break over `grace_minutes` late."""
    told = 0
    candidates = [(b.id, b.store_id) for b in coverage.overdue_breaks(
        now, timedelta(minutes=grace_minutes))]
    db.session.commit()
    for break_id, store_id in candidates:
        begin_write(store_id)
        result = db.session.execute(
            update(Break).where(Break.id == break_id, Break.ended_at.is_(None),
                                Break.overdue_told_at.is_(None))
            .values(overdue_told_at=now).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            db.session.rollback()
            continue
        late = db.session.get(Break, break_id)
        db.session.refresh(late)
        late_s = int((now - late.expected_return_at).total_seconds())
        record_event(store_id=store_id, kind=EventKind.BREAK_OVERDUE, at=now,
                     subject_id=late.user_id,
                     data={"break_id": late.id, "zone_id": late.zone_id, "late_s": late_s})
        plan.break_overdue(late, late_s)
        db.session.commit()
        told += 1
    return told
