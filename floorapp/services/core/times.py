"""How the JSON API writes a moment: one formatter, so every answer reads alike.

The wire format is Python's ISO 8601 of an aware UTC datetime, e.g.
`2026-06-10T16:00:00.123456+00:00` (microseconds only when there are some). The
metrics export writes its own whole-second `…Z` form from epoch seconds
(services/metrics/exports.py), and pages show local times with `strftime`: both are
other formats on purpose, not this one.
"""

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    """Return a moment as the API writes it, or None for no moment."""
    return moment.isoformat() if moment else None
