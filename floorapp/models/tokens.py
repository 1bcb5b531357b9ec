"""API tokens for integrations (a POS or an ERP pushing stock).

Only the SHA-256 of a token is stored; the token itself is shown once, at creation.
`store_id` None means every store. `scopes` is a space-separated list.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.types import UTCDateTime, utcnow


class ApiToken(db.Model):
    """A named, scoped, revocable bearer token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    scopes: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so a list can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def scope_list(self) -> list[str]:
        """Return the scopes as a list."""
        return self.scopes.split()
