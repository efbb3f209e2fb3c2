"""Files passed on from the catalog to the browser without holding them in memory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

from fastapi import Response
from fastapi.responses import StreamingResponse

from services.clients import CatalogClient


def streamed_file(catalog: CatalogClient, dataset_id: str, file_id: str) -> Response:
    """A catalog file (fetched with ``catalog``'s credentials) streamed on to the browser
    as an attachment; the catalog's answer stays open until the last byte is sent."""
    held = ExitStack()
    upstream = held.enter_context(catalog.file_content(dataset_id, file_id))
    media_type = upstream.headers.get("content-type", "application/octet-stream")
    extension = "csv" if "csv" in media_type else "jsonl"
    headers = {"Content-Disposition": f'attachment; filename="{file_id}.{extension}"'}
    for name in ("content-length", "etag"):
        if name in upstream.headers:
            headers[name] = upstream.headers[name]

    def body() -> Iterator[bytes]:
        with held:
            yield from upstream.iter_bytes()

    return StreamingResponse(body(), media_type=media_type, headers=headers)
