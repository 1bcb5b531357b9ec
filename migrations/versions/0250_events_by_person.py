"""An index of the events by store, kind and person: each person's last availability change.

A store's dashboard replays its coverage from each person's availability before the
period (services/metrics/coverage_timeline.py `_people_before`). That was the highest
id per person over every availability change of the store before the period, a scan
that grew with the store's history (a year: about 90,000 rows per store, 50-90 ms).
With this index the same statement skips from person to person and reads each one's
changes backwards from their last, in the index alone (`at` is in it), to the first
before the period: a cost that follows the period and the people, not the history.

On PostgreSQL the index is built CONCURRENTLY, outside the migration's transaction:
the events table is the largest, and a plain CREATE INDEX would hold every store's
writes (each move writes an event) for as long as the build takes.

Revision ID: 0250
Revises: 0220
Create Date: 2026-12-04 19:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0250'
down_revision = '0240'
branch_labels = None
depends_on = None

NAME = 'ix_events_store_kind_subject_id'
COLUMNS = ['store_id', 'kind', 'subject_id', 'id', 'at']


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.create_index(NAME, 'events', COLUMNS, unique=False,
                            postgresql_concurrently=True)
        return
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(NAME, COLUMNS, unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        with op.get_context().autocommit_block():
            op.drop_index(NAME, table_name='events', postgresql_concurrently=True,
                          if_exists=True)
        return
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(NAME)
