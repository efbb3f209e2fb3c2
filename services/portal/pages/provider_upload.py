"""Uploading a data file: the browser's multipart body streamed on to the catalog.

With script (static/upload.js) the page posts the form by XMLHttpRequest, showing the
upload's progress, with the CSRF token in the ``X-CSRF-Token`` header: the body is
passed to the catalog as it arrives, never held, and the answer is JSON saying where
the quality report is. Without script the form is an ordinary post (the CSRF check has
already read it, so its file part is sent on from there) answered by a redirect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio.from_thread
from anyio.lowlevel import EventLoopToken, current_token
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from services.clients import ApiProblem
from services.portal.access import ApiDep, ProviderDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.pages.provider import dataset_page_for, see_other

router = APIRouter(prefix="/provider")

SCRIPTED = "application/json"
CHUNK = 64 * 1024


def _blocking(chunks: AsyncIterator[bytes], loop: EventLoopToken) -> Iterator[bytes]:
    """The request's body as a plain iterator for another thread: each chunk is fetched
    on the request's event loop ``loop`` when the catalog connection asks for it."""

    async def next_chunk() -> bytes | None:
        try:
            return await chunks.__anext__()
        except StopAsyncIteration:
            return None

    while (chunk := anyio.from_thread.run(next_chunk, token=loop)) is not None:
        if chunk:
            yield chunk


def _file_part(upload: UploadFile) -> Iterator[bytes]:
    """A form's file part re-encoded as the one-part multipart body the catalog reads."""
    boundary = "dataex-portal-upload"
    name = (upload.filename or "upload.csv").replace('"', "")
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    while chunk := upload.file.read(CHUNK):
        yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def _multipart_type() -> str:
    return "multipart/form-data; boundary=dataex-portal-upload"


def _upload_failed(request: Request, api: Caller, dataset_id: str, message: str,
                   status: int) -> Response:
    if request.headers.get("accept") == SCRIPTED:
        return JSONResponse({"error": message}, status_code=status)
    return dataset_page_for(request, api, dataset_id, errors={"file": message},
                            status_code=status)


@router.post("/datasets/{dataset_id}/files")
async def upload(request: Request, _member: ProviderDep, api: ApiDep,
                 dataset_id: str) -> Response:
    """Send the file to the catalog; then to its quality report (or the refusal next
    to the file field)."""
    if request.headers.get("x-csrf-token") is not None:
        body = _blocking(request.stream().__aiter__(), current_token())
        content_type = request.headers.get("content-type", "")
        length = request.headers.get("content-length")
    else:
        part = (await request.form()).get("file")
        if not isinstance(part, UploadFile) or not part.filename:
            t = Translator(choose_language(request))
            return await run_in_threadpool(_upload_failed, request, api, dataset_id,
                                           t("provider.error.no_file"), 422)
        body, content_type, length = _file_part(part), _multipart_type(), None
    try:
        stored = await run_in_threadpool(api.catalog.upload_file, dataset_id, body,
                                         content_type=content_type, content_length=length)
    except ApiProblem as problem:
        if problem.status not in (400, 409, 413, 415, 422):
            raise
        return await run_in_threadpool(_upload_failed, request, api, dataset_id,
                                       problem.detail, problem.status)
    report = f"/provider/datasets/{dataset_id}/files/{stored['id']}"
    if request.headers.get("accept") == SCRIPTED:
        return JSONResponse({"location": report}, status_code=201)
    return see_other(report)
