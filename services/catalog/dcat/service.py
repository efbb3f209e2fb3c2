"""The DCAT documents of one dataset and of the catalog, page by page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.datasets import service as datasets
from services.catalog.dcat.jsonld import catalog_document, dataset_document
from services.catalog.files.summary import files_of
from services.catalog.search.service import listed_page
from services.catalog.themes.tables import Theme
from services.shared.auth import Principal


def dataset_jsonld(
    session: Session, *, dataset_id: str, viewer: Principal | None, catalog_url: str,
    exchange_url: str,
) -> dict[str, Any]:
    """The ``dcat:Dataset`` of a dataset the caller may see."""
    dataset = datasets.get_dataset(session, dataset_id=dataset_id, viewer=viewer)
    return dataset_document(dataset, catalog_url=catalog_url, exchange_url=exchange_url)


def catalog_jsonld(
    session: Session, *, cursor: str | None, limit: int, catalog_url: str, exchange_url: str
) -> dict[str, Any]:
    """One page of the ``dcat:Catalog`` of listed datasets, with a link to the next."""
    hits, next_cursor = listed_page(session, cursor=cursor, limit=limit)
    files = files_of(session, {hit.dataset.id: hit.revision.revision for hit in hits})
    themes = session.execute(
        select(Theme.code, Theme.name_zh, Theme.name_en).order_by(Theme.position)
    ).all()
    base = f"{catalog_url}/v1/dcat/catalog.jsonld"

    def page_url(page_cursor: str | None) -> str:
        query = {"limit": str(limit), **({"cursor": page_cursor} if page_cursor else {})}
        return f"{base}?{urlencode(query)}"

    return catalog_document(
        [datasets.dataset_view(session, hit.dataset, hit.revision, None,
                               files=files.get(hit.dataset.id, [])) for hit in hits],
        catalog_url=catalog_url,
        exchange_url=exchange_url,
        themes=[(t.code, t.name_zh, t.name_en) for t in themes],
        page_url=page_url(cursor),
        next_url=page_url(next_cursor) if next_cursor else None,
    )
