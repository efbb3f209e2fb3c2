"""The offline verifier of an audit ledger export bundle (``dataex verify BUNDLE``).

What a regulator runs, with no network and no server code, to prove the ledger was not
tampered with. It reads a bundle (see :mod:`services.audit.ledger.bundle`) once, in order,
in constant memory, and stops at the first failure, naming the entry and what is wrong:

- every entry is well-formed, in canonical form, at the position its ``seq`` says, linked
  by ``prev_hash`` to the entry before it, signed with a known key of its record's source,
  and the signature verifies;
- every checkpoint covers exactly the entries before it, its root is recomputed from their
  leaves (a Merkle frontier, never all leaves), its signature verifies with a ledger key,
  timestamps strictly increase and its consistency proof links it to the previous one;
- the header's ``tree_size`` is the number of entries;
- with ``since``, the bundle extends an older trusted checkpoint or bundle.

``fast`` trusts entry signatures: entries are not parsed as JSON (a regular expression
reads the envelope) and only hashes, the keys entries name and checkpoints are checked.
Large bundles have the per-entry work fanned out to worker processes, chunk by chunk (a
bounded number in flight); this process reads the file, links the chunks and folds their
leaves into the tree, in order, so memory stays flat whatever the bundle's size.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import tarfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import chain, islice
from typing import IO, Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.bundle import (
    ENTRY_PREFIX,
    FORMAT,
    BundleError,
    Line,
    parse_object,
    read_lines,
)
from services.audit.ledger.checkpoint import LOG_ID, Checkpoint
from services.audit.ledger.merkle import (
    EMPTY_ROOT,
    Frontier,
    ProofError,
    check_consistency,
    root_from_frontier,
)
from services.audit.verify.entries import (
    ChunkResult,
    Facts,
    KeySpec,
    Problem,
    check_chunk,
    entry_facts,
    init_worker,
    inspect,
    worker_check_chunk,
)
from services.shared.keyring import jwk_thumbprint, public_key_from_jwk

__all__ = [
    "FAILURE_KINDS",
    "Failure",
    "Report",
    "TrustedCheckpoint",
    "verify_bundle",
]

FAILURE_KINDS = (
    "malformed",
    "modified",
    "missing",
    "reordered",
    "bad-signature",
    "unknown-key",
    "bad-checkpoint",
    "inconsistent",
    "rewritten",
    "rolled-back",
)

CHUNK_ENTRIES = 2000
"""Entry lines per chunk of work (and per worker task)."""
PARALLEL_MIN_ENTRIES = 20_000
"""Below this many entries verification stays in-process unless workers are asked for."""
LOOKAHEAD = 1024
"""How many entries past a break are read to tell a swap from a gap."""
RECENT_LEAVES = 1 << 16
"""Leaves kept since the last checkpoint, to explain a checkpoint placed too late."""

_GENESIS = bytes(32)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_NODE_PREFIX = b"\x01"


@dataclass(frozen=True)
class Failure:
    """The first thing found wrong: the entry (``seq``, None when no entry is at fault),
    one of :data:`FAILURE_KINDS`, and an explanation."""

    seq: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        where = "bundle" if self.seq is None else f"entry {self.seq}"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """The outcome of a verification.

    ``entries`` counts the entries verified in order before any failure; ``last_checkpoint``
    is the last checkpoint verified (in the form ``GET /v1/checkpoints/latest`` serves, so
    it can be kept as the next ``since``); ``unchecked_tail`` counts the entries after it:
    chained (and in a full verification signed), but not yet covered by a signed root.
    """

    ok: bool
    entries: int
    checkpoints: int
    last_checkpoint: dict[str, Any] | None
    failure: Failure | None
    unchecked_tail: int


@dataclass(frozen=True)
class TrustedCheckpoint:
    """A checkpoint the verifier already trusts: a newer bundle must extend it.

    With ``signature`` (and ``timestamp``, which it signs) it must also verify with one of
    the bundle's ledger keys (the one named ``kid``, if given); ``log`` is the log id the
    ledger signs into every checkpoint.
    """

    tree_size: int
    root_hash: str
    timestamp: str | None = None
    kid: str | None = None
    signature: str | None = None
    log: str = LOG_ID

    def __post_init__(self) -> None:
        """Refuse a size or root that cannot be a checkpoint's."""
        size = self.tree_size
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError(f"tree_size must be a non-negative integer, got {size!r}")
        if not isinstance(self.root_hash, str) or not _HEX64.fullmatch(self.root_hash):
            raise ValueError("root_hash must be 64 lowercase hex digits")
        if self.timestamp is not None and _moment(self.timestamp) is None:
            raise ValueError("timestamp must be an RFC 3339 time with a zone")
        if self.signature is not None and not (
            isinstance(self.signature, str) and _HEX128.fullmatch(self.signature)
        ):
            raise ValueError("signature must be 128 lowercase hex digits")

    @classmethod
    def load(cls, text_or_path: str) -> TrustedCheckpoint:
        """From JSON text or a file holding it: a checkpoint as ``GET
        /v1/checkpoints/latest`` serves it, or a bundle's checkpoint line."""
        text = text_or_path
        if not text.lstrip().startswith("{"):
            with open(text_or_path, encoding="utf-8") as f:
                text = f.read()
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"a trusted checkpoint must be a JSON object: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("a trusted checkpoint must be a JSON object")
        nested = data.get("checkpoint")
        body: dict[str, Any] = nested if isinstance(nested, dict) else data
        try:
            root = body["root_hash"]
            return cls(
                tree_size=body["tree_size"],
                root_hash=root.lower() if isinstance(root, str) else root,
                timestamp=body.get("timestamp"),
                kid=data.get("kid"),
                signature=data.get("signature"),
                log=body.get("log", LOG_ID),
            )
        except KeyError as exc:
            raise ValueError(f"a trusted checkpoint needs {exc}") from exc


def verify_bundle(
    path: str,
    *,
    fast: bool = False,
    since: TrustedCheckpoint | str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Verify the bundle at ``path`` (JSON Lines or tar); stop at the first failure.

    ``since`` is a :class:`TrustedCheckpoint`, JSON text or a file holding one, or the
    path of an older bundle: the new bundle must extend it (else "rewritten") and not be
    shorter (else "rolled-back"). ``workers`` is the number of processes checking entries:
    by default every CPU for bundles of :data:`PARALLEL_MIN_ENTRIES` entries or more, none
    (in-process) for smaller ones; 1 is always in-process. ``progress(done, total)`` is
    called as entries are verified (every chunk).
    Raises ``FileNotFoundError`` if there is no such file; everything wrong inside the
    file is a failure in the report.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    trusted, older = _resolve_since(since)
    return _Verification(path, fast, trusted, older, progress).run(workers)


# --- reading ---------------------------------------------------------------------------------


def _line(raw: bytes, where: str) -> Line | None:
    """One JSON Lines line as :func:`_read` passes it on (None for a blank line)."""
    raw = raw.rstrip(b"\n")
    if raw.startswith(ENTRY_PREFIX):
        return raw
    if not raw.strip():
        return None
    try:
        return parse_object(raw, where)
    except (BundleError, RecursionError):
        return raw


def _read(path: str) -> Iterator[Line]:
    """The bundle's lines, as :func:`~services.audit.ledger.bundle.read_lines` yields them,
    except that a JSON Lines line that is neither an entry's canonical bytes nor a bundle
    line is passed on as an entry line, for the entry checks to say what is wrong with it."""
    if tarfile.is_tarfile(path):
        yield from read_lines(path)
        return
    with open(path, "rb", buffering=1 << 20) as f:
        for number, raw in enumerate(f, start=1):
            item = _line(raw, f"line {number}")
            if item is not None:
                yield item


def _guarded(lines: Iterable[Line]) -> Iterator[Line | Problem]:
    """The lines, then a problem instead of an exception if the file cannot be read on."""
    try:
        yield from lines
    except (BundleError, ValueError, KeyError, TypeError, tarfile.TarError, EOFError,
            OSError, RecursionError) as exc:
        yield Problem("malformed", f"the bundle cannot be read on: {exc}")


class _Source:
    """A bundle being read: its first lines one by one (:meth:`items`, for the header and
    keys), then the rest in chunks of entry lines (:meth:`chunks`)."""

    def __init__(self, path: str) -> None:
        self.file: IO[bytes] | None = None
        if tarfile.is_tarfile(path):
            self._items = _guarded(read_lines(path))
        else:
            self.file = open(path, "rb", buffering=1 << 20)  # noqa: SIM115 - closed by close()
            self._items = self._jsonl_items(self.file)
        self.count = 0  # entry lines read so far

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    @staticmethod
    def _jsonl_items(f: IO[bytes]) -> Iterator[Line | Problem]:
        try:
            for number, raw in enumerate(f, start=1):
                item = _line(raw, f"line {number}")
                if item is not None:
                    yield item
        except OSError as exc:
            yield Problem("malformed", f"the bundle cannot be read on: {exc}")

    def items(self) -> Iterator[Line | Problem]:
        return self._items

    def chunks(self, first: Line | Problem | None) -> Iterator[_Chunk]:
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
                yield _Chunk(lines, markers, False)
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
                        found = _line(raw, f"the line after {self.count + len(lines)} entries")
                        if found is None:
                            continue
                        if self._place(found, lines, markers):
                            break
                        if len(lines) < size:
                            continue
                    self.count += len(lines)
                    yield _Chunk(lines, markers, False)
                    lines, markers = [], []
                    append = lines.append
            except OSError as exc:
                markers.append((len(lines), Problem("malformed", f"the bundle cannot be read "
                                                                 f"on: {exc}")))
        self.count += len(lines)
        yield _Chunk(lines, markers, True)

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


def _is_bundle(path: str) -> bool:
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


def _resolve_since(
    since: TrustedCheckpoint | str | None,
) -> tuple[TrustedCheckpoint | None, str | None]:
    if since is None or isinstance(since, TrustedCheckpoint):
        return since, None
    if os.path.isfile(since) and _is_bundle(since):
        return None, since
    return TrustedCheckpoint.load(since), None


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- the run ---------------------------------------------------------------------------------


class _Stop(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(str(failure))
        self.failure = failure


class _Chunk(NamedTuple):
    """Consecutive entry lines, and the other lines among them: ``(offset, line)`` where
    ``offset`` entries of the chunk precede the line."""

    lines: list[bytes]
    markers: list[tuple[int, dict[str, Any] | Problem]]
    last: bool


@dataclass
class _SignedHead:
    """The last checkpoint verified."""

    size: int
    root: bytes
    moment: datetime
    frontier: Frontier
    line: dict[str, Any]


_MoreLines = Callable[[], Iterator[bytes]]


def _lines_after(lines: list[bytes], offset: int, more: _MoreLines) -> Iterator[bytes]:
    return chain(lines[offset:], more())


class _Verification:
    def __init__(
        self,
        path: str,
        fast: bool,
        trusted: TrustedCheckpoint | None,
        older: str | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.path = path
        self.full = not fast
        self.trusted = trusted
        self.trusted_pending = trusted is not None
        self.trusted_moment = _moment(trusted.timestamp) if trusted else None
        self.trusted_anchor = 0  # the last checkpoint size known to predate the trusted one
        self.older_path = older
        self.older: Iterator[bytes] | None = None
        self.progress = progress
        self.log = LOG_ID
        self.declared = 0
        self.ledger_keys: dict[str, ed25519.Ed25519PublicKey] = {}
        self.key_spec: KeySpec = {}
        self.source_keys: dict[str, tuple[str, ed25519.Ed25519PublicKey]] = {}
        # the chain and the tree
        self.n = 0
        self.last = _GENESIS
        self.stack: list[bytes] = []
        self.recent: list[bytes] | None = []
        self.head: _SignedHead | None = None
        self.checkpoints = 0

    # --- driving ---------------------------------------------------------------------------

    def run(self, workers: int | None) -> Report:
        failure: Failure | None = None
        source = _Source(self.path)
        try:
            first = self._preamble(source.items())
            if self.older_path is not None:
                self.older = self._older_entries(self.older_path)
            self._check_trusted_signature()
            self._check_trusted_root()
            chunks = source.chunks(first)
            count = workers if workers is not None else (os.cpu_count() or 1)
            if count > 1 and (workers is not None or self.declared >= PARALLEL_MIN_ENTRIES):
                self._run_parallel(chunks, count)
            else:
                self._run_inline(chunks)
            self._finish()
        except _Stop as stop:
            failure = stop.failure
        finally:
            source.close()
        if self.progress is not None and failure is None:
            self.progress(self.n, max(self.n, self.declared))
        size = self.head.size if self.head else 0
        return Report(
            ok=failure is None,
            entries=self.n,
            checkpoints=self.checkpoints,
            last_checkpoint=self._served(self.head.line) if self.head else None,
            failure=failure,
            unchecked_tail=self.n - size,
        )

    def _run_inline(self, chunks: Iterator[_Chunk]) -> None:
        def more() -> Iterator[bytes]:
            for chunk in chunks:
                yield from chunk.lines

        for chunk in chunks:
            result = check_chunk(chunk.lines, self.source_keys, signatures=self.full)
            self._consume(chunk, result, more)

    def _run_parallel(self, chunks: Iterator[_Chunk], workers: int) -> None:
        pending: deque[tuple[_Chunk, Future[ChunkResult]]] = deque()

        def more() -> Iterator[bytes]:
            for chunk, _ in list(pending):
                yield from chunk.lines
            for chunk in chunks:
                yield from chunk.lines

        # fork is quick and needs no import guard in the caller's script, but is unsafe
        # when other threads may hold locks: then spawn.
        method = "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn"
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=init_worker,
            initargs=(self.key_spec,),
        )
        try:
            for chunk in chunks:
                future: Future[ChunkResult]
                if chunk.lines:
                    future = pool.submit(worker_check_chunk, chunk.lines, self.full)
                else:
                    future = Future()
                    future.set_result(ChunkResult([], None))
                pending.append((chunk, future))
                while len(pending) > 2 * workers:
                    done, result = pending.popleft()
                    self._consume(done, result.result(), more)
            while pending:
                done, result = pending.popleft()
                self._consume(done, result.result(), more)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # --- the preamble: header and keys -----------------------------------------------------

    def _preamble(self, items: Iterator[Line | Problem]) -> Line | Problem | None:
        header = next(items, None)
        if isinstance(header, Problem):
            raise _Stop(Failure(None, header.kind, header.detail))
        if not isinstance(header, dict) or header.get("kind") != "bundle":
            raise _Stop(Failure(None, "malformed", "the first line must be the bundle header "
                                                   '({"kind": "bundle", ...})'))
        if header.get("format") != FORMAT:
            raise _Stop(Failure(None, "malformed", f"unknown bundle format "
                                                   f"{header.get('format')!r}, expected {FORMAT}"))
        size, log = header.get("tree_size"), header.get("log", LOG_ID)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _Stop(Failure(None, "malformed", "the header's tree_size must be a "
                                                   "non-negative integer"))
        if not isinstance(log, str) or not log:
            raise _Stop(Failure(None, "malformed", "the header's log must be a string"))
        self.declared, self.log = size, log
        for item in items:
            if isinstance(item, dict) and item.get("kind") == "ledger_key":
                self._ledger_key(item)
            elif isinstance(item, dict) and item.get("kind") == "source_key":
                self._source_key(item)
            else:
                return item
        return None

    def _public_key(self, line: dict[str, Any], what: str) -> tuple[str, ed25519.Ed25519PublicKey]:
        kid, jwk = line.get("kid"), line.get("jwk")
        if not isinstance(kid, str) or not isinstance(jwk, dict):
            raise _Stop(Failure(None, "malformed", f"a {what} line needs kid and jwk"))
        try:
            key = public_key_from_jwk(jwk)
            thumbprint = jwk_thumbprint(jwk)
        except (KeyError, TypeError, ValueError) as exc:
            raise _Stop(Failure(None, "malformed", f"{what} {kid}: bad jwk ({exc})")) from None
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise _Stop(Failure(None, "malformed", f"{what} {kid} is not an Ed25519 key"))
        if thumbprint != kid or jwk.get("kid", kid) != kid:
            raise _Stop(Failure(None, "malformed", f"{what} {kid}: the kid is not the key's "
                                                   "RFC 7638 thumbprint"))
        return kid, key

    def _ledger_key(self, line: dict[str, Any]) -> None:
        kid, key = self._public_key(line, "ledger key")
        self.ledger_keys[kid] = key

    def _source_key(self, line: dict[str, Any]) -> None:
        kid, key = self._public_key(line, "source key")
        source = line.get("source")
        if not isinstance(source, str) or not source:
            raise _Stop(Failure(None, "malformed", f"source key {kid} names no source"))
        known = self.source_keys.get(kid)
        if known is not None and known[0] != source:
            raise _Stop(Failure(None, "malformed", f"source key {kid} is listed for both "
                                                   f"{known[0]} and {source}"))
        self.source_keys[kid] = (source, key)
        raw = key.public_bytes_raw()
        self.key_spec[kid] = (source, raw)

    def _older_entries(self, path: str) -> Iterator[bytes]:
        for item in _guarded(_read(path)):
            if isinstance(item, bytes):
                yield item
            elif isinstance(item, Problem):
                raise _Stop(Failure(None, "malformed", f"the older bundle {path}: {item.detail}"))

    # --- chunks ----------------------------------------------------------------------------

    def _consume(self, chunk: _Chunk, result: ChunkResult, more: _MoreLines) -> None:
        lines = chunk.lines
        cut = len(lines) if result.bad is None else result.bad
        if lines and cut > 0:
            facts = entry_facts(lines[0])
            if facts is None or facts.seq != self.n or facts.prev != self.last:
                cut = 0
        position = 0
        for offset, marker in [*chunk.markers, (len(lines), None)]:
            if position < min(offset, cut):
                self._accept_all(lines, result.leaves, position, min(offset, cut))
            for i in range(max(position, cut), offset):
                self._accept_checked(lines, i, more)
            position = offset
            if isinstance(marker, Problem):
                raise _Stop(Failure(None, marker.kind, f"{marker.detail} (after {self.n} "
                                                       "entries)"))
            if marker is not None:
                following = partial(_lines_after, lines, offset, more)
                self._checkpoint(marker, following, trailing=chunk.last and offset == len(lines))
        if self.progress is not None:
            self.progress(self.n, max(self.n, self.declared))

    # --- entries ---------------------------------------------------------------------------

    def _accept_all(self, lines: list[bytes], leaves: list[bytes], start: int, end: int) -> None:
        """Take entries already found sound and linked to each other (and the first to
        the chain so far)."""
        while start < end:
            stop = end
            if self.trusted_pending and self.trusted is not None:
                gap = self.trusted.tree_size - self.n
                if 0 < gap < end - start:
                    stop = start + gap
            if self.older is not None:
                self._compare_older(lines, start, stop)
            self._push(leaves[start:stop])
            self.n += stop - start
            self.last = _sha256(lines[stop - 1])
            self._check_trusted_root()
            start = stop

    def _accept_checked(self, lines: list[bytes], i: int, more: _MoreLines) -> None:
        """Check one entry in detail, explain what is wrong with it, or take it."""
        line = lines[i]
        facts, problem = inspect(line, self.source_keys, signatures=self.full)
        if facts is None:
            detail = problem.detail if problem else "not an entry"
            raise _Stop(Failure(self.n, "malformed", detail))
        if facts.seq != self.n or facts.prev != self.last:
            ahead = list(islice(chain(lines[i + 1 :], more()), LOOKAHEAD))
            raise _Stop(self._classify(facts, line, ahead))
        if problem is not None:
            following = lines[i + 1] if i + 1 < len(lines) else next(more(), None)
            raise _Stop(self._explain(problem, line, following))
        if self.older is not None:
            self._compare_older(lines, i, i + 1)
        self._push([_sha256(b"\x00" + line)])
        self.n += 1
        self.last = _sha256(line)
        self._check_trusted_root()

    def _push(self, leaves: Sequence[bytes]) -> None:
        # The frontier's binary carry (as merkle.Frontier.append, without recording nodes).
        stack, size, sha256 = self.stack, self.n, hashlib.sha256
        for leaf in leaves:
            digest, index = leaf, size
            while index & 1:
                digest = sha256(_NODE_PREFIX + stack.pop() + digest).digest()
                index >>= 1
            stack.append(digest)
            size += 1
        if self.recent is not None:
            self.recent.extend(leaves)
            if len(self.recent) > RECENT_LEAVES:
                self.recent = None

    def _frontier(self) -> Frontier:
        return Frontier(self.n, tuple(self.stack))

    def _root_at(self, size: int) -> bytes | None:
        """The root of the first ``size`` leaves, if they are still at hand."""
        if size == self.n:
            return root_from_frontier(self._frontier())
        base = self.head.frontier if self.head else Frontier()
        if self.recent is None or not base.size <= size <= base.size + len(self.recent):
            return None
        return root_from_frontier(base.append(self.recent[: size - base.size]).frontier)

    def _classify(self, facts: Facts, line: bytes, ahead_lines: list[bytes]) -> Failure:
        """An entry not where the chain expects it: reordered, missing, or modified."""
        n, prev = self.n, self.last
        seq, here = facts.seq, _sha256(line)
        ahead = [(entry_facts(later), _sha256(later)) for later in ahead_lines]
        nxt = ahead[0][0] if ahead else None
        # Is the entry that belongs here further on? (A swap or a move, not a gap.)
        tests: list[Callable[[Facts], bool]] = [
            lambda f: f.seq == n and f.prev == prev,
            lambda f: f.prev == prev,
            lambda f: f.seq == n and seq != n,
        ]
        for matches in tests:
            for j, (later, _) in enumerate(ahead, start=1):
                if later is not None and matches(later):
                    return Failure(n, "reordered", (
                        f"the entry that belongs at seq {n} (seq {later.seq}, linked to entry "
                        f"{n - 1}) stands {j} place(s) further on, and entry {seq} stands in "
                        "its place: entries were swapped or moved"
                    ))
        if seq == n:
            if n == 0:
                return Failure(0, "modified", "the first entry's prev_hash must be 64 zeros: "
                                              "it was altered, or entries before it removed")
            if self.head is not None and self.head.size == n:
                return Failure(n, "modified", (
                    f"its prev_hash is not the hash of entry {n - 1}, which the checkpoint at "
                    f"tree size {n} vouches for: this entry was altered or replaced"
                ))
            if nxt is None or nxt.prev == here:
                continues = "the chain continues from it" if nxt else "it is the last entry"
                return Failure(n - 1, "modified", (
                    f"entry {n}'s prev_hash is not the hash of entry {n - 1}, and {continues}: "
                    f"entry {n - 1} was modified (its bytes are not what entry {n} was chained "
                    f"to), or entries between {n - 1} and {n} were removed and the later ones "
                    "renumbered"
                ))
            return Failure(n, "modified", (
                f"its prev_hash is not the hash of entry {n - 1}, and entry {n + 1} is not "
                "chained to it either: the entry itself was altered"
            ))
        if facts.prev == prev:
            if seq > n and nxt is not None and nxt.seq == seq + 1 and nxt.prev == here:
                return Failure(n, "missing", (
                    f"entries {n}..{seq - 1} are missing: entry {seq} is chained directly to "
                    f"entry {n - 1}, so they were removed and the chain recomputed"
                ))
            return Failure(n, "modified", (
                f"it is chained to entry {n - 1} but its seq says {seq}: its sequence number "
                "was altered"
            ))
        if seq > n:
            return Failure(n, "missing", (
                f"entries {n}..{seq - 1} are missing: entry {seq} follows entry {n - 1}"
                if n else f"entries 0..{seq - 1} are missing: the bundle starts at entry {seq}"
            ))
        return Failure(n, "reordered", (
            f"entry {seq} appears again after entry {n - 1}: an entry duplicated or moved "
            "out of place"
        ))

    def _explain(self, problem: Problem, line: bytes, following: bytes | None) -> Failure:
        detail = problem.detail
        if problem.kind == "bad-signature" and following is not None:
            later = entry_facts(following)
            if later is not None and later.prev == _sha256(line):
                detail += "; the next entry is chained to it as it stands (hashes recomputed)"
            elif later is not None:
                detail += ("; the next entry's prev_hash does not match it either: its bytes "
                           "changed after it was sealed")
        return Failure(self.n, problem.kind, detail)

    def _compare_older(self, lines: list[bytes], start: int, end: int) -> None:
        older = self.older
        assert older is not None
        for i in range(start, end):
            old = next(older, None)
            if old is None:
                self.older = None
                return
            if old != lines[i]:
                seq = self.n + i - start
                raise _Stop(Failure(seq, "rewritten", (
                    f"entry {seq} differs from the older bundle's (entry hash "
                    f"{_sha256(lines[i]).hex()}, was {_sha256(old).hex()}): the history "
                    "that bundle holds was rewritten from here"
                )))

    # --- checkpoints -----------------------------------------------------------------------

    def _checkpoint(self, line: dict[str, Any], following: _MoreLines, *, trailing: bool
                    ) -> None:
        checkpoint, kid, signature, previous_size, path, moment = self._parse_checkpoint(line)
        size, root = checkpoint.tree_size, bytes.fromhex(checkpoint.root_hash)
        what = f"the checkpoint at tree size {size}"
        key = self.ledger_keys.get(kid)
        if key is None:
            raise _Stop(Failure(None, "unknown-key", f"{what} is signed with key {kid}, which "
                                                     "is not among the bundle's ledger keys"))
        if not checkpoint.signature_ok(key, signature):
            raise _Stop(Failure(None, "bad-checkpoint", (
                f"{what}: the ledger signature does not verify: its size, root or timestamp "
                "was altered, or it was forged"
            )))
        if checkpoint.log != self.log:
            raise _Stop(Failure(None, "bad-checkpoint", f"{what} is for log {checkpoint.log!r}, "
                                                        f"the bundle for {self.log!r}"))
        head = self.head
        if head is not None:
            if size <= head.size:
                raise _Stop(Failure(None, "bad-checkpoint", (
                    f"{what} follows the checkpoint at tree size {head.size}: sizes must grow"
                )))
            if moment <= head.moment:
                raise _Stop(Failure(None, "bad-checkpoint", (
                    f"{what} is timestamped {checkpoint.timestamp}, not after the previous "
                    f"checkpoint's {head.line['checkpoint']['timestamp']}: timestamps must "
                    "strictly increase"
                )))
        start, start_root = (head.size, head.root) if head else (0, EMPTY_ROOT)
        if previous_size != (head.size if head else None):
            raise _Stop(Failure(None, "inconsistent", (
                f"{what} claims to extend tree size {previous_size}, but the previous "
                f"checkpoint is at {head.size if head else 'none (it is the first)'}"
            )))
        try:
            check_consistency(start, size, start_root, root, path)
        except ProofError as exc:
            raise _Stop(Failure(None, "inconsistent", (
                f"{what}: its consistency proof from tree size {start} does not verify ({exc}): "
                "the log forked between the two checkpoints"
            ))) from None
        span = f"entries {start}..{size - 1}"
        if size > self.n:
            if trailing:
                raise _Stop(Failure(self.n, "missing", (
                    f"the bundle ends after {self.n} entries, but {what} covers {size}: entries "
                    f"{self.n}..{size - 1} are missing"
                )))
            raise _Stop(Failure(start, "missing", (
                f"{what} covers {size} entries but only {self.n} precede it: {size - self.n} of "
                f"{span} were removed (and the later ones renumbered and re-chained)"
            )))
        if size < self.n:
            if self._root_at(size) == root:
                raise _Stop(Failure(None, "malformed", (
                    f"{what} stands after {self.n} entries: its line was moved"
                )))
            raise _Stop(Failure(start, "modified", (
                f"{span} do not hash to the root signed at tree size {size}, and {self.n} "
                "entries precede it: entries were inserted or altered, and the chain recomputed"
            )))
        if root_from_frontier(self._frontier()) != root:
            # If the next entry is not chained to the last one, the break names the entry.
            ahead = list(islice(following(), LOOKAHEAD))
            facts = entry_facts(ahead[0]) if ahead else None
            if facts is not None and (facts.seq != self.n or facts.prev != self.last):
                raise _Stop(self._classify(facts, ahead[0], ahead[1:]))
            raise _Stop(Failure(start, "modified", (
                f"{span} do not hash to the root signed at tree size {size}: one of them was "
                "altered, removed or inserted, and the chain recomputed to hide it"
            )))
        self.head = _SignedHead(size, root, moment, self._frontier(), line)
        self.recent = []
        self.checkpoints += 1
        trusted, trusted_moment = self.trusted, self.trusted_moment
        if trusted and trusted_moment and size <= trusted.tree_size and moment < trusted_moment:
            self.trusted_anchor = size

    def _parse_checkpoint(
        self, line: dict[str, Any]
    ) -> tuple[Checkpoint, str, str, int | None, list[bytes], datetime]:
        def bad(why: str) -> _Stop:
            return _Stop(Failure(None, "malformed", f"the checkpoint line after {self.n} "
                                                    f"entries: {why}"))

        body = line.get("checkpoint")
        if not isinstance(body, dict):
            raise bad("no checkpoint object")
        size, root, stamp = body.get("tree_size"), body.get("root_hash"), body.get("timestamp")
        log = body.get("log", LOG_ID)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise bad("tree_size must be a non-negative integer")
        if not isinstance(root, str) or not _HEX64.fullmatch(root):
            raise bad("root_hash must be 64 lowercase hex digits")
        moment = _moment(stamp)
        if moment is None or not isinstance(stamp, str):
            raise bad("timestamp must be an RFC 3339 time with a zone")
        if not isinstance(log, str):
            raise bad("log must be a string")
        kid, signature = line.get("kid"), line.get("signature")
        if not isinstance(kid, str) or not isinstance(signature, str):
            raise bad("kid and signature are required")
        previous = line.get("previous_size")
        if previous is not None and (not isinstance(previous, int) or isinstance(previous, bool)):
            raise bad("previous_size must be an integer or null")
        path = line.get("consistency_path", [])
        if not isinstance(path, list) or not all(
            isinstance(h, str) and _HEX64.fullmatch(h) for h in path
        ):
            raise bad("consistency_path must be a list of 64-hex-digit hashes")
        checkpoint = Checkpoint(tree_size=size, root_hash=root, timestamp=stamp, log=log)
        return checkpoint, kid, signature, previous, [bytes.fromhex(h) for h in path], moment

    @staticmethod
    def _served(line: dict[str, Any]) -> dict[str, Any]:
        body = line["checkpoint"]
        return {
            "log": body.get("log", LOG_ID),
            "tree_size": body["tree_size"],
            "root_hash": body["root_hash"],
            "timestamp": body["timestamp"],
            "kid": line["kid"],
            "signature": line["signature"],
        }

    # --- since -----------------------------------------------------------------------------

    def _check_trusted_signature(self) -> None:
        trusted = self.trusted
        if trusted is None or trusted.signature is None:
            return
        what = f"the trusted checkpoint at tree size {trusted.tree_size}"
        if trusted.timestamp is None:
            raise _Stop(Failure(None, "bad-checkpoint", f"{what} has a signature but no "
                                                        "timestamp, so it cannot be checked"))
        if trusted.kid is not None and trusted.kid not in self.ledger_keys:
            raise _Stop(Failure(None, "unknown-key", f"{what} is signed with key {trusted.kid}, "
                                                     "which is not among the bundle's ledger "
                                                     "keys"))
        keys = (
            [self.ledger_keys[trusted.kid]] if trusted.kid is not None
            else list(self.ledger_keys.values())
        )
        checkpoint = Checkpoint(trusted.tree_size, trusted.root_hash, trusted.timestamp,
                                trusted.log)
        if not any(checkpoint.signature_ok(key, trusted.signature) for key in keys):
            raise _Stop(Failure(None, "bad-checkpoint", f"{what}: its signature does not "
                                                        "verify with the bundle's ledger keys"))

    def _check_trusted_root(self) -> None:
        trusted = self.trusted
        if not self.trusted_pending or trusted is None or self.n != trusted.tree_size:
            return
        self.trusted_pending = False
        root = root_from_frontier(self._frontier())
        if root.hex() == trusted.root_hash:
            return
        anchor = self.trusted_anchor
        if self.trusted_moment is not None:
            where = (f"the first checkpoint interval that can differ is entries "
                     f"{anchor}..{trusted.tree_size - 1} (checkpoints up to tree size {anchor} "
                     "were signed before the trusted one)")
        else:
            where = f"entries 0..{trusted.tree_size - 1} hold the difference"
        raise _Stop(Failure(anchor, "rewritten", (
            f"the bundle's root at tree size {trusted.tree_size} is {root.hex()}, but the "
            f"trusted checkpoint's is {trusted.root_hash}: history it covered was rewritten; "
            f"{where}"
        )))

    def _finish(self) -> None:
        if self.n < self.declared:
            raise _Stop(Failure(self.n, "missing", (
                f"the header says {self.declared} entries but only {self.n} are present: "
                f"entries {self.n}..{self.declared - 1} are missing"
            )))
        if self.n > self.declared:
            raise _Stop(Failure(self.declared, "malformed", (
                f"the header says {self.declared} entries but {self.n} are present"
            )))
        trusted = self.trusted
        if trusted is not None and self.trusted_pending:
            raise _Stop(Failure(self.n, "rolled-back", (
                f"the bundle has {self.n} entries but the trusted checkpoint covers "
                f"{trusted.tree_size}: entries {self.n}..{trusted.tree_size - 1} were rolled "
                "back"
            )))
        if self.older is not None:
            rest = sum(1 for _ in self.older)
            if rest:
                raise _Stop(Failure(self.n, "rolled-back", (
                    f"the bundle has {self.n} entries but the older bundle has "
                    f"{self.n + rest}: entries {self.n}..{self.n + rest - 1} were rolled back"
                )))
