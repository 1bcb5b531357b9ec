"""Importing the catalog and stock from CSV, with a dry run and row-level errors.

One row per variant. Products are matched by style, variants by SKU, stock by
(variant, store). The import is all or nothing: with any bad row, nothing is
written unless the importer chose to skip bad rows. The columns are documented
in the README ("Catalog CSV"). Reading and checking the rows on their own is
catalog_csv.py's; matching them against the database and writing them is this module's.
Who may change what (a manager: only their store's stock) is decided in
catalog_import_scope.py.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Product, Stock, Store, User, Variant
from floorapp.services.core.transactions import rolls_back, start_write
from floorapp.services.inventory.catalog_csv import check_rows, read_rows
from floorapp.services.inventory.catalog_import_scope import (
    importer_store,
    product_changes,
    record_import,
    stock_only_refusal,
)
from floorapp.services.inventory.catalog_write import bump_catalog_version, search_text_for

MAX_BYTES = 10 * 1024 * 1024


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), and the rows it refused."""

    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    stock_set: int = 0
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Rows beyond the importer's reach (among `errors`): any refuses the whole file.
    forbidden: int = 0
    applied: bool = False


@rolls_back
def import_csv(data: bytes | str, *, dry_run: bool, actor: User | None,
               skip_bad_rows: bool = False, default_store: Store | None = None) -> ImportReport:
    """Check a catalog CSV and, unless dry-running or refused, apply it in one transaction.

    `actor` is who imports (None: the command line) and decides what the file may
    change; `default_store` is the store of stock rows without a store column.
    """
    own = importer_store(actor, default_store)
    rows, given = read_rows(_decode(data))
    report = ImportReport(rows=len(rows))
    good = check_rows(rows, report, default_store or own, own)
    if not dry_run:
        start_write()  # the plan reads what exists; it must still hold when it is applied
    plan = _plan(good, report, own, given)
    if dry_run or report.forbidden or (report.errors and not skip_bad_rows):
        db.session.rollback()
        return report
    _apply(plan, stock_only=own is not None)
    record_import(actor, own, report, plan)
    db.session.commit()
    report.applied = True
    return report


def _decode(data: bytes | str) -> str:
    """Return the upload as text, refusing one too big or not UTF-8."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise InvalidInput("The file is over 10 MB; split it.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("The file is not UTF-8 text; export it as CSV UTF-8.") from None
    return data


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _existing(column, values: set, model) -> dict:
    found = {}
    for chunk in _chunks(sorted(values)):
        found.update({getattr(obj, column.key): obj for obj in
                      db.session.scalars(select(model).where(column.in_(chunk)))})
    return found


def _plan(rows: list[dict], report: ImportReport, own: Store | None,
          given: set[str]) -> list[dict]:
    """Check rows against the database; count creations and updates; drop refused rows.

    For a store-scoped importer (`own`), a row that would touch the catalog is refused.
    """
    products = _existing(Product.style, {r["style"] for r in rows}, Product)
    variants = _existing(Variant.sku, {r["sku"] for r in rows}, Variant)
    by_upc = _existing(Variant.upc, {r["upc"] for r in rows if r["upc"]}, Variant)
    product_styles = {p.id: p.style for p in products.values()}
    cells = _existing_cells(list(product_styles))
    planned, counted_styles = [], set()
    for row in rows:
        variant = variants.get(row["sku"])
        problem = _conflict(row, variant, by_upc, product_styles, cells, products)
        refusal = None if problem or own is None else stock_only_refusal(
            row, products.get(row["style"]), variant, given)
        if problem or refusal:
            report.errors.append((row["line"], problem or refusal))
            report.forbidden += refusal is not None
            continue
        if own is not None:
            report.stock_set += row["stock"] is not None
        else:
            _count(row, products.get(row["style"]), variant, counted_styles, report)
        planned.append(row | {"product": products.get(row["style"]), "variant": variant})
    return planned


def _existing_cells(product_ids: list[int]) -> dict:
    cells = {}
    for chunk in _chunks(product_ids):
        for variant in db.session.scalars(select(Variant).where(Variant.product_id.in_(chunk))):
            cells[(variant.product_id, variant.size_label, variant.width)] = variant.sku
    return cells


def _conflict(row, variant, by_upc, product_styles, cells, products) -> str | None:
    """Return why a row clashes with what the database holds, or None."""
    if variant is not None and product_styles.get(variant.product_id) != row["style"]:
        return f"SKU {row['sku']} belongs to another style."
    owner = by_upc.get(row["upc"]) if row["upc"] else None
    if owner is not None and owner.sku != row["sku"]:
        return f"UPC {row['upc']} belongs to SKU {owner.sku}."
    product = products.get(row["style"])
    taken = cells.get((product.id, row["size"], row["width"])) if product else None
    if taken is not None and taken != row["sku"]:
        return f"size {row['size']} {row['width']} of {row['style']} is SKU {taken} already."
    return None


def _count(row, product, variant, counted_styles: set, report: ImportReport) -> None:
    if row["style"] not in counted_styles:
        counted_styles.add(row["style"])
        if product is None:
            report.products_created += 1
        elif product_changes(product, row):
            report.products_updated += 1
    if variant is None:
        report.variants_created += 1
    elif (variant.size_label, variant.width, variant.upc) != (row["size"], row["width"],
                                                              row["upc"] or variant.upc):
        report.variants_updated += 1
    if row["stock"] is not None:
        report.stock_set += 1


def _apply(plan: list[dict], *, stock_only: bool) -> None:
    """Write the plan; `stock_only` (a manager's import) never touches the catalog."""
    now, made = datetime.now(UTC), {}
    if not stock_only:
        bump_catalog_version()  # in this transaction: the search caches see it with the rows
    for row in plan:
        variant = row["variant"] if stock_only else _apply_catalog(row, made, now)
        if row["stock"] is not None:
            _apply_stock(variant.id, row["stock"], now)


def _apply_catalog(row: dict, made: dict, now: datetime) -> Variant:
    product = row["product"] or made.get(row["style"])
    if product is None:
        product = made[row["style"]] = Product(style=row["style"], price_cents=0)
        db.session.add(product)
    for key, value in product_changes(product, row).items():
        setattr(product, key, value)
    product.search_text = search_text_for(
        brand=product.brand, name=product.name, color=product.color,
        style=product.style, department=product.department)
    product.updated_at = now
    db.session.flush()
    variant = row["variant"] or Variant(product_id=product.id, sku=row["sku"])
    variant.size_label, variant.width, variant.size_sort = (
        row["size"], row["width"], row["size_sort"])
    variant.upc = row["upc"] or variant.upc
    db.session.add(variant)
    db.session.flush()
    return variant


def _apply_stock(variant_id: int, figures: tuple, now: datetime) -> None:
    store, floor, stockroom, bin_location = figures
    stock = db.session.get(Stock, (variant_id, store.id))
    if stock is None:
        stock = Stock(variant_id=variant_id, store_id=store.id)
        db.session.add(stock)
    stock.floor_qty, stock.stockroom_qty, stock.updated_at = floor, stockroom, now
    stock.bin = bin_location or stock.bin or ""
