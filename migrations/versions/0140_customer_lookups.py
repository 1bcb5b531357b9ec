"""The customer's price check: lookup misses say who looked, stores may show other stores.

lookup_misses.source tells an associate's lookup from a customer's check at a sign
("customer looked it up"), so the dashboard counts them apart; every existing row was an
associate's. stores.show_other_stores lets a store's price check name the other stores
that have a size (off by default).

Revision ID: 0140
Revises: 0130
Create Date: 2026-12-03 10:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0140'
down_revision = '0130'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lookup_misses', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'source', sa.Enum('associate', 'customer', name='lookup_source', native_enum=False,
                              create_constraint=True, length=16),
            server_default='associate', nullable=False))
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_other_stores', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    # A customer's check was never an associate's lookup: those rows go with the column.
    op.execute("DELETE FROM lookup_misses WHERE source = 'customer'")
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_column('show_other_stores')
    with op.batch_alter_table('lookup_misses', schema=None) as batch_op:
        # SQLite's batch copy would keep the CHECK on the dropped column: drop it first.
        batch_op.drop_constraint(batch_op.f('ck_lookup_misses_lookup_source'), type_='check')
        batch_op.drop_column('source')
