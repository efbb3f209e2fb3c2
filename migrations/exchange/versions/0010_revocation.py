"""revocation: who revoked a grant; an asset's suspension

Revision ID: revocation
Revises: disputes
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'revocation'
down_revision: str | None = 'disputes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_by', sa.String(length=64), nullable=True))
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('suspended_at',
                                      services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('suspend_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_column('suspend_reason')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('suspended_by')
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.drop_column('revoked_by')
