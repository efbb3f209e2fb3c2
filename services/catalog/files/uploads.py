"""Reading a multipart upload straight off the request stream into a staging file.

The body is parsed as it arrives (python-multipart's push parser): the ``file`` part is
written to disk in chunks while its SHA-256 and size are computed, so no upload is ever
held in memory, and a part past the size limit stops the read at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

from services.shared.problems import InvalidInput, PayloadTooLarge

MAX_FIELD_BYTES = 1024
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class StagedUpload:
    """The ``file`` part as written to the staging file, and the small form fields."""

    path: Path
    sha256: str = ""
    size: int = 0
    filename: str = ""
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _State:
    out: IO[bytes]
    limit: int
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)
    size: int = 0
    header_field: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)
    part: str | None = None
    is_file: bool = False
    filename: str = ""
    seen_file: bool = False
    field_buf: bytearray = field(default_factory=bytearray)
    fields: dict[str, str] = field(default_factory=dict)
    too_large: bool = False
    bad: str | None = None


def _callbacks(st: _State) -> dict[str, object]:
    def on_part_begin() -> None:
        st.headers, st.part, st.is_file, st.field_buf = {}, None, False, bytearray()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        st.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        key = st.header_field.lower()
        st.headers[key] = st.headers.get(key, b"") + data[start:end]

    def on_header_end() -> None:
        st.header_field = b""

    def on_headers_finished() -> None:
        _, options = parse_options_header(st.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        st.part = name
        if name == "file":
            if st.seen_file:
                st.bad = "send one file part"
            st.seen_file = True
            st.is_file = True
            st.filename = options.get(b"filename", b"").decode("utf-8", "replace")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if st.too_large or st.bad:
            return
        chunk = data[start:end]
        if st.is_file:
            st.size += len(chunk)
            if st.size > st.limit:
                st.too_large = True
                return
            st.digest.update(chunk)
            st.out.write(chunk)
        elif st.part is not None:
            st.field_buf += chunk
            if len(st.field_buf) > MAX_FIELD_BYTES:
                st.bad = f"form field {st.part!r} is too long"

    def on_part_end() -> None:
        if st.part and not st.is_file and st.part not in st.fields:
            st.fields[st.part] = st.field_buf.decode("utf-8", "replace")

    return {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }


async def receive_upload(
    content_type: str, content_length: str | None, chunks: AsyncIterator[bytes],
    staging: Path, *, limit: int,
) -> StagedUpload:
    """Parse a ``multipart/form-data`` body into ``staging``; 413 past ``limit`` bytes of
    file content, 422 for a body without a ``file`` part. The caller removes ``staging``
    on any error."""
    mime, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise InvalidInput("send the file as multipart/form-data in the field 'file'",
                           slug="multipart-required")
    if content_length and content_length.isdigit() and \
            int(content_length) > limit + MULTIPART_OVERHEAD:
        raise _too_large(limit)
    with staging.open("wb") as out:
        st = _State(out=out, limit=limit)
        parser = MultipartParser(boundary, _callbacks(st))  # type: ignore[arg-type]
        async for chunk in chunks:
            parser.write(chunk)
            if st.too_large:
                raise _too_large(limit)
            if st.bad:
                raise InvalidInput(st.bad, slug="bad-multipart")
        parser.finalize()
    if not st.seen_file:
        raise InvalidInput("the form has no 'file' part", slug="file-missing")
    return StagedUpload(path=staging, sha256=st.digest.hexdigest(), size=st.size,
                        filename=st.filename, fields=st.fields)


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the file is larger than the limit of {limit} bytes",
                           slug="upload-too-large", limit_bytes=limit)
