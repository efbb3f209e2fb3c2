"""payouts: bank accounts on file, payouts, the exchange fee schedule

Revision ID: payouts
Revises: revocation
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'payouts'
down_revision: str | None = 'revocation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'payout_bank_accounts',
        sa.Column('org_id', sa.String(length=40), nullable=False),
        sa.Column('account_name', sa.String(length=100), nullable=False),
        sa.Column('bank_name', sa.String(length=100), nullable=False),
        sa.Column('account_number', sa.String(length=32), nullable=False),
        sa.Column('salt', sa.String(length=32), nullable=False),
        sa.Column('bank_account_sha256', sa.String(length=64), nullable=False),
        sa.Column('updated_by', sa.String(length=64), nullable=False),
        sa.Column('updated_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('org_id', name=op.f('pk_payout_bank_accounts')),
    )
    op.create_table(
        'payouts',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('org_id', sa.String(length=40), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('account_name', sa.String(length=100), nullable=False),
        sa.Column('bank_name', sa.String(length=100), nullable=False),
        sa.Column('account_number', sa.String(length=32), nullable=False),
        sa.Column('bank_account_sha256', sa.String(length=64), nullable=False),
        sa.Column('requested_by', sa.String(length=64), nullable=False),
        sa.Column('requested_at', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('request_entry_id', sa.String(length=40), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decision_entry_id', sa.String(length=40), nullable=True),
        sa.Column('bank_reference', sa.String(length=100), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payouts_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_requested_at'), ['requested_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_decided_at'), ['decided_at'], unique=False)
    op.create_table(
        'exchange_fees',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('fee_bps', sa.Integer(), nullable=False),
        sa.Column('effective_date', sa.Date(), nullable=False),
        sa.Column('effective_at', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('set_by', sa.String(length=64), nullable=False),
        sa.Column('set_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_fees')),
    )
    with op.batch_alter_table('exchange_fees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_fees_effective_at'), ['effective_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('exchange_fees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_fees_effective_at'))
    op.drop_table('exchange_fees')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payouts_decided_at'))
        batch_op.drop_index(batch_op.f('ix_payouts_requested_at'))
        batch_op.drop_index(batch_op.f('ix_payouts_status'))
        batch_op.drop_index(batch_op.f('ix_payouts_org_id'))
    op.drop_table('payouts')
    op.drop_table('payout_bank_accounts')
