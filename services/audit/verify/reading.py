"""Reading a bundle for verification: one pass, in order, in constant memory.

Entry lines stay raw bytes (the bytes the ledger hashed); every other line is parsed.
Unlike :mod:`services.audit.ledger.bundle`, which refuses a line it cannot place, a JSON
Lines line that is neither an entry's canonical bytes nor a bundle line is passed on as
an entry line, for the entry checks to say what is wrong with it; and a file that cannot
be read on yields a :class:`Problem` instead of raising.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import IO, Any, NamedTuple

from services.audit.ledger.bundle import ENTRY_PREFIX, BundleError, Line, parse_object, read_tar
from services.audit.verify.entries import Problem

CHUNK_ENTRIES = 2000
"""Entry lines per chunk of work (and per worker task)."""


def parse_line(raw: bytes, where: str) -> Line | None:
    """One JSON Lines line as the reader passes it on (None for a blank line)."""
    raw = raw.rstrip(b"\n")
    if raw.startswith(ENTRY_PREFIX):
        return raw
    if not raw.strip():
        return None
    try:
        return parse_object(raw, where)
    except (BundleError, RecursionError):
        return raw


def jsonl_items(f: IO[bytes]) -> Iterator[Line]:
    """The lines of a JSON Lines bundle (the one reader of that form)."""
    for number, raw in enumerate(f, start=1):
        item = parse_line(raw, f"line {number}")
        if item is not None:
            yield item


def read_bundle(path: str) -> Iterator[Line]:
    """The lines of the bundle at ``path``, JSON Lines or tar."""
    if tarfile.is_tarfile(path):
        yield from read_tar(path)
        return
    with open(path, "rb", buffering=1 << 20) as f:
        yield from jsonl_items(f)


def guarded(lines: Iterable[Line]) -> Iterator[Line | Problem]:
    """The lines, then a problem instead of an exception if the file cannot be read on."""
    try:
        yield from lines
    except (BundleError, ValueError, KeyError, TypeError, tarfile.TarError, EOFError,
            OSError, RecursionError) as exc:
        yield Problem("malformed", f"the bundle cannot be read on: {exc}")


class Chunk(NamedTuple):
    """Consecutive entry lines, and the other lines among them: ``(offset, line)`` where
    ``offset`` entries of the chunk precede the line."""

    lines: list[bytes]
    markers: list[tuple[int, dict[str, Any] | Problem]]
    last: bool



class BundleReader:
    """A bundle being read: its first lines one by one (:meth:`items`, for the header and
    keys), then the rest in chunks of entry lines (:meth:`chunks`)."""

    def __init__(self, path: str) -> None:
        self.file: IO[bytes] | None = None
        if tarfile.is_tarfile(path):
            self._items = guarded(read_tar(path))
        else:
            self.file = open(path, "rb", buffering=1 << 20)  # noqa: SIM115 - closed by close()
            self._items = guarded(jsonl_items(self.file))
        self.count = 0  # entry lines read so far

    def close(self) -> None:
        """Close the file (a tar is closed by its reader)."""
        if self.file is not None:
            self.file.close()

    def items(self) -> Iterator[Line | Problem]:
        """The lines one by one, a problem in place of an unreadable rest."""
        return self._items

    def chunks(self, first: Line | Problem | None) -> Iterator[Chunk]:
        """The rest of the bundle, from ``first``, as chunks of up to CHUNK_ENTRIES entries."""
        lines: list[bytes] = []
        markers: list[tuple[int, dict[str, Any] | Problem]] = []
        size = CHUNK_ENTRIES
        rest: Iterable[Line | Problem] = () if first is None else (first,)
        if self.file is None:
            rest = chain(rest, self._items)
        stop = False
        for item in rest:
            stop = self._place(item, lines, markers)
            if stop:
                break
            if len(lines) >= size:
                self.count += len(lines)
                yield Chunk(lines, markers, False)
                lines, markers = [], []
        if self.file is not None and not stop:
            # JSON Lines: the hot loop, straight off the file's line iterator.
            append, prefix = lines.append, ENTRY_PREFIX
            try:
                for raw in self.file:
                    if raw.startswith(prefix):
                        append(raw.rstrip(b"\n"))
                        if len(lines) < size:
                            continue
                    else:
                        found = parse_line(raw, f"the line after {self.count + len(lines)} entries")
                        if found is None:
                            continue
                        if self._place(found, lines, markers):
                            break
                        if len(lines) < size:
                            continue
                    self.count += len(lines)
                    yield Chunk(lines, markers, False)
                    lines, markers = [], []
                    append = lines.append
            except OSError as exc:
                markers.append((len(lines), Problem("malformed", f"the bundle cannot be read "
                                                                 f"on: {exc}")))
        self.count += len(lines)
        yield Chunk(lines, markers, True)

    @staticmethod
    def _place(item: Line | Problem, lines: list[bytes],
               markers: list[tuple[int, dict[str, Any] | Problem]]) -> bool:
        """Put a line in the chunk being built; True when reading must stop."""
        if isinstance(item, bytes):
            lines.append(item)
            return False
        if isinstance(item, Problem):
            markers.append((len(lines), item))
            return True
        kind = item.get("kind")
        if kind == "checkpoint":
            markers.append((len(lines), item))
        elif kind in ("ledger_key", "source_key", "bundle"):
            markers.append((len(lines), Problem(
                "malformed", f"a {kind} line among the entries: the header and the keys come "
                             "before the first entry")))
        else:
            markers.append((len(lines), Problem("malformed", f"unknown line kind {kind!r}")))
        return False


def is_bundle(path: str) -> bool:
    """Whether the file at ``path`` is a bundle (a tar, or JSON Lines with a header)."""
    if tarfile.is_tarfile(path):
        return True
    with open(path, "rb") as f:
        for raw in f:
            if raw.strip():
                try:
                    first = json.loads(raw)
                except ValueError:
                    return False
                return isinstance(first, dict) and first.get("kind") == "bundle"
    return False
