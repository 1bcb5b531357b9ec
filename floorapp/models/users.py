"""People who log in: associates, managers, regional managers and admins."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from floorapp.extensions import db
from floorapp.models.stores import Region, Store
from floorapp.models.types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What a user may do: an associate works a store, a manager runs it, a regional
    manager reads the figures of their region's stores, an admin does all."""

    ASSOCIATE = "associate"
    MANAGER = "manager"
    REGIONAL_MANAGER = "regional_manager"
    ADMIN = "admin"


# The roles that run a store (its managers, and admins everywhere). A regional manager is
# not one: they read their region's figures and act on no store.
MANAGING_ROLES = (Role.MANAGER, Role.ADMIN)


class Availability(enum.StrEnum):
    """Whether an associate is covering the floor right now."""

    ON_FLOOR = "on_floor"
    WITH_CUSTOMER = "with_customer"
    ON_BREAK = "on_break"
    OFF = "off"


class User(UserMixin, db.Model):
    """A login with a role and, for associates and managers, a home store; for a
    regional manager, a region (and no home store)."""

    __tablename__ = "users"
    __table_args__ = (
        # A regional manager has a region and nobody else has one: the database holds
        # it too, so no path around services/org/users.py leaves a reader of no region.
        CheckConstraint("(role = 'regional_manager' AND region_id IS NOT NULL) OR "
                        "(role <> 'regional_manager' AND region_id IS NULL)",
                        name="region_for_regional_managers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e],
             validate_strings=True, create_constraint=True, name="role"),
        default=Role.ASSOCIATE,
    )
    home_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session's user id: bumping it logs the user out on every device.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    availability: Mapped[Availability] = mapped_column(
        Enum(Availability, native_enum=False, length=16, name="availability",
             values_callable=lambda e: [m.value for m in e], validate_strings=True,
             create_constraint=True),
        default=Availability.OFF,
        server_default=Availability.OFF.value,
    )
    # The zone an associate on the floor covers; None means the whole store.
    availability_zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    availability_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    home_store: Mapped[Store | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Tell Flask-Login that deactivated users may not log in."""
        return self.active

    @property
    def first_name(self) -> str:
        """Return the name a customer sees ("Maria is on her way")."""
        return self.name.split()[0] if self.name.strip() else self.login

    def get_id(self) -> str:
        """Return the session id: the user id and the session version."""
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.login} {self.role.value}>"
