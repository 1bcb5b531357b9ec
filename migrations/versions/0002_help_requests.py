"""Help requests, the event log, signs, feedback, idempotency records and availability.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:31:39.963217

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('scope', 'key', name='uq_idempotency_records_scope_key')
    )
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_records_created_at'), ['created_at'], unique=False)

    op.create_table('signs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_signs_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signs')),
    sa.UniqueConstraint('token', name=op.f('uq_signs_token'))
    )
    with op.batch_alter_table('signs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signs_zone_id'), ['zone_id'], unique=False)

    op.create_table('help_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('sign_id', sa.Integer(), nullable=True),
    sa.Column('public_token', sa.String(length=64), nullable=False),
    sa.Column('need', sa.Enum('find_size', 'product_question', 'fitting_room', 'checkout', 'other', name='need', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('product_query', sa.String(length=120), nullable=False),
    sa.Column('size_label', sa.String(length=24), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=280), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'claimed', 'helping', 'resolved', 'cancelled', 'expired', name='status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('helped', 'sold', 'out_of_stock', 'customer_gone', name='outcome', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('last_escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_help_requests_claimed_by_id_users')),
    sa.ForeignKeyConstraint(['sign_id'], ['signs.id'], name=op.f('fk_help_requests_sign_id_signs')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_help_requests_store_id_stores')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_help_requests_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_requests')),
    sa.UniqueConstraint('public_token', name=op.f('uq_help_requests_public_token'))
    )
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_requests_claimed_by_id'), ['claimed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_requests_sign_id'), ['sign_id'], unique=False)
        batch_op.create_index('ix_help_requests_store_requested', ['store_id', 'requested_at'], unique=False)
        batch_op.create_index('ix_help_requests_store_status_requested', ['store_id', 'status', 'requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_requests_variant_id'), ['variant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_requests_zone_id'), ['zone_id'], unique=False)

    op.create_table('retired_sign_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('sign_id', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sign_id'], ['signs.id'], name=op.f('fk_retired_sign_tokens_sign_id_signs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retired_sign_tokens')),
    sa.UniqueConstraint('token', name=op.f('uq_retired_sign_tokens_token'))
    )
    with op.batch_alter_table('retired_sign_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retired_sign_tokens_sign_id'), ['sign_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('requested', 'claimed', 'arrived', 'resolved', 'released', 'handed_off', 'cancelled', 'expired', 'escalated', 'rated', 'availability', name='kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=24), nullable=True),
    sa.Column('to_status', sa.String(length=24), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'], name=op.f('fk_events_request_id_help_requests')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_events_store_id_stores')),
    sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_events_subject_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_request_id_id', ['request_id', 'id'], unique=False)
        batch_op.create_index('ix_events_store_id_id', ['store_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_subject_id'), ['subject_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_feedback_rating_1_to_5')),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'], name=op.f('fk_feedback_request_id_help_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('request_id', name=op.f('uq_feedback_request_id'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('availability', sa.Enum('on_floor', 'with_customer', 'on_break', 'off', name='availability', native_enum=False, create_constraint=True, length=16), server_default='off', nullable=False))
        batch_op.add_column(sa.Column('availability_zone_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('availability_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_availability_zone_id_zones'), 'zones', ['availability_zone_id'], ['id'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_availability_zone_id_zones'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_users_availability'), type_='check')
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('availability_changed_at')
        batch_op.drop_column('availability_zone_id')
        batch_op.drop_column('availability')

    op.drop_table('feedback')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_subject_id'))
        batch_op.drop_index('ix_events_store_id_id')
        batch_op.drop_index('ix_events_request_id_id')

    op.drop_table('events')
    with op.batch_alter_table('retired_sign_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retired_sign_tokens_sign_id'))

    op.drop_table('retired_sign_tokens')
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_requests_zone_id'))
        batch_op.drop_index(batch_op.f('ix_help_requests_variant_id'))
        batch_op.drop_index('ix_help_requests_store_status_requested')
        batch_op.drop_index('ix_help_requests_store_requested')
        batch_op.drop_index(batch_op.f('ix_help_requests_sign_id'))
        batch_op.drop_index(batch_op.f('ix_help_requests_claimed_by_id'))

    op.drop_table('help_requests')
    with op.batch_alter_table('signs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signs_zone_id'))

    op.drop_table('signs')
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_records_created_at'))

    op.drop_table('idempotency_records')
