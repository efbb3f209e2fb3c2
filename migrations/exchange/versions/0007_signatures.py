"""party signatures: organisations' public signing keys and the signed statements received

Revision ID: signatures
Revises: users
Create Date: 2026-12-06 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'signatures'
down_revision: str | None = 'users'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'organization_keys',
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('org_id', sa.String(length=40), nullable=False),
        sa.Column('alg', sa.String(length=8), nullable=False),
        sa.Column('jwk', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('valid_from', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column('valid_until', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('registered_by', sa.String(length=40), nullable=False),
        sa.Column('retired_by', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organizations.id'],
                                name=op.f('fk_organization_keys_org_id_organizations')),
        sa.PrimaryKeyConstraint('kid', name=op.f('pk_organization_keys')),
    )
    with op.batch_alter_table('organization_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_keys_org_id'), ['org_id'],
                              unique=False)
    op.create_table(
        'party_signatures',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('org_id', sa.String(length=40), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('statement_type', sa.String(length=64), nullable=False),
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('jws', sa.Text(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.Column('signed_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['kid'], ['organization_keys.kid'],
                                name=op.f('fk_party_signatures_kid_organization_keys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_party_signatures')),
    )
    with op.batch_alter_table('party_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_signatures_subject'), ['subject'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('party_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_signatures_subject'))
    op.drop_table('party_signatures')
    with op.batch_alter_table('organization_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_keys_org_id'))
    op.drop_table('organization_keys')
