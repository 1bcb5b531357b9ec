"""Regions: creating them, putting stores in them, and who may read a region's figures.

A regional manager reads (never manages) the stores of their one region: the figures,
the staffing suggestion and the live board. Admins read every region. Anybody else, and
a regional manager asking about another region, gets the answer of a region that does
not exist (404), as another store is answered today (services/org/stores.py).
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from floorapp.errors import Conflict, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Region, Role, Store, User
from floorapp.services.core import audit
from floorapp.services.core.names import clean_name
from floorapp.services.core.transactions import writes
from floorapp.services.metrics import chain_figures
from floorapp.services.org.stores import (
    STORE_CODE_PATTERN,
    require_manager,
    store_by_code,
    visible_store,
)

REGION_CODE_PATTERN = STORE_CODE_PATTERN  # the same shape: 2–16 capitals, digits, dashes
MAX_STORES_PER_ASSIGN = 1000


@writes
def create_region(*, code: str, name: str, actor: User | None = None) -> Region:
    """Create a region with no stores yet; codes are unique, in capitals."""
    code = (code or "").strip().upper()
    if not REGION_CODE_PATTERN.match(code):
        raise InvalidInput("A region code is 2–16 capital letters, digits or dashes.")
    if region_by_code(code) is not None:
        raise Conflict(f"A region with the code {code} exists already.")
    region = Region(code=code, name=clean_name(name, field="region name", max_length=120))
    db.session.add(region)
    audit.record(actor, "region.create", target=code, name=region.name)
    db.session.commit()
    return region


@writes
def assign_stores(code: str, store_codes: list[str], *,
                  actor: User | None = None) -> Region:
    """Put these stores in the region (moving them from any other), all or nothing."""
    region = region_by_code(code)
    if region is None:
        raise NotFound(f"No region with the code {(code or '').upper()!r}.")
    if not store_codes or len(store_codes) > MAX_STORES_PER_ASSIGN:
        raise InvalidInput(f"Name 1 to {MAX_STORES_PER_ASSIGN} store codes.")
    found = [(wanted, store_by_code(wanted)) for wanted in store_codes]
    missing = [wanted for wanted, store in found if store is None]
    if missing:
        raise NotFound(f"No store with the code {missing[0].upper()!r}; nothing was assigned.")
    for _wanted, store in found:
        before = store.region.code if store.region else None
        store.region = region
        audit.record(actor, "store.region", target=store.code, store=store,
                     before=before, after=region.code)
    db.session.commit()
    return region


def region_by_code(code: str | None) -> Region | None:
    """Return the region with this code in any case and spacing, or None.

    A code no region could have is not looked up (as for stores).
    """
    code = (code or "").strip().upper()
    if not REGION_CODE_PATTERN.match(code):
        return None
    return db.session.scalar(select(Region).where(Region.code == code))


def list_regions() -> list[Region]:
    """Return every region, by code, with its stores loaded."""
    return list(db.session.scalars(
        select(Region).options(selectinload(Region.stores)).order_by(Region.code)))


def stores_without_region() -> list[Store]:
    """Return the stores that belong to no region, by code."""
    return list(db.session.scalars(
        select(Store).where(Store.region_id.is_(None)).order_by(Store.code)))


def region_stores(region: Region) -> list[Store]:
    """Return the region's stores, by code."""
    return list(db.session.scalars(
        select(Store).where(Store.region_id == region.id).order_by(Store.code)))


def visible_region(user: User, code: str) -> Region:
    """Return the region `code` if `user` may read it, else raise NotFound.

    Admins read every region, a regional manager their own; to anybody else a region
    that exists answers exactly like one that does not, so codes are not revealed.
    """
    region = region_by_code(code)
    if region is None or not can_read_region(user, region):
        raise NotFound(f"No region with the code {(code or '').upper()!r}.")
    return region


def can_read_region(user: User, region: Region) -> bool:
    """Tell whether `user` may read this region's stores side by side."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.REGIONAL_MANAGER and user.region_id == region.id


def reads_store(user: User, store: Store) -> bool:
    """Tell whether `user` is a regional manager of the region `store` belongs to."""
    return (user.role is Role.REGIONAL_MANAGER and store.region_id is not None
            and user.region_id == store.region_id)


def figures_store(user: User, code: str) -> Store:
    """Return the store `code` if `user` may read its figures: its managers, admins, and
    the regional manager of its region. Another store answers 404, its associates 403."""
    store = store_by_code(code)
    if store is not None and reads_store(user, store):
        return store
    store = visible_store(user, code)
    require_manager(user, store)
    return store


def board_store(user: User, code: str) -> Store:
    """Return the store `code` if `user` may watch its live board: its staff, admins,
    and the regional manager of its region. Another store answers 404."""
    store = store_by_code(code)
    if store is not None and reads_store(user, store):
        return store
    return visible_store(user, code)


def region_rows(region: Region, *, choice: str | None, first: str | None,
                last: str | None) -> dict:
    """Return each of the region's stores' headline figures over the same local dates, and
    their total, from the roll-ups (services/metrics/chain_figures.py): a region over a
    year reads its stores' day rows, never their requests."""
    return chain_figures.compare_stores_rolled(region_stores(region), choice=choice,
                                               first=first, last=last)
