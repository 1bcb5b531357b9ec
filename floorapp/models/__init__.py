"""The models, one module per noun group; importing this package registers them all."""

from floorapp.models.audit import AuditEntry, LoginSession
from floorapp.models.help import (
    OPEN_STATUSES,
    Event,
    EventKind,
    Feedback,
    HelpRequest,
    IdempotencyRecord,
    Need,
    Outcome,
    RetiredSignToken,
    Sign,
    Status,
)
from floorapp.models.stores import Store, Zone
from floorapp.models.users import Availability, Role, User

__all__ = [
    "AuditEntry",
    "Availability",
    "Event",
    "EventKind",
    "Feedback",
    "HelpRequest",
    "IdempotencyRecord",
    "LoginSession",
    "Need",
    "OPEN_STATUSES",
    "Outcome",
    "RetiredSignToken",
    "Role",
    "Sign",
    "Status",
    "Store",
    "User",
    "Zone",
]
