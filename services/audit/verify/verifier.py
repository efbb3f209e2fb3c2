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
import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import chain, islice
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.bundle import FORMAT, Line
from services.audit.ledger.checkpoint import LOG_ID
from services.audit.ledger.merkle import Frontier, root_from_frontier
from services.audit.verify.checkpoints import (
    SignedHead,
    TrustedCheckpoint,
    check_extends,
    check_trusted_signature,
    parse_checkpoint,
    served,
)
from services.audit.verify.diagnosis import classify, explain, sha256
from services.audit.verify.entries import (
    ChunkResult,
    Facts,
    KeySpec,
    Problem,
    check_entry,
    entry_facts,
    moment,
)
from services.audit.verify.reading import BundleReader, Chunk, guarded, is_bundle, read_bundle
from services.audit.verify.report import FAILURE_KINDS, Failure, Report, Stop
from services.audit.verify.workers import InlineChecker, PoolChecker
from services.shared.keyring import jwk_thumbprint, public_key_from_jwk

__all__ = [
    "FAILURE_KINDS",
    "Failure",
    "Report",
    "TrustedCheckpoint",
    "verify_bundle",
]

PARALLEL_MIN_ENTRIES = 20_000
"""Below this many entries verification stays in-process unless workers are asked for."""
LOOKAHEAD = 1024
"""How many entries past a break are read to tell a swap from a gap."""
RECENT_LEAVES = 1 << 16
"""Leaves kept since the last checkpoint, to explain a checkpoint placed too late."""

_GENESIS = bytes(32)
_NODE_PREFIX = b"\x01"


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


def _resolve_since(
    since: TrustedCheckpoint | str | None,
) -> tuple[TrustedCheckpoint | None, str | None]:
    if since is None or isinstance(since, TrustedCheckpoint):
        return since, None
    if os.path.isfile(since) and is_bundle(since):
        return None, since
    return TrustedCheckpoint.load(since), None


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
        self.trusted_moment = moment(trusted.timestamp) if trusted else None
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
        self.head: SignedHead | None = None
        self.checkpoints = 0

    # --- driving ---------------------------------------------------------------------------

    def run(self, workers: int | None) -> Report:
        failure: Failure | None = None
        source = BundleReader(self.path)
        try:
            first = self._preamble(source.items())
            if self.older_path is not None:
                self.older = self._older_entries(self.older_path)
            check_trusted_signature(self.trusted, self.ledger_keys)
            self._check_trusted_root()
            chunks = source.chunks(first)
            count = workers if workers is not None else (os.cpu_count() or 1)
            checker: InlineChecker | PoolChecker
            if count > 1 and (workers is not None or self.declared >= PARALLEL_MIN_ENTRIES):
                checker = PoolChecker(chunks, self.key_spec, signatures=self.full, workers=count)
            else:
                checker = InlineChecker(chunks, self.source_keys, signatures=self.full)
            with checker:
                for chunk, result in checker.results():
                    self._consume(chunk, result, checker.more)
            self._finish()
        except Stop as stop:
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
            last_checkpoint=served(self.head.line) if self.head else None,
            failure=failure,
            unchecked_tail=self.n - size,
        )

    # --- the preamble: header and keys -----------------------------------------------------

    def _preamble(self, items: Iterator[Line | Problem]) -> Line | Problem | None:
        header = next(items, None)
        if isinstance(header, Problem):
            raise Stop(Failure(None, header.kind, header.detail))
        if not isinstance(header, dict) or header.get("kind") != "bundle":
            raise Stop(Failure(None, "malformed", "the first line must be the bundle header "
                                                   '({"kind": "bundle", ...})'))
        if header.get("format") != FORMAT:
            raise Stop(Failure(None, "malformed", f"unknown bundle format "
                                                   f"{header.get('format')!r}, expected {FORMAT}"))
        size, log = header.get("tree_size"), header.get("log", LOG_ID)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise Stop(Failure(None, "malformed", "the header's tree_size must be a "
                                                   "non-negative integer"))
        if not isinstance(log, str) or not log:
            raise Stop(Failure(None, "malformed", "the header's log must be a string"))
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
            raise Stop(Failure(None, "malformed", f"a {what} line needs kid and jwk"))
        try:
            key = public_key_from_jwk(jwk)
            thumbprint = jwk_thumbprint(jwk)
        except (KeyError, TypeError, ValueError) as exc:
            raise Stop(Failure(None, "malformed", f"{what} {kid}: bad jwk ({exc})")) from None
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise Stop(Failure(None, "malformed", f"{what} {kid} is not an Ed25519 key"))
        if thumbprint != kid or jwk.get("kid", kid) != kid:
            raise Stop(Failure(None, "malformed", f"{what} {kid}: the kid is not the key's "
                                                   "RFC 7638 thumbprint"))
        return kid, key

    def _ledger_key(self, line: dict[str, Any]) -> None:
        kid, key = self._public_key(line, "ledger key")
        self.ledger_keys[kid] = key

    def _source_key(self, line: dict[str, Any]) -> None:
        kid, key = self._public_key(line, "source key")
        source = line.get("source")
        if not isinstance(source, str) or not source:
            raise Stop(Failure(None, "malformed", f"source key {kid} names no source"))
        known = self.source_keys.get(kid)
        if known is not None and known[0] != source:
            raise Stop(Failure(None, "malformed", f"source key {kid} is listed for both "
                                                   f"{known[0]} and {source}"))
        self.source_keys[kid] = (source, key)
        raw = key.public_bytes_raw()
        self.key_spec[kid] = (source, raw)

    def _older_entries(self, path: str) -> Iterator[bytes]:
        for item in guarded(read_bundle(path)):
            if isinstance(item, bytes):
                yield item
            elif isinstance(item, Problem):
                raise Stop(Failure(None, "malformed", f"the older bundle {path}: {item.detail}"))

    # --- chunks ----------------------------------------------------------------------------

    def _consume(self, chunk: Chunk, result: ChunkResult, more: _MoreLines) -> None:
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
                raise Stop(Failure(None, marker.kind, f"{marker.detail} (after {self.n} "
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
            self.last = sha256(lines[stop - 1])
            self._check_trusted_root()
            start = stop

    def _accept_checked(self, lines: list[bytes], i: int, more: _MoreLines) -> None:
        """Check one entry in detail, explain what is wrong with it, or take it."""
        line = lines[i]
        facts, problem = check_entry(line, self.source_keys, signatures=self.full)
        if facts is None:
            detail = problem.detail if problem else "not an entry"
            raise Stop(Failure(self.n, "malformed", detail))
        if facts.seq != self.n or facts.prev != self.last:
            ahead = list(islice(chain(lines[i + 1 :], more()), LOOKAHEAD))
            raise Stop(self._classify(facts, line, ahead))
        if problem is not None:
            following = lines[i + 1] if i + 1 < len(lines) else next(more(), None)
            raise Stop(explain(problem, line, following, n=self.n))
        if self.older is not None:
            self._compare_older(lines, i, i + 1)
        self._push([sha256(b"\x00" + line)])
        self.n += 1
        self.last = sha256(line)
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

    def _classify(self, facts: Facts, line: bytes, ahead: list[bytes]) -> Failure:
        return classify(facts, line, ahead, n=self.n, prev=self.last,
                        signed_size=self.head.size if self.head else None)

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
                raise Stop(Failure(seq, "rewritten", (
                    f"entry {seq} differs from the older bundle's (entry hash "
                    f"{sha256(lines[i]).hex()}, was {sha256(old).hex()}): the history "
                    "that bundle holds was rewritten from here"
                )))

    # --- checkpoints -----------------------------------------------------------------------

    def _checkpoint(self, line: dict[str, Any], following: _MoreLines, *, trailing: bool
                    ) -> None:
        """Check a checkpoint line against the entries before it and the last checkpoint."""
        parsed = parse_checkpoint(line, self.n)
        check_extends(parsed, self.head, ledger_keys=self.ledger_keys, log=self.log)
        size, root = parsed.checkpoint.tree_size, bytes.fromhex(parsed.checkpoint.root_hash)
        what = f"the checkpoint at tree size {size}"
        start = self.head.size if self.head else 0
        span = f"entries {start}..{size - 1}"
        if size > self.n:
            if trailing:
                raise Stop(Failure(self.n, "missing", (
                    f"the bundle ends after {self.n} entries, but {what} covers {size}: entries "
                    f"{self.n}..{size - 1} are missing"
                )))
            raise Stop(Failure(start, "missing", (
                f"{what} covers {size} entries but only {self.n} precede it: {size - self.n} of "
                f"{span} were removed (and the later ones renumbered and re-chained)"
            )))
        if size < self.n:
            if self._root_at(size) == root:
                raise Stop(Failure(None, "malformed", (
                    f"{what} stands after {self.n} entries: its line was moved"
                )))
            raise Stop(Failure(start, "modified", (
                f"{span} do not hash to the root signed at tree size {size}, and {self.n} "
                "entries precede it: entries were inserted or altered, and the chain recomputed"
            )))
        if root_from_frontier(self._frontier()) != root:
            # If the next entry is not chained to the last one, the break names the entry.
            ahead = list(islice(following(), LOOKAHEAD))
            facts = entry_facts(ahead[0]) if ahead else None
            if facts is not None and (facts.seq != self.n or facts.prev != self.last):
                raise Stop(self._classify(facts, ahead[0], ahead[1:]))
            raise Stop(Failure(start, "modified", (
                f"{span} do not hash to the root signed at tree size {size}: one of them was "
                "altered, removed or inserted, and the chain recomputed to hide it"
            )))
        self.head = SignedHead(size, root, parsed.moment, self._frontier(), line)
        self.recent = []
        self.checkpoints += 1
        trusted, trusted_moment = self.trusted, self.trusted_moment
        if (trusted and trusted_moment and size <= trusted.tree_size
                and parsed.moment < trusted_moment):
            self.trusted_anchor = size

    # --- since -----------------------------------------------------------------------------

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
        raise Stop(Failure(anchor, "rewritten", (
            f"the bundle's root at tree size {trusted.tree_size} is {root.hex()}, but the "
            f"trusted checkpoint's is {trusted.root_hash}: history it covered was rewritten; "
            f"{where}"
        )))

    def _finish(self) -> None:
        if self.n < self.declared:
            raise Stop(Failure(self.n, "missing", (
                f"the header says {self.declared} entries but only {self.n} are present: "
                f"entries {self.n}..{self.declared - 1} are missing"
            )))
        if self.n > self.declared:
            raise Stop(Failure(self.declared, "malformed", (
                f"the header says {self.declared} entries but {self.n} are present"
            )))
        trusted = self.trusted
        if trusted is not None and self.trusted_pending:
            raise Stop(Failure(self.n, "rolled-back", (
                f"the bundle has {self.n} entries but the trusted checkpoint covers "
                f"{trusted.tree_size}: entries {self.n}..{trusted.tree_size - 1} were rolled "
                "back"
            )))
        if self.older is not None:
            rest = sum(1 for _ in self.older)
            if rest:
                raise Stop(Failure(self.n, "rolled-back", (
                    f"the bundle has {self.n} entries but the older bundle has "
                    f"{self.n + rest}: entries {self.n}..{self.n + rest - 1} were rolled back"
                )))
