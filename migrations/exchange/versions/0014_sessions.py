"""refresh tokens, revoked access tokens, TOTP second factor, organisation suspension

Revision ID: sessions
Revises: grantscope
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'sessions'
down_revision: str | None = 'grantscope'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = services.shared.orm.UTCDateTime


def upgrade() -> None:
    op.create_table(
        'refresh_tokens',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('family_id', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.String(length=40), nullable=False),
        sa.Column('org_id', sa.String(length=40), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('token_version', sa.Integer(), nullable=False),
        sa.Column('access_jti', sa.String(length=64), nullable=False),
        sa.Column('access_expires_at', UTC(timezone=True), nullable=False),
        sa.Column('family_started_at', UTC(timezone=True), nullable=False),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.Column('expires_at', UTC(timezone=True), nullable=False),
        sa.Column('used_at', UTC(timezone=True), nullable=True),
        sa.Column('revoked_at', UTC(timezone=True), nullable=True),
        sa.Column('revoke_reason', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_refresh_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_tokens')),
    )
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        for column in ('family_id', 'user_id', 'org_id'):
            batch_op.create_index(batch_op.f(f'ix_refresh_tokens_{column}'), [column],
                                  unique=False)
    op.create_table(
        'revoked_tokens',
        sa.Column('jti', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('expires_at', UTC(timezone=True), nullable=False),
        sa.Column('revoked_at', UTC(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('jti', name=op.f('pk_revoked_tokens')),
    )
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_tokens_expires_at'), ['expires_at'],
                              unique=False)
    op.create_table(
        'user_totp',
        sa.Column('user_id', sa.String(length=40), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.Column('confirmed_at', UTC(timezone=True), nullable=True),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_totp_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_totp')),
    )
    op.create_table(
        'mfa_recovery_codes',
        sa.Column('user_id', sa.String(length=40), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.Column('used_at', UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_mfa_recovery_codes_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'code_hash', name=op.f('pk_mfa_recovery_codes')),
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', UTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('tokens_revoked_at', UTC(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_organizations_tokens_revoked_at'),
                              ['tokens_revoked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_tokens_revoked_at'))
        batch_op.drop_column('tokens_revoked_at')
        batch_op.drop_column('suspended_at')
    op.drop_table('mfa_recovery_codes')
    op.drop_table('user_totp')
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_tokens_expires_at'))
    op.drop_table('revoked_tokens')
    with op.batch_alter_table('refresh_tokens', schema=None) as batch_op:
        for column in ('org_id', 'user_id', 'family_id'):
            batch_op.drop_index(batch_op.f(f'ix_refresh_tokens_{column}'))
    op.drop_table('refresh_tokens')
