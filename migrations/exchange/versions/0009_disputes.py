"""disputes argued on evidence: the respondent's answer and its deadline, the ruling's
citations

Revision ID: disputes
Revises: webhooks
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.shared.orm

revision: str = 'disputes'
down_revision: str | None = 'webhooks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_due_at',
                                      services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answer_evidence', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('answered_by_org_id', sa.String(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column('answered_at',
                                      services.shared.orm.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('cited_evidence', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        for column in ('cited_evidence', 'answered_at', 'answered_by_org_id', 'answered_by',
                       'answer_evidence', 'answer', 'answer_due_at'):
            batch_op.drop_column(column)
