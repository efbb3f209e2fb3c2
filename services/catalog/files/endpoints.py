"""File routes: upload with analysis, the quality report, the masked sample, content,
rows; every read goes through :func:`services.catalog.files.access.file_access`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from services.catalog.files import service
from services.catalog.files.access import file_access
from services.catalog.files.anonymous import AnonymousAccessLog
from services.catalog.files.blobs import BlobStore
from services.catalog.files.grants import GrantChecker
from services.catalog.files.rows import MAX_PAGE_ROWS, read_rows
from services.catalog.files.schemas import (
    FileQuality,
    FileSample,
    FileWithdrawn,
    RowsPage,
    UploadedFile,
    UsageCounted,
    WithdrawalIn,
)
from services.catalog.files.uploads import receive_upload
from services.shared.app import OutboxDep, SessionDep, app_state
from services.shared.auth import CurrentPrincipal, OptionalPrincipalOrGrant
from services.shared.bounds import MAX_INTEGER
from services.shared.database import Database
from services.shared.problems import PROBLEM_JSON, InvalidInput, Problem
from services.shared.rate_limits import rate_limited, source_address

router = APIRouter(tags=["files"])

CHUNK = 64 * 1024

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {}}}
    for code, text in (
        (401, "no or a bad bearer token"),
        (403, "the caller may not do this"),
        (404, "no such dataset or file, or one the caller may not see"),
        (409, "not allowed in the dataset's current status"),
        (413, "the file is over the upload limit"),
        (410, "the file was withdrawn by its publisher (`file-withdrawn`)"),
        (416, "the range is not satisfiable"),
        (422, "invalid input, or a malformed file"),
    )
}


_CONTENT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **_PROBLEMS,
    403: {"description": "the caller may not download this file: no or an inactive grant "
                         "(`grant-required`, `grant-inactive`, `grant-scope`, `grant-unknown`),"
                         " or a metered grant's quota used up (`quota-exceeded`)",
          "content": {PROBLEM_JSON: {}}},
    503: {"description": "the exchange could not confirm the grant (`grant-check-failed`) or "
                         "count a metered download (`usage-report-failed`)",
          "content": {PROBLEM_JSON: {}}},
}


_FILE_BYTES = {"schema": {"type": "string", "format": "binary"}}
_CONTENT_ANSWERS: dict[int | str, dict[str, Any]] = {
    **_CONTENT_PROBLEMS,
    200: {"description": "the whole file",
          "content": {"text/csv": _FILE_BYTES, "application/jsonl": _FILE_BYTES}},
    206: {"description": "the byte range asked for",
          "content": {"text/csv": _FILE_BYTES, "application/jsonl": _FILE_BYTES}},
    304: {"description": "the file has not changed (`If-None-Match`)"},
}


class RangeNotSatisfiable(Problem):
    """416: the Range header does not fit the file."""

    status = 416
    slug = "range-not-satisfiable"
    title = "Range not satisfiable"


BlobsDep = Annotated[BlobStore, app_state("blobs")]
GrantsDep = Annotated[GrantChecker, app_state("grants")]
AnonymousDep = Annotated[AnonymousAccessLog, app_state("anonymous_access")]


@router.post("/datasets/{dataset_id}/files", status_code=status.HTTP_201_CREATED,
             responses=_PROBLEMS, summary="Upload a CSV or JSON Lines file (the publisher)")
async def upload_file(
    dataset_id: str, request: Request, actor: CurrentPrincipal, outbox: OutboxDep,
    blobs: BlobsDep,
) -> UploadedFile:
    """Multipart field `file` (and optionally `format`: csv or jsonl, else taken from the
    file name). The file is analysed against the dataset's declared schema: a malformed
    file is refused (422) and nothing is kept. Returns `{id, sha256, bytes, rows, quality}`."""
    db: Database = request.app.state.db
    limit: int = request.app.state.settings.max_upload_bytes

    def check() -> list[dict[str, Any]]:
        with db.reading() as session:
            return service.check_upload(session, dataset_id=dataset_id, actor=actor)

    columns = await run_in_threadpool(check)
    staged: Path = await run_in_threadpool(blobs.staging_file)
    try:
        upload = await receive_upload(
            request.headers.get("content-type", ""), request.headers.get("content-length"),
            request.stream(), staged, limit=limit,
        )
        fmt = service.file_format(upload.filename, upload.fields.get("format"))
        analysis = await run_in_threadpool(service.analyze, staged, fmt=fmt, columns=columns)

        def store() -> UploadedFile:
            with db.transaction() as session:
                record = service.add_file(
                    session, outbox, blobs, dataset_id=dataset_id, actor=actor, staged=staged,
                    sha256=upload.sha256, size=upload.size, fmt=fmt,
                    filename=upload.filename, analysis=analysis)
                return service.file_out(record)

        return await run_in_threadpool(store)
    finally:
        staged.unlink(missing_ok=True)


@router.get("/datasets/{dataset_id}/files/{file_id}/quality", responses=_CONTENT_PROBLEMS,
            summary="A file's quality report (who may read the file)")
def file_quality(dataset_id: str, file_id: str, session: SessionDep,
                 viewer: OptionalPrincipalOrGrant, grants: GrantsDep) -> FileQuality:
    """The GB/T 36344 quality report, column figures and schema violations. Column
    figures and violations are derived from the data, so who may read them is who may
    read the file (the dataset document's quality scores are public)."""
    record, _ = file_access(session, grants, dataset_id=dataset_id, file_id=file_id,
                            viewer=viewer)
    return FileQuality.model_validate({"file_id": record.id, "sha256": record.sha256,
                                       "rows": record.rows, "quality": record.quality,
                                       "pii": record.pii})


@router.get("/datasets/{dataset_id}/files/{file_id}/sample", responses=_CONTENT_PROBLEMS,
            summary="A file's first rows, personal information masked (who may read the "
                    "file)")
def file_sample(dataset_id: str, file_id: str, session: SessionDep,
                viewer: OptionalPrincipalOrGrant, grants: GrantsDep) -> FileSample:
    """The masked sample rows taken at upload: real rows, so who may read them is who
    may read the file."""
    record, _ = file_access(session, grants, dataset_id=dataset_id, file_id=file_id,
                            viewer=viewer)
    return FileSample.model_validate({"file_id": record.id, "rows": record.sample})


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int]:
    """The inclusive byte range ``(start, end)`` of a single-range header; 416 if bad."""
    match = _RANGE.match(header.strip())
    bad = RangeNotSatisfiable(f"range {header!r} does not fit a file of {size} bytes",
                              headers={"Content-Range": f"bytes */{size}"})
    if match is None:
        raise bad
    first, last = match.groups()
    if first == "" and last == "":
        raise bad
    if first == "":
        length = int(last)
        if length == 0 or size == 0:
            raise bad
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise bad
    return start, min(end, size - 1)


def _stream(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        left = length
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


@router.get("/datasets/{dataset_id}/files/{file_id}/content", responses=_CONTENT_ANSWERS,
            response_class=StreamingResponse,
            summary="The file (anyone for unconditional-open; else a grant token)",
            dependencies=[Depends(rate_limited("download"))])
def file_content(
    dataset_id: str, file_id: str, request: Request, outbox: OutboxDep,
    viewer: OptionalPrincipalOrGrant, blobs: BlobsDep, grants: GrantsDep,
    anonymous: AnonymousDep,
) -> Response:
    """Unconditional-open listed datasets for anyone; otherwise the publisher, operators,
    or `Authorization: Bearer <grant token>` for an active grant covering the dataset.
    Supports a single `Range: bytes=...` (206; 416 when it does not fit); ETag = SHA-256.
    Every download is recorded in the ledger (`data.accessed`).

    Under a grant of a **metered** offer the download is counted at the exchange before
    a byte is sent: one call per request served (200 or 206; a 304 counts nothing), and
    rows: the file's row count for the whole file, or for a byte range the rows in
    proportion to the bytes sent, rounded up. Refused with 403 `quota-exceeded` when the
    grant has too little left, and with 503 `usage-report-failed` when the exchange
    cannot count it (nothing is served or recorded then)."""
    db: Database = request.app.state.db
    with db.reading() as session:
        record, access = file_access(session, grants, dataset_id=dataset_id,
                                     file_id=file_id, viewer=viewer)
    etag = f'"{record.sha256}"'
    headers = {"ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
    media = "text/csv; charset=utf-8" if record.format == "csv" else "application/jsonl"
    size = record.bytes
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and if_range and if_range.strip() != etag:
        range_header = None
    if request.headers.get("if-none-match") in (etag, "*"):
        return Response(status_code=304, headers=headers)
    path = blobs.path(record.sha256)
    start, end = parse_range(range_header, size) if range_header else (0, size - 1)
    length = end - start + 1
    service.count_and_record(
        db, grants, outbox, record=record, access=access,
        rows=service.rows_served(record, start, length), sent=length,
        range_=f"bytes={start}-{end}" if range_header else None,
        anonymous=anonymous, address=source_address(request))
    if range_header:
        headers.update({"Content-Range": f"bytes {start}-{end}/{size}",
                        "Content-Length": str(length)})
        return StreamingResponse(_stream(path, start, length), status_code=206,
                                 media_type=media, headers=headers)
    headers["Content-Length"] = str(size)
    headers["Content-Disposition"] = f'attachment; filename="{record.id}.{record.format}"'
    return StreamingResponse(_stream(path, 0, size), media_type=media, headers=headers)


@router.get("/datasets/{dataset_id}/files/{file_id}/rows", responses=_CONTENT_PROBLEMS,
            response_model_exclude_unset=True,
            summary="A page of the file's rows as JSON (who may download the file)",
            dependencies=[Depends(rate_limited("download"))])
def file_rows(
    dataset_id: str, file_id: str, request: Request, outbox: OutboxDep,
    viewer: OptionalPrincipalOrGrant, blobs: BlobsDep, grants: GrantsDep,
    anonymous: AnonymousDep,
    offset: Annotated[int, Query(ge=0, le=MAX_INTEGER,
                                  description="0-based index of the first row")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS)] = 100,
    columns: Annotated[str | None, Query(description="comma-separated column names; "
                                                      "all when absent")] = None,
) -> RowsPage:
    """The data as an API rather than a download: rows `offset` to `offset + limit - 1`
    as JSON objects (CSV cells as text, an empty cell as null; JSON values as stored),
    and `next_offset` (null after the last row). Who may call it is who may download
    the file. Under a metered grant each call counts one call and the rows returned,
    before they are sent (403 `quota-exceeded`, 503 `usage-report-failed` as for
    downloads); every call is recorded in the ledger (`data.accessed`, `via: rows`)."""
    db: Database = request.app.state.db
    with db.reading() as session:
        record, access = file_access(session, grants, dataset_id=dataset_id,
                                     file_id=file_id, viewer=viewer)
    names = [str(c["name"]) for c in (record.quality or {}).get("columns", [])
             if c.get("present", True)]
    wanted = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    try:
        page = read_rows(blobs.path(record.sha256), record.format, file_columns=names,
                         offset=offset, limit=limit, columns=wanted)
    except KeyError as exc:
        raise InvalidInput(f"the file has no column {exc.args[0]!r}; it has "
                           f"{', '.join(names)}", slug="unknown-column") from None
    usage = service.count_and_record(db, grants, outbox, record=record, access=access,
                                     rows=len(page.rows), sent=0,
                                     rows_read=(offset, len(page.rows)),
                                     anonymous=anonymous, address=source_address(request))
    answer = RowsPage(
        dataset_id=record.dataset_id, file_id=record.id, sha256=record.sha256,
        columns=list(page.columns), offset=page.offset, rows=list(page.rows),
        next_offset=page.next_offset,
    )
    if usage is not None:
        answer.usage = UsageCounted.model_validate(usage.as_dict())
    return answer


@router.post("/datasets/{dataset_id}/files/{file_id}/withdraw", response_model=FileWithdrawn,
             responses=_PROBLEMS, summary="Withdraw a file uploaded by mistake (the publisher)")
def withdraw_file(dataset_id: str, file_id: str, body: WithdrawalIn, session: SessionDep,
                  outbox: OutboxDep, actor: CurrentPrincipal) -> FileWithdrawn:
    """From now on the file is not listed and every route of it answers 410
    `file-withdrawn`, whoever asks (grant holders too). Its row and SHA-256 stay, and the
    ledger records `dataset.file_withdrawn` with the hash of the reason."""
    record = service.withdraw_file(session, outbox, dataset_id=dataset_id, file_id=file_id,
                                   reason=body.reason, actor=actor)
    return FileWithdrawn.model_validate(record, from_attributes=True)
