"""Reading a page of rows from a stored file, for buyers who call the data rather than
download it.

Stored files were validated on upload (UTF-8, well-formed CSV or JSON Lines). A page is
read by seeking: the file's row index (:mod:`.row_index`) says where a record near
``offset`` starts, so a page costs one seek and fewer than ``STRIDE`` records skipped
whatever its offset, and an offset past the end is answered without reading the file.
Memory stays bounded by the page. Values come back as the file holds them (CSV cells
are text; JSON values keep their JSON types); an empty CSV cell is ``None``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.catalog.files.row_index import ensure_index, seek_to

MAX_PAGE_ROWS = 1000


@dataclass(frozen=True)
class RowPage:
    """Rows ``offset`` to ``offset + len(rows) - 1`` (0-based) of a file, and whether more
    follow."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    offset: int
    more: bool
    skipped: int = 0
    """Records parsed and passed over to reach ``offset`` (fewer than the index's stride)."""

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts, or None after the last row."""
        return self.offset + len(self.rows) if self.more else None


def read_rows(path: Path, file_format: str, *, file_columns: Sequence[str], offset: int,
              limit: int, columns: Sequence[str] | None = None) -> RowPage:
    """A page of the file's records with the file's columns (``file_columns``, as the
    upload's analysis found them), or only ``columns`` when given (an unknown name raises
    ``KeyError`` naming it)."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE_ROWS:
        raise ValueError(f"offset must be >= 0 and limit between 1 and {MAX_PAGE_ROWS}")
    names = list(file_columns)
    window: list[dict[str, Any]] = []
    seek = seek_to(ensure_index(path, file_format), offset)
    if seek is not None:
        with path.open("rb") as raw:
            header = _csv_header(raw) if file_format == "csv" else []
            raw.seek(seek.position)
            handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            records = (_csv_records(handle, header) if file_format == "csv"
                       else _jsonl_records(handle))
            window = list(itertools.islice(records, seek.skip, seek.skip + limit + 1))
    wanted = tuple(columns) if columns else tuple(names)
    for name in wanted:
        if name not in names:
            raise KeyError(name)
    more = len(window) > limit
    rows = tuple({name: record.get(name) for name in wanted} for record in window[:limit])
    return RowPage(columns=wanted, rows=rows, offset=offset, more=more,
                   skipped=seek.skip if seek else 0)


def _csv_header(raw: io.BufferedReader) -> list[str]:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    header = next(csv.reader(text), [])
    text.detach()
    return header


def _csv_records(handle: Any, header: list[str]) -> Iterator[dict[str, Any]]:
    reader = csv.reader(handle)
    for cells in reader:
        if not cells:
            continue  # a blank line is no record
        yield {name: (cell if cell != "" else None)
               for name, cell in zip(header, cells, strict=False)}


def _jsonl_records(handle: Any) -> Iterator[dict[str, Any]]:
    for line in handle:
        if line.strip():
            value = json.loads(line)
            yield value if isinstance(value, dict) else {}
