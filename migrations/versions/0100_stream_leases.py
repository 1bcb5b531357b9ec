"""Leases of open live streams (SSE) and the heartbeats of the workers that hold them.

Revision ID: 0100
Revises: 0090
Create Date: 2026-12-02 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0100'
down_revision = '0090'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stream_workers',
    sa.Column('tag', sa.String(length=120), nullable=False),
    sa.Column('renewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tag', name=op.f('pk_stream_workers'))
    )
    op.create_table('stream_leases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stream_leases'))
    )
    with op.batch_alter_table('stream_leases', schema=None) as batch_op:
        batch_op.create_index('ix_stream_leases_address_kind', ['address', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_stream_leases_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_stream_leases_worker'), ['worker'], unique=False)


def downgrade():
    with op.batch_alter_table('stream_leases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stream_leases_worker'))
        batch_op.drop_index(batch_op.f('ix_stream_leases_subject'))
        batch_op.drop_index('ix_stream_leases_address_kind')

    op.drop_table('stream_leases')
    op.drop_table('stream_workers')
