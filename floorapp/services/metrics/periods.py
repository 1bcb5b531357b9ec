"""Date ranges of the dashboards: local calendar days of a store, turned into UTC instants.

A range is inclusive of both dates and means the store's local days, so a day is
23 or 25 hours long when the clocks change; a request belongs to the local day it
was requested on, even if it was resolved after midnight.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from floorapp.errors import InvalidInput
from floorapp.services.core.input_parsing import parse_date

MAX_DAYS = 366
# Dates outside these make no sense for a store and would overflow datetime arithmetic.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
PRESETS = {"today": 1, "7d": 7, "30d": 30}


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates in one time zone."""

    first: date
    last: date
    timezone: str

    @property
    def days(self) -> int:
        """Return the number of calendar days in the range."""
        return (self.last - self.first).days + 1

    @property
    def start_utc(self) -> datetime:
        """Return the UTC instant of local midnight starting the first day."""
        return local_midnight(self.first, self.timezone)

    @property
    def end_utc(self) -> datetime:
        """Return the UTC instant of local midnight after the last day (exclusive)."""
        return local_midnight(self.last + timedelta(days=1), self.timezone)

    def previous(self) -> "Period":
        """Return the period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days),
                      self.first - timedelta(days=1), self.timezone)

    def as_dict(self) -> dict:
        """Return the range as JSON-ready ISO dates."""
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": self.days}


def local_midnight(day: date, timezone: str) -> datetime:
    """Return the UTC instant at which `day` starts in `timezone`."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Return today's date in `timezone`."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def parse_bounded_date(value: str | None, label: str) -> date:
    """Return a typed YYYY-MM-DD date within EARLIEST..LATEST, or raise InvalidInput."""
    day = parse_date(value, label)
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"The '{label}' date must lie between {EARLIEST} and {LATEST}.")
    return day


def parse_period(first: str | None, last: str | None, timezone: str) -> Period:
    """Return the Period for two YYYY-MM-DD strings, or raise InvalidInput."""
    start, end = parse_date(first, "from"), parse_date(last, "to")
    if end < start:
        raise InvalidInput(f"The range ends ({end}) before it starts ({start}).")
    if start < EARLIEST or end > LATEST:
        raise InvalidInput(f"Dates must lie between {EARLIEST} and {LATEST}.")
    period = Period(start, end, timezone)
    if period.days > MAX_DAYS:
        raise InvalidInput(f"A range can cover at most {MAX_DAYS} days; this one has "
                           f"{period.days}.")
    return period


def preset_period(name: str, timezone: str, now: datetime | None = None) -> Period:
    """Return the period ending today named by a preset: today, 7d or 30d."""
    if name not in PRESETS:
        raise InvalidInput(f"Unknown range {name!r}; use today, 7d, 30d or custom dates.")
    today = local_today(timezone, now)
    return Period(today - timedelta(days=PRESETS[name] - 1), today, timezone)


def chosen_period(choice: str | None, first: str | None, last: str | None, timezone: str,
                  now: datetime | None = None) -> Period:
    """Return the period a page asks for: a preset (default 7d) or custom dates."""
    choice = choice or "7d"
    if choice == "custom":
        return parse_period(first, last, timezone)
    return preset_period(choice, timezone, now)
