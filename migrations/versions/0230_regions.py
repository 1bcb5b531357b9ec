"""Regions: stores belong to one (or none), and the regional manager's role and region.

regions holds code and name; stores.region_id and users.region_id point at it (both
nullable: a store may be in no region). users' role CHECK widens to regional_manager,
and a second CHECK holds that a regional manager has a region and nobody else has one.
PostgreSQL swaps the constraints in place; SQLite recreates the table in batch mode.

Downgrading turns regional managers into deactivated associates with their sessions
ended (never into admins: a downgrade must not widen anybody's access), then drops the
columns and the table.

Revision ID: 0230
Revises: 0220
Create Date: 2026-12-04 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0230'
down_revision = '0220'
branch_labels = None
depends_on = None

OLD_ROLES = ('associate', 'manager', 'admin')
NEW_ROLES = ('associate', 'manager', 'regional_manager', 'admin')
REGION_CHECK = ("(role = 'regional_manager' AND region_id IS NOT NULL) OR "
                "(role <> 'regional_manager' AND region_id IS NULL)")


def _roles(values):
    return "role IN (%s)" % ", ".join(f"'{value}'" for value in values)


def upgrade():
    op.create_table(
        'regions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
        sa.UniqueConstraint('code', name=op.f('uq_regions_code')))
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_stores_region_id_regions'), 'regions',
                                    ['region_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_stores_region_id'), ['region_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_region_id_regions'), 'regions',
                                    ['region_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_users_region_id'), ['region_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), sa.text(_roles(NEW_ROLES)))
        batch_op.create_check_constraint(batch_op.f('ck_users_region_for_regional_managers'),
                                         sa.text(REGION_CHECK))


def downgrade():
    op.execute(sa.text(
        "UPDATE users SET role = 'associate', active = false, region_id = NULL, "
        "session_version = session_version + 1 WHERE role = 'regional_manager'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_region_for_regional_managers'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), sa.text(_roles(OLD_ROLES)))
        batch_op.drop_index(batch_op.f('ix_users_region_id'))
        batch_op.drop_constraint(batch_op.f('fk_users_region_id_regions'), type_='foreignkey')
        batch_op.drop_column('region_id')
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stores_region_id'))
        batch_op.drop_constraint(batch_op.f('fk_stores_region_id_regions'), type_='foreignkey')
        batch_op.drop_column('region_id')
    op.drop_table('regions')
