"""Who may change what through the catalog import, and how its changes are audited.

Products and variants (style, brand, name, color, price, department, image, SKU, UPC,
size, width) are one catalog every store sees, so only a chain-wide importer changes
them: an admin, or the command line (whoever runs it already holds the database). A
store manager's import sets only their own store's stock (floor, stockroom, bin) of
sizes the catalog already holds. A row beyond the importer's reach is a refusal, not a
bad row: it refuses the whole file even when bad rows are skipped, because a file that
reaches into another store is the wrong file, not a typo.
"""

from floorapp.errors import Forbidden
from floorapp.models import Product, Role, Store, User, Variant
from floorapp.services.core import audit

# A column of the CSV, and the product attribute it sets.
PRODUCT_COLUMNS = {"brand": "brand", "name": "name", "color": "color",
                   "department": "department", "image_url": "image_url", "price": "price_cents"}
# What the import's audit entry counts (fields of catalog_import.ImportReport).
SUMMARY = ("stock_set", "products_created", "products_updated", "variants_created",
           "variants_updated")
# The per-store audit entry names at most this many SKUs (and counts the rest).
AUDITED_SKUS = 100


def importer_store(actor: User | None, store: Store | None) -> Store | None:
    """Return the one store whose stock `actor` may import, None for the whole chain.

    `actor` None is the command line. Raises Forbidden for associates, and for a
    manager importing into a store that is not theirs.
    """
    if actor is None or actor.role is Role.ADMIN:
        return None
    if actor.role is not Role.MANAGER or actor.home_store is None:
        raise Forbidden("Only managers and admins import the catalog.")
    if store is not None and store.id != actor.home_store_id:
        raise Forbidden("A manager imports only into their own store.")
    return actor.home_store


def check_store_column(code: str, own: Store | None) -> None:
    """Refuse a row naming a store other than the store-scoped importer's own."""
    if own is not None and code and code.upper() != own.code:
        raise Forbidden(f"store {code.upper()} is not {own.code}: a manager's import sets "
                        f"only {own.code}'s stock (an admin imports for every store).")


def product_changes(product: Product, row: dict) -> dict:
    """Return the product attributes a row would change, with their new values."""
    wanted = {"brand": row["brand"], "name": row["name"], "color": row["color"],
              "department": row["department"], "image_url": row["image_url"]}
    if row["price_cents"] is not None:
        wanted["price_cents"] = row["price_cents"]
    return {k: v for k, v in wanted.items() if getattr(product, k) != v}


def stock_only_refusal(row: dict, product: Product | None, variant: Variant | None,
                       given: set[str]) -> str | None:
    """Return why a store-scoped importer may not import a row, or None.

    The row may not add a product or a size, nor differ from the catalog in any
    shared column the file carries (a column the file lacks is left alone).
    """
    if product is None or variant is None:
        what = f"style {row['style']}" if product is None else f"SKU {row['sku']}"
        return (f"{what} is not in the catalog: only an admin adds products and sizes; "
                "a manager's import sets the stock of sizes the catalog holds.")
    changed = [column for column, attribute in PRODUCT_COLUMNS.items()
               if column in given and attribute in product_changes(product, row)]
    changed += [column for column, now, wanted in (
        ("size", variant.size_label, row["size"]), ("width", variant.width, row["width"]),
        ("upc", variant.upc, row["upc"] or variant.upc)) if column in given and now != wanted]
    if not changed:
        return None
    return (f"would change the {', '.join(changed)} of {row['sku']}, which every store sees: "
            "only an admin changes the catalog.")


def record_import(actor: User | None, own: Store | None, report, plan: list[dict]) -> None:
    """Audit the import once, and its stock changes under each store whose stock changed.

    The summary is filed under the manager's store, or chain-wide for an admin's
    import (products are everybody's); each store's entry names the SKUs it set.
    """
    audit.record(actor, "catalog.import", target=f"{report.rows} rows", store=own,
                 errors_skipped=len(report.errors),
                 **{name: getattr(report, name) for name in SUMMARY})
    by_store: dict[Store, list[str]] = {}
    for row in plan:
        if row["stock"] is not None:
            by_store.setdefault(row["stock"][0], []).append(row["sku"])
    for store, skus in by_store.items():
        audit.record(actor, "stock.import", target=f"{len(skus)} stock figures", store=store,
                     stock_set=len(skus), skus=skus[:AUDITED_SKUS],
                     more_skus=max(0, len(skus) - AUDITED_SKUS))
