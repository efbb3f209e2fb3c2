"""The export bundle: what a regulator keeps and ``dataex verify`` checks offline.

A bundle is a stream of lines:

- each entry is one line holding exactly the entry's canonical JSON, the bytes the
  ledger hashed: ``sha256`` of the line (without its newline) is the entry hash, and
  the next entry's ``prev_hash``;
- every other line is a JSON object with a ``kind``: ``bundle`` (the first line: format,
  log id, tree size, export time), ``ledger_key`` and ``source_key`` (every public key
  that signed a checkpoint or an entry), and ``checkpoint`` (a signed tree head, placed
  right after the last entry it covers, with the consistency proof from the previous
  one).

The tar form holds the same lines split into ``manifest.json``, ``keys.jsonl``,
``entries.jsonl`` and ``checkpoints.jsonl``.
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

FORMAT = "dataex-ledger-bundle/1"
ENTRY_PREFIX = b'{"kid":'

# A bundle line is either an entry's canonical bytes or a ``kind`` object.
Line = bytes | dict[str, Any]


def dumps(line: Line) -> bytes:
    """One bundle line, with its newline."""
    if isinstance(line, bytes):
        return line + b"\n"
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def write_tar(lines: Iterable[Line], out: IO[bytes]) -> None:
    """Write bundle lines as a tar of manifest, keys, entries and checkpoints."""
    parts: dict[str, IO[bytes]] = {
        name: tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed below
        for name in ("keys.jsonl", "entries.jsonl", "checkpoints.jsonl")
    }
    manifest: dict[str, Any] = {}
    try:
        for line in lines:
            if isinstance(line, bytes):
                parts["entries.jsonl"].write(dumps(line))
            elif line.get("kind") == "bundle":
                manifest = line
            elif line.get("kind") == "checkpoint":
                parts["checkpoints.jsonl"].write(dumps(line))
            else:
                parts["keys.jsonl"].write(dumps(line))
        with tarfile.open(fileobj=out, mode="w|") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for name, part in parts.items():
                info = tarfile.TarInfo(name)
                info.size = part.tell()
                part.seek(0)
                tar.addfile(info, part)
    finally:
        for part in parts.values():
            part.close()


class BundleError(ValueError):
    """The file is not a readable bundle."""


def parse_object(raw: bytes, where: str) -> dict[str, Any]:
    """A ``kind`` line as an object."""
    try:
        line = json.loads(raw)
    except ValueError as exc:
        raise BundleError(f"{where}: not JSON ({exc})") from exc
    if not isinstance(line, dict) or "kind" not in line:
        raise BundleError(f"{where}: neither an entry nor a bundle line")
    return line


def read_tar(path: str) -> Iterator[Line]:
    """The lines of a bundle in tar form, in bundle order (entries as raw bytes):
    checkpoints are put back after the entries they cover."""
    with tarfile.open(path) as tar:

        def member(name: str) -> IO[bytes]:
            try:
                f = tar.extractfile(name)
            except KeyError as exc:
                raise BundleError(f"bundle lacks {name}") from exc
            if f is None:
                raise BundleError(f"bundle lacks {name}")
            return f

        yield json.load(member("manifest.json"))
        for number, raw in enumerate(member("keys.jsonl"), start=1):
            yield parse_object(raw, f"keys.jsonl line {number}")
        checkpoints = [
            parse_object(raw, f"checkpoints.jsonl line {n}")
            for n, raw in enumerate(member("checkpoints.jsonl"), start=1)
        ]
        checkpoints.sort(key=lambda c: int(c["checkpoint"]["tree_size"]))
        pending = iter(checkpoints)
        upcoming = next(pending, None)
        for count, raw in enumerate(member("entries.jsonl")):
            # ``count`` entries precede this one: checkpoints of that size come first.
            while upcoming is not None and int(upcoming["checkpoint"]["tree_size"]) <= count:
                yield upcoming
                upcoming = next(pending, None)
            yield raw.rstrip(b"\n")
        while upcoming is not None:
            yield upcoming
            upcoming = next(pending, None)
