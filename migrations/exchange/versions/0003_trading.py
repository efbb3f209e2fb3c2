"""trading: assets, valuations, offers, price caps, orders, contracts, money, grants,
vouchers, disputes, demands, idempotency keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:27:53.777393
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
    op.create_table('assets',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('owner_org_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rights', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('open_type', sa.String(length=16), nullable=False),
    sa.Column('public_data', sa.Boolean(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('quality_score', sa.Integer(), nullable=True),
    sa.Column('rows', sa.BigInteger(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('certificate_no', sa.String(length=40), nullable=True),
    sa.Column('certificate', sa.JSON(), nullable=True),
    sa.Column('revoked_by', sa.String(length=64), nullable=True),
    sa.Column('revoked_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assets')),
    sa.UniqueConstraint('certificate_no', name=op.f('uq_assets_certificate_no'))
    )
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assets_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assets_status'), ['status'], unique=False)

    op.create_table('demands',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('buyer_org_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.Column('purpose_category', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demands'))
    )
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demands_buyer_org_id'), ['buyer_org_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'key', name=op.f('pk_idempotency_keys'))
    )
    op.create_table('money_accounts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('balance_fen', sa.BigInteger(), nullable=True),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_money_accounts'))
    )
    with op.batch_alter_table('money_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_money_accounts_owner'), ['owner'], unique=False)

    op.create_table('money_journal_entries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_money_journal_entries'))
    )
    with op.batch_alter_table('money_journal_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_money_journal_entries_order_id'), ['order_id'], unique=False)

    op.create_table('price_caps',
    sa.Column('theme', sa.String(length=32), nullable=False),
    sa.Column('plan', sa.String(length=16), nullable=False),
    sa.Column('max_price_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('theme', 'plan', name=op.f('pk_price_caps'))
    )
    op.create_table('public_interest_approvals',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=False),
    sa.Column('approved_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_interest_approvals'))
    )
    with op.batch_alter_table('public_interest_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_interest_approvals_org_id'), ['org_id'], unique=False)

    op.create_table('asset_datasets',
    sa.Column('asset_id', sa.String(length=40), nullable=False),
    sa.Column('dataset_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('metadata_sha256', sa.String(length=64), nullable=True),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_basis', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_asset_datasets_asset_id_assets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('asset_id', 'dataset_id', name=op.f('pk_asset_datasets'))
    )
    op.create_table('asset_valuations',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('asset_id', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('report_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_asset_valuations_asset_id_assets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_valuations'))
    )
    with op.batch_alter_table('asset_valuations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_asset_valuations_asset_id'), ['asset_id'], unique=False)

    op.create_table('money_postings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['money_accounts.id'], name=op.f('fk_money_postings_account_id_money_accounts')),
    sa.ForeignKeyConstraint(['entry_id'], ['money_journal_entries.id'], name=op.f('fk_money_postings_entry_id_money_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_money_postings'))
    )
    with op.batch_alter_table('money_postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_money_postings_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_money_postings_entry_id'), ['entry_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('asset_id', sa.String(length=40), nullable=False),
    sa.Column('provider_org_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('plan', sa.String(length=16), nullable=False),
    sa.Column('price_fen', sa.BigInteger(), nullable=False),
    sa.Column('term_days', sa.Integer(), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('rights', sa.JSON(), nullable=False),
    sa.Column('usage', sa.JSON(), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('terms_sha256', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('public_data', sa.Boolean(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('quality_score', sa.Integer(), nullable=True),
    sa.Column('cap_theme', sa.String(length=32), nullable=True),
    sa.Column('cap_fen', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_offers_asset_id_assets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_provider_org_id'), ['provider_org_id'], unique=False)
        batch_op.create_index('ix_offers_status_created_at', ['status', 'created_at'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('offer_id', sa.String(length=40), nullable=False),
    sa.Column('asset_id', sa.String(length=40), nullable=False),
    sa.Column('buyer_org_id', sa.String(length=40), nullable=False),
    sa.Column('provider_org_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('purpose_category', sa.String(length=16), nullable=False),
    sa.Column('plan', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=True),
    sa.Column('term_days', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('list_amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('free_use', sa.Boolean(), nullable=False),
    sa.Column('fee_fen', sa.BigInteger(), nullable=True),
    sa.Column('provider_net_fen', sa.BigInteger(), nullable=True),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=True),
    sa.Column('needs_regulator_approval', sa.Boolean(), nullable=False),
    sa.Column('regulator_approved_by', sa.String(length=64), nullable=True),
    sa.Column('regulator_approved_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('contract_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_orders_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_buyer_org_id_id', ['buyer_org_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index('ix_orders_provider_org_id_id', ['provider_org_id', 'id'], unique=False)

    op.create_table('access_grants',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('buyer_org_id', sa.String(length=40), nullable=False),
    sa.Column('dataset_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('starts_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('quota', sa.BigInteger(), nullable=True),
    sa.Column('used_calls', sa.BigInteger(), nullable=False),
    sa.Column('used_rows', sa.BigInteger(), nullable=False),
    sa.Column('revoked_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_access_grants_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grants')),
    sa.UniqueConstraint('order_id', name=op.f('uq_access_grants_order_id'))
    )
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_grants_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_grants_expires_at'), ['expires_at'], unique=False)

    op.create_table('contracts',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('concluded_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_contracts_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('sha256', name=op.f('uq_contracts_sha256'))
    )
    op.create_table('disputes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('opened_by_org_id', sa.String(length=40), nullable=False),
    sa.Column('opened_by_role', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('refund_fen', sa.BigInteger(), nullable=True),
    sa.Column('ruling_reason', sa.Text(), nullable=True),
    sa.Column('ruled_by', sa.String(length=64), nullable=True),
    sa.Column('ruled_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_disputes_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    sa.UniqueConstraint('order_id', name=op.f('uq_disputes_order_id'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_status'), ['status'], unique=False)

    op.create_table('order_moves',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_moves_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_moves'))
    )
    with op.batch_alter_table('order_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_moves_order_id'), ['order_id'], unique=False)

    op.create_table('trade_vouchers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('settlement_event_id', sa.String(length=64), nullable=False),
    sa.Column('ledger_seq', sa.BigInteger(), nullable=True),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('issued_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_trade_vouchers_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_vouchers')),
    sa.UniqueConstraint('order_id', name=op.f('uq_trade_vouchers_order_id'))
    )
    op.create_table('access_grant_usage',
    sa.Column('grant_id', sa.String(length=40), nullable=False),
    sa.Column('report_id', sa.String(length=64), nullable=False),
    sa.Column('dataset_id', sa.String(length=40), nullable=False),
    sa.Column('calls', sa.BigInteger(), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.Column('reported_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['access_grants.id'], name=op.f('fk_access_grant_usage_grant_id_access_grants')),
    sa.PrimaryKeyConstraint('grant_id', 'report_id', name=op.f('pk_access_grant_usage'))
    )
    op.create_table('contract_acceptances',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('party_org_id', sa.String(length=40), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('accepted_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['contracts.order_id'], name=op.f('fk_contract_acceptances_order_id_contracts')),
    sa.PrimaryKeyConstraint('order_id', 'role', name=op.f('pk_contract_acceptances'))
    )


def downgrade() -> None:
    op.drop_table('contract_acceptances')
    op.drop_table('access_grant_usage')
    op.drop_table('trade_vouchers')
    with op.batch_alter_table('order_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_moves_order_id'))

    op.drop_table('order_moves')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disputes_status'))

    op.drop_table('disputes')
    op.drop_table('contracts')
    with op.batch_alter_table('access_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_grants_expires_at'))
        batch_op.drop_index(batch_op.f('ix_access_grants_buyer_org_id'))

    op.drop_table('access_grants')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_provider_org_id_id')
        batch_op.drop_index(batch_op.f('ix_orders_offer_id'))
        batch_op.drop_index(batch_op.f('ix_orders_due_at'))
        batch_op.drop_index('ix_orders_buyer_org_id_id')

    op.drop_table('orders')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ix_offers_status_created_at')
        batch_op.drop_index(batch_op.f('ix_offers_provider_org_id'))
        batch_op.drop_index(batch_op.f('ix_offers_asset_id'))

    op.drop_table('offers')
    with op.batch_alter_table('money_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_money_postings_entry_id'))
        batch_op.drop_index(batch_op.f('ix_money_postings_account_id'))

    op.drop_table('money_postings')
    with op.batch_alter_table('asset_valuations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_asset_valuations_asset_id'))

    op.drop_table('asset_valuations')
    op.drop_table('asset_datasets')
    with op.batch_alter_table('public_interest_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_interest_approvals_org_id'))

    op.drop_table('public_interest_approvals')
    op.drop_table('price_caps')
    with op.batch_alter_table('money_journal_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_money_journal_entries_order_id'))

    op.drop_table('money_journal_entries')
    with op.batch_alter_table('money_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_money_accounts_owner'))

    op.drop_table('money_accounts')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demands_buyer_org_id'))

    op.drop_table('demands')
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assets_status'))
        batch_op.drop_index(batch_op.f('ix_assets_owner_org_id'))

    op.drop_table('assets')
