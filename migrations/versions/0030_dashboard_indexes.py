"""Indexes for the managers' dashboards: a covering index of help requests, events by kind.

- help_requests (store_id, requested_at, the other four timestamps, status, outcome,
  zone_id, claimed_by_id, id) covers the dashboards' one query, so a store's month is
  read from the index alone (measured with bench/dashboard.py: 2M requests, 50 stores).
- events (store_id, kind, at): the staffing page rebuilds who was on the floor from a
  store's availability events over a date range; without it, every event of the store
  is scanned.

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

DASHBOARD_COLUMNS = ['store_id', 'requested_at', 'acknowledged_at', 'reached_at', 'resolved_at',
                     'closed_at', 'status', 'outcome', 'zone_id', 'claimed_by_id', 'id']


def upgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.create_index('ix_help_requests_dashboard', DASHBOARD_COLUMNS, unique=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_store_kind_at', ['store_id', 'kind', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_store_kind_at')
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_help_requests_dashboard')
