"""grant usage voids: a usage report can be voided (undone, or refused before it arrives)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('access_grant_usage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('access_grant_usage', schema=None) as batch_op:
        batch_op.drop_column('voided_by')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
