"""Web Push: devices' subscriptions, the outbox of pushes, and the stockroom zone.

push_subscriptions belong to a login session (a handheld) or to a help request (a
customer's phone); push_outbox holds one row per push owed, written with the event
that causes it. zones.stockroom marks the zone whose associates work the stockroom.

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-03 10:26:20

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0120'
down_revision = '0110'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1024), nullable=False),
    sa.Column('p256dh', sa.String(length=128), nullable=False),
    sa.Column('auth', sa.String(length=64), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('login_session_id', sa.Integer(), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=True),
    sa.Column('help_request_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_pushed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(user_id IS NOT NULL AND login_session_id IS NOT NULL AND help_request_id IS NULL) OR (user_id IS NULL AND login_session_id IS NULL AND help_request_id IS NOT NULL)', name=op.f('ck_push_subscriptions_one_owner')),
    sa.ForeignKeyConstraint(['help_request_id'], ['help_requests.id'], name=op.f('fk_push_subscriptions_help_request_id_help_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['login_session_id'], ['login_sessions.id'], name=op.f('fk_push_subscriptions_login_session_id_login_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_push_subscriptions_store_id_stores')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_help_request_id'), ['help_request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscriptions_login_session_id'), ['login_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscriptions_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('push_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('ttl_s', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('sent', 'gone', 'gave_up', name='push_outcome', native_enum=False, create_constraint=True, length=8), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_push_outbox_store_id_stores')),
    sa.ForeignKeyConstraint(['subscription_id'], ['push_subscriptions.id'], name=op.f('fk_push_outbox_subscription_id_push_subscriptions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_outbox'))
    )
    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_push_outbox_sent_at_next_attempt_at', ['sent_at', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_outbox_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_outbox_subscription_id'), ['subscription_id'], unique=False)

    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stockroom', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.drop_column('stockroom')

    with op.batch_alter_table('push_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_outbox_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_push_outbox_store_id'))
        batch_op.drop_index('ix_push_outbox_sent_at_next_attempt_at')

    op.drop_table('push_outbox')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_user_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_store_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_login_session_id'))
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_help_request_id'))

    op.drop_table('push_subscriptions')
