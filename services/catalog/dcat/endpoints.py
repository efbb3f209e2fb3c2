"""DCAT v3 JSON-LD routes: one dataset, and the catalog page by page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from services.catalog.dcat import service
from services.catalog.dcat.jsonld import MEDIA_TYPE
from services.catalog.deps import SettingsDep
from services.catalog.search.service import MAX_HARVEST_PAGE
from services.shared.app import SessionDep
from services.shared.auth import OptionalPrincipal

router = APIRouter(tags=["dcat"])


class JSONLDResponse(JSONResponse):
    """A JSON-LD document."""

    media_type = MEDIA_TYPE


_JSONLD: dict[int | str, dict[str, Any]] = {
    200: {"content": {MEDIA_TYPE: {}}, "description": "a JSON-LD document"}
}


@router.get("/dcat/catalog.jsonld", response_class=JSONLDResponse, responses=_JSONLD,
            summary="The catalog as a DCAT v3 dcat:Catalog (JSON-LD), page by page")
def catalog(
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=MAX_HARVEST_PAGE)] = 100,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> JSONLDResponse:
    """Listed datasets, newest first; ``hydra:view`` / ``hydra:next`` and the ``Link``
    header name the next page."""
    document = service.catalog_jsonld(
        session, cursor=cursor, limit=limit, catalog_url=settings.catalog_url,
        exchange_url=settings.exchange_url,
    )
    headers = {}
    next_page = document["hydra:view"].get("hydra:next")
    if next_page is not None:
        headers["Link"] = f'<{next_page["@id"]}>; rel="next"'
    return JSONLDResponse(document, headers=headers)


@router.get("/datasets/{dataset_id}/dcat.jsonld", response_class=JSONLDResponse,
            responses=_JSONLD, summary="One dataset as a DCAT v3 dcat:Dataset (JSON-LD)")
def dataset(
    dataset_id: str, session: SessionDep, settings: SettingsDep, viewer: OptionalPrincipal
) -> JSONLDResponse:
    """The dataset's newest revision, for whoever may see the dataset."""
    return JSONLDResponse(service.dataset_jsonld(
        session, dataset_id=dataset_id, viewer=viewer, catalog_url=settings.catalog_url,
        exchange_url=settings.exchange_url,
    ))
