"""rights granted on orders and grants; authorisations of public-data operators

Revision ID: rights
Revises: payouts
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'rights'
down_revision: str | None = 'payouts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Orders and grants made before rights were recorded granted what their offer said.
    for table in ('orders', 'access_grants'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('rights_granted', sa.JSON(), nullable=True))
    op.execute("UPDATE orders SET rights_granted = (SELECT offers.rights FROM offers "
               "WHERE offers.id = orders.offer_id)")
    op.execute("UPDATE access_grants SET rights_granted = (SELECT orders.rights_granted "
               "FROM orders WHERE orders.id = access_grants.order_id)")
    for table in ('orders', 'access_grants'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('rights_granted', existing_type=sa.JSON(), nullable=False)
    op.create_table(
        'operating_authorisations',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('asset_id', sa.String(length=40), nullable=False),
        sa.Column('operator_org_id', sa.String(length=40), nullable=False),
        sa.Column('scenario', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('starts_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column('granted_by', sa.String(length=64), nullable=False),
        sa.Column('revoked_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_by', sa.String(length=64), nullable=True),
        sa.Column('revoke_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['asset_id'], ['assets.id'],
                                name=op.f('fk_operating_authorisations_asset_id_assets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operating_authorisations')),
    )
    with op.batch_alter_table('operating_authorisations', schema=None) as batch_op:
        batch_op.create_index('ix_operating_authorisations_asset_operator',
                              ['asset_id', 'operator_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_operating_authorisations_operator_org_id'),
                              ['operator_org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('operating_authorisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operating_authorisations_operator_org_id'))
        batch_op.drop_index('ix_operating_authorisations_asset_operator')
    op.drop_table('operating_authorisations')
    for table in ('access_grants', 'orders'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('rights_granted')
