"""PostgreSQL: a finer sample of products.search_text, so the planner sees how selective a
search is.

With the default 100-entry histogram PostgreSQL guessed that '%sm079%' matches 2% of the
catalog and read all 50,000 products in order (12.8 ms) instead of asking the trigram
index (2.3 ms); a 1,000-entry sample estimates it right. SQLite plans through FTS5 and
needs nothing.

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-01 10:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0090'
down_revision = '0080'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE products ALTER COLUMN search_text SET STATISTICS 1000")
        op.execute("ANALYZE products")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE products ALTER COLUMN search_text SET STATISTICS -1")
