"""Dataset routes: create, read, edit, search, the listing review, revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status

from services.catalog.datasets import service
from services.catalog.datasets.schemas import (
    DatasetCreate,
    DatasetOut,
    DatasetUpdate,
    DelistRequest,
    PiiOverride,
    ReviewDecision,
    RevisionOut,
    RevisionSummary,
    SearchPage,
    StatusFilter,
)
from services.catalog.datasets.vocabulary import Grade, OpenType
from services.catalog.search.service import MAX_PAGE, SearchRequest, search_catalog
from services.shared.app import OutboxDep, SessionDep
from services.shared.auth import CurrentPrincipal, Operator, OptionalPrincipal, Provider, Regulator
from services.shared.bounds import MAX_INTEGER
from services.shared.problems import PROBLEM_JSON
from services.shared.rate_limits import rate_limited

router = APIRouter(tags=["datasets"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {}}}
    for code, text in (
        (401, "no or a bad bearer token"),
        (403, "the caller's role may never do this"),
        (404, "no such dataset, or one the caller may not see"),
        (409, "not allowed in the dataset's current status"),
        (422, "invalid input"),
    )
}

SEARCH_DOC = """\
Full-text search of the catalog, in Chinese and English.

`q` is split into terms at spaces (and at `,，、;；`); a dataset matches when **every**
term occurs in its titles, keywords or descriptions (substring match after NFKC and
case folding, so `交通` finds 杭州市公共交通客流量). With `q`, results are ranked by
`score = Σ over terms (4·in title + 2·in keywords + 1·in description)`, then newest
`updated_at`, then id; without `q`, newest first. `relevance` carries the score.

By default only listed datasets are searched. `mine=true` searches every dataset of the
caller's organisation (drafts included); operators and regulators may ask for
`status=submitted` (the review queue), `rejected` or `delisted`.

Pages: pass `next_cursor` back as `cursor` with the same query to get the next page.
"""


@router.post("/datasets", status_code=status.HTTP_201_CREATED, response_model=DatasetOut,
             responses=_PROBLEMS, summary="Create a dataset draft (providers)")
def create_dataset(
    body: DatasetCreate, session: SessionDep, outbox: OutboxDep, actor: Provider
) -> DatasetOut:
    """A new draft at revision 1, published by the caller's organisation."""
    return service.create_dataset(session, outbox, fields=body, actor=actor)


@router.get("/datasets", response_model=SearchPage, responses=_PROBLEMS,
            summary="Search the catalog", description=SEARCH_DOC,
            dependencies=[Depends(rate_limited("search"))])
def search_datasets(
    session: SessionDep,
    viewer: OptionalPrincipal,
    q: Annotated[str | None, Query(max_length=200)] = None,
    theme: Annotated[str | None, Query(description="a theme code")] = None,
    publisher: Annotated[str | None, Query(description="a publisher organisation id")] = None,
    open_type: OpenType | None = None,
    grade: Grade | None = None,
    updated_since: Annotated[datetime | None, Query(description="RFC 3339 time")] = None,
    status_: Annotated[StatusFilter | None, Query(alias="status")] = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> SearchPage:
    """Datasets the caller may see that match the query, best first."""
    request = SearchRequest(
        q=q, theme=theme, publisher=publisher,
        open_type=open_type.value if open_type else None,
        grade=grade.value if grade else None,
        updated_since=updated_since, status=status_, mine=mine, limit=limit, cursor=cursor,
    )
    return search_catalog(session, request, viewer=viewer)


@router.get("/datasets/{dataset_id}", response_model=DatasetOut, responses=_PROBLEMS,
            summary="One dataset (anyone when listed; its publisher always)")
def get_dataset(dataset_id: str, session: SessionDep, viewer: OptionalPrincipal) -> DatasetOut:
    """The dataset's newest revision, status and publisher."""
    return service.get_dataset(session, dataset_id=dataset_id, viewer=viewer)


@router.patch("/datasets/{dataset_id}", response_model=DatasetOut, responses=_PROBLEMS,
              summary="Edit metadata (the publisher)")
def edit_dataset(
    dataset_id: str, body: DatasetUpdate, session: SessionDep, outbox: OutboxDep,
    actor: CurrentPrincipal,
) -> DatasetOut:
    """Fields sent replace their values. A draft is edited in place; a listed dataset
    gets a new revision that is public at once (its open_type and grade change only
    through a new review); a rejected or delisted one becomes a draft again."""
    return service.edit_dataset(session, outbox, dataset_id=dataset_id, changes=body,
                                actor=actor)


@router.post("/datasets/{dataset_id}/submit", response_model=DatasetOut, responses=_PROBLEMS,
             summary="Submit for listing review (the publisher)")
def submit_dataset(
    dataset_id: str, session: SessionDep, outbox: OutboxDep, actor: CurrentPrincipal
) -> DatasetOut:
    """draft or delisted → submitted. Core data is never submitted."""
    return service.submit_dataset(session, outbox, dataset_id=dataset_id, actor=actor)


@router.post("/datasets/{dataset_id}/review", response_model=DatasetOut, responses=_PROBLEMS,
             summary="List or reject a submitted dataset (operators)")
def review_dataset(
    dataset_id: str, body: ReviewDecision, session: SessionDep, outbox: OutboxDep,
    actor: Operator,
) -> DatasetOut:
    """submitted → listed (important data needs a regulator's approval first) or
    rejected (with a reason)."""
    return service.review_dataset(session, outbox, dataset_id=dataset_id, approve=body.approve,
                                  reason=body.reason, actor=actor)


@router.post("/datasets/{dataset_id}/regulator-review", response_model=DatasetOut,
             responses=_PROBLEMS,
             summary="Approve or refuse a submitted important dataset (regulators)")
def regulator_review_dataset(
    dataset_id: str, body: ReviewDecision, session: SessionDep, outbox: OutboxDep,
    actor: Regulator,
) -> DatasetOut:
    """Approval lets the operator list it; refusal rejects it (with a reason)."""
    return service.regulator_review_dataset(session, outbox, dataset_id=dataset_id,
                                            approve=body.approve, reason=body.reason,
                                            actor=actor)


@router.post("/datasets/{dataset_id}/delist", response_model=DatasetOut, responses=_PROBLEMS,
             summary="Take a listed dataset out of the catalog (the publisher or operators)")
def delist_dataset(
    dataset_id: str, session: SessionDep, outbox: OutboxDep, actor: CurrentPrincipal,
    body: DelistRequest | None = None,
) -> DatasetOut:
    """listed → delisted."""
    return service.delist_dataset(session, outbox, dataset_id=dataset_id,
                                  reason=body.reason if body else "", actor=actor)


@router.post("/datasets/{dataset_id}/pii-override", response_model=DatasetOut,
             responses=_PROBLEMS,
             summary="Let files with resident IDs or bank cards stay general + unconditional "
                     "(operators)")
def override_pii(dataset_id: str, body: PiiOverride, session: SessionDep, outbox: OutboxDep,
                 actor: Operator) -> DatasetOut:
    """The PII rule: a file whose scan finds resident IDs or bank cards cannot be listed
    under general (一般) + unconditional; the operator's recorded override (the files'
    hashes and the reason's hash in the ledger) lets the listing go on."""
    return service.override_pii(session, outbox, dataset_id=dataset_id, reason=body.reason,
                                actor=actor)


@router.get("/datasets/{dataset_id}/revisions", response_model=list[RevisionSummary],
            responses=_PROBLEMS, summary="A dataset's revisions")
def list_revisions(
    dataset_id: str, session: SessionDep, viewer: OptionalPrincipal
) -> list[RevisionSummary]:
    """Published revisions for anyone who sees the dataset; every revision for its
    publisher, operators and regulators."""
    return service.list_revisions(session, dataset_id=dataset_id, viewer=viewer)


@router.get("/datasets/{dataset_id}/revisions/{number}", response_model=RevisionOut,
            responses=_PROBLEMS, summary="One revision's metadata")
def get_revision(
    dataset_id: str, number: Annotated[int, Path(ge=1, le=MAX_INTEGER)], session: SessionDep,
    viewer: OptionalPrincipal,
) -> RevisionOut:
    """The metadata of one revision, with the hash the ledger events carry."""
    return service.get_revision(session, dataset_id=dataset_id, number=number, viewer=viewer)

