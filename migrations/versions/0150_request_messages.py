"""Messages and photos on a help request; the event kind 'message'.

request_messages holds the thread (customer or staff, a body of at most 500
characters, an optional photo); request_photos the customer's re-encoded photos as
bytes. The events' kind is a string enum with a named CHECK constraint: this widens it
(PostgreSQL swaps the constraint in place, SQLite recreates the table in batch mode).
Downgrading deletes the message events first, then the tables.

Revision ID: 0150
Revises: 0140
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0150'
down_revision = '0140'
branch_labels = None
depends_on = None

OLD = ('requested', 'claimed', 'arrived', 'resolved', 'released', 'handed_off', 'cancelled',
       'expired', 'escalated', 'rated', 'availability')
NEW = OLD + ('message',)
NAME = 'ck_events_kind'


def _allow(values):
    condition = "kind IN (%s)" % ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(NAME), type_='check')
        batch_op.create_check_constraint(batch_op.f(NAME), sa.text(condition))


def upgrade():
    _allow(NEW)
    op.create_table(
        'request_photos',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'],
                                name=op.f('fk_request_photos_request_id_help_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_photos')))
    with op.batch_alter_table('request_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_photos_request_id'), ['request_id'],
                              unique=False)
    op.create_table(
        'request_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.Enum('customer', 'staff', name='message_author',
                                    native_enum=False, create_constraint=True, length=16),
                  nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.String(length=500), nullable=False),
        sa.Column('photo_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_request_messages_author_id_users')),
        sa.ForeignKeyConstraint(['photo_id'], ['request_photos.id'],
                                name=op.f('fk_request_messages_photo_id_request_photos')),
        sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'],
                                name=op.f('fk_request_messages_request_id_help_requests')),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'],
                                name=op.f('fk_request_messages_store_id_stores')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_messages')))
    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.create_index('ix_request_messages_request_id_id', ['request_id', 'id'],
                              unique=False)


def downgrade():
    op.drop_table('request_messages')
    op.drop_table('request_photos')
    op.execute("DELETE FROM events WHERE kind = 'message'")
    _allow(OLD)
