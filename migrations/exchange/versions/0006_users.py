"""organisation users: roles (admin, member, read-only), disabling, password changes and
token versions (a raised version revokes the user's older tokens)

Revision ID: users
Revises: 0005
Create Date: 2026-12-06 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'users'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=False,
                                      server_default='admin'))
        batch_op.add_column(sa.Column('invited_by', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('disabled_at',
                                      services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('password_changed_at',
                                      services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('token_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('tokens_revoked_at',
                                      services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_users_tokens_revoked_at'), ['tokens_revoked_at'],
                              unique=False)
    op.execute("UPDATE users SET role = CASE WHEN is_org_admin THEN 'admin' ELSE 'member' END")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('role', server_default=None)
        batch_op.alter_column('token_version', server_default=None)
        batch_op.drop_column('is_org_admin')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_org_admin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE users SET is_org_admin = (role = 'admin')")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('is_org_admin', server_default=None)
        batch_op.drop_index(batch_op.f('ix_users_tokens_revoked_at'))
        batch_op.drop_column('tokens_revoked_at')
        batch_op.drop_column('token_version')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('invited_by')
        batch_op.drop_column('role')
