"""Join the migrations written side by side: catalog (0020), dashboard index (0030), audit (0050).

Revision ID: 0060
Revises: 0020, 0030, 0050
Create Date: 2026-11-23 15:55:00

"""

# revision identifiers, used by Alembic.
revision = '0060'
down_revision = ('0020', '0030', '0050')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
