"""The catalog: products (styles), their variants (sizes) and stock by store.

`Product.search_text` is the lowered "brand name color style department" string the
text search indexes (SQLite FTS5 trigram table, PostgreSQL pg_trgm GIN index; see
floorapp/models/search_ddl.py). `Variant.size_sort` is the natural order of sizes
(5, 5.5 … 13; XS … XXL), computed by floorapp/services/inventory/sizes.py.
`CatalogVersion` is one row whose number every catalog write raises, so each worker's
cache of search matches knows when to drop them (services/inventory/search_cache.py).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.types import UTCDateTime, utcnow


class Product(db.Model):
    """A style: one name, brand, color and price, sold in several sizes."""

    __tablename__ = "products"
    __table_args__ = (CheckConstraint("price_cents >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    style: Mapped[str] = mapped_column(String(32), unique=True)
    brand: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    color: Mapped[str] = mapped_column(String(40), default="")
    price_cents: Mapped[int] = mapped_column(default=0)
    department: Mapped[str] = mapped_column(String(40), default="")
    # Empty: the app draws a simple SVG silhouette in the product's color.
    image_url: Mapped[str] = mapped_column(String(255), default="")
    search_text: Mapped[str] = mapped_column(String(400), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CatalogVersion(db.Model):
    """The catalog's version: one row (id 1), raised in every transaction that writes it."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class Variant(db.Model):
    """One size (and width or length) of a product, with its SKU and UPC."""

    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("product_id", "size_label", "width",
                         name="uq_variants_product_size_width"),
        Index("ix_variants_product_id_size_sort", "product_id", "size_sort"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    upc: Mapped[str | None] = mapped_column(String(14), unique=True)
    size_label: Mapped[str] = mapped_column(String(16))
    width: Mapped[str] = mapped_column(String(8), default="")
    size_sort: Mapped[int] = mapped_column(default=0)


class Stock(db.Model):
    """How many of a variant a store has on the floor and in the stockroom, as of when."""

    __tablename__ = "stock"
    __table_args__ = (
        CheckConstraint("floor_qty >= 0", name="floor_not_negative"),
        CheckConstraint("stockroom_qty >= 0", name="stockroom_not_negative"),
        Index("ix_stock_store_id", "store_id"),
    )

    # The variant first: the size grid reads every store's row of a product's variants.
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    floor_qty: Mapped[int] = mapped_column(default=0)
    stockroom_qty: Mapped[int] = mapped_column(default=0)
    bin: Mapped[str] = mapped_column(String(24), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
