"""Which catalog product and size a customer's help request names.

The sign's form has two ways in. Without JavaScript the customer types a product and a
size: `match_typed` looks them up (an exact SKU or UPC, an exact style number, or a
search with one clear answer among this store's products) and keeps the free text
alone when nothing fits, because a customer is never refused for a product we cannot
place. With JavaScript the customer picks one of `suggest`'s answers, which sends its
product_id (the API may send a `sku`): `check_chosen` refuses one that does not exist or
that this store does not stock, since that choice came from us and something is wrong.

These are reads; help_intake.submit calls them before its write transaction begins, so
a refused choice writes nothing.
"""

import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Product, Stock, Variant
from floorapp.services.core.input_parsing import id_or_none
from floorapp.services.inventory import catalog
from floorapp.services.inventory.sizes import LETTER_SIZES, size_sort_key, width_sort_key

SEARCH_LIMIT = 20  # a typed name with this many matches is too broad to be sure of
SUGGESTIONS = 5
MIN_SUGGEST = 2
NOT_HERE = "That product is not sold in this store. Please type its name instead."
_WIDTH_WORDS = {"W": "W", "WIDE": "W", "ANCHO": "W", "N": "N", "NARROW": "N",
                "ESTRECHO": "N", "XW": "XW", "EXTRA WIDE": "XW", "X-WIDE": "XW",
                "MEDIUM": "M", "M": "M"}
_LETTER_WORDS = {"SMALL": "S", "MEDIUM": "M", "LARGE": "L", "X-SMALL": "XS",
                 "X-LARGE": "XL", "XX-LARGE": "XXL"}
_SHOE = re.compile(r"^([0-9]{1,2})(?:[.,]([0-9]))?\s*(1/2|½)?\s*([CY]?)\s*(.*)$")
_PREFIX = re.compile(r"^(SIZE|TALLA|NUMERO|NÚMERO|NO\.?)\s+")


@dataclass(frozen=True)
class Match:
    """The catalog's product and size a request names (None where unknown)."""

    product_id: int | None = None
    variant_id: int | None = None


NO_MATCH = Match()


def match_typed(store_id: int, product_text: str, size_text: str) -> Match:
    """Match typed text to one of this store's products and the typed size to its variant.

    An exact code names the size itself; otherwise the size text is parsed. Anything
    unsure returns NO_MATCH (or the product without a size): the text is kept as typed.
    """
    text = (product_text or "").strip()
    if not text:
        return NO_MATCH
    coded = _by_code(text)
    if coded is not None and _stocked(store_id, {coded.product_id}):
        return coded
    product_id = _by_style(text)
    if product_id is not None and not _stocked(store_id, {product_id}):
        return NO_MATCH
    product_id = product_id or _confident_search(store_id, text)
    if product_id is None:
        return NO_MATCH
    return Match(product_id, variant_for_size(product_id, size_text))


def check_chosen(store_id: int, product_id: int | None, sku: str, size_text: str) -> Match:
    """Return the chosen product (and size) if this store stocks it; else raise InvalidInput."""
    coded = None
    if sku:
        coded = _by_code(sku)
        if coded is None or (product_id is not None and coded.product_id != product_id):
            raise InvalidInput(NOT_HERE, code="product_not_in_store")
        product_id = coded.product_id
    if product_id is None or not _stocked(store_id, {product_id}):
        raise InvalidInput(NOT_HERE, code="product_not_in_store")
    return coded or Match(product_id, variant_for_size(product_id, size_text))


def parse_product_id(value: object) -> int | None:
    """Return a chosen product id (None when the field is empty), or raise InvalidInput."""
    if value is None or value == "":
        return None
    text = "" if isinstance(value, bool) or not isinstance(value, int | str) else str(value)
    text = text.strip()
    product_id = id_or_none(text)
    if product_id is None:
        raise InvalidInput("The product_id must be a product's whole-number id.",
                           code="invalid_product")
    return product_id


def parse_size(text: str) -> tuple[int, str | None] | None:
    """Return (size sort key, width or None) of a typed size such as "9 W" or "9.5 wide"."""
    label = _PREFIX.sub("", " ".join((text or "").upper().split()))
    label = _LETTER_WORDS.get(label, label)
    if label in LETTER_SIZES or label == "OS":
        return size_sort_key(label), None
    match = _SHOE.match(label)
    if match is None:
        return None
    whole, tenth, half, kind, rest = match.groups()
    if tenth not in (None, "0", "5") or (half and tenth):
        return None
    width = _WIDTH_WORDS.get(rest.strip(" -")) if rest else None
    if rest and width is None:
        return None
    size = whole + (".5" if tenth == "5" or half else "") + kind
    try:
        return size_sort_key(size), width
    except InvalidInput:
        return None


def variant_for_size(product_id: int, size_text: str) -> int | None:
    """Return the product's variant of a typed size, or None when it is unclear."""
    parsed = parse_size(size_text)
    if parsed is None:
        return None
    sort_key, width = parsed
    rows = db.session.execute(select(Variant.id, Variant.width).where(
        Variant.product_id == product_id, Variant.size_sort == sort_key)).all()
    if width is not None:
        rows = [row for row in rows if row.width == width]
    elif len(rows) > 1:  # no width typed: the standard one ("" or M), if the product has it
        rows = [row for row in rows if row.width in ("", "M")]
    return rows[0].id if len(rows) == 1 else None


def suggest(store_id: int, query: str | None) -> list[dict]:
    """Return a few of this store's products for what the customer is typing.

    Only what a customer may see: name, brand, color, a same-origin image and the sizes
    the store carries; no stock figures, bins or prices of other stores.
    """
    q = catalog.normalize_query(query)
    if len(q) < MIN_SUGGEST:
        return []
    results = catalog.search_products(q, limit=SEARCH_LIMIT)["results"]
    stocked = _stocked(store_id, {row["id"] for row in results})
    chosen = [row for row in results if row["id"] in stocked][:SUGGESTIONS]
    sizes = _store_sizes(store_id, [row["id"] for row in chosen])
    return [{"id": row["id"], "name": row["name"], "brand": row["brand"],
             "color": row["color"], "image_url": _same_origin(row["image_url"]),
             "sizes": sizes.get(row["id"], [])} for row in chosen]


def _by_code(code: str) -> Match | None:
    code = code.strip()
    if " " in code or not 0 < len(code) <= 40:
        return None
    row = db.session.execute(select(Variant.product_id, Variant.id).where(
        or_(Variant.upc == code, Variant.sku == code.upper())).limit(1)).first()
    return Match(row.product_id, row.id) if row else None


def _by_style(text: str) -> int | None:
    if " " in text or len(text) > 32:
        return None
    return db.session.scalar(select(Product.id).where(
        Product.style.in_({text, text.upper()})).limit(1))


def _confident_search(store_id: int, text: str) -> int | None:
    """Return the one product of this store a search names, or None when in doubt.

    In doubt: no match here, two or more here, or so many matches in the catalog
    (SEARCH_LIMIT) that the store's one could be chance.
    """
    try:
        rows = catalog.search_products(text, limit=SEARCH_LIMIT)["results"]
    except InvalidInput:  # longer than a search may be: keep it as free text
        return None
    stocked = _stocked(store_id, {row["id"] for row in rows})
    here = [row["id"] for row in rows if row["id"] in stocked]
    return here[0] if len(here) == 1 and len(rows) < SEARCH_LIMIT else None


def _stocked(store_id: int, product_ids: set[int]) -> set[int]:
    """Return which of the products have a stock row in the store (it carries them)."""
    if not product_ids:
        return set()
    return set(db.session.scalars(
        select(Variant.product_id).join(Stock, Stock.variant_id == Variant.id)
        .where(Stock.store_id == store_id, Variant.product_id.in_(product_ids)).distinct()))


def _store_sizes(store_id: int, product_ids: list[int]) -> dict[int, list[str]]:
    if not product_ids:
        return {}
    rows = db.session.execute(
        select(Variant.product_id, Variant.size_label, Variant.width, Variant.size_sort)
        .join(Stock, Stock.variant_id == Variant.id)
        .where(Stock.store_id == store_id, Variant.product_id.in_(product_ids))).all()
    rows = sorted(rows, key=lambda row: (row.size_sort, width_sort_key(row.width)))
    sizes: dict[int, list[str]] = {}
    for row in rows:
        sizes.setdefault(row.product_id, []).append(
            f"{row.size_label} {row.width}".strip())
    return sizes


def _same_origin(url: str) -> str | None:
    """Return an image address on our own origin; the customer page loads nothing else."""
    return url if url.startswith("/") and not url.startswith("//") else None
