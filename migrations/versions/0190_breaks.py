"""Breaks with an expected return and a backup; the event kinds of breaks and coverage.

breaks holds one row per break (open while `ended_at` is NULL, at most one open per
associate: a partial unique index on both backends). The events' kind CHECK
constraint widens to break_started, break_ended, backup_changed, break_overdue and
uncovered (PostgreSQL swaps it in place, SQLite recreates the table in batch mode).
Downgrading deletes those events first, then the table.

Revision ID: 0190
Revises: 0180
Create Date: 2026-12-03 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0190'
down_revision = '0180'
branch_labels = None
depends_on = None

OLD = ('requested', 'claimed', 'arrived', 'resolved', 'released', 'handed_off', 'cancelled',
       'expired', 'escalated', 'rated', 'availability', 'message')
ADDED = ('break_started', 'break_ended', 'backup_changed', 'break_overdue', 'uncovered')
NAME = 'ck_events_kind'


def _allow(values):
    condition = "kind IN (%s)" % ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(NAME), type_='check')
        batch_op.create_check_constraint(batch_op.f(NAME), sa.text(condition))


def upgrade():
    _allow(OLD + ADDED)
    op.create_table(
        'breaks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('zone_id', sa.Integer(), nullable=True),
        sa.Column('backup_id', sa.Integer(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expected_return_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('overdue_told_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['backup_id'], ['users.id'],
                                name=op.f('fk_breaks_backup_id_users')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'],
                                name=op.f('fk_breaks_store_id_stores')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_breaks_user_id_users')),
        sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_breaks_zone_id_zones')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_breaks')))
    with op.batch_alter_table('breaks', schema=None) as batch_op:
        batch_op.create_index('ix_breaks_open_user', ['user_id'], unique=True,
                              sqlite_where=sa.text('ended_at IS NULL'),
                              postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.create_index('ix_breaks_store_id_ended_at', ['store_id', 'ended_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('breaks', schema=None) as batch_op:
        batch_op.drop_index('ix_breaks_store_id_ended_at')
        batch_op.drop_index('ix_breaks_open_user')
    op.drop_table('breaks')
    op.execute(sa.text("DELETE FROM events WHERE kind IN (%s)"
                       % ", ".join(f"'{value}'" for value in ADDED)))
    _allow(OLD)
