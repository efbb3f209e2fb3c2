"""Reading a page of rows from a stored file, for buyers who call the data rather than
download it.

Stored files were validated on upload (UTF-8, well-formed CSV or JSON Lines), so a
page is read by streaming the file from its start and keeping ``limit`` records after
``offset``: memory stays bounded by the page, whatever the file's size. Values come
back as the file holds them (CSV cells are text; JSON values keep their JSON types);
an empty CSV cell is ``None``.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_PAGE_ROWS = 1000


@dataclass(frozen=True)
class RowPage:
    """Rows ``offset`` to ``offset + len(rows) - 1`` (0-based) of a file, and whether more
    follow."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    offset: int
    more: bool

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
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = _csv_records(handle) if file_format == "csv" else _jsonl_records(handle)
        window = list(itertools.islice(records, offset, offset + limit + 1))
    wanted = tuple(columns) if columns else tuple(names)
    for name in wanted:
        if name not in names:
            raise KeyError(name)
    more = len(window) > limit
    rows = tuple({name: record.get(name) for name in wanted} for record in window[:limit])
    return RowPage(columns=wanted, rows=rows, offset=offset, more=more)


def _csv_records(handle: Any) -> Iterator[dict[str, Any]]:
    reader = csv.reader(handle)
    header = next(reader, [])
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
