"""Public pages: home, search, a dataset with its quality chart, open-data downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from services.clients import ApiProblem
from services.portal.access import ApiDep
from services.portal.backends import Caller
from services.portal.charts import radar
from services.portal.streaming import streamed_file
from services.portal.templating import render

router = APIRouter()

NEWEST_ON_HOME = 6
PAGE_SIZE = 10
OPEN_TYPES = ("unconditional", "conditional", "not_open")
GRADES = ("general", "important")


@router.get("/")
def home(request: Request, api: ApiDep) -> Response:
    """Search box, themes and the newest datasets."""
    themes = api.catalog.themes()
    newest = api.catalog.search({"limit": NEWEST_ON_HOME})["items"]
    return render(request, "home.html", {"themes": themes, "newest": newest,
                                         "theme_names": {t["code"]: t for t in themes}})


@router.get("/search")
def search(
    request: Request, api: ApiDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    theme: Annotated[str | None, Query(max_length=32)] = None,
    publisher: Annotated[str | None, Query(max_length=64)] = None,
    open_type: Annotated[str | None, Query(max_length=20)] = None,
    grade: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """Search results with the catalog API's query semantics, filters and paging."""
    query = {"q": q, "theme": theme, "publisher": publisher, "open_type": open_type,
             "grade": grade, "cursor": cursor, "limit": PAGE_SIZE}
    page = api.catalog.search(query)
    themes = api.catalog.themes()
    return render(request, "search.html", {
        "query": query, "page": page, "themes": themes,
        "theme_names": {t["code"]: t for t in themes},
        "open_types": OPEN_TYPES, "grades": GRADES,
    })


def _unless_refused(read: Callable[[], Any]) -> Any | None:
    """What ``read`` answers, or None when the catalog refuses the caller the file
    (401/403: figures and rows of a non-open file need the right to the file)."""
    try:
        return read()
    except ApiProblem as problem:
        if problem.answered and problem.status in (401, 403):
            return None
        raise


def _quality_of(api: Caller, dataset: dict[str, Any]) -> dict[str, Any] | None:
    summary = dataset.get("quality")
    if not summary:
        return None
    report = _unless_refused(lambda: api.catalog.file_quality(dataset["id"],
                                                              summary["file_id"]))
    quality = (report or {}).get("quality") or {}
    return {"summary": summary, "radar": radar(summary.get("dimensions") or {}),
            "columns": quality.get("columns") or [],
            "violations": quality.get("violations") or [],
            "pii": [p for p in (report or {}).get("pii") or [] if p.get("flagged")],
            "restricted": report is None}


@router.get("/datasets/{dataset_id}")
def dataset_page(request: Request, api: ApiDep, dataset_id: str) -> Response:
    """Bilingual metadata, files, quality chart, masked sample, DCAT link and offers."""
    dataset = api.catalog.dataset_document(dataset_id)
    quality = _quality_of(api, dataset)
    sample: list[dict[str, Any]] = []
    if dataset.get("quality"):
        sample = _unless_refused(lambda: api.catalog.file_sample(
            dataset_id, dataset["quality"]["file_id"])) or []
    themes = {t["code"]: t for t in api.catalog.themes()}
    offers = api.offers_on_dataset(dataset_id)
    return render(request, "dataset.html", {
        "dataset": dataset, "quality": quality, "sample": sample, "themes": themes,
        "offers": offers,
        "dcat_url": f"/datasets/{dataset_id}/dcat.jsonld",
        "downloadable": dataset["open_type"] == "unconditional"
                        and dataset["status"] == "listed",
    })


@router.get("/datasets/{dataset_id}/dcat.jsonld")
def dcat(api: ApiDep, dataset_id: str) -> Response:
    """The dataset's DCAT v3 JSON-LD, as the catalog serves it."""
    answer = api.catalog.dcat(dataset_id)
    return Response(answer.content, media_type=answer.headers.get("content-type"))


@router.get("/datasets/{dataset_id}/files/{file_id}/download")
def download(api: ApiDep, dataset_id: str, file_id: str) -> Response:
    """An unconditionally open file, streamed through the portal from the catalog."""
    return streamed_file(api.catalog, dataset_id, file_id)
