"""offers that include updates; asset updates reviewed by an operator

Revision ID: grantscope
Revises: rights
Create Date: 2026-12-06 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'grantscope'
down_revision: str | None = 'rights'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('includes_updates', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.alter_column('includes_updates', existing_type=sa.Boolean(),
                              server_default=None)
    op.create_table(
        'asset_updates',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('asset_id', sa.String(length=40), nullable=False),
        sa.Column('dataset_id', sa.String(length=40), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=True),
        sa.Column('metadata_sha256', sa.String(length=64), nullable=True),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('content_sha256', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('submitted_by', sa.String(length=64), nullable=False),
        sa.Column('submitted_at', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('asset_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_updates_asset_id'), ['asset_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('asset_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_updates_asset_id'))
    op.drop_table('asset_updates')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_column('includes_updates')
