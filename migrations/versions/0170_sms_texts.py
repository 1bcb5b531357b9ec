"""Texts (SMS): a request's number, the numbers that said STOP, the SMS outbox.

sms_consents holds one request's E.164 number (erased to NULL when the request ends);
sms_opt_outs keeps only a keyed hash of each number that answered STOP; sms_outbox
holds the texts owed, each once (a unique dedupe key). New tables only: downgrading
drops them.

Revision ID: 0170
Revises: 0150
Create Date: 2026-12-03 14:49:59

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0170'
down_revision = '0150'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_opt_outs',
    sa.Column('number_hash', sa.String(length=64), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('number_hash', name=op.f('pk_sms_opt_outs'))
    )
    op.create_table('sms_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=True),
    sa.Column('last_digits', sa.String(length=4), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'], name=op.f('fk_sms_consents_request_id_help_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_sms_consents_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_consents')),
    sa.UniqueConstraint('request_id', name=op.f('uq_sms_consents_request_id'))
    )
    with op.batch_alter_table('sms_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_consents_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_consents_store_id'), ['store_id'], unique=False)

    op.create_table('sms_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('on_the_way', 'message', 'feedback', name='sms_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('dedupe_key', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('sent', 'failed', 'opted_out', 'erased', name='sms_outcome', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('provider_sid', sa.String(length=64), nullable=True),
    sa.Column('delivery_status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['sms_consents.id'], name=op.f('fk_sms_outbox_consent_id_sms_consents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'], name=op.f('fk_sms_outbox_request_id_help_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_sms_outbox_dedupe_key'))
    )
    with op.batch_alter_table('sms_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_outbox_consent_id'), ['consent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_outbox_provider_sid'), ['provider_sid'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_outbox_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_outbox_sent_at'), ['sent_at'], unique=False)



def downgrade():
    with op.batch_alter_table('sms_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_outbox_sent_at'))
        batch_op.drop_index(batch_op.f('ix_sms_outbox_request_id'))
        batch_op.drop_index(batch_op.f('ix_sms_outbox_provider_sid'))
        batch_op.drop_index(batch_op.f('ix_sms_outbox_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_sms_outbox_consent_id'))

    op.drop_table('sms_outbox')
    with op.batch_alter_table('sms_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_consents_store_id'))
        batch_op.drop_index(batch_op.f('ix_sms_consents_number'))

    op.drop_table('sms_consents')
    op.drop_table('sms_opt_outs')
