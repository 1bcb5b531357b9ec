"""The text-search structures the ORM cannot describe, for both databases.

SQLite: an FTS5 table with the trigram tokenizer over `products.search_text`
(external content, kept in sync by triggers), so substrings of three letters or
more are found through an index. PostgreSQL: a pg_trgm GIN index on the same
column, used by ILIKE. The migration creates them; `db.create_all()` (the tests)
creates them through the listeners below. Alembic's comparison skips them
(`include_object`), since no model declares them.
"""

from sqlalchemy import event, text

from floorapp.models.catalog import Product

FTS_TABLE = "product_fts"
TRIGRAM_INDEX = "ix_products_search_trgm"

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE product_fts USING fts5(search_text, content='products', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER products_fts_update AFTER UPDATE OF search_text ON products BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS products_fts_update",
    "DROP TRIGGER IF EXISTS products_fts_delete",
    "DROP TRIGGER IF EXISTS products_fts_insert",
    "DROP TABLE IF EXISTS product_fts",
)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}",)


def postgres_create(connection) -> list[str]:
    """Return the statements that make the trigram index, naming pg_trgm's schema.

    The opclass is schema-qualified because the extension may live outside the
    connection's search path (the tests run each in a schema of their own).
    """
    connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    schema = connection.execute(text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    )).scalar_one()
    return [f"CREATE INDEX {TRIGRAM_INDEX} ON products USING gin "
            f"(search_text {schema}.gin_trgm_ops)"]


def create_search_structures(connection) -> None:
    """Create the search table/index for the connection's database."""
    if connection.dialect.name == "sqlite":
        statements = SQLITE_CREATE
    else:
        statements = postgres_create(connection)
    for statement in statements:
        connection.execute(text(statement))


def drop_search_structures(connection) -> None:
    """Drop what `create_search_structures` made."""
    statements = SQLITE_DROP if connection.dialect.name == "sqlite" else POSTGRES_DROP
    for statement in statements:
        connection.execute(text(statement))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Tell Alembic's comparison to skip the search structures no model declares."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == TRIGRAM_INDEX)


@event.listens_for(Product.__table__, "after_create")
def _after_products_created(_target, connection, **_kw) -> None:
    create_search_structures(connection)


@event.listens_for(Product.__table__, "before_drop")
def _before_products_dropped(_target, connection, **_kw) -> None:
    drop_search_structures(connection)
