"""search rows and their indexes

The dataset_search table is the same on both databases. Its indexes are not:

* PostgreSQL: the pg_trgm extension, a GIN gin_trgm_ops index on document and a GIN
  index on short_grams, which is a text[] there (both declared in the model, where
  SQLite gets them as empty partial indexes: WHERE 0).
* SQLite: an FTS5 table with the trigram tokenizer over dataset_search (external
  content, rowid = dataset_search.id), kept in step by three triggers. It is case
  sensitive because documents and terms are already normalised in Python: a phrase
  match is then exactly a substring match, with no folding of FTS5's own. FTS5
  tables are not in the SQLAlchemy metadata.

Downgrade leaves the pg_trgm extension installed: other tables in a shared
database may use it, and dropping it is not this service's to decide.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:26:02.516229
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import services.shared.orm

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = (
    """CREATE VIRTUAL TABLE dataset_search_fts USING fts5(
        document, short_grams,
        content='dataset_search', content_rowid='id',
        tokenize='trigram case_sensitive 1'
    )""",
    """CREATE TRIGGER dataset_search_fts_insert AFTER INSERT ON dataset_search BEGIN
        INSERT INTO dataset_search_fts(rowid, document, short_grams)
        VALUES (new.id, new.document, new.short_grams);
    END""",
    """CREATE TRIGGER dataset_search_fts_delete AFTER DELETE ON dataset_search BEGIN
        INSERT INTO dataset_search_fts(dataset_search_fts, rowid, document, short_grams)
        VALUES ('delete', old.id, old.document, old.short_grams);
    END""",
    # Only a change of the indexed text touches the index; status changes do not.
    """CREATE TRIGGER dataset_search_fts_update
    AFTER UPDATE OF document, short_grams ON dataset_search BEGIN
        INSERT INTO dataset_search_fts(dataset_search_fts, rowid, document, short_grams)
        VALUES ('delete', old.id, old.document, old.short_grams);
        INSERT INTO dataset_search_fts(rowid, document, short_grams)
        VALUES (new.id, new.document, new.short_grams);
    END""",
    # Index whatever rows the table already holds.
    "INSERT INTO dataset_search_fts(dataset_search_fts) VALUES ('rebuild')",
)

SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS dataset_search_fts_update",
    "DROP TRIGGER IF EXISTS dataset_search_fts_delete",
    "DROP TRIGGER IF EXISTS dataset_search_fts_insert",
    "DROP TABLE IF EXISTS dataset_search_fts",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('dataset_search',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('dataset_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('updated_at', services.shared.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('publisher_org_id', sa.String(length=40), nullable=False),
    sa.Column('open_type', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('title_text', sa.Text(), nullable=False),
    sa.Column('keyword_text', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('short_grams', sa.Text().with_variant(postgresql.ARRAY(sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_dataset_search_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_search')),
    sa.UniqueConstraint('dataset_id', name=op.f('uq_dataset_search_dataset_id'))
    )
    with op.batch_alter_table('dataset_search', schema=None) as batch_op:
        batch_op.create_index('ix_dataset_search_document_trgm', ['document'], unique=False, postgresql_using='gin', postgresql_ops={'document': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))
        batch_op.create_index('ix_dataset_search_publisher_org_id', ['publisher_org_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_dataset_search_short_grams', ['short_grams'], unique=False, postgresql_using='gin', sqlite_where=sa.text('0'))
        batch_op.create_index('ix_dataset_search_status_updated_at', ['status', 'updated_at', 'dataset_id'], unique=False)
    if dialect == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    with op.batch_alter_table('dataset_search', schema=None) as batch_op:
        batch_op.drop_index('ix_dataset_search_status_updated_at')
        batch_op.drop_index('ix_dataset_search_short_grams', postgresql_using='gin', sqlite_where=sa.text('0'))
        batch_op.drop_index('ix_dataset_search_publisher_org_id')
        batch_op.drop_index('ix_dataset_search_document_trgm', postgresql_using='gin', postgresql_ops={'document': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))

    op.drop_table('dataset_search')
