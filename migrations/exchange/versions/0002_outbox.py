"""outbox of ledger events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:37:29.305616
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('exchange_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('delivered_at', services.shared.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ledger_seq', sa.BigInteger(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_exchange_outbox_event_id'))
    )
    with op.batch_alter_table('exchange_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_outbox_delivered_at'), ['delivered_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('exchange_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_outbox_delivered_at'))

    op.drop_table('exchange_outbox')
