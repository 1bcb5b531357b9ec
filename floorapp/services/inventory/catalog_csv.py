"""The catalog CSV on its own: its columns and limits, reading it, and each row's checks.

Everything here is decided from the file alone (plus the stores' codes): the header,
each cell's form and length, the stock figures, and that no SKU, UPC or size of a style
appears twice. What the rows then mean against the database, and writing them, is
catalog_import.py's.
"""

import csv
import io
from typing import TYPE_CHECKING

from sqlalchemy import select

from floorapp.errors import Forbidden, InvalidInput
from floorapp.extensions import db
from floorapp.models import Store
from floorapp.services.core.input_parsing import whole_number
from floorapp.services.inventory.catalog_import_scope import check_store_column
from floorapp.services.inventory.catalog_write import parse_price, parse_upc
from floorapp.services.inventory.sizes import normalize_size, normalize_width, size_sort_key

if TYPE_CHECKING:
    from floorapp.services.inventory.catalog_import import ImportReport

REQUIRED = ("style", "brand", "name", "sku", "size")
OPTIONAL = ("color", "price", "department", "image_url", "upc", "width", "store", "floor",
            "stockroom", "bin")
MAX_ROWS = 50_000
LIMITS = {"style": 32, "brand": 60, "name": 120, "color": 40, "department": 40,
          "image_url": 255, "sku": 40, "bin": 24}


def read_rows(data: str) -> tuple[list[tuple[int, dict]], set[str]]:
    """Return the rows (with their line numbers) and the columns, refusing a bad header."""
    if "\x00" in data:
        raise InvalidInput("The file contains NUL characters; is it really a CSV file?")
    reader = csv.DictReader(io.StringIO(data))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise InvalidInput("Wrong columns: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"unknown {', '.join(unknown)}"] if unknown else []))
            + f". Expected {', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}.")
    reader.fieldnames = header
    rows = []
    for line, row in enumerate(reader, start=2):
        if None in row or len(rows) >= MAX_ROWS:
            raise InvalidInput(f"Line {line}: more cells than columns, or over {MAX_ROWS} rows.")
        rows.append((line, {k: (v or "").strip() for k, v in row.items()}))
    return rows, set(header)


def check_rows(rows, report: "ImportReport", default_store: Store | None,
               own: Store | None) -> list[dict]:
    """Return the rows that parse and are consistent; record the others in `report`."""
    stores = {s.code: s for s in db.session.scalars(select(Store))}
    seen_skus, seen_upcs, styles, good = {}, {}, {}, []
    for line, row in rows:
        try:
            check_store_column(row.get("store") or "", own)
            parsed = _parse_row(row, stores, default_store) | {"line": line}
            _check_unique(parsed, line, seen_skus, seen_upcs, styles)
        except (Forbidden, InvalidInput) as error:
            report.errors.append((line, error.message))
            report.forbidden += isinstance(error, Forbidden)
            continue
        good.append(parsed)
    return good


def _parse_row(row: dict, stores: dict, default_store: Store | None) -> dict:
    for name in REQUIRED:
        if not row.get(name):
            raise InvalidInput(f"{name} is empty.")
    for name, limit in LIMITS.items():
        if len(row.get(name) or "") > limit:
            raise InvalidInput(f"{name} is longer than {limit} characters.")
    parsed = {name: row.get(name, "") for name in REQUIRED + OPTIONAL}
    parsed["sku"] = row["sku"].upper()
    parsed["size"] = normalize_size(row["size"])
    parsed["size_sort"] = size_sort_key(row["size"])
    parsed["width"] = normalize_width(row.get("width", ""))
    parsed["upc"] = parse_upc(row.get("upc", ""))
    parsed["price_cents"] = parse_price(row.get("price", ""))
    parsed["stock"] = _stock(row, stores, default_store)
    return parsed


def _stock(row: dict, stores: dict, default_store: Store | None):
    floor, stockroom = row.get("floor", ""), row.get("stockroom", "")
    if not floor and not stockroom:
        return None
    code = (row.get("store") or "").upper()
    store = stores.get(code) if code else default_store
    if store is None:
        raise InvalidInput(f"unknown store {code!r}." if code else
                           "floor/stockroom given but no store (column or --store).")
    quantities = []
    for label, value in (("floor", floor or "0"), ("stockroom", stockroom or "0")):
        if whole_number(value.removeprefix("-")) is None:
            raise InvalidInput(f"{label} {value!r} is not a whole number.")
        if int(value) < 0:
            raise InvalidInput(f"{label} is negative ({value}); stock cannot be negative.")
        quantities.append(int(value))
    return store, quantities[0], quantities[1], row.get("bin", "")


def _check_unique(parsed: dict, line: int, seen_skus: dict, seen_upcs: dict,
                  styles: dict) -> None:
    if parsed["sku"] in seen_skus:
        first = seen_skus[parsed["sku"]]
        raise InvalidInput(f"duplicate SKU {parsed['sku']} (first on line {first}).")
    if parsed["upc"] and parsed["upc"] in seen_upcs:
        first = seen_upcs[parsed["upc"]]
        raise InvalidInput(f"duplicate UPC {parsed['upc']} (first on line {first}).")
    cell = (parsed["style"], parsed["size"], parsed["width"])
    if cell in seen_skus:
        raise InvalidInput(f"style {cell[0]} lists size {cell[1]} {cell[2]} twice "
                           f"(first on line {seen_skus[cell]}).")
    seen_skus[cell] = line
    product = tuple(parsed[k] for k in ("brand", "name", "color", "price_cents", "department"))
    if styles.setdefault(parsed["style"], product) != product:
        raise InvalidInput(f"style {parsed['style']} has another brand, name, color, price or "
                           "department on an earlier line.")
    seen_skus[parsed["sku"]] = line
    if parsed["upc"]:
        seen_upcs[parsed["upc"]] = line


