"""A stored file's row index: where every ``STRIDE``-th record starts, so that a page of
rows is read by seeking rather than by re-reading the file from its start.

The index is a small file beside the blob (``<sha256>.rows``: a header, the record count,
then one 8-byte offset per ``STRIDE`` records; about 8 KB for 1 M rows). It is built once,
on the first rows call of a file, by one pass over the file's bytes; after that any page
costs one seek and at most ``STRIDE - 1`` records skipped, whatever its offset, and an
offset past the last record is answered from the count alone.

Records are counted as the rows reader parses them: for CSV the header is not a record,
a blank line is none, and a quoted cell may span lines (a line ends a record only when
the record's double quotes are balanced, which RFC 4180's ``""`` escape keeps true); for
JSON Lines every non-blank line is one.
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from pathlib import Path

STRIDE = 1024
MAGIC = b"DXROWS1\n"
_HEAD = struct.Struct("<8sQQ")
_OFFSET = struct.Struct("<Q")
_BOM = b"\xef\xbb\xbf"
_BLANK = (b"", b"\n", b"\r\n", b"\r")

_building: dict[Path, threading.Lock] = {}
_building_lock = threading.Lock()


@dataclass(frozen=True)
class Seek:
    """How to reach record ``offset``: seek to byte ``position`` (the start of a record)
    and skip ``skip`` records (fewer than ``STRIDE``)."""

    position: int
    skip: int


def index_path(blob: Path) -> Path:
    """Where the index of the blob at ``blob`` lives."""
    return blob.with_name(blob.name + ".rows")


def _record_starts(blob: Path, file_format: str) -> tuple[list[int], int]:
    """The byte offset of every ``STRIDE``-th record, and the number of records."""
    starts: list[int] = []
    count = 0
    header_left = file_format == "csv"
    with blob.open("rb") as handle:
        lines = iter(handle)
        position = 0
        for line in lines:
            start, position = position, position + len(line)
            if start == 0 and line.startswith(_BOM):
                start, line = len(_BOM), line[len(_BOM):]
            if file_format == "csv":
                blank = line in _BLANK
                quotes = line.count(b'"')
                while quotes % 2:  # a quoted cell runs on to the next line
                    more = next(lines, None)
                    if more is None:
                        break
                    position += len(more)
                    quotes += more.count(b'"')
                if header_left or blank:
                    header_left = False
                    continue
            elif not line.strip():
                continue
            if count % STRIDE == 0:
                starts.append(start)
            count += 1
    return starts, count


def build_index(blob: Path, file_format: str) -> None:
    """Write the blob's index beside it (atomically: a reader sees all of it or none)."""
    starts, count = _record_starts(blob, file_format)
    target = index_path(blob)
    partial = target.with_name(f"{target.name}.{threading.get_ident()}.partial")
    with partial.open("wb") as out:
        out.write(_HEAD.pack(MAGIC, STRIDE, count))
        out.write(b"".join(_OFFSET.pack(s) for s in starts))
    partial.replace(target)


def ensure_index(blob: Path, file_format: str) -> Path:
    """The blob's index, built first if it has none (one builder per blob at a time)."""
    target = index_path(blob)
    if target.exists():
        return target
    with _building_lock:
        lock = _building.setdefault(blob, threading.Lock())
    with lock:
        if not target.exists():
            build_index(blob, file_format)
    with _building_lock:
        _building.pop(blob, None)
    return target


def record_count(index: Path) -> int:
    """How many records the indexed file holds."""
    with index.open("rb") as handle:
        magic, _stride, count = _HEAD.unpack(handle.read(_HEAD.size))
    if magic != MAGIC:
        raise ValueError(f"{index} is not a row index")
    return int(count)


def seek_to(index: Path, offset: int) -> Seek | None:
    """How to reach record ``offset`` (None when the file has no such record): reads the
    index's header and one entry, never the file."""
    with index.open("rb") as handle:
        magic, stride, count = _HEAD.unpack(handle.read(_HEAD.size))
        if magic != MAGIC:
            raise ValueError(f"{index} is not a row index")
        if offset >= count:
            return None
        handle.seek(_HEAD.size + (offset // stride) * _OFFSET.size)
        (position,) = _OFFSET.unpack(handle.read(_OFFSET.size))
    return Seek(position=int(position), skip=offset % stride)
