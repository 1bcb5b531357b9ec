"""Stores and zones: creating them, their targets, and who may see them."""

import functools
import re
from zoneinfo import available_timezones

from sqlalchemy import select

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Role, Store, User, Zone
from floorapp.services.core import audit
from floorapp.services.core.input_parsing import bounded_number, id_or_none
from floorapp.services.core.names import clean_name
from floorapp.services.core.transactions import writes

STORE_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
MAX_TARGET_S = 3600


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_timezone(name: str) -> str:
    """Return `name` if it is an IANA time zone (e.g. America/New_York)."""
    name = (name or "").strip()
    if name not in _known_timezones():
        raise InvalidInput(f"Unknown time zone {name!r}; use an IANA name like America/New_York.")
    return name


def parse_target(value: object, label: str) -> int:
    """Return a service target in whole seconds (1 to 3600)."""
    return bounded_number(
        value, minimum=1, maximum=MAX_TARGET_S,
        not_a_number=f"The {label} target must be a whole number of seconds.",
        too_small=f"The {label} target must be between 1 and {MAX_TARGET_S} seconds.")


@writes
def create_store(*, code: str, name: str, timezone: str,
                 acknowledge_target_s: int | None = None,
                 reach_target_s: int | None = None, actor: User | None = None) -> Store:
    """Create a store; targets default to 60 s to acknowledge and 3 min to reach."""
    code = (code or "").strip().upper()
    if not STORE_CODE_PATTERN.match(code):
        raise InvalidInput("A store code is 2–16 capital letters, digits or dashes.")
    if store_by_code(code) is not None:
        raise Conflict(f"A store with the code {code} exists already.")
    store = Store(code=code, name=clean_name(name, field="store name", max_length=120),
                  timezone=parse_timezone(timezone))
    if acknowledge_target_s is not None:
        store.acknowledge_target_s = parse_target(acknowledge_target_s, "acknowledge")
    if reach_target_s is not None:
        store.reach_target_s = parse_target(reach_target_s, "reach")
    db.session.add(store)
    audit.record(actor, "store.create", target=code, store=store, timezone=store.timezone)
    db.session.commit()
    return store


@writes
def update_store(store: Store, *, name: str, timezone: str, acknowledge_target_s: object,
                 reach_target_s: object, show_other_stores: bool | None = None,
                 actor: User | None = None) -> Store:
    """Change a store's name, time zone and targets, all or nothing.

    `show_other_stores` (None: unchanged) lets the customers' price check name the other
    stores that have a size (services/inventory/customer_view.py).
    """
    name = clean_name(name, field="store name", max_length=120)
    timezone = parse_timezone(timezone)
    acknowledge = parse_target(acknowledge_target_s, "acknowledge")
    reach = parse_target(reach_target_s, "reach")
    if reach < acknowledge:
        raise InvalidInput("Reaching the customer cannot be due before acknowledging them.")
    show = store.show_other_stores if show_other_stores is None else bool(show_other_stores)
    audit.record(actor, "store.update", target=store.code, store=store,
                 before=_settings(store), after={"name": name, "timezone": timezone,
                                                 "acknowledge_target_s": acknowledge,
                                                 "reach_target_s": reach,
                                                 "show_other_stores": show})
    store.name, store.timezone = name, timezone
    store.show_other_stores = show
    store.acknowledge_target_s, store.reach_target_s = acknowledge, reach
    db.session.commit()
    return store


def _settings(store: Store) -> dict:
    return {"name": store.name, "timezone": store.timezone,
            "acknowledge_target_s": store.acknowledge_target_s,
            "reach_target_s": store.reach_target_s,
            "show_other_stores": store.show_other_stores}


@writes
def add_zone(store: Store, name: str, *, actor: User | None = None) -> Zone:
    """Add a zone (department) to a store; names are unique within the store."""
    name = clean_name(name, field="zone name", max_length=80)
    existing = db.session.scalar(
        select(Zone).where(Zone.store_id == store.id, Zone.name == name)
    )
    if existing is not None:
        raise Conflict(f"{store.name} already has a zone called {name!r}.")
    zone = Zone(store=store, name=name)
    db.session.add(zone)
    audit.record(actor, "zone.create", target=name, store=store)
    db.session.commit()
    return zone


@writes
def set_stockroom(store: Store, zone_id: int, value: object, *, actor: User | None = None) -> Zone:
    """Mark a zone as the stockroom, or not: those covering it get the stock pulls' pushes.

    `value` is the checkbox's: "yes" when ticked, absent (None or "") when not.
    """
    zone = db.session.get(Zone, zone_id)
    if zone is None or zone.store_id != store.id:
        raise NotFound("No such zone in this store.")
    if value not in (None, "", "yes"):
        raise InvalidInput("The stockroom box is either ticked or not.")
    stockroom = value == "yes"
    audit.record(actor, "zone.stockroom", target=zone.name, store=store,
                 before={"stockroom": zone.stockroom}, after={"stockroom": stockroom})
    zone.stockroom = stockroom
    db.session.commit()
    return zone


def stream_zone_id(store: Store, value: str | None) -> int | None:
    """Return the zone a store stream is filtered to (`?zone=`), or None for the whole store.

    Anything but the id of one of this store's active zones raises InvalidInput (400).
    """
    if value is None:
        return None
    zone_id = id_or_none(value)
    zone = db.session.get(Zone, zone_id) if zone_id else None
    if zone is None or zone.store_id != store.id or not zone.active:
        raise InvalidInput("zone must be the id of one of this store's zones.",
                           code="invalid_zone")
    return zone.id


def store_by_code(code: str | None) -> Store | None:
    """Return the store with this code in any case and spacing, or None.

    A code that no store could have (store codes match STORE_CODE_PATTERN) is not looked
    up: a NUL byte or a novel never reaches the database.
    """
    code = (code or "").strip().upper()
    if not STORE_CODE_PATTERN.match(code):
        return None
    return db.session.scalar(select(Store).where(Store.code == code))


def store_by_id(store_id: int) -> Store | None:
    """Return the store with this id, or None."""
    return db.session.get(Store, store_id)


def list_stores() -> list[Store]:
    """Return every store, by code."""
    return list(db.session.scalars(select(Store).order_by(Store.code)))


def visible_store(user: User, code: str) -> Store:
    """Return the store `code` if `user` may see it, else raise NotFound.

    This is the one check behind every store-scoped page and API route. Admins see
    every store; everybody else only their home store. A store the user may not
    see answers exactly like one that does not exist, so codes are not revealed.
    """
    store = store_by_code(code)
    if store is None or not can_see(user, store):
        raise NotFound(f"No store with the code {(code or '').upper()!r}.")
    return store


def can_see(user: User, store: Store) -> bool:
    """Tell whether `user` may see `store`'s data."""
    return user.role is Role.ADMIN or user.home_store_id == store.id


def manages(user: User, store: Store) -> bool:
    """Tell whether `user` manages `store` (its manager, or an admin; nobody else)."""
    return user.role is Role.ADMIN or (user.role is Role.MANAGER
                                       and user.home_store_id == store.id)


def require_manager(user: User, store: Store) -> None:
    """Raise Forbidden unless `user` manages `store` (its manager, or an admin)."""
    if not manages(user, store):
        raise Forbidden("Only this store's managers can do that.")
