"""A shift's local wall-clock times turned into UTC instants, and the weeks shifts are planned in.

The store's IANA zone decides: a shift 00:00–08:00 on the spring-forward day lasts
7 hours and on the fall-back day 9, because the associate arrives and leaves when the
wall clock says so. A time the clock skips that day (02:30 on a spring-forward day in
New York) does not exist and is refused; a time the clock shows twice (01:30 on a
fall-back day) means its first occurrence, before the clocks go back.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from floorapp.errors import InvalidInput

_CLOCK = re.compile("([01][0-9]|2[0-3]):([0-5][0-9])")


def parse_clock(value: str | None, label: str) -> time:
    """Return the time written HH:MM (24-hour, ASCII digits), or raise InvalidInput."""
    text = (value or "").strip()
    match = _CLOCK.fullmatch(text)
    if not match:
        raise InvalidInput(f"The {label} time {text[:20]!r} is not a time like 09:30 "
                           "(24-hour HH:MM).")
    return time(int(match[1]), int(match[2]))


def local_instant(day: date, clock: time, timezone: str) -> datetime:
    """Return the UTC instant the store's wall clock shows `clock` on `day` (first if twice)."""
    zone = ZoneInfo(timezone)
    local = datetime.combine(day, clock, tzinfo=zone)
    return local.astimezone(UTC)


def exists_on(day: date, clock: time, timezone: str) -> bool:
    """Tell whether the store's wall clock shows `clock` on `day` (not in a spring-forward gap)."""
    instant = local_instant(day, clock, timezone)
    back = instant.astimezone(ZoneInfo(timezone))
    return (back.date(), back.time().replace(tzinfo=None)) == (day, clock)


def shift_instants(day: date, start: time, end: time, timezone: str) -> tuple[datetime, datetime]:
    """Return a shift's UTC start and end; an end at or before the start is on the next day."""
    end_day = day + timedelta(days=1) if end <= start else day
    return local_instant(day, start, timezone), local_instant(end_day, end, timezone)


def check_shift_times(day: date, start: time, end: time, timezone: str) -> None:
    """Refuse a shift of no length, or one that starts or ends at a time the clock skips."""
    if start == end:
        raise InvalidInput("A shift must end at another time than it starts.")
    end_day = day + timedelta(days=1) if end <= start else day
    for which, moment, on in (("start", start, day), ("end", end, end_day)):
        if not exists_on(on, moment, timezone):
            raise InvalidInput(f"The {which} time {moment:%H:%M} does not exist on {on} in "
                               f"{timezone} (the clocks skip it); pick another time.")


def week_of(day: date) -> date:
    """Return the Monday of the week holding `day` (weeks are planned Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def next_week(today: date) -> date:
    """Return the Monday after `today`'s week, the week a manager plans by default."""
    return week_of(today) + timedelta(days=7)
