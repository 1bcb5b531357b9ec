"""The catalog's version: one row that every catalog write raises (search caches key on it).

Revision ID: 0220
Revises: 0190
Create Date: 2026-12-03 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0220'
down_revision = '0190'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version'))
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade():
    op.drop_table('catalog_version')
