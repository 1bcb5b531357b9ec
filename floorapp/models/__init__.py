"""The models, one module per noun group; importing this package registers them all."""

from floorapp.models.audit import AuditEntry, LoginSession
from floorapp.models.breaks import Break
from floorapp.models.catalog import CatalogVersion, Product, Stock, Variant
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
from floorapp.models.messages import Author, RequestMessage, RequestPhoto
from floorapp.models.push import PushMessage, PushOutcome, PushSubscription
from floorapp.models.rollups import RollupDay, RollupHour, RollupWatermark, RollupWeek
from floorapp.models.search_ddl import include_object
from floorapp.models.shifts import Shift, ShiftFeed
from floorapp.models.sms import SmsConsent, SmsKind, SmsMessage, SmsOptOut, SmsOutcome
from floorapp.models.stock import Hold, LookupMiss, LookupSource, PullStatus, StockPull
from floorapp.models.stores import Region, Store, Zone
from floorapp.models.streams import StreamLease, StreamWorker
from floorapp.models.tokens import ApiToken
from floorapp.models.users import MANAGING_ROLES, Availability, Role, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Author",
    "Break",
    "Availability",
    "CatalogVersion",
    "Event",
    "EventKind",
    "Feedback",
    "HelpRequest",
    "Hold",
    "IdempotencyRecord",
    "include_object",
    "LoginSession",
    "LookupMiss",
    "LookupSource",
    "MANAGING_ROLES",
    "Need",
    "OPEN_STATUSES",
    "Outcome",
    "Product",
    "PullStatus",
    "PushMessage",
    "PushOutcome",
    "PushSubscription",
    "RequestMessage",
    "RequestPhoto",
    "Region",
    "RetiredSignToken",
    "RollupDay",
    "RollupHour",
    "RollupWatermark",
    "RollupWeek",
    "Role",
    "Shift",
    "ShiftFeed",
    "Sign",
    "Status",
    "SmsConsent",
    "SmsKind",
    "SmsMessage",
    "SmsOptOut",
    "SmsOutcome",
    "Stock",
    "StockPull",
    "Store",
    "StreamLease",
    "StreamWorker",
    "User",
    "Variant",
    "Zone",
]
