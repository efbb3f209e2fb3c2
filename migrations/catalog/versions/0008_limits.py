"""limits: anonymous accesses counted per client, dataset and period (one ledger entry each)

Revision ID: limits
Revises: pii_override
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'limits'
down_revision: str | None = 'pii_override'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'anonymous_access',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('client_sha256', sa.String(length=64), nullable=False),
        sa.Column('dataset_id', sa.String(length=40), nullable=False),
        sa.Column('period_start', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('period_seconds', sa.Integer(), nullable=False),
        sa.Column('count', sa.BigInteger(), nullable=False),
        sa.Column('bytes_sent', sa.BigInteger(), nullable=False),
        sa.Column('rows_read', sa.BigInteger(), nullable=False),
        sa.Column('recorded_at', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymous_access')),
        sa.UniqueConstraint('client_sha256', 'dataset_id', 'period_start',
                            name='uq_anonymous_access_period'),
    )
    with op.batch_alter_table('anonymous_access', schema=None) as batch_op:
        batch_op.create_index('ix_anonymous_access_unrecorded',
                              ['recorded_at', 'period_start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('anonymous_access', schema=None) as batch_op:
        batch_op.drop_index('ix_anonymous_access_unrecorded')
    op.drop_table('anonymous_access')
