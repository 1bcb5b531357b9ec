"""Index the event log by store, kind and time, for the staffing page's availability history.

The staffing page rebuilds who was on the floor from a store's availability events
over a date range; without this index it scans every event of the store.

Revision ID: 0030
Revises: 0002
Create Date: 2026-11-23 15:46:52.150833

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_store_kind_at', ['store_id', 'kind', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_store_kind_at')
