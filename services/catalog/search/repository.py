"""SQL for search: keep each dataset's search document, and run ranked searches.

The matching rule and the score are those of :mod:`services.catalog.search.text`;
only the index that finds candidates differs by database:

* SQLite: the FTS5 trigram table ``dataset_search_fts`` drives the query with one
  MATCH expression (``{document}: "term"`` for terms of three characters or more,
  ``{short_grams}: " t "`` for shorter ones, joined by AND); ``instr`` then confirms
  each term exactly, so that FTS5's own case folding can never widen the result.
* PostgreSQL: ``document LIKE '%term%'`` and ``short_grams LIKE '% t %'``, which the
  pg_trgm GIN indexes answer and which are exact by themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
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
)
from sqlalchemy.orm import Session, join

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


def save_document(session: Session, dataset_id: str, document: SearchDocument) -> None:
    """Insert or replace the search document of a dataset."""
    row = session.scalars(
        select(DatasetSearchDocument).where(DatasetSearchDocument.dataset_id == dataset_id)
    ).first()
    if row is None:
        row = DatasetSearchDocument(dataset_id=dataset_id)
        session.add(row)
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


def _score(terms: Sequence[str], position: Any) -> ColumnElement[int]:
    doc = DatasetSearchDocument
    parts: list[ColumnElement[int]] = []
    for term in terms:
        for field, weight in (
            (doc.title_text, TITLE_WEIGHT),
            (doc.keyword_text, KEYWORD_WEIGHT),
            (doc.body_text, DESCRIPTION_WEIGHT),
        ):
            parts.append(case((position(field, term) > 0, weight), else_=0))
    total: ColumnElement[int] = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def search(session: Session, criteria: SearchCriteria) -> list[Hit]:
    """One page of datasets matching ``criteria``, best first, after its cursor."""
    d, rev, doc = Dataset, DatasetRevision, DatasetSearchDocument
    sqlite = session.get_bind().dialect.name == "sqlite"
    conditions: list[ColumnElement[bool] | TextClause] = []
    source: Any = d
    score: ColumnElement[int] = literal(0)
    if criteria.terms and sqlite:
        fts = table(FTS_TABLE, column("rowid"))
        # The FTS5 table comes first so that SQLite drives the join from its matches.
        source = join(fts, doc, doc.id == fts.c.rowid).join(d, d.id == doc.dataset_id)
        conditions.append(
            text(f"{FTS_TABLE} MATCH :fts_query").bindparams(
                fts_query=_fts_expression(criteria.terms)
            )
        )
        conditions.extend(func.instr(doc.document, t) > 0 for t in criteria.terms)
        score = _score(criteria.terms, func.instr)
    elif criteria.terms:
        source = join(doc, d, d.id == doc.dataset_id)
        for term in criteria.terms:
            if len(term) <= SHORT_TERM:
                conditions.append(doc.short_grams.like(f"% {like_escape(term)} %", escape="/"))
            else:
                conditions.append(doc.document.like(f"%{like_escape(term)}%", escape="/"))
        score = _score(criteria.terms, func.strpos)
    stmt = (
        select(d, rev, score.label("score"))
        .select_from(source)
        .join(rev, and_(rev.dataset_id == d.id, rev.revision == d.revision))
    )

    if len(criteria.statuses) == 1:
        conditions.append(d.status == criteria.statuses[0])
    else:
        conditions.append(d.status.in_(criteria.statuses))
    if criteria.publisher_org_id is not None:
        conditions.append(d.publisher_org_id == criteria.publisher_org_id)
    if criteria.open_type is not None:
        conditions.append(d.open_type == criteria.open_type)
    if criteria.grade is not None:
        conditions.append(d.grade == criteria.grade)
    if criteria.updated_since is not None:
        conditions.append(d.updated_at >= criteria.updated_since)
    if criteria.theme is not None:
        theme = RevisionTheme
        conditions.append(
            exists().where(
                theme.dataset_id == d.id,
                theme.revision == d.revision,
                theme.theme_code == criteria.theme,
            )
        )
    if criteria.after is not None:
        conditions.append(_after(criteria.after, score, bool(criteria.terms)))

    stmt = stmt.where(*conditions).order_by(score.desc(), d.updated_at.desc(), d.id.desc())
    rows = session.execute(stmt.limit(criteria.limit)).all()
    return [Hit(dataset=row[0], revision=row[1], score=int(row[2])) for row in rows]


def _after(position: Position, score: ColumnElement[int], ranked: bool) -> ColumnElement[bool]:
    d = Dataset
    later = or_(
        d.updated_at < position.updated_at,
        and_(d.updated_at == position.updated_at, d.id < position.dataset_id),
    )
    if not ranked:
        # The redundant bound lets the (status, updated_at, id) index seek to the page.
        return and_(d.updated_at <= position.updated_at, later)
    return or_(score < position.score, and_(score == position.score, later))
