"""A help request names the catalog's product and size it matched (product_id, variant_id FKs).

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


def upgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_help_requests_product_id'), ['product_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_help_requests_product_id_products'),
                                    'products', ['product_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_help_requests_variant_id_variants'),
                                    'variants', ['variant_id'], ['id'])


def downgrade():
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_help_requests_variant_id_variants'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_help_requests_product_id_products'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_help_requests_product_id'))
        batch_op.drop_column('product_id')
