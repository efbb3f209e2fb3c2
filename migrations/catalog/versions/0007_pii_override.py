"""PII override: file contents an operator let stay general + unconditional

Revision ID: pii_override
Revises: file_withdrawal
Create Date: 2026-12-06 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'pii_override'
down_revision: str | None = 'file_withdrawal'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pii_override_sha256s', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('pii_override_sha256s')
