"""Indexes for the dashboard's stock pulls and holds, read by store and time range.

- stock_pulls (store_id, asked_at, status, picked_at, delivered_at, not_found_at): the
  pulls asked in a store's range and how far each got, from the index alone. The older
  (store_id, status, asked_at) index cannot serve a range over every status.
- holds (store_id, created_at, expires_at, released_at, qty): the holds placed in a
  range and how each ended. (store_id, expires_at) serves "what is held now", not this.
- lookup_misses already has (store_id, at), from 0020.

Revision ID: 0080
Revises: 0070
Create Date: 2026-12-01 08:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0080'
down_revision = '0070'
branch_labels = None
depends_on = None

PULL_COLUMNS = ['store_id', 'asked_at', 'status', 'picked_at', 'delivered_at', 'not_found_at']
HOLD_COLUMNS = ['store_id', 'created_at', 'expires_at', 'released_at', 'qty']


def upgrade():
    with op.batch_alter_table('stock_pulls', schema=None) as batch_op:
        batch_op.create_index('ix_stock_pulls_store_asked', PULL_COLUMNS, unique=False)
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.create_index('ix_holds_store_created', HOLD_COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_index('ix_holds_store_created')
    with op.batch_alter_table('stock_pulls', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_pulls_store_asked')
