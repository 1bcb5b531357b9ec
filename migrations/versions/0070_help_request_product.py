"""A help request names the catalog's product and size it matched (product_id, variant_id FKs).

On PostgreSQL each foreign key is added NOT VALID (a brief lock; rows written from then
on are checked) and validated after the migration's transaction has committed: the scan
of help_requests then blocks neither reads nor writes (SHARE UPDATE EXCLUSIVE). The steps
before it may run again, so an upgrade stopped by a row that fails the check is simply
re-run once that row is fixed. SQLite recreates the table in batch mode.

Revision ID: 0070
Revises: 0060
Create Date: 2026-12-01 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0070'
down_revision = '0060'
branch_labels = None
depends_on = None


FOREIGN_KEYS = (('fk_help_requests_product_id_products', 'products', 'product_id'),
                ('fk_help_requests_variant_id_variants', 'variants', 'variant_id'))


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _upgrade_postgresql()
        return
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_help_requests_product_id'), ['product_id'],
                              unique=False)
        for name, table, column in FOREIGN_KEYS:
            batch_op.create_foreign_key(batch_op.f(name), table, [column], ['id'])


def _upgrade_postgresql():
    op.add_column('help_requests', sa.Column('product_id', sa.Integer(), nullable=True),
                  if_not_exists=True)
    op.create_index(op.f('ix_help_requests_product_id'), 'help_requests', ['product_id'],
                    unique=False, if_not_exists=True)
    for name, table, column in FOREIGN_KEYS:
        op.drop_constraint(name, 'help_requests', type_='foreignkey', if_exists=True)
        op.create_foreign_key(op.f(name), 'help_requests', table, [column], ['id'],
                              postgresql_not_valid=True)
    with op.get_context().autocommit_block():
        for name, _table, _column in FOREIGN_KEYS:
            op.execute(f'ALTER TABLE help_requests VALIDATE CONSTRAINT {name}')


def downgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_help_requests_variant_id_variants'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_help_requests_product_id_products'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_help_requests_product_id'))
        batch_op.drop_column('product_id')
