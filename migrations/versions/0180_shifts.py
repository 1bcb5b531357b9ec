"""Planned shifts and the associates' calendar-feed links.

shifts holds each planned shift as the store's local date and wall-clock start and
end (an end at or before the start runs past midnight); shift_feeds the SHA-256 of
each associate's secret iCalendar link. Downgrading drops both.

Revision ID: 0180
Revises: 0170
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0180'
down_revision = '0170'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'shifts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('start_time', sa.Time(), nullable=False),
        sa.Column('end_time', sa.Time(), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('start_time <> end_time', name=op.f('ck_shifts_shift_not_empty')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'],
                                name=op.f('fk_shifts_store_id_stores')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shifts_user_id_users')),
        sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_shifts_zone_id_zones')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
        sa.UniqueConstraint('user_id', 'local_date', 'start_time', name='uq_shifts_user_start'))
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index('ix_shifts_store_id_local_date', ['store_id', 'local_date'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_user_id'), ['user_id'], unique=False)
    op.create_table(
        'shift_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_shift_feeds_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_shift_feeds_token_hash')))
    with op.batch_alter_table('shift_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_feeds_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('shift_feeds')
    op.drop_table('shifts')
