"""Reading the catalog on the hot paths: search, a product with its size grid, codes.

Each public reader here is ONE SQLAlchemy Core statement (a hot path: one round trip),
returning plain dicts the API serializes and the pages render, so both show the
same figures; search first reads the catalog's version, and answers a query it met
at that version from the worker's cache of matches (search_cache.py). `get_product`,
`get_variant` and `variant_by_sku` hand a handler one row by its key, or NotFound, so
no view reads the session itself. Writers live in
floorapp/services/inventory/stock.py and catalog_import.py.
"""

import functools

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, text, union_all

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import CatalogVersion, Product, Variant
from floorapp.services.core.input_parsing import (
    bounded_number,
    check_text,
    has_control_characters,
    valid_id,
)
from floorapp.services.inventory.search_cache import Match, app_cache

MAX_LIMIT = 50
MAX_QUERY = 80
# A broad word ("shoe") can match most of the catalog; ranking looks at this many.
CANDIDATES = 300
PRODUCT_COLUMNS = (Product.id, Product.style, Product.name, Product.brand, Product.color,
                   Product.price_cents, Product.department, Product.image_url)


def parse_limit(value: object, default: int = 20) -> int:
    """Return a result limit between 1 and 50, or raise InvalidInput."""
    if value is None or value == "":
        return default
    message = f"The limit must be a whole number from 1 to {MAX_LIMIT}."
    return bounded_number(value, minimum=1, maximum=MAX_LIMIT, not_a_number=message,
                          too_small=message)


def normalize_query(query: str | None) -> str:
    """Return the query lowered with single spaces, or raise InvalidInput."""
    normalized = " ".join(check_text(query or "", "search").lower().split())
    if not normalized:
        raise InvalidInput("Type a name, brand, style number, SKU or UPC to search.")
    if len(normalized) > MAX_QUERY:
        raise InvalidInput(f"A search is at most {MAX_QUERY} characters.")
    return normalized


def search_products(query: str | None, *, limit: int = 20) -> dict:
    """Return matches best first, and the product an exact UPC or SKU names, if any.

    Ranking: an exact UPC/SKU, then an exact style number, then names or brands that
    start with the query, then words that start with it, then any substring. A broad
    query ranks only the first CANDIDATES products that contain it. A query met before
    at this catalog version reads only its products, by id.
    """
    q = normalize_query(query)
    version, cache = catalog_version(), app_cache()
    match = cache.get(version, (q, limit))
    if match is not None:
        results = _products_by_id(match.product_ids)
    else:
        rows = _matching_rows(q, limit)
        results = [_product_dict(row) for row in rows]
        match = Match(tuple(row.id for row in rows),
                      rows[0].id if rows and rows[0].rank < 0 else None)
        cache.put(version, (q, limit), match)
    return {"query": q, "results": results, "exact_product_id": match.exact_product_id}


def catalog_version() -> int:
    """Return the catalog's version (0 on a database made by create_all, without its row)."""
    statement = select(CatalogVersion.version).where(CatalogVersion.id == 1)
    return db.session.connection().execute(statement).scalar() or 0


def _matching_rows(q: str, limit: int) -> list:
    tokens = q.split()[:6]
    coded = " " not in q
    dialect = db.engine.dialect.name
    long_flags = tuple(len(t) >= 3 for t in tokens)
    statement = _search_statement(dialect, coded, long_flags)
    params = {"q": q, "q_prefix": _escape(q) + "%", "q_word": "% " + _escape(q) + "%",
              "limit": limit, "candidates": CANDIDATES, "code": q, "code_upper": q.upper(),
              "code_end": q.upper() + "\uffff",
              "match": " AND ".join('"' + t.replace('"', '""') + '"'
                                    for t in tokens if len(t) >= 3)}
    params |= {f"like_{n}": "%" + _escape(t) + "%" for n, t in enumerate(tokens)}
    return _run_search(statement, params, index_only=dialect == "postgresql" and all(long_flags))


def _products_by_id(product_ids: tuple[int, ...]) -> list[dict]:
    """Return the products in the order given (one statement by primary key)."""
    if not product_ids:
        return []
    rows = db.session.connection().execute(
        select(*PRODUCT_COLUMNS).where(Product.id.in_(product_ids))).all()
    by_id = {row.id: _product_dict(row) for row in rows}
    return [by_id[product_id] for product_id in product_ids if product_id in by_id]


def _run_search(statement, params: dict, *, index_only: bool) -> list:
    """Run the search; with `index_only`, keep PostgreSQL on the trigram index.

    Every token has 3+ letters, so the trigram index can answer, but PostgreSQL
    assumes matches are spread evenly and, under the candidate LIMIT, reads the products
    in order instead: for a word whose products sit together ("swea": the sweaters) that
    read 34,000 rows (8 ms) where the index finds them in 1-2 ms. SET LOCAL lasts only
    for this statement's transaction and is reset right after it.
    """
    connection = db.session.connection()
    if not index_only:
        return connection.execute(statement, params).all()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    try:
        return connection.execute(statement, params).all()
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = on")


@functools.cache
def _search_statement(dialect: str, coded: bool, long_flags: tuple[bool, ...]):
    """Build the search statement once per shape (backend, code arms, token kinds).

    Building a statement of this size costs about a millisecond of Python; the hot
    path only binds parameters to a cached one. Each arm carries the product's name,
    so the page of results is chosen before the products are read: the final join
    then touches `limit` rows (PostgreSQL otherwise hashed all 50,000 products).
    """
    arms = [_text_arm(dialect, long_flags)]
    if coded:
        arms[:0] = [_code_arm(), _sku_prefix_arm()]
    matched = union_all(*arms).subquery()
    best = (select(matched.c.id, func.min(matched.c.rank).label("rank"), matched.c.name)
            .group_by(matched.c.id, matched.c.name)
            .order_by(func.min(matched.c.rank), matched.c.name, matched.c.id)
            .limit(bindparam("limit")).subquery())
    return (select(*PRODUCT_COLUMNS, best.c.rank).join(best, best.c.id == Product.id)
            .order_by(best.c.rank, Product.name, Product.id))


def _code_arm():
    return (select(Variant.product_id.label("id"), literal(-1).label("rank"),
                   Product.name.label("name"))
            .join(Product, Product.id == Variant.product_id)
            .where(or_(Variant.upc == bindparam("code"), Variant.sku == bindparam("code_upper"))))


def _sku_prefix_arm():
    # SKUs are upper case and indexed: a range on the index is a prefix search.
    prefixed = (select(Variant.id).where(Variant.sku >= bindparam("code_upper"),
                                         Variant.sku < bindparam("code_end"))
                .limit(bindparam("candidates")))
    return (select(Variant.product_id.label("id"), literal(2).label("rank"),
                   Product.name.label("name"))
            .join(Product, Product.id == Variant.product_id)
            .where(Variant.id.in_(prefixed)))


def _text_arm(dialect: str, long_flags: tuple[bool, ...]):
    """Rank the (at most CANDIDATES) products whose search text holds every token.

    The rank is computed in the same limited select that finds the candidates: joining
    a separate candidate list back to products made PostgreSQL hash all 50,000 products
    (17 ms) where this reads only the matches.
    """
    rank = case(
        (func.lower(Product.style) == bindparam("q"), 0),
        (or_(Product.search_text.like(bindparam("q_prefix"), escape="\\"),
             func.lower(Product.name).like(bindparam("q_prefix"), escape="\\")), 1),
        (Product.search_text.like(bindparam("q_word"), escape="\\"), 2),
        else_=3,
    )
    likes = [Product.search_text.like(bindparam(f"like_{n}"), escape="\\")
             for n in range(len(long_flags))]
    ranked = select(Product.id.label("id"), rank.label("rank"), Product.name.label("name"))
    if dialect != "sqlite" or not any(long_flags):
        # PostgreSQL: LIKE on search_text uses the pg_trgm GIN index.
        ranked = ranked.where(and_(*likes))
    else:
        # SQLite: the FTS5 trigram table finds tokens of 3+ letters; shorter ones filter.
        fts = select(text("rowid")).select_from(text("product_fts")).where(
            text("product_fts MATCH :match"))
        short = [like for is_long, like in zip(long_flags, likes, strict=True) if not is_long]
        ranked = ranked.where(Product.id.in_(fts), *short)
    candidates = ranked.limit(bindparam("candidates")).subquery()
    return select(candidates.c.id, candidates.c.rank, candidates.c.name)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _product_dict(row) -> dict:
    return {"id": row.id, "style": row.style, "name": row.name, "brand": row.brand,
            "color": row.color, "price_cents": row.price_cents,
            "department": row.department, "image_url": row.image_url}


def variant_by_code(code: str | None) -> dict:
    """Return the variant with this UPC or SKU and its product, or raise NotFound."""
    code = (code or "").strip()
    if not code or len(code) > 40 or has_control_characters(code):
        raise NotFound("Scan or type a UPC or SKU.")
    statement = (select(*PRODUCT_COLUMNS, Variant.id.label("variant_id"), Variant.sku,
                        Variant.upc, Variant.size_label, Variant.width)
                 .join(Variant, Variant.product_id == Product.id)
                 .where(or_(Variant.upc == code, Variant.sku == code.upper())).limit(1))
    row = db.session.execute(statement).first()
    if row is None:
        raise NotFound(f"No product has the code {code!r}.")
    variant = {"id": row.variant_id, "sku": row.sku, "upc": row.upc,
               "size": row.size_label, "width": row.width}
    return {"variant": variant, "product": _product_dict(row)}


def get_product(product_id: int) -> Product:
    """Return the product with this id, or raise NotFound."""
    product = db.session.get(Product, product_id) if valid_id(product_id) else None
    if product is None:
        raise NotFound(f"No product with the id {product_id}.")
    return product


def get_variant(variant_id: int) -> Variant:
    """Return the size (variant) with this id, or raise NotFound."""
    variant = db.session.get(Variant, variant_id) if valid_id(variant_id) else None
    if variant is None:
        raise NotFound(f"No size with the id {variant_id}.")
    return variant


def variant_by_sku(sku: str) -> Variant:
    """Return the variant with this SKU (any case, spaces around ignored), or raise NotFound."""
    variant = db.session.scalar(select(Variant).where(Variant.sku == sku.strip().upper()))
    if variant is None:
        raise NotFound(f"No variant has the SKU {sku!r}.")
    return variant
