"""Importing the catalog from CSV: a dry run, row-level errors, all or nothing."""

import functools

import pytest
from sqlalchemy import func, select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Product, Stock, Variant
from floorapp.services.inventory import catalog_import
from floorapp.services.inventory.catalog_write import make_upc
from tests.factories import make_store

# These tests import as the command line does: chain-wide (who may import what:
# test_catalog_import_scope.py).
import_csv = functools.partial(catalog_import.import_csv, actor=None)

HEADER = "style,brand,name,color,price,department,sku,upc,size,width,store,floor,stockroom,bin\n"


def _csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def _good_rows() -> list[str]:
    return [f"W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-8M,{make_upc(1)},8,M,SHOP,1,2,A-1",
            f"W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-9M,{make_upc(2)},9,M,SHOP,0,3,A-1",
            "A7,Okra,Field Tee,Red,19.00,Apparel,A7-M,,M,,,,,"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_dry_run_reports_what_would_change_and_writes_nothing(app):
    with app.app_context():
        make_store(code="SHOP")
        report = import_csv(_csv(*_good_rows()), dry_run=True)
        assert (report.products_created, report.variants_created, report.stock_set) == (2, 3, 2)
        assert report.errors == [] and not report.applied
        assert _count(Product) == 0


def test_a_good_file_creates_then_updates(app):
    with app.app_context():
        make_store(code="SHOP")
        assert import_csv(_csv(*_good_rows()), dry_run=False).applied
        rows = _good_rows()
        rows[0] = rows[0].replace(",1,2,A-1", ",4,0,B-2")
        rows = [row.replace("89.99", "79.99") for row in rows]
        report = import_csv(_csv(*rows), dry_run=False)
        assert (report.products_created, report.products_updated) == (0, 1)
        assert (report.variants_created, report.variants_updated) == (0, 0)
        product = db.session.scalar(select(Product).where(Product.style == "W1"))
        assert product.price_cents == 7999
        assert "glide" in product.search_text
        assert sorted((s.floor_qty, s.stockroom_qty, s.bin)
                      for s in db.session.scalars(select(Stock))) == [(0, 3, "A-1"), (4, 0, "B-2")]


@pytest.mark.parametrize(("row", "message"), [
    ("W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-10M,,10,M,SHOP,-1,0,", "negative"),
    ("W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-XM,,huge,M,SHOP,1,0,", "Unknown size"),
    ("W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-8M,,8.5,M,SHOP,1,0,", "duplicate SKU"),
    ("W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-12M,123456789013,12,M,SHOP,1,0,", "UPC"),
    ("W1,Vela,Glide Flat,Navy,cheap,Women's Shoes,W1-12M,,12,M,SHOP,1,0,", "price"),
    ("W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-12M,,12,M,NOWHERE,1,0,", "unknown store"),
    ("W1,Other,Glide Flat,Navy,89.99,Women's Shoes,W1-12M,,12,M,SHOP,1,0,", "another brand"),
])
def test_a_bad_row_is_named_and_nothing_is_imported(app, row, message):
    with app.app_context():
        make_store(code="SHOP")
        report = import_csv(_csv(*_good_rows(), row), dry_run=False)
        assert not report.applied
        assert len(report.errors) == 1 and report.errors[0][0] == 5
        assert message in report.errors[0][1]
        assert _count(Product) == _count(Variant) == _count(Stock) == 0


def test_skipping_bad_rows_imports_the_good_ones(app):
    with app.app_context():
        make_store(code="SHOP")
        bad = "W1,Vela,Glide Flat,Navy,89.99,Women's Shoes,W1-10M,,10,M,SHOP,-4,0,"
        report = import_csv(_csv(*_good_rows(), bad), dry_run=False, skip_bad_rows=True)
        assert report.applied and len(report.errors) == 1
        assert _count(Variant) == 3


@pytest.mark.parametrize("text", ["style,brand\nW1,Vela\n",
                                  "style,brand,name,sku,size,shoe_size\nW1,V,N,S,9,9\n"])
def test_wrong_columns_refuse_the_whole_file(app, text):
    with app.app_context(), pytest.raises(InvalidInput, match="Wrong columns"):
        import_csv(text, dry_run=False)


def test_a_file_that_is_not_utf8_is_refused(app):
    with app.app_context(), pytest.raises(InvalidInput, match="UTF-8"):
        import_csv(HEADER.encode() + b"\xff\xfe\n", dry_run=True)


def test_a_sku_of_another_style_is_refused_against_the_database(app):
    with app.app_context():
        make_store(code="SHOP")
        import_csv(_csv(*_good_rows()), dry_run=False)
        report = import_csv(_csv("Z9,Vela,Other,Navy,9.99,Kids,W1-8M,,10C,,,,,"), dry_run=False)
        assert "belongs to another style" in report.errors[0][1]
