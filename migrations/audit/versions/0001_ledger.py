"""ledger

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 05:57:05.259417
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('checkpoints',
    sa.Column('tree_size', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('timestamp', sa.String(length=32), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('previous_size', sa.BigInteger(), nullable=True),
    sa.Column('consistency_path', sa.Text(), nullable=False),
    sa.Column('created_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tree_size', name=op.f('pk_checkpoints'))
    )
    op.create_table('ledger_entries',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('occurred_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.String(length=32), nullable=False),
    sa.Column('record', sa.Text(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('leaf_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('event_id', name=op.f('uq_ledger_entries_event_id'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_subject_seq', ['subject', 'seq'], unique=False)
        batch_op.create_index('ix_ledger_entries_type_seq', ['type', 'seq'], unique=False)

    op.create_table('ledger_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tree_size', sa.BigInteger(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('frontier', sa.Text(), nullable=False),
    sa.Column('checkpoint_size', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_state'))
    )
    op.create_table('merkle_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'idx', name=op.f('pk_merkle_nodes'))
    )
    op.create_table('source_keys',
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('jwk', sa.Text(), nullable=False),
    sa.Column('registered_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kid', name=op.f('pk_source_keys'))
    )
    with op.batch_alter_table('source_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_keys_source'), ['source'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('source_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_keys_source'))

    op.drop_table('source_keys')
    op.drop_table('merkle_nodes')
    op.drop_table('ledger_state')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_type_seq')
        batch_op.drop_index('ix_ledger_entries_subject_seq')

    op.drop_table('ledger_entries')
    op.drop_table('checkpoints')
