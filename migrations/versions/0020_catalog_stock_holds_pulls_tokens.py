"""The catalog and stock: products, variants, stock by store, stock pulls, holds,
lookup misses and API tokens, with the text search of each database (an FTS5
trigram table kept in sync by triggers on SQLite, a pg_trgm GIN index on
PostgreSQL) over products.search_text.

Revision ID: 0020
Revises: 0002
Create Date: 2026-11-23 15:38:00.506139

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('style', sa.String(length=32), nullable=False),
    sa.Column('brand', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('color', sa.String(length=40), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.Column('image_url', sa.String(length=255), nullable=False),
    sa.Column('search_text', sa.String(length=400), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_products_price_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('style', name=op.f('uq_products_style'))
    )
    op.create_table('variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('upc', sa.String(length=14), nullable=True),
    sa.Column('size_label', sa.String(length=16), nullable=False),
    sa.Column('width', sa.String(length=8), nullable=False),
    sa.Column('size_sort', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_variants_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variants')),
    sa.UniqueConstraint('product_id', 'size_label', 'width', name='uq_variants_product_size_width'),
    sa.UniqueConstraint('sku', name=op.f('uq_variants_sku')),
    sa.UniqueConstraint('upc', name=op.f('uq_variants_upc'))
    )
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.create_index('ix_variants_product_id_size_sort', ['product_id', 'size_sort'], unique=False)

    op.create_table('stock',
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('floor_qty', sa.Integer(), nullable=False),
    sa.Column('stockroom_qty', sa.Integer(), nullable=False),
    sa.Column('bin', sa.String(length=24), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('floor_qty >= 0', name=op.f('ck_stock_floor_not_negative')),
    sa.CheckConstraint('stockroom_qty >= 0', name=op.f('ck_stock_stockroom_not_negative')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_store_id_stores')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_stock_variant_id_variants')),
    sa.PrimaryKeyConstraint('variant_id', 'store_id', name=op.f('pk_stock'))
    )
    with op.batch_alter_table('stock', schema=None) as batch_op:
        batch_op.create_index('ix_stock_store_id', ['store_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('scopes', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_api_tokens_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_store_id'), ['store_id'], unique=False)

    op.create_table('holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('customer_label', sa.String(length=60), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('qty > 0', name=op.f('ck_holds_qty_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_holds_created_by_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_holds_store_id_stores')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_holds_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holds'))
    )
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.create_index('ix_holds_store_expires', ['store_id', 'expires_at'], unique=False)
        batch_op.create_index('ix_holds_variant_store_expires', ['variant_id', 'store_id', 'expires_at'], unique=False)

    op.create_table('lookup_misses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('size_label', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_lookup_misses_product_id_products')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_lookup_misses_store_id_stores')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lookup_misses_user_id_users')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_lookup_misses_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lookup_misses'))
    )
    with op.batch_alter_table('lookup_misses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lookup_misses_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_lookup_misses_store_at', ['store_id', 'at'], unique=False)

    op.create_table('stock_pulls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('help_request_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'picked', 'delivered', 'not_found', name='pull_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('picked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('not_found_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_stock_pulls_asked_by_id_users')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_stock_pulls_handled_by_id_users')),
    sa.ForeignKeyConstraint(['help_request_id'], ['help_requests.id'], name=op.f('fk_stock_pulls_help_request_id_help_requests')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_stock_pulls_store_id_stores')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_stock_pulls_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_pulls'))
    )
    with op.batch_alter_table('stock_pulls', schema=None) as batch_op:
        batch_op.create_index('ix_stock_pulls_asked_by_asked', ['asked_by_id', 'asked_at'], unique=False)
        batch_op.create_index('ix_stock_pulls_store_status_asked', ['store_id', 'status', 'asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_pulls_variant_id'), ['variant_id'], unique=False)

    create_search()


SQLITE_SEARCH = (
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


def create_search():
    """Create the search structures (the same as floorapp/models/search_ddl.py)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Qualified: the extension may live outside this connection's search path.
    schema = bind.execute(sa.text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    )).scalar_one()
    op.execute(f"CREATE INDEX ix_products_search_trgm ON products USING gin "
               f"(search_text {schema}.gin_trgm_ops)")


def drop_search():
    """Drop the search structures before their table."""
    if op.get_bind().dialect.name == "sqlite":
        for name in ("products_fts_update", "products_fts_delete", "products_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS product_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_products_search_trgm")


def downgrade():
    drop_search()
    with op.batch_alter_table('stock_pulls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_pulls_variant_id'))
        batch_op.drop_index('ix_stock_pulls_store_status_asked')
        batch_op.drop_index('ix_stock_pulls_asked_by_asked')

    op.drop_table('stock_pulls')
    with op.batch_alter_table('lookup_misses', schema=None) as batch_op:
        batch_op.drop_index('ix_lookup_misses_store_at')
        batch_op.drop_index(batch_op.f('ix_lookup_misses_product_id'))

    op.drop_table('lookup_misses')
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_index('ix_holds_variant_store_expires')
        batch_op.drop_index('ix_holds_store_expires')

    op.drop_table('holds')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_store_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('stock', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_store_id')

    op.drop_table('stock')
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.drop_index('ix_variants_product_id_size_sort')

    op.drop_table('variants')
    op.drop_table('products')
