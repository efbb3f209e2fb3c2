"""SQL for search: keep each dataset's search row, and run ranked searches.

The matching rule and the score are those of :mod:`services.catalog.search.text`;
only the index that finds candidates differs by database:

* SQLite: the FTS5 trigram table ``dataset_search_fts`` drives the query with one
  MATCH expression (``{document}: "term"`` for terms of three characters or more,
  ``{short_grams}: " t "`` for shorter ones, joined by AND). The tokenizer is case
  sensitive (text is normalised before it is stored), so a phrase match is exactly a
  substring match.
* PostgreSQL: ``document LIKE '%term%'`` (pg_trgm GIN) and
  ``short_grams @> ARRAY[term]`` (GIN over the array), both exact.

Ranking reads only ``dataset_search``, whose status, sort keys and filter columns are
copies of the dataset's; the page it keeps is then joined to datasets and revisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    TextClause,
    and_,
    case,
    column,
    exists,
    func,
    literal,
    or_,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, join, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from services.catalog.datasets.tables import Dataset, DatasetRevision, RevisionTheme
from services.catalog.search.cursor import Position
from services.catalog.search.tables import FTS_TABLE, DatasetSearchDocument
from services.catalog.search.text import (
    DESCRIPTION_WEIGHT,
    KEYWORD_WEIGHT,
    SHORT_TERM,
    TITLE_WEIGHT,
    SearchDocument,
    fts5_phrase,
    like_escape,
)


@dataclass(frozen=True)
class SearchCriteria:
    """What to search for: terms, which datasets may appear, filters, the page."""

    terms: Sequence[str]
    statuses: Sequence[str]
    publisher_org_id: str | None = None
    theme: str | None = None
    open_type: str | None = None
    hidden_open_types: Sequence[str] = ()
    grade: str | None = None
    updated_since: datetime | None = None
    after: Position | None = None
    limit: int = 20


@dataclass(frozen=True)
class Hit:
    """A dataset found, its newest revision, and its relevance."""

    dataset: Dataset
    revision: DatasetRevision
    score: int


def save_document(
    session: Session, dataset: Dataset, document: SearchDocument | None = None
) -> None:
    """Bring a dataset's search row up to date: its keys always, its text when given
    (a new row needs it)."""
    row = session.scalars(
        select(DatasetSearchDocument).where(DatasetSearchDocument.dataset_id == dataset.id)
    ).first()
    if row is None:
        if document is None:
            raise ValueError(f"dataset {dataset.id} has no search row yet: give its text")
        row = DatasetSearchDocument(dataset_id=dataset.id)
        session.add(row)
    row.status = dataset.status
    row.updated_at = dataset.updated_at
    row.publisher_org_id = dataset.publisher_org_id
    row.open_type = dataset.open_type
    row.grade = dataset.grade
    row.revision = dataset.revision
    if document is not None:
        row.title_text = document.title_text
        row.keyword_text = document.keyword_text
        row.body_text = document.body_text
        row.document = document.document
        row.short_grams = document.short_grams
    session.flush()


def _fts_expression(terms: Sequence[str]) -> str:
    clauses = []
    for term in terms:
        if len(term) <= SHORT_TERM:
            clauses.append("{short_grams}: " + fts5_phrase(f" {term} "))
        else:
            clauses.append("{document}: " + fts5_phrase(term))
    return " AND ".join(clauses)


def _term_score(term: str, position: Any) -> ColumnElement[int]:
    doc = DatasetSearchDocument
    parts = [
        case((position(field, term) > 0, weight), else_=0)
        for field, weight in (
            (doc.title_text, TITLE_WEIGHT),
            (doc.keyword_text, KEYWORD_WEIGHT),
            (doc.body_text, DESCRIPTION_WEIGHT),
        )
    ]
    return parts[0] + parts[1] + parts[2]


def _matching(
    criteria: SearchCriteria, sqlite: bool
) -> tuple[Any, list[ColumnElement[bool] | TextClause], ColumnElement[int]]:
    """The rows to rank, the conditions that select matches, and the score."""
    doc = DatasetSearchDocument
    if not criteria.terms:
        return doc, [], literal(0)
    if sqlite:
        fts = table(FTS_TABLE, column("rowid"))
        # The FTS5 table comes first so that SQLite drives the join from its matches.
        source = join(fts, doc, doc.id == fts.c.rowid)
        match = text(f"{FTS_TABLE} MATCH :fts_query").bindparams(
            fts_query=_fts_expression(criteria.terms)
        )
        scores = [_term_score(t, func.instr) for t in criteria.terms]
        return source, [match], sum(scores[1:], scores[0])
    conditions: list[ColumnElement[bool] | TextClause] = []
    for term in criteria.terms:
        if len(term) <= SHORT_TERM:
            conditions.append(type_coerce(doc.short_grams, ARRAY(Text)).contains([term]))
        else:
            conditions.append(doc.document.like(f"%{like_escape(term)}%", escape="/"))
    scores = [_term_score(t, func.strpos) for t in criteria.terms]
    return doc, conditions, sum(scores[1:], scores[0])


def search(session: Session, criteria: SearchCriteria) -> list[Hit]:
    """One page of datasets matching ``criteria``, best first, after its cursor."""
    doc = DatasetSearchDocument
    source, conditions, score = _matching(criteria, session.get_bind().dialect.name == "sqlite")
    if len(criteria.statuses) == 1:
        conditions.append(doc.status == criteria.statuses[0])
    else:
        conditions.append(doc.status.in_(criteria.statuses))
    if criteria.publisher_org_id is not None:
        conditions.append(doc.publisher_org_id == criteria.publisher_org_id)
    if criteria.open_type is not None:
        conditions.append(doc.open_type == criteria.open_type)
    if criteria.hidden_open_types:
        conditions.append(doc.open_type.not_in(criteria.hidden_open_types))
    if criteria.grade is not None:
        conditions.append(doc.grade == criteria.grade)
    if criteria.updated_since is not None:
        conditions.append(doc.updated_at >= criteria.updated_since)
    if criteria.theme is not None:
        theme = RevisionTheme
        conditions.append(
            exists().where(
                theme.dataset_id == doc.dataset_id,
                theme.revision == doc.revision,
                theme.theme_code == criteria.theme,
            )
        )
    if criteria.after is not None:
        conditions.append(_after(criteria.after, score, bool(criteria.terms)))

    scored = score.label("score")
    page = (
        select(doc.dataset_id, scored, doc.updated_at)
        .select_from(source)
        .where(*conditions)
        # Ordering by the label makes the database compute the score once per row.
        .order_by(scored.desc(), doc.updated_at.desc(), doc.dataset_id.desc())
        .limit(criteria.limit)
        .subquery("page")
    )
    d, rev = Dataset, DatasetRevision
    stmt = (
        select(d, rev, page.c.score)
        .join(page, page.c.dataset_id == d.id)
        .join(rev, and_(rev.dataset_id == d.id, rev.revision == d.revision))
        .order_by(page.c.score.desc(), page.c.updated_at.desc(), page.c.dataset_id.desc())
        .options(lazyload(rev.theme_rows))
    )
    rows = session.execute(stmt).all()
    _load_themes(session, [row[1] for row in rows])
    return [Hit(dataset=row[0], revision=row[1], score=int(row[2])) for row in rows]


def _after(position: Position, score: ColumnElement[int], ranked: bool) -> ColumnElement[bool]:
    doc = DatasetSearchDocument
    later = or_(
        doc.updated_at < position.updated_at,
        and_(doc.updated_at == position.updated_at, doc.dataset_id < position.dataset_id),
    )
    if not ranked:
        # The redundant bound lets the (status, updated_at, id) index seek to the page.
        return and_(doc.updated_at <= position.updated_at, later)
    return or_(score < position.score, and_(score == position.score, later))


def _load_themes(session: Session, revisions: Sequence[DatasetRevision]) -> None:
    # One lookup by dataset id for the whole page: SQLite answers the (id, revision)
    # tuple IN that eager loading would send with a scan of the whole table.
    if not revisions:
        return
    wanted = {(r.dataset_id, r.revision): r for r in revisions}
    found: dict[tuple[str, int], list[RevisionTheme]] = {key: [] for key in wanted}
    for row in session.scalars(
        select(RevisionTheme)
        .where(RevisionTheme.dataset_id.in_({r.dataset_id for r in revisions}))
        .order_by(RevisionTheme.position)
    ):
        key = (row.dataset_id, row.revision)
        if key in found:
            found[key].append(row)
    for key, revision in wanted.items():
        set_committed_value(revision, "theme_rows", found[key])
