"""identity controls: the security-event log, the sign-in throttle, credit codes held
by one active organisation only

Revision ID: identity_controls
Revises: sessions
Create Date: 2026-12-06 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'identity_controls'
down_revision: str | None = 'sessions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_table(
        'security_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('occurred_at', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('type', sa.String(length=48), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('org_id', sa.String(length=40), nullable=True),
        sa.Column('subject', sa.String(length=128), nullable=True),
        sa.Column('source', sa.String(length=64), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events')),
    )
    op.create_index(op.f('ix_security_events_occurred_at'), 'security_events',
                    ['occurred_at'])
    op.create_index(op.f('ix_security_events_actor'), 'security_events', ['actor'])
    op.create_index(op.f('ix_security_events_org_id'), 'security_events', ['org_id'])
    op.create_index('ix_security_events_type_time', 'security_events',
                    ['type', 'occurred_at'])
    op.create_table(
        'sign_in_throttles',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column('blocked_until', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column('locked_until', services.shared.orm.UTCDateTime(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttles')),
    )
    op.create_index(op.f('ix_sign_in_throttles_locked_until'), 'sign_in_throttles',
                    ['locked_until'])
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_organizations_credit_code', type_='unique')
        batch_op.create_index(batch_op.f('ix_organizations_credit_code'), ['credit_code'])
    op.create_index('uq_organizations_active_credit_code', 'organizations', ['credit_code'],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade() -> None:
    op.drop_index('uq_organizations_active_credit_code', table_name='organizations')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_credit_code'))
        batch_op.create_unique_constraint('uq_organizations_credit_code', ['credit_code'])
    op.drop_index(op.f('ix_sign_in_throttles_locked_until'), table_name='sign_in_throttles')
    op.drop_table('sign_in_throttles')
    op.drop_index('ix_security_events_type_time', table_name='security_events')
    op.drop_index(op.f('ix_security_events_org_id'), table_name='security_events')
    op.drop_index(op.f('ix_security_events_actor'), table_name='security_events')
    op.drop_index(op.f('ix_security_events_occurred_at'), table_name='security_events')
    op.drop_table('security_events')
