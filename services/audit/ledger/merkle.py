"""The ledger's Merkle log, exactly as RFC 9162 (Certificate Transparency 2.0) §2.1.

Pure code, no I/O. What lives here:

- hashing: ``leaf_hash`` = SHA-256(0x00 ‖ data), ``node_hash`` = SHA-256(0x01 ‖ left ‖ right),
  the empty tree's root ``EMPTY_ROOT`` = SHA-256(""); an odd node is never duplicated;
- storage model: the log keeps the hash of every *perfect* subtree. Node ``(level, index)``
  is the hash of leaves ``[index·2^level, (index+1)·2^level)``; level 0 holds leaf hashes.
  Every hash of any tree size is a fold of O(log n) of them, so nothing is ever rehashed
  from leaves. ``NodeReader`` reads a batch of them (one query); ``MemoryNodeStore`` keeps
  them in memory;
- ``Frontier``: the right edge of a tree (one perfect-subtree hash per set bit of its size).
  Appending leaf hashes to it yields the new perfect nodes to store and the next frontier,
  without reading anything: this is what the single sequencer keeps;
- proofs: ``plan_inclusion`` / ``plan_consistency`` / ``plan_root`` say which node ids are
  needed (a ``NodePlan``); ``NodePlan.assemble`` turns the fetched hashes into the RFC 9162
  §2.1.3.1 audit path or §2.1.4.1 consistency path, element for element;
- verification, RFC 9162 §2.1.3.2 and §2.1.4.2, with exact proof lengths enforced:
  ``check_*`` raise ``ProofError`` with the reason, ``verify_*`` answer a bool.

A tree size and its root must come from the same signed checkpoint: RFC 9162 hashing does
not bind the size into the root, so a proof checked against a root of another size can
succeed (for example the path of leaf 0 in a tree of 3 also "verifies" as size 4 against
the size-3 root).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Appended",
    "Frontier",
    "MemoryNodeStore",
    "MissingNodesError",
    "Node",
    "NodeId",
    "NodePlan",
    "NodeReader",
    "ProofError",
    "check_consistency",
    "check_inclusion",
    "consistency_proof",
    "consistency_proof_length",
    "frontier_at",
    "inclusion_proof",
    "inclusion_proof_length",
    "leaf_hash",
    "node_hash",
    "plan_consistency",
    "plan_inclusion",
    "plan_root",
    "root_at",
    "root_from_frontier",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

NodeId = tuple[int, int]
"""``(level, index)`` of a perfect subtree: leaves ``[index·2^level, (index+1)·2^level)``."""


@dataclass(frozen=True, slots=True)
class Node:
    """One perfect-subtree hash, as the log stores it."""

    level: int
    index: int
    hash: bytes


class ProofError(ValueError):
    """A proof, or what it is checked against, is malformed or does not verify."""


class MissingNodesError(LookupError):
    """The node store lacks hashes a plan needs: the tree is smaller than asked, or damaged."""

    def __init__(self, missing: Sequence[NodeId]) -> None:
        self.missing = tuple(missing)
        super().__init__(f"node store lacks {len(self.missing)} node(s): {list(self.missing)}")


# --- hashing -------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data): the RFC 9162 hash of one entry, domain-separated from nodes."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right): the RFC 9162 hash of an interior node."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _fold(hashes: Sequence[bytes]) -> bytes:
    # The MTH of consecutive perfect subtrees, largest first: RFC 9162 splits at the largest
    # power of two, so the tree over them is right-leaning and folds from the right.
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for i in range(len(hashes) - 2, -1, -1):
        acc = _sha256(_NODE_PREFIX + hashes[i] + acc).digest()
    return acc


def _subtree_nodes(start: int, end: int) -> tuple[NodeId, ...]:
    # Leaves [start, end) of an RFC 9162 subtree as perfect subtrees, largest first. Every
    # subtree the RFC recursion visits starts at a multiple of the largest power of two not
    # above its size, so each piece below is aligned.
    ids: list[NodeId] = []
    remaining = end - start
    while remaining:
        level = remaining.bit_length() - 1
        ids.append((level, start >> level))
        start += 1 << level
        remaining -= 1 << level
    return tuple(ids)


# --- storage -------------------------------------------------------------------------------------


class NodeReader(Protocol):
    """Where perfect-subtree hashes are read from; one call is one batched read."""

    def get_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        """The stored hashes of those ids that exist; absent ids are left out."""
        ...


class MemoryNodeStore:
    """Perfect-subtree hashes in memory: the reference ``NodeReader`` for tests and benches."""

    def __init__(self, nodes: Iterable[Node] = ()) -> None:
        """Start empty, or with the given nodes."""
        # One list per level, indexed by node index: a log fills each level left to right,
        # and list indexing keeps lookups cheap in trees of millions of nodes (a dict keyed
        # by tuples costs several cache misses per lookup). Holes are None.
        self._levels: list[list[bytes | None]] = []
        self._count = 0
        self.put_nodes(nodes)

    def put_nodes(self, nodes: Iterable[Node]) -> None:
        """Store nodes; a node is written once, so a different hash for it is refused."""
        levels = self._levels
        for node in nodes:
            level, index, digest = node.level, node.index, node.hash
            if level < 0 or index < 0:
                raise ValueError(f"node ({level}, {index}) has a negative coordinate")
            while len(levels) <= level:
                levels.append([])
            row = levels[level]
            if index >= len(row):
                row.extend([None] * (index - len(row)))
                row.append(digest)
                self._count += 1
                continue
            old = row[index]
            if old is None:
                row[index] = digest
                self._count += 1
            elif old != digest:
                raise ValueError(f"node ({level}, {index}) is already stored with another hash")

    def get_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        """The stored hashes of those ids that exist."""
        levels = self._levels
        depth = len(levels)
        found: dict[NodeId, bytes] = {}
        for node_id in ids:
            level, index = node_id
            if 0 <= level < depth and index >= 0:
                row = levels[level]
                if index < len(row):
                    digest = row[index]
                    if digest is not None:
                        found[node_id] = digest
        return found

    def __len__(self) -> int:
        """How many nodes are stored."""
        return self._count


@dataclass(frozen=True, slots=True)
class NodePlan:
    """The perfect-subtree ids a proof or root needs, grouped: each group folds into one hash."""

    groups: tuple[tuple[NodeId, ...], ...]

    def node_ids(self) -> list[NodeId]:
        """Every id to fetch, in one list for one batched read."""
        return [node_id for group in self.groups for node_id in group]

    def assemble(self, nodes: Mapping[NodeId, bytes]) -> list[bytes]:
        """The planned hashes (proof elements, in proof order) from the fetched nodes."""
        try:
            return [
                nodes[group[0]] if len(group) == 1 else _fold([nodes[i] for i in group])
                for group in self.groups
            ]
        except KeyError:
            missing = [i for i in self.node_ids() if i not in nodes]
            raise MissingNodesError(missing) from None


def _read(reader: NodeReader, plan: NodePlan) -> list[bytes]:
    ids = plan.node_ids()
    return plan.assemble(reader.get_nodes(ids) if ids else {})


def _require_size(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


# --- the right edge, for appends -----------------------------------------------------------------


class Appended(NamedTuple):
    """What an append produced: the next frontier and every new perfect node to store."""

    frontier: Frontier
    nodes: list[Node]


@dataclass(frozen=True, slots=True)
class Frontier:
    """The right edge of a tree of ``size`` leaves: one hash per set bit of size, largest first."""

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        """Refuse a frontier whose hashes do not match the set bits of its size."""
        _require_size("size", self.size)
        if len(self.hashes) != self.size.bit_count():
            raise ValueError(
                f"a tree of {self.size} leaves has {self.size.bit_count()} frontier hashes, "
                f"not {len(self.hashes)}"
            )
        for digest in self.hashes:
            if len(digest) != HASH_SIZE:
                raise ValueError(f"frontier hashes are {HASH_SIZE} bytes, got {len(digest)}")

    def node_ids(self) -> list[NodeId]:
        """The (level, index) of each frontier hash, in order."""
        return list(_subtree_nodes(0, self.size))

    def append(self, leaf_hashes: Iterable[bytes]) -> Appended:
        """Append leaf hashes: the new frontier and the new perfect nodes, reading nothing."""
        stack = list(self.hashes)
        size = self.size
        created: list[Node] = []
        sha256 = _sha256
        for digest in leaf_hashes:
            if len(digest) != HASH_SIZE:
                raise ValueError(f"leaf hashes are {HASH_SIZE} bytes, got {len(digest)}")
            created.append(Node(0, size, digest))
            # Binary carry: each trailing 1 bit of the old size is a perfect subtree on the
            # edge that the new leaf completes into one twice as large.
            level, index = 0, size
            while index & 1:
                digest = sha256(_NODE_PREFIX + stack.pop() + digest).digest()
                level += 1
                index >>= 1
                created.append(Node(level, index, digest))
            stack.append(digest)
            size += 1
        return Appended(Frontier(size, tuple(stack)), created)


def root_from_frontier(frontier: Frontier) -> bytes:
    """The root hash of the frontier's tree, computed from the frontier alone."""
    return _fold(frontier.hashes)


def frontier_at(reader: NodeReader, size: int) -> Frontier:
    """The frontier of the first ``size`` leaves, in one read: how a sequencer resumes."""
    plan = plan_root(size)
    ids = plan.node_ids()
    nodes = reader.get_nodes(ids) if ids else {}
    try:
        hashes = tuple(nodes[i] for i in ids)
    except KeyError:
        raise MissingNodesError([i for i in ids if i not in nodes]) from None
    return Frontier(size, hashes)


# --- proof planning and generation ---------------------------------------------------------------


def plan_root(size: int) -> NodePlan:
    """The nodes whose fold is the root of the first ``size`` leaves (one group)."""
    _require_size("size", size)
    return NodePlan((_subtree_nodes(0, size),))


def _append_path(level: int, index: int, size: int, groups: list[tuple[NodeId, ...]]) -> None:
    # Append, leaf side first, the RFC 9162 audit path of the perfect node (level, index) in
    # the tree of ``size`` leaves: one group of node ids per path element. This is the RFC's
    # recursive PATH unrolled with bit arithmetic: below ``inner`` levels up, the node and
    # the tree's last leaf are in sibling subtrees, so every sibling is perfect except
    # perhaps the one holding the last leaf; above, the node's subtree is the right-edge
    # one and each set bit of the remaining index is a perfect left sibling.
    last = (size - 1) >> level
    inner = (index ^ last).bit_length()
    for step in range(inner - 1):
        groups.append(((level, (index >> step) ^ 1),))
        level += 1
    if inner:
        sibling = (index >> (inner - 1)) ^ 1
        start = sibling << level
        if start + (1 << level) <= size:
            groups.append(((level, sibling),))
        else:
            groups.append(_subtree_nodes(start, size))
        level += 1
    rest = index >> inner
    while rest:
        if rest & 1:
            groups.append(((level, rest ^ 1),))
        rest >>= 1
        level += 1


def plan_inclusion(index: int, size: int) -> NodePlan:
    """The nodes of the RFC 9162 §2.1.3.1 audit path PATH(index, D[size]), one group each."""
    _require_size("index", index)
    if index >= size:
        raise ValueError(f"leaf index {index} is not below tree size {size}")
    groups: list[tuple[NodeId, ...]] = []
    _append_path(0, index, size, groups)
    return NodePlan(tuple(groups))


def plan_consistency(first: int, second: int) -> NodePlan:
    """The nodes of the RFC 9162 §2.1.4.1 consistency path PROOF(first, D[second])."""
    _require_size("first", first)
    if first > second:
        raise ValueError(f"first size {first} is larger than second size {second}")
    if first in (0, second):
        return NodePlan(())
    # SUBPROOF unrolled: the largest perfect subtree ending at leaf ``first`` (sent unless
    # it is the whole old tree, whose root the verifier holds), then its audit path in the
    # new tree.
    level = (first & -first).bit_length() - 1
    index = (first - 1) >> level
    groups: list[tuple[NodeId, ...]] = [] if index == 0 else [((level, index),)]
    _append_path(level, index, second, groups)
    return NodePlan(tuple(groups))


def root_at(reader: NodeReader, size: int) -> bytes:
    """The root of the first ``size`` leaves of the stored tree, from O(log size) nodes."""
    return _read(reader, plan_root(size))[0]


def inclusion_proof(reader: NodeReader, index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves, in one read."""
    return _read(reader, plan_inclusion(index, size))


def consistency_proof(reader: NodeReader, first: int, second: int) -> list[bytes]:
    """The consistency path from tree size ``first`` to ``second``, in one read."""
    return _read(reader, plan_consistency(first, second))


def inclusion_proof_length(index: int, size: int) -> int:
    """How many hashes the audit path of leaf ``index`` in a tree of ``size`` has."""
    _require_size("index", index)
    if index >= size:
        raise ValueError(f"leaf index {index} is not below tree size {size}")
    # Below level ``inner`` the leaf's subtrees are perfect (one sibling per level); above
    # it, one left sibling per set bit of the remaining index.
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(first: int, second: int) -> int:
    """How many hashes the consistency path from size ``first`` to ``second`` has."""
    _require_size("first", first)
    if first > second:
        raise ValueError(f"first size {first} is larger than second size {second}")
    if first in (0, second):
        return 0
    # The audit path of leaf first-1 in the larger tree, minus the levels inside the
    # largest perfect subtree ending at ``first``, whose hash is sent (or is the old root).
    shift = (first & -first).bit_length() - 1
    length = inclusion_proof_length(first - 1, second) - shift
    return length if first == 1 << shift else length + 1


# --- verification --------------------------------------------------------------------------------


def _check_count(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProofError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ProofError(f"{name} must not be negative, got {value}")


def _check_hash(name: str, value: bytes) -> None:
    if not isinstance(value, bytes):
        raise ProofError(f"{name} must be bytes, got {type(value).__name__}")
    if len(value) != HASH_SIZE:
        raise ProofError(f"{name} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_path(proof: Sequence[bytes], expected: int) -> None:
    if isinstance(proof, (bytes, str)) or not isinstance(proof, Sequence):
        raise ProofError(f"proof must be a sequence of hashes, got {type(proof).__name__}")
    if len(proof) != expected:
        raise ProofError(f"proof has {len(proof)} hashes, exactly {expected} are needed")
    for i, element in enumerate(proof):
        _check_hash(f"proof[{i}]", element)


def check_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ``ProofError`` unless ``proof`` shows leaf ``index`` of tree ``size`` under root."""
    _check_count("leaf index", index)
    _check_count("tree size", size)
    if index >= size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root", root)
    _check_path(proof, inclusion_proof_length(index, size))
    # RFC 9162 §2.1.3.2, step by step.
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError("proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof is shorter than the path to the root")
    if r != root:
        raise ProofError("proof does not lead from the leaf hash to the root")


def check_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ``ProofError`` unless ``proof`` shows tree ``first`` is a prefix of ``second``."""
    _check_count("first size", first)
    _check_count("second size", second)
    if first > second:
        raise ProofError(f"first size {first} is larger than second size {second}")
    _check_hash("first root", first_root)
    _check_hash("second root", second_root)
    _check_path(proof, consistency_proof_length(first, second))
    if first == 0 and first_root != EMPTY_ROOT:
        # Every tree extends the empty one, but only if the old root really is the empty root.
        raise ProofError("the root of an empty tree must be SHA-256 of the empty string")
    if first == second:
        if first_root != second_root:
            raise ProofError("equal tree sizes with different roots")
        return
    if first == 0:
        return
    # RFC 9162 §2.1.4.2, step by step.
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof is shorter than the path to the root")
    if fr != first_root:
        raise ProofError("proof does not reproduce the first root")
    if sr != second_root:
        raise ProofError("proof does not reproduce the second root")


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf ``index`` of tree ``size`` under ``root``; never raises."""
    try:
        check_inclusion(leaf_hash, index, size, proof, root)
    except ProofError:
        return False
    return True


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows tree ``first`` is a prefix of ``second``; never raises."""
    try:
        check_consistency(first, second, first_root, second_root, proof)
    except ProofError:
        return False
    return True
