"""A cancelled request can carry the outcome 'spam' (a manager's "Clear spam").

The outcome column is a string enum with a named CHECK constraint; this widens it.
PostgreSQL swaps the constraint in place; SQLite recreates the table (batch mode).
Downgrading clears the outcome of spam rows first (they stay cancelled).

Revision ID: 0110
Revises: 0100
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0110'
down_revision = '0100'
branch_labels = None
depends_on = None

OLD = ('helped', 'sold', 'out_of_stock', 'customer_gone')
NEW = OLD + ('spam',)
NAME = 'ck_help_requests_outcome'


def _allow(values):
    condition = "outcome IN (%s)" % ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(NAME), type_='check')
        batch_op.create_check_constraint(batch_op.f(NAME), sa.text(condition))


def upgrade():
    _allow(NEW)


def downgrade():
    op.execute("UPDATE help_requests SET outcome = NULL WHERE outcome = 'spam'")
    _allow(OLD)
