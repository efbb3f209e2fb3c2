"""datasets, their revisions and revision themes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:54:18.027910
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('datasets',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('publisher_org_id', sa.String(length=40), nullable=False),
    sa.Column('publisher_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('open_type', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('listed_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('regulator_approved_by', sa.String(length=64), nullable=True),
    sa.Column('regulator_approved_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_datasets'))
    )
    op.create_table('dataset_revisions',
    sa.Column('dataset_id', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('contact_point', sa.JSON(), nullable=True),
    sa.Column('licence', sa.String(length=500), nullable=False),
    sa.Column('update_frequency', sa.String(length=16), nullable=False),
    sa.Column('temporal_start', sa.Date(), nullable=True),
    sa.Column('temporal_end', sa.Date(), nullable=True),
    sa.Column('spatial_code', sa.String(length=12), nullable=True),
    sa.Column('spatial_name', sa.String(length=100), nullable=True),
    sa.Column('open_type', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('metadata_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_revisions_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dataset_id', 'revision', name=op.f('pk_dataset_revisions'))
    )
    op.create_table('revision_themes',
    sa.Column('dataset_id', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id', 'revision'], ['dataset_revisions.dataset_id', 'dataset_revisions.revision'], name='fk_revision_themes_revision', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_code'], ['themes.code'], name=op.f('fk_revision_themes_theme_code_themes')),
    sa.PrimaryKeyConstraint('dataset_id', 'revision', 'theme_code', name=op.f('pk_revision_themes'))
    )
    with op.batch_alter_table('revision_themes', schema=None) as batch_op:
        batch_op.create_index('ix_revision_themes_theme_code', ['theme_code', 'dataset_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('revision_themes', schema=None) as batch_op:
        batch_op.drop_index('ix_revision_themes_theme_code')

    op.drop_table('revision_themes')
    op.drop_table('dataset_revisions')
    op.drop_table('datasets')
