"""An index of the push outbox by store and tag: a replacement finds the devices pushed before.

A claim, a release or an ending replaces the earlier notification of its request on
exactly the devices that got it (services/notify/recipients.py `earlier`), read from
the outbox rows of that tag in the move's own write transaction.

Revision ID: 0130
Revises: 0120
Create Date: 2026-12-03 10:58:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0130'
down_revision = '0120'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_push_outbox_store_id_tag', ['store_id', 'tag'], unique=False)


def downgrade():
    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_push_outbox_store_id_tag')
