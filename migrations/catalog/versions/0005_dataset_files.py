"""dataset_files: uploaded files of dataset revisions (content in the blob store)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 07:16:21.798483
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
    op.create_table('dataset_files',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('dataset_id', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('quality', sa.JSON(), nullable=False),
    sa.Column('sample', sa.JSON(), nullable=False),
    sa.Column('pii', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id', 'revision'], ['dataset_revisions.dataset_id', 'dataset_revisions.revision'], name='fk_dataset_files_revision', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_files'))
    )
    with op.batch_alter_table('dataset_files', schema=None) as batch_op:
        batch_op.create_index('ix_dataset_files_dataset_id', ['dataset_id', 'revision'], unique=False)
        batch_op.create_index('ix_dataset_files_sha256', ['sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('dataset_files', schema=None) as batch_op:
        batch_op.drop_index('ix_dataset_files_sha256')
        batch_op.drop_index('ix_dataset_files_dataset_id')

    op.drop_table('dataset_files')
