"""Weekly roll-ups: per store and local week (Monday to Sunday), the sum of its day rows.

The chain's view read 30 day rows per store (800 stores: 24,000 rows and their
histograms); a range is now its edge days and its whole weeks, about 10 rows per
store for 30 days and 60 for a year. The upgrade sums the day rows already there
into their weeks, here, with its own copy of the histograms' stored form (4-byte
records of bucket and count, services/metrics/wait_histogram.py), so that it does
not change when the app's code does; the workers' tick keeps the weeks afterwards.

Revision ID: 0260
Revises: 0250
Create Date: 2026-12-04 23:20:00

"""
import struct
from collections import Counter
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0260'
down_revision = '0250'
branch_labels = None
depends_on = None

COUNTS = ('requests', 'open', 'resolved', 'cancelled', 'acknowledged', 'acknowledged_within',
          'reached', 'reached_within', 'handled', 'walkaways', 'walkaways_unacknowledged')
MAXIMA = ('acknowledge_max_s', 'reach_max_s', 'handle_max_s')
HISTOGRAMS = ('acknowledge_hist', 'reach_hist', 'handle_hist', 'walkaway_hist')
RECORD, RECORD_MAX = struct.Struct('<HH'), 65_535


def upgrade():
    weeks = op.create_table('rollup_weeks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
    sa.Column('acknowledge_target_s', sa.Integer(), nullable=False),
    sa.Column('reach_target_s', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Double(), nullable=True) for name in MAXIMA),
    *(sa.Column(name, sa.LargeBinary(), nullable=False) for name in HISTOGRAMS),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_rollup_weeks_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_weeks')),
    sa.UniqueConstraint('store_id', 'week_start', name='uq_rollup_weeks_store_week_start')
    )
    with op.batch_alter_table('rollup_weeks', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_weeks_week_start_store', ['week_start', 'store_id'], unique=False)
    _sum_days_into(weeks)


def downgrade():
    with op.batch_alter_table('rollup_weeks', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_weeks_week_start_store')

    op.drop_table('rollup_weeks')


def _sum_days_into(weeks):
    """Insert one week row per store and week that has day rows, one store at a time."""
    connection = op.get_bind()
    days = sa.table('rollup_days', sa.column('store_id'), sa.column('local_date', sa.Date()),
                    sa.column('acknowledge_target_s'), sa.column('reach_target_s'),
                    *(sa.column(name) for name in COUNTS + MAXIMA),
                    *(sa.column(name, sa.LargeBinary()) for name in HISTOGRAMS))
    stores = connection.execute(sa.select(days.c.store_id).distinct()).scalars().all()
    for store_id in stores:
        sums = {}
        for row in connection.execute(sa.select(days).where(days.c.store_id == store_id)
                                      .order_by(days.c.local_date)).mappings():
            monday = row['local_date'] - timedelta(days=row['local_date'].weekday())
            _add(sums.setdefault(monday, _empty(store_id, monday)), row)
        connection.execute(weeks.insert(), [_finished(week) for week in sums.values()])


def _empty(store_id, monday):
    return {'store_id': store_id, 'week_start': monday, **dict.fromkeys(COUNTS, 0),
            **dict.fromkeys(MAXIMA), **{name: Counter() for name in HISTOGRAMS}}


def _add(week, day):
    """Add a day row to a week: counts add, maxima take the larger, histograms merge."""
    for name in COUNTS:
        week[name] += day[name]
    for name in MAXIMA:
        if day[name] is not None and (week[name] is None or day[name] > week[name]):
            week[name] = day[name]
    for name in HISTOGRAMS:
        for bucket, count in RECORD.iter_unpack(bytes(day[name])):
            week[name][bucket] += count
    # The targets of the latest day, as the tick's rewrite takes the store's.
    week['acknowledge_target_s'] = day['acknowledge_target_s']
    week['reach_target_s'] = day['reach_target_s']


def _finished(week):
    """Return a week's values with its histograms in the stored form."""
    return {**week, 'computed_at': datetime.now(UTC),
            **{name: _encoded(week[name]) for name in HISTOGRAMS}}


def _encoded(counts):
    """Return bucket counts as records, a count above 65,535 as several of one bucket."""
    records = []
    for bucket in sorted(counts):
        left = counts[bucket]
        while left > 0:
            records.append(RECORD.pack(bucket, min(left, RECORD_MAX)))
            left -= RECORD_MAX
    return b''.join(records)
