"""The customer's own price check at a sign: a product of this store as a shopper sees it.

A customer who scans a sign may check a product before asking for it: its picture,
name, brand, colour, price, and each size as one word of four (SIZE_WORDS):

- "last_one": exactly one pair available to sell in this store;
- "on_shelf": some available, and some of them on the floor;
- "from_back": available, but only in the stockroom;
- "not_here": none available to sell.

"Available" is the size grid's figure (services/inventory/size_grid.py): floor +
stockroom − active holds. A held pair is put aside, and is taken from the floor first
(floor − held): a size whose only floor pair is held is "from the back". The answer never
carries a count, a bin, a cost, a SKU or an id other than the product's: only words, so a
competitor scanning our signs learns no more than a shopper walking the floor.

Only this store's catalog answers: a product with no stock row in this store (another
store's exclusive, or an unknown id) and a code of one raise the same NotFound as a code
nobody has, so nothing tells what other stores carry. Other stores are named only when
the store turns `show_other_stores` on, and then as names ("at Fifth Avenue"), never
counts, and only for the sizes that are not here.

A code looked up by a customer names one size; when that size is not here, the look is
lost demand "customer looked it up" (LookupMiss with source CUSTOMER), counted apart from
the associates' lookups on the dashboard (services/metrics/inventory_figures.py).
"""

import re

from sqlalchemy import select

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import LookupSource, Stock, Store, Variant
from floorapp.services.core.input_parsing import has_control_characters, valid_id
from floorapp.services.inventory import catalog, size_grid, stock

ON_SHELF, FROM_BACK, LAST_ONE, NOT_HERE = "on_shelf", "from_back", "last_one", "not_here"
SIZE_WORDS = (ON_SHELF, FROM_BACK, LAST_ONE, NOT_HERE)
MAX_CODE = 40  # the longest SKU; a UPC is 12 digits
MAX_TYPED = 64
CHOICES = 8
UNKNOWN = "We couldn't find that code here. An associate can check."
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Digits other than ASCII ('٣', '３'): a name never needs them and no code has them.
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")


def parse_code(value: object) -> str:
    """Return a typed or scanned UPC or SKU, or raise InvalidInput saying what is wrong.

    Only the ASCII letters, digits and marks a tag prints: '١٢٣' or fullwidth digits
    look like a code but match none, and are refused rather than looked up.
    """
    text = value if isinstance(value, str) else ""
    if len(text) > MAX_TYPED:
        raise InvalidInput(f"A code is at most {MAX_CODE} characters.", code="too_long")
    if has_control_characters(text):
        raise InvalidInput("The code holds a character a tag never prints.")
    code = "".join(text.split())
    if not code:
        raise InvalidInput("Type or scan the code on the tag.", code="empty_code")
    if len(code) > MAX_CODE:
        raise InvalidInput(f"A code is at most {MAX_CODE} characters.", code="too_long")
    if _CODE.fullmatch(code) is None:
        raise InvalidInput("A code is the letters and digits printed under the barcode.",
                           code="invalid_code")
    return code


def product_for_customer(store: Store, product_id: int) -> dict:
    """Return this store's product as the customer sees it, or raise NotFound."""
    if not valid_id(product_id):
        raise NotFound(UNKNOWN)
    return _shown(store, _carried_here(lambda: size_grid.product_view(
        product_id, store, other_stores=store.show_other_stores)))


def code_for_customer(store: Store, typed: object) -> dict:
    """Return the product a typed or scanned code names, with `looked_up` its size.

    Junk raises InvalidInput (parse_code). A size that is not here is lost demand: the
    caller records it with `record_miss`, after its answer has been sent.
    """
    code = parse_code(typed)
    view = _carried_here(lambda: size_grid.product_view_of_code(
        code, store, other_stores=store.show_other_stores))
    named = next(variant["id"] for variant in view["variants"]
                 if variant["upc"] == code or variant["sku"] == code.upper())
    shown = _shown(store, view)
    shown["looked_up"] = next(size for size in shown["sizes"] if size["_variant_id"] == named)
    return shown


def _carried_here(read_view) -> dict:
    """Return the size-grid view `read_view` reads if this store carries the product;
    otherwise the same NotFound as for a product nobody has."""
    try:
        view = read_view()
    except NotFound:
        raise NotFound(UNKNOWN) from None
    if not any(variant["as_of"] is not None for variant in view["variants"]):
        raise NotFound(UNKNOWN)  # not carried here: answered as if it did not exist
    return view


def record_miss(store_id: int, shown: dict) -> bool:
    """Record a code's size that is not here as a customer's lookup miss; True if written.

    Once per look (see stock.CUSTOMER_REPEAT_WINDOW); a view with no size looked up, or
    one that is here, records nothing.
    """
    size = shown.get("looked_up")
    if size is None or size["availability"] != NOT_HERE:
        return False
    return stock.record_lookup_miss(store_id=store_id, variant_id=size["_variant_id"],
                                    user=None, source=LookupSource.CUSTOMER)


def public(shown: dict) -> dict:
    """Return the customer view without its private keys (the variants' ids), for the API."""
    sizes = [{k: v for k, v in size.items() if not k.startswith("_")}
             for size in shown["sizes"]]
    looked_up = shown.get("looked_up")
    return {**shown, "sizes": sizes,
            "looked_up": ({k: v for k, v in looked_up.items() if not k.startswith("_")}
                          if looked_up else None)}


def check(store: Store, typed: object) -> dict:
    """Answer what a customer typed on the check page: a code, or a few words of a name.

    Returns {"kind": "product", "view"} for a code or a name with one answer here,
    {"kind": "choices", "products"} for several, {"kind": "unknown"} for none.
    """
    text = typed if isinstance(typed, str) else ""
    if len(text) > MAX_TYPED or has_control_characters(text) or _OTHER_DIGITS.search(text):
        parse_code(text)  # raises with its message
    words = " ".join(text.split())
    if not words:
        raise InvalidInput("Type a name, or the code on the tag.", code="empty_code")
    if " " not in words and _CODE.fullmatch(words) and len(words) <= MAX_CODE:
        try:
            return {"kind": "product", "view": code_for_customer(store, words)}
        except NotFound:
            pass  # maybe a one-word name ("runner")
    choices = _search_here(store, words)
    if len(choices) == 1:
        return {"kind": "product", "view": product_for_customer(store, choices[0]["id"])}
    return {"kind": "choices", "products": choices} if choices else {"kind": "unknown"}


def _search_here(store: Store, words: str) -> list[dict]:
    """Return a few of this store's products whose names match, best first."""
    try:
        results = catalog.search_products(words, limit=catalog.MAX_LIMIT)["results"]
    except InvalidInput:
        return []
    here = _carried(store.id, {row["id"] for row in results})
    return [_product(row) for row in results if row["id"] in here][:CHOICES]


def _carried(store_id: int, product_ids: set[int]) -> set[int]:
    """Return which products have a stock row in the store: the store carries them."""
    if not product_ids:
        return set()
    return set(db.session.scalars(
        select(Variant.product_id).join(Stock, Stock.variant_id == Variant.id)
        .where(Stock.store_id == store_id, Variant.product_id.in_(product_ids)).distinct()))


def _shown(store: Store, view: dict) -> dict:
    elsewhere = _other_store_names(store, view)
    sizes = []
    for variant in view["variants"]:
        word = size_word(variant)
        names = sorted({elsewhere[entry["store"]] for entry in variant["other_stores"]
                        if entry["available"] > 0 and entry["store"] in elsewhere})
        sizes.append({"_variant_id": variant["id"], "size": variant["size"],
                      "width": variant["width"], "label": size_label(variant),
                      "availability": word, "elsewhere": names if word == NOT_HERE else []})
    return {"store": store.name, "product": _product(view["product"]), "sizes": sizes,
            "looked_up": None}


def size_word(variant: dict) -> str:
    """Return the one word a customer reads for a size of the size grid (see the module)."""
    available = variant["available"]
    if available <= 0:
        return NOT_HERE
    if available == 1:
        return LAST_ONE
    return ON_SHELF if variant["floor"] - variant["held"] > 0 else FROM_BACK


def size_label(variant: dict) -> str:
    """Return the size as a customer says it and the sign's form reads it ("9 W")."""
    return f"{variant['size']} {variant['width']}".strip()


def _product(row: dict) -> dict:
    image = row["image_url"] or ""
    same_origin = image.startswith("/") and not image.startswith("//")
    return {"id": row["id"], "name": row["name"], "brand": row["brand"],
            "color": row["color"], "price_cents": row["price_cents"],
            "image_url": image if same_origin else None,
            "apparel": row["department"] == "Apparel"}


def _other_store_names(store: Store, view: dict) -> dict[str, str]:
    """Return {code: name} of the active other stores in the view, if this store shows them."""
    if not store.show_other_stores:
        return {}
    codes = {entry["store"] for variant in view["variants"]
             for entry in variant["other_stores"] if entry["available"] > 0}
    if not codes:
        return {}
    rows = db.session.execute(select(Store.code, Store.name).where(
        Store.code.in_(codes), Store.active.is_(True), Store.id != store.id)).all()
    return {row.code: row.name for row in rows}
