"""Roll-ups for the chain's views: per store, zone and local hour, per store and local day,
and the watermark of the event log they have read (its one row starts at 0, so the
workers' tick folds the whole history in, a bounded amount per tick; `flask rollups
rebuild` does it at once).

Revision ID: 0240
Revises: 0220
Create Date: 2026-12-04 19:28:33

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0240'
down_revision = '0230'
branch_labels = None
depends_on = None


def upgrade():
    watermark = op.create_table('rollup_watermark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_watermark'))
    )
    op.bulk_insert(watermark, [{'id': 1, 'last_event_id': 0}])
    op.create_table('rollup_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('open', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('acknowledged', sa.Integer(), nullable=False),
    sa.Column('acknowledged_within', sa.Integer(), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('reached_within', sa.Integer(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('walkaways', sa.Integer(), nullable=False),
    sa.Column('walkaways_unacknowledged', sa.Integer(), nullable=False),
    sa.Column('acknowledge_target_s', sa.Integer(), nullable=False),
    sa.Column('reach_target_s', sa.Integer(), nullable=False),
    sa.Column('acknowledge_max_s', sa.Double(), nullable=True),
    sa.Column('reach_max_s', sa.Double(), nullable=True),
    sa.Column('handle_max_s', sa.Double(), nullable=True),
    sa.Column('acknowledge_hist', sa.LargeBinary(), nullable=False),
    sa.Column('reach_hist', sa.LargeBinary(), nullable=False),
    sa.Column('handle_hist', sa.LargeBinary(), nullable=False),
    sa.Column('walkaway_hist', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_rollup_days_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_days')),
    sa.UniqueConstraint('store_id', 'local_date', name='uq_rollup_days_store_local_date')
    )
    with op.batch_alter_table('rollup_days', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_days_local_date_store', ['local_date', 'store_id'], unique=False)

    op.create_table('rollup_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('hour_start_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('local_hour', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('open', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Integer(), nullable=False),
    sa.Column('acknowledged', sa.Integer(), nullable=False),
    sa.Column('acknowledged_within', sa.Integer(), nullable=False),
    sa.Column('reached', sa.Integer(), nullable=False),
    sa.Column('reached_within', sa.Integer(), nullable=False),
    sa.Column('handled', sa.Integer(), nullable=False),
    sa.Column('walkaways', sa.Integer(), nullable=False),
    sa.Column('walkaways_unacknowledged', sa.Integer(), nullable=False),
    sa.Column('acknowledge_target_s', sa.Integer(), nullable=False),
    sa.Column('reach_target_s', sa.Integer(), nullable=False),
    sa.Column('acknowledge_max_s', sa.Double(), nullable=True),
    sa.Column('reach_max_s', sa.Double(), nullable=True),
    sa.Column('handle_max_s', sa.Double(), nullable=True),
    sa.Column('acknowledge_hist', sa.LargeBinary(), nullable=False),
    sa.Column('reach_hist', sa.LargeBinary(), nullable=False),
    sa.Column('handle_hist', sa.LargeBinary(), nullable=False),
    sa.Column('walkaway_hist', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_rollup_hours_store_id_stores')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_rollup_hours_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_hours')),
    sa.UniqueConstraint('store_id', 'hour_start_utc', 'zone_id', name='uq_rollup_hours_store_hour_zone')
    )
    with op.batch_alter_table('rollup_hours', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_hours_store_local_date', ['store_id', 'local_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_rollup_hours_zone_id'), ['zone_id'], unique=False)



def downgrade():
    with op.batch_alter_table('rollup_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_hours_zone_id'))
        batch_op.drop_index('ix_rollup_hours_store_local_date')

    op.drop_table('rollup_hours')
    with op.batch_alter_table('rollup_days', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_days_local_date_store')

    op.drop_table('rollup_days')
    op.drop_table('rollup_watermark')
