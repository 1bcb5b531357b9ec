"""Writing the catalog: the search text of a product, codes, prices, and its version.

The CSV import and the demo seed both go through `search_text_for`, so what the
search finds is the same however a product arrived, and both call
`bump_catalog_version` in the transaction that writes products or variants.
"""

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy.dialects import postgresql, sqlite

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import CatalogVersion

UPC_PATTERN = re.compile(r"[0-9]{12}")


def search_text_for(*, brand: str, name: str, color: str, style: str, department: str) -> str:
    """Return the lowered text the search indexes for a product."""
    parts = (brand, name, color, style, department)
    return " ".join(" ".join(part.lower().split()) for part in parts if part)[:400]


def upc_check_digit(first_eleven: str) -> int:
    """Return the UPC-A check digit of eleven digits."""
    digits = [int(c) for c in first_eleven]
    total = 3 * sum(digits[0::2]) + sum(digits[1::2])
    return (10 - total % 10) % 10


def make_upc(number: int) -> str:
    """Return a valid UPC-A for a number below 10**11 (the demo's codes)."""
    body = f"{number:011d}"
    return body + str(upc_check_digit(body))


def parse_upc(value: str) -> str | None:
    """Return a valid 12-digit UPC-A, None when empty, or raise InvalidInput."""
    value = (value or "").strip()
    if not value:
        return None
    if not UPC_PATTERN.fullmatch(value) or upc_check_digit(value[:11]) != int(value[11]):
        raise InvalidInput(f"{value!r} is not a valid 12-digit UPC (check digit).")
    return value


def parse_price(value: str) -> int | None:
    """Return an amount like 89.99 (or $89.99) in cents, None when empty, or raise."""
    if not value:
        return None
    try:
        cents = int((Decimal(value.lstrip("$")) * 100).to_integral_exact())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"price {value!r} is not an amount like 89.99.") from None
    if not 0 <= cents < 10**8:
        raise InvalidInput(f"price {value!r} is out of range.")
    return cents


def bump_catalog_version() -> None:
    """Raise the catalog's version in the current transaction (flushes, never commits).

    Every transaction that writes products or variants calls it, so each worker's
    search cache (services/inventory/search_cache.py) drops its matches at its next
    search after the commit. An upsert: a database made by create_all has no row yet.
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(CatalogVersion).values(id=1, version=1)
    db.session.execute(upsert.on_conflict_do_update(
        index_elements=[CatalogVersion.id], set_={"version": CatalogVersion.version + 1}))
