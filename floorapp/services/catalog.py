"""Reading the catalog on the hot paths: search, a product with its size grid, codes.

Each public reader here is ONE SQLAlchemy Core statement (DESIGN.md: hot paths),
returning plain dicts the API serializes and the pages render, so both show the
same figures. Writers live in floorapp/services/stock.py and catalog_import.py.
"""

from sqlalchemy import and_, case, func, literal, or_, select, text, union_all

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Product, Variant

MAX_LIMIT = 50
MAX_QUERY = 80
# A broad word ("shoe") can match most of the catalog; ranking looks at this many.
CANDIDATES = 1000
PRODUCT_COLUMNS = (Product.id, Product.style, Product.name, Product.brand, Product.color,
                   Product.price_cents, Product.department, Product.image_url)


def parse_limit(value: object, default: int = 20) -> int:
    """Return a result limit between 1 and 50, or raise InvalidInput."""
    if value is None or value == "":
        return default
    try:
        limit = int(str(value))
    except ValueError:
        raise InvalidInput("The limit must be a whole number from 1 to 50.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("The limit must be a whole number from 1 to 50.")
    return limit


def normalize_query(query: str | None) -> str:
    """Return the query lowered with single spaces, or raise InvalidInput."""
    normalized = " ".join((query or "").lower().split())
    if not normalized:
        raise InvalidInput("Type a name, brand, style number, SKU or UPC to search.")
    if len(normalized) > MAX_QUERY:
        raise InvalidInput(f"A search is at most {MAX_QUERY} characters.")
    return normalized


def search_products(query: str | None, *, limit: int = 20) -> dict:
    """Return matches best first, and the product an exact UPC or SKU names, if any.

    Ranking: an exact UPC/SKU, then an exact style number, then names or brands that
    start with the query, then words that start with it, then any substring.
    """
    q = normalize_query(query)
    arms = [_text_arm(q)]
    if " " not in q:
        arms[:0] = [_code_arm(q), _sku_prefix_arm(q)]
    matched = union_all(*arms).subquery()
    best = (select(matched.c.id, func.min(matched.c.rank).label("rank"))
            .group_by(matched.c.id).subquery())
    statement = (select(*PRODUCT_COLUMNS, best.c.rank).join(best, best.c.id == Product.id)
                 .order_by(best.c.rank, Product.name, Product.id).limit(limit))
    rows = db.session.execute(statement).all()
    results = [_product_dict(row) for row in rows]
    exact = results[0]["id"] if rows and rows[0].rank < 0 else None
    return {"query": q, "results": results, "exact_product_id": exact}


def _code_arm(q: str):
    return (select(Variant.product_id.label("id"), literal(-1).label("rank"))
            .where(or_(Variant.upc == q, Variant.sku == q.upper())))


def _sku_prefix_arm(q: str):
    # SKUs are upper case and indexed: a range on the index is a prefix search.
    code = q.upper()
    prefixed = (select(Variant.id).where(Variant.sku >= code, Variant.sku < code + "\uffff")
                .limit(CANDIDATES))
    return (select(Variant.product_id.label("id"), literal(2).label("rank"))
            .where(Variant.id.in_(prefixed)))


def _text_arm(q: str):
    rank = case(
        (func.lower(Product.style) == q, 0),
        (or_(Product.search_text.like(_escape(q) + "%", escape="\\"),
             func.lower(Product.name).like(_escape(q) + "%", escape="\\")), 1),
        (Product.search_text.like("% " + _escape(q) + "%", escape="\\"), 2),
        else_=3,
    )
    return select(Product.id.label("id"), rank.label("rank")).where(
        Product.id.in_(_candidates(q.split()[:6])))


def _candidates(tokens: list[str]):
    """Return the ids of products whose search text holds every token (at most CANDIDATES)."""
    likes = [Product.search_text.like("%" + _escape(t) + "%", escape="\\") for t in tokens]
    long_tokens = [t for t in tokens if len(t) >= 3]
    if db.engine.dialect.name != "sqlite" or not long_tokens:
        # PostgreSQL: LIKE on search_text uses the pg_trgm GIN index.
        return select(Product.id).where(and_(*likes)).limit(CANDIDATES)
    # SQLite: the FTS5 trigram table finds tokens of 3+ letters; shorter ones filter.
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_tokens)
    fts = select(text("rowid")).select_from(text("product_fts")).where(
        text("product_fts MATCH :match").bindparams(match=match))
    short = [like for token, like in zip(tokens, likes, strict=True) if len(token) < 3]
    return select(Product.id).where(Product.id.in_(fts), *short).limit(CANDIDATES)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _product_dict(row) -> dict:
    return {"id": row.id, "style": row.style, "name": row.name, "brand": row.brand,
            "color": row.color, "price_cents": row.price_cents,
            "department": row.department, "image_url": row.image_url}


def variant_by_code(code: str | None) -> dict:
    """Return the variant with this UPC or SKU and its product, or raise NotFound."""
    code = (code or "").strip()
    if not code or len(code) > 40:
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
