"""Catalog search: which datasets a caller may search, the filters, cursor pages."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from services.catalog.datasets import model
from services.catalog.datasets.metadata import metadata_of
from services.catalog.datasets.model import DatasetStatus
from services.catalog.datasets.schemas import DatasetSummary, Publisher, SearchPage
from services.catalog.datasets.service import check_themes
from services.catalog.search import repository
from services.catalog.search.cursor import Position, decode_cursor, encode_cursor, fingerprint
from services.catalog.search.text import MAX_QUERY_CHARS, MAX_TERMS, query_terms
from services.shared.auth import Principal
from services.shared.problems import Forbidden, InvalidInput, Unauthorized

MAX_PAGE = 100
MAX_HARVEST_PAGE = 500


@dataclass(frozen=True)
class SearchRequest:
    """A search as a caller asked for it."""

    q: str | None = None
    theme: str | None = None
    publisher: str | None = None
    open_type: str | None = None
    grade: str | None = None
    updated_since: datetime | None = None
    status: str | None = None
    mine: bool = False
    limit: int = 20
    cursor: str | None = None


def search_catalog(
    session: Session, request: SearchRequest, *, viewer: Principal | None
) -> SearchPage:
    """One page of the datasets the caller may see that match the request."""
    terms = _terms(request.q)
    statuses, publisher = _scope(request, viewer)
    hidden = () if request.mine else model.hidden_open_types(
        viewer.roles if viewer else frozenset())
    if request.theme is not None:
        check_themes(session, [request.theme])
    if request.updated_since is not None and request.updated_since.tzinfo is None:
        raise InvalidInput("updated_since needs a time zone (e.g. 2026-01-01T00:00:00Z)",
                           slug="naive-time")
    query_key = fingerprint({
        "terms": terms,
        "statuses": list(statuses),
        "publisher": publisher,
        "theme": request.theme,
        "open_type": request.open_type,
        "hidden_open_types": list(hidden),
        "grade": request.grade,
        "updated_since": request.updated_since.isoformat() if request.updated_since else None,
    })
    criteria = repository.SearchCriteria(
        terms=terms, statuses=statuses, publisher_org_id=publisher, theme=request.theme,
        open_type=request.open_type, grade=request.grade, updated_since=request.updated_since,
        hidden_open_types=hidden,
    )
    limit = max(1, min(request.limit, MAX_PAGE))
    hits, next_cursor = _page(session, criteria, query_key, request.cursor, limit)
    return SearchPage(items=[_summary(hit, ranked=bool(terms)) for hit in hits],
                      next_cursor=next_cursor)


def listed_page(
    session: Session, *, cursor: str | None, limit: int
) -> tuple[list[repository.Hit], str | None]:
    """One page of every listed dataset, newest first, and the next page's cursor."""
    criteria = repository.SearchCriteria(terms=[], statuses=[DatasetStatus.LISTED.value],
                                         hidden_open_types=model.NEVER_PUBLIC_OPEN_TYPES)
    return _page(session, criteria, fingerprint({"listed": True}), cursor,
                 max(1, min(limit, MAX_HARVEST_PAGE)))


def _page(
    session: Session, criteria: repository.SearchCriteria, query_key: str,
    cursor: str | None, limit: int,
) -> tuple[list[repository.Hit], str | None]:
    after = decode_cursor(cursor, query_key) if cursor else None
    # One row more than asked tells whether another page follows.
    hits = repository.search(session, replace(criteria, after=after, limit=limit + 1))
    if len(hits) <= limit:
        return hits, None
    hits = hits[:limit]
    last = hits[-1]
    position = Position(score=last.score, updated_at=last.dataset.updated_at,
                        dataset_id=last.dataset.id)
    return hits, encode_cursor(position, query_key)


def _terms(q: str | None) -> list[str]:
    if q is None:
        return []
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInput(f"q is longer than {MAX_QUERY_CHARS} characters", slug="query-too-long")
    terms = query_terms(q)
    if len(terms) > MAX_TERMS:
        raise InvalidInput(f"q has more than {MAX_TERMS} terms", slug="query-too-long")
    return terms


def _scope(request: SearchRequest, viewer: Principal | None) -> tuple[list[str], str | None]:
    """The statuses and publisher the caller may search within."""
    if request.mine:
        if viewer is None:
            raise Unauthorized("mine=true needs a bearer token", slug="missing-token")
        if viewer.org is None:
            raise Forbidden("mine=true is for member organisations", slug="members-only")
        if request.publisher is not None and request.publisher != viewer.org:
            raise InvalidInput("mine=true already limits the search to your organisation",
                               slug="conflicting-filters")
        statuses = [request.status] if request.status else [s.value for s in DatasetStatus]
        return statuses, viewer.org
    status = request.status or DatasetStatus.LISTED.value
    if status == DatasetStatus.LISTED.value:
        return [status], request.publisher
    if status == DatasetStatus.DRAFT.value:
        raise Forbidden("drafts are seen only by their publisher: use mine=true",
                        slug="drafts-are-private")
    if viewer is None:
        raise Unauthorized(f"searching {status} datasets needs a bearer token",
                           slug="missing-token")
    if not viewer.has_role("operator", "regulator"):
        raise Forbidden(
            f"only operators and regulators search {status} datasets of every publisher; "
            "providers use mine=true",
            slug="role-required",
        )
    return [status], request.publisher


def _summary(hit: repository.Hit, *, ranked: bool) -> DatasetSummary:
    dataset = hit.dataset
    metadata = metadata_of(hit.revision)
    return DatasetSummary(
        id=dataset.id,
        status=DatasetStatus(dataset.status),
        revision=dataset.revision,
        title=metadata.title,
        description=metadata.description,
        keywords=metadata.keywords,
        themes=metadata.themes,
        publisher=Publisher(id=dataset.publisher_org_id, name=dataset.publisher_name),
        open_type=metadata.open_type,
        grade=metadata.grade,
        update_frequency=metadata.update_frequency,
        updated_at=dataset.updated_at,
        listed_at=dataset.listed_at,
        relevance=hit.score if ranked else None,
    )
