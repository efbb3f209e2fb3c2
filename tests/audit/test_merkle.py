"""The ledger's Merkle log against RFC 9162: reference vectors, a literal transcription of
the RFC's recursive definitions, properties of proofs and their tampered forms, and edges."""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from services.audit.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    MemoryNodeStore,
    MissingNodesError,
    Node,
    NodeId,
    ProofError,
    check_consistency,
    check_inclusion,
    consistency_proof,
    consistency_proof_length,
    frontier_at,
    inclusion_proof,
    inclusion_proof_length,
    leaf_hash,
    node_hash,
    plan_consistency,
    plan_inclusion,
    plan_root,
    root_at,
    root_from_frontier,
    verify_consistency,
    verify_inclusion,
)
from tests.audit import merkle_vectors as vectors

# --- an independent, literal RFC 9162 §2.1 implementation ----------------------------------------


def _k(n: int) -> int:
    """The RFC's k: the largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class NaiveTree:
    """MTH, PATH and PROOF/SUBPROOF as RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 write them.

    It recurses over slices D[lo:hi] of the entries; MTH of a slice is memoised only so that
    comparing every proof of a 300-leaf tree stays fast.
    """

    def __init__(self, entries: Sequence[bytes]) -> None:
        self.entries = list(entries)
        self.mth = functools.cache(self._mth)

    def _mth(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return hashlib.sha256(b"\x00" + self.entries[lo]).digest()
        k = _k(n)
        return hashlib.sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi)).digest()

    def root(self, n: int) -> bytes:
        return self.mth(0, n)

    def path(self, m: int, n: int) -> list[bytes]:
        return self._path(m, 0, n)

    def _path(self, m: int, lo: int, hi: int) -> list[bytes]:
        n = hi - lo
        if n == 1:
            return []
        k = _k(n)
        if m < k:
            return [*self._path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self._path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        return self._subproof(m, 0, n, True)

    def _subproof(self, m: int, lo: int, hi: int, b: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = _k(n)
        if m <= k:
            return [*self._subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self._subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]


# --- trees built through the appender ------------------------------------------------------------


def _entries(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(rng.randrange(0, 40)) + i.to_bytes(4, "big") for i in range(count)]


def _grow(entries: Sequence[bytes], batch_sizes: Sequence[int]) -> tuple[MemoryNodeStore, Frontier]:
    """Append entries through Frontier in batches of the given sizes (cycled)."""
    store, frontier = MemoryNodeStore(), Frontier()
    position, turn = 0, 0
    while position < len(entries):
        batch = entries[position : position + batch_sizes[turn % len(batch_sizes)]]
        frontier, nodes = frontier.append(leaf_hash(e) for e in batch)
        store.put_nodes(nodes)
        position += len(batch)
        turn += 1
    return store, frontier


SMALL = 300
SMALL_ENTRIES = _entries(SMALL, seed=9162)
SMALL_NAIVE = NaiveTree(SMALL_ENTRIES)

BIG = 1100  # past 2^10, so that eleven levels and ragged right edges are exercised
BIG_ENTRIES = _entries(BIG, seed=6962)
BIG_STORE, BIG_FRONTIER = _grow(BIG_ENTRIES, [1, 7, 64, 3, 200])
BIG_LEAVES = [leaf_hash(e) for e in BIG_ENTRIES]


@functools.cache
def big_root(size: int) -> bytes:
    return root_at(BIG_STORE, size)


@pytest.fixture(scope="module")
def small_store() -> MemoryNodeStore:
    store, frontier = _grow(SMALL_ENTRIES, [5, 1, 2, 13])
    assert frontier.size == SMALL
    return store


class CountingReader:
    """A NodeReader that records every batched read."""

    def __init__(self, inner: MemoryNodeStore) -> None:
        self.inner = inner
        self.calls: list[list[NodeId]] = []

    def get_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        self.calls.append(list(ids))
        return self.inner.get_nodes(ids)


def _h(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string)


# --- reference vectors ---------------------------------------------------------------------------

REF_ENTRIES = [_h(x) for x in vectors.LEAF_INPUTS_HEX]
REF_ROOTS = [_h(x) for x in vectors.ROOTS_HEX]
SOME_HASH = _h(vectors.SOME_HASH_HEX)


@pytest.fixture(scope="module")
def ref_store() -> MemoryNodeStore:
    store, _ = _grow(REF_ENTRIES, [1])
    return store


def test_hash_primitives_are_rfc_domain_separated() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == REF_ROOTS[0]
    assert leaf_hash(b"") == REF_ROOTS[1]
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert node_hash(left, right) != node_hash(right, left)
    assert len(leaf_hash(b"x")) == HASH_SIZE


def test_reference_roots_every_way() -> None:
    frontier = Frontier()
    store = MemoryNodeStore()
    naive = NaiveTree(REF_ENTRIES)
    assert root_from_frontier(frontier) == REF_ROOTS[0]
    for size, entry in enumerate(REF_ENTRIES, start=1):
        frontier, nodes = frontier.append([leaf_hash(entry)])
        store.put_nodes(nodes)
        assert root_from_frontier(frontier) == REF_ROOTS[size], size
        assert naive.root(size) == REF_ROOTS[size], size
    for size in range(len(REF_ROOTS)):
        assert root_at(store, size) == REF_ROOTS[size], size
    # The two values the brief states outright.
    assert REF_ROOTS[1].hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert REF_ROOTS[8].hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


@pytest.mark.parametrize(("index", "size", "path_hex"), vectors.INCLUSION_PROOFS_HEX)
def test_reference_inclusion_proofs(
    ref_store: MemoryNodeStore, index: int, size: int, path_hex: list[str]
) -> None:
    expected = [_h(x) for x in path_hex]
    assert inclusion_proof(ref_store, index, size) == expected
    assert NaiveTree(REF_ENTRIES).path(index, size) == expected
    leaf, root = leaf_hash(REF_ENTRIES[index]), REF_ROOTS[size]
    check_inclusion(leaf, index, size, expected, root)
    # transparency-dev's corruptions of the same proof, every one of which must fail.
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (index - 1, size, root, leaf, expected),
        (index + 1, size, root, leaf, expected),
        (index ^ 2, size, root, leaf, expected),
        (index, size * 2, root, leaf, expected),
        (index, size // 2, root, leaf, expected),
        (index, size, root, b"WrongLeaf", expected),
        (index, size, EMPTY_ROOT, leaf, expected),
        (index, size, SOME_HASH, leaf, expected),
        (index, size, root, leaf, [*expected, b""]),
        (index, size, root, leaf, [*expected, root]),
        (index, size, root, leaf, [b"", *expected]),
        (index, size, root, leaf, [root, *expected]),
    ]
    for i in range(len(expected)):
        flipped = list(expected)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((index, size, root, leaf, flipped))
    if expected:
        probes.append((index, size, root, leaf, expected[:-1]))
    if len(expected) > 1:
        probes.append((index, size, root, leaf, [expected[0], SOME_HASH, *expected[1:]]))
    for p_index, p_size, p_root, p_leaf, p_proof in probes:
        assert not verify_inclusion(p_leaf, p_index, p_size, p_proof, p_root), (p_index, p_size)


@pytest.mark.parametrize(("first", "second", "path_hex"), vectors.CONSISTENCY_PROOFS_HEX)
def test_reference_consistency_proofs(
    ref_store: MemoryNodeStore, first: int, second: int, path_hex: list[str]
) -> None:
    expected = [_h(x) for x in path_hex]
    assert consistency_proof(ref_store, first, second) == expected
    if first < second:
        assert NaiveTree(REF_ENTRIES).proof(first, second) == expected
    root1, root2 = REF_ROOTS[first], REF_ROOTS[second]
    check_consistency(first, second, root1, root2, expected)
    if not expected:
        return
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (first - 1, second, root1, root2, expected),
        (first + 1, second, root1, root2, expected),
        (first ^ 2, second, root1, root2, expected),
        (first, second * 2, root1, root2, expected),
        (first, second // 2, root1, root2, expected),
        (first, second, b"WrongRoot", root2, expected),
        (first, second, root1, b"WrongRoot", expected),
        (first, second, root2, root1, expected),
        (first, second, root1, root2, []),
        (first, second, root1, root2, [*expected, b""]),
        (first, second, root1, root2, [*expected, root1]),
        (first, second, root1, root2, [*expected, root2]),
        (first, second, root1, root2, [b"", *expected]),
        (first, second, root1, root2, [root1, *expected]),
        (first, second, root1, root2, [root2, *expected]),
        (first, second, root1, root2, [expected[0], *expected]),
        (first, second, root1, root2, expected[:-1]),
    ]
    for i in range(len(expected)):
        flipped = list(expected)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((first, second, root1, root2, flipped))
    for p_first, p_second, p_root1, p_root2, p_proof in probes:
        assert not verify_consistency(p_first, p_second, p_root1, p_root2, p_proof), (
            p_first,
            p_second,
        )


# --- the library against the naive RFC transcription, exhaustively -------------------------------


def test_appender_matches_naive_root_at_every_size() -> None:
    store, frontier = MemoryNodeStore(), Frontier()
    for size in range(1, SMALL + 1):
        frontier, nodes = frontier.append([leaf_hash(SMALL_ENTRIES[size - 1])])
        store.put_nodes(nodes)
        # One leaf completes exactly one perfect subtree per trailing 1 bit of the old size.
        old = size - 1
        assert [(n.level, n.index) for n in nodes] == [
            (level, old >> level) for level in range((~old & (old + 1)).bit_length())
        ]
        assert len(store) == 2 * size - size.bit_count()
        assert frontier.size == size
        assert root_from_frontier(frontier) == SMALL_NAIVE.root(size), size
        assert root_at(store, size) == SMALL_NAIVE.root(size), size
        assert frontier_at(store, size) == frontier


def test_batched_appends_store_the_same_nodes_as_single_ones(small_store: MemoryNodeStore) -> None:
    single, single_frontier = _grow(SMALL_ENTRIES, [1])
    for batches in ([SMALL], [2, 3, 5, 8], [64, 1, 17]):
        store, frontier = _grow(SMALL_ENTRIES, batches)
        assert frontier == single_frontier
        assert len(store) == len(single) == len(small_store)
        every_id = [(level, i) for level in range(9) for i in range(SMALL >> level)]
        assert store.get_nodes(every_id) == single.get_nodes(every_id)
        assert small_store.get_nodes(every_id) == single.get_nodes(every_id)
    # A perfect node holds exactly the MTH of its leaves.
    assert small_store.get_nodes([(5, 3)])[(5, 3)] == SMALL_NAIVE.mth(96, 128)


def test_root_at_every_size_of_a_larger_tree(small_store: MemoryNodeStore) -> None:
    for size in range(SMALL + 1):
        assert root_at(small_store, size) == SMALL_NAIVE.root(size), size


def test_inclusion_proofs_for_every_index_and_size(small_store: MemoryNodeStore) -> None:
    for size in range(1, SMALL + 1):
        root = SMALL_NAIVE.root(size)
        for index in range(size):
            expected = SMALL_NAIVE.path(index, size)
            proof = inclusion_proof(small_store, index, size)
            assert proof == expected, (index, size)
            assert inclusion_proof_length(index, size) == len(expected), (index, size)
            leaf = leaf_hash(SMALL_ENTRIES[index])
            assert verify_inclusion(leaf, index, size, proof, root), (index, size)


def test_consistency_proofs_for_every_pair(small_store: MemoryNodeStore) -> None:
    for second in range(SMALL + 1):
        root2 = SMALL_NAIVE.root(second)
        for first in range(second + 1):
            expected = SMALL_NAIVE.proof(first, second) if 0 < first < second else []
            proof = consistency_proof(small_store, first, second)
            assert proof == expected, (first, second)
            assert consistency_proof_length(first, second) == len(expected), (first, second)
            root1 = SMALL_NAIVE.root(first)
            assert verify_consistency(first, second, root1, root2, proof), (first, second)


# --- properties: generated proofs verify, tampered ones do not -----------------------------------

PROPERTY = settings(max_examples=150, deadline=None)


@st.composite
def leaf_in_tree(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, BIG))
    return draw(st.integers(0, size - 1)), size


@st.composite
def proper_prefix(draw: st.DrawFn) -> tuple[int, int]:
    second = draw(st.integers(2, BIG))
    return draw(st.integers(1, second - 1)), second


def _incl(index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
    return BIG_LEAVES[index], inclusion_proof(BIG_STORE, index, size), big_root(size)


def _cons(first: int, second: int) -> tuple[bytes, bytes, list[bytes]]:
    return big_root(first), big_root(second), consistency_proof(BIG_STORE, first, second)


def _flip(proof: list[bytes], element: int, bit: int) -> list[bytes]:
    tampered = list(proof)
    value = bytearray(tampered[element])
    value[bit // 8] ^= 1 << (bit % 8)
    tampered[element] = bytes(value)
    return tampered


@PROPERTY
@given(leaf_in_tree())
def test_every_inclusion_proof_verifies(case: tuple[int, int]) -> None:
    index, size = case
    leaf, proof, root = _incl(index, size)
    assert len(proof) == inclusion_proof_length(index, size)
    check_inclusion(leaf, index, size, proof, root)
    assert verify_inclusion(leaf, index, size, proof, root)


@PROPERTY
@given(proper_prefix())
def test_every_consistency_proof_verifies(case: tuple[int, int]) -> None:
    first, second = case
    root1, root2, proof = _cons(first, second)
    assert len(proof) == consistency_proof_length(first, second) > 0
    check_consistency(first, second, root1, root2, proof)
    assert verify_consistency(first, second, root1, root2, proof)


@PROPERTY
@given(leaf_in_tree(), st.data())
def test_tampered_inclusion_proof_elements_fail(case: tuple[int, int], data: st.DataObject) -> None:
    index, size = case
    leaf, proof, root = _incl(index, size)
    tampered: list[list[bytes]] = []
    extra = data.draw(st.sampled_from([SOME_HASH, root, leaf, *proof]))
    at = data.draw(st.integers(0, len(proof)))
    tampered.append([*proof[:at], extra, *proof[at:]])
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1))
        tampered.append(_flip(proof, element, data.draw(st.integers(0, 8 * HASH_SIZE - 1))))
        tampered.append(proof[:element] + proof[element + 1 :])
    if len(proof) > 1:
        i, j = sorted(
            data.draw(st.lists(st.integers(0, len(proof) - 1), min_size=2, max_size=2, unique=True))
        )
        swapped = list(proof)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        assert swapped != proof
        tampered.append(swapped)
    for bad in tampered:
        assert not verify_inclusion(leaf, index, size, bad, root)
        with pytest.raises(ProofError):
            check_inclusion(leaf, index, size, bad, root)


@PROPERTY
@given(leaf_in_tree(), st.data())
def test_inclusion_proof_fails_for_another_leaf_index_size_or_root(
    case: tuple[int, int], data: st.DataObject
) -> None:
    index, size = case
    leaf, proof, root = _incl(index, size)
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
        assert not verify_inclusion(leaf, other, size, proof, root)
        assert not verify_inclusion(BIG_LEAVES[other], index, size, proof, root)
        assert not verify_inclusion(BIG_LEAVES[other], other, size, proof, root)
    # Another checkpoint: a different size together with that size's root.
    other_size = data.draw(st.integers(index + 1, BIG).filter(lambda s: s != size))
    assert not verify_inclusion(leaf, index, other_size, proof, big_root(other_size))
    assert not verify_inclusion(leaf, index, size, proof, big_root(other_size))
    random_root = data.draw(st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE))
    assume(random_root != root)
    assert not verify_inclusion(leaf, index, size, proof, random_root)


@PROPERTY
@given(proper_prefix(), st.data())
def test_tampered_consistency_proof_elements_fail(
    case: tuple[int, int], data: st.DataObject
) -> None:
    first, second = case
    root1, root2, proof = _cons(first, second)
    element = data.draw(st.integers(0, len(proof) - 1))
    extra = data.draw(st.sampled_from([SOME_HASH, root1, root2, *proof]))
    at = data.draw(st.integers(0, len(proof)))
    tampered = [
        _flip(proof, element, data.draw(st.integers(0, 8 * HASH_SIZE - 1))),
        proof[:element] + proof[element + 1 :],
        [*proof[:at], extra, *proof[at:]],
    ]
    if len(proof) > 1:
        i, j = sorted(
            data.draw(st.lists(st.integers(0, len(proof) - 1), min_size=2, max_size=2, unique=True))
        )
        swapped = list(proof)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        assert swapped != proof
        tampered.append(swapped)
    for bad in tampered:
        assert not verify_consistency(first, second, root1, root2, bad)
        with pytest.raises(ProofError):
            check_consistency(first, second, root1, root2, bad)


@PROPERTY
@given(proper_prefix(), st.data())
def test_consistency_proof_fails_for_other_sizes_or_roots(
    case: tuple[int, int], data: st.DataObject
) -> None:
    first, second = case
    root1, root2, proof = _cons(first, second)
    other_first = data.draw(st.integers(0, second).filter(lambda s: s != first))
    # The old checkpoint replaced by another one, and the old size alone changed.
    assert not verify_consistency(other_first, second, big_root(other_first), root2, proof)
    assert not verify_consistency(other_first, second, root1, root2, proof)
    other_second = data.draw(st.integers(first, BIG).filter(lambda s: s != second))
    assert not verify_consistency(first, other_second, root1, big_root(other_second), proof)
    assert not verify_consistency(first, second, root2, root1, proof)
    wrong = data.draw(st.binary(min_size=HASH_SIZE, max_size=HASH_SIZE))
    assume(wrong not in (root1, root2))
    assert not verify_consistency(first, second, wrong, root2, proof)
    assert not verify_consistency(first, second, root1, wrong, proof)


# --- one batched read of O(log n) nodes ----------------------------------------------------------


@PROPERTY
@given(leaf_in_tree(), proper_prefix())
def test_proofs_take_one_read_of_logarithmically_many_nodes(
    leaf_case: tuple[int, int], prefix_case: tuple[int, int]
) -> None:
    index, size = leaf_case
    first, second = prefix_case
    readers = [CountingReader(BIG_STORE) for _ in range(3)]
    assert inclusion_proof(readers[0], index, size) == inclusion_proof(BIG_STORE, index, size)
    consistency_proof(readers[1], first, second)
    root_at(readers[2], size)
    # A one-leaf tree's empty path needs no read at all; everything else needs exactly one.
    assert [len(r.calls) for r in readers] == [0 if size == 1 else 1, 1, 1]
    incl_ids = readers[0].calls[0] if readers[0].calls else []
    cons_ids, root_ids = readers[1].calls[0], readers[2].calls[0]
    assert len(incl_ids) <= 2 * size.bit_length()
    assert len(cons_ids) <= 2 * second.bit_length() + 1
    assert len(root_ids) == size.bit_count()
    assert len(set(incl_ids)) == len(incl_ids) and len(set(cons_ids)) == len(cons_ids)
    # Every id read is a perfect subtree inside the tree asked about.
    assert all((i + 1) << level <= size for level, i in incl_ids)
    assert all((i + 1) << level <= second for level, i in cons_ids)


class UniformTree:
    """A consistent tree of any size whose leaves all hash alike: node (L, i) = h_L."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.level_hashes = [leaf_hash(b"same")]
        while len(self.level_hashes) <= size.bit_length():
            below = self.level_hashes[-1]
            self.level_hashes.append(node_hash(below, below))
        self.calls = 0

    def get_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        self.calls += 1
        return {
            (level, i): self.level_hashes[level]
            for level, i in ids
            if (i + 1) << level <= self.size
        }


def test_proofs_in_a_tree_of_a_trillion_leaves_stay_small() -> None:
    size = 2**40 + 12345
    tree = UniformTree(size)
    root = root_at(tree, size)
    for index in (0, 1, 2**39 + 7, 2**40 - 1, 2**40, size - 2, size - 1):
        proof = inclusion_proof(tree, index, size)
        assert len(proof) == inclusion_proof_length(index, size) <= 41 + 41
        assert verify_inclusion(tree.level_hashes[0], index, size, proof, root)
    for first in (1, 3, 2**20, 2**40 - 1, 2**40, size - 1):
        proof = consistency_proof(tree, first, size)
        assert len(proof) == consistency_proof_length(first, size)
        assert verify_consistency(first, size, root_at(tree, first), root, proof)
    assert len(plan_inclusion(size - 1, size).node_ids()) < 2 * 41
    assert len(plan_consistency(2**40 - 1, size).node_ids()) < 2 * 41 + 1


# --- edges ---------------------------------------------------------------------------------------


def test_empty_tree() -> None:
    reader = CountingReader(MemoryNodeStore())
    assert root_at(reader, 0) == EMPTY_ROOT
    assert reader.calls == []  # nothing to read for the empty tree
    assert plan_root(0).node_ids() == []
    assert root_from_frontier(Frontier()) == EMPTY_ROOT
    assert frontier_at(reader, 0) == Frontier()
    with pytest.raises(ValueError, match="not below"):
        inclusion_proof(reader, 0, 0)
    assert not verify_inclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ProofError, match="not below"):
        check_inclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)
    assert consistency_proof(reader, 0, 0) == []
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])


def test_single_leaf_tree() -> None:
    leaf = leaf_hash(b"only")
    frontier, nodes = Frontier().append([leaf])
    assert nodes == [Node(0, 0, leaf)]
    assert root_from_frontier(frontier) == leaf
    store = MemoryNodeStore(nodes)
    assert inclusion_proof(store, 0, 1) == []
    assert verify_inclusion(leaf, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 0, 1, [leaf], leaf)
    assert not verify_inclusion(leaf, 0, 1, [], SOME_HASH)
    assert not verify_inclusion(SOME_HASH, 0, 1, [], leaf)
    assert not verify_inclusion(leaf, 1, 1, [], leaf)
    assert consistency_proof(store, 1, 1) == []
    assert verify_consistency(1, 1, leaf, leaf, [])


def test_index_equal_to_size_is_refused() -> None:
    leaf, proof, root = _incl(9, 10)
    with pytest.raises(ValueError, match="not below"):
        plan_inclusion(10, 10)
    with pytest.raises(ValueError, match="not below"):
        inclusion_proof(BIG_STORE, 10, 10)
    with pytest.raises(ValueError, match="not below"):
        inclusion_proof_length(10, 10)
    with pytest.raises(ProofError, match="not below"):
        check_inclusion(leaf, 10, 10, proof, root)
    assert not verify_inclusion(leaf, 10, 10, proof, root)


@pytest.mark.parametrize(
    ("first", "second", "root1", "root2", "proof", "holds"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 0, EMPTY_ROOT, SOME_HASH, [], False),
        (0, 0, SOME_HASH, SOME_HASH, [], False),
        (0, 1, EMPTY_ROOT, SOME_HASH, [], True),
        (0, 1, EMPTY_ROOT, SOME_HASH, [EMPTY_ROOT], False),
        (0, 1, SOME_HASH, SOME_HASH, [], False),
        (1, 1, SOME_HASH, SOME_HASH, [], True),
        (1, 1, EMPTY_ROOT, SOME_HASH, [], False),
        (1, 1, SOME_HASH, SOME_HASH, [EMPTY_ROOT], False),
        (1, 0, SOME_HASH, EMPTY_ROOT, [], False),
        (2, 1, SOME_HASH, SOME_HASH, [], False),
        (1, 2, SOME_HASH, EMPTY_ROOT, [], False),
    ],
)
def test_trivial_consistency_cases(
    first: int, second: int, root1: bytes, root2: bytes, proof: list[bytes], holds: bool
) -> None:
    # transparency-dev's table, except that a size-0 tree must have the empty root.
    assert verify_consistency(first, second, root1, root2, proof) is holds


def test_equal_sizes() -> None:
    root = big_root(37)
    assert consistency_proof(BIG_STORE, 37, 37) == []
    assert verify_consistency(37, 37, root, root, [])
    assert not verify_consistency(37, 37, root, big_root(38), [])
    with pytest.raises(ProofError, match="exactly 0"):
        check_consistency(37, 37, root, root, [root])


def test_first_size_zero() -> None:
    root = big_root(37)
    assert consistency_proof(BIG_STORE, 0, 37) == []
    assert verify_consistency(0, 37, EMPTY_ROOT, root, [])
    with pytest.raises(ProofError, match="exactly 0"):
        check_consistency(0, 37, EMPTY_ROOT, root, [root])
    # A claimed empty tree whose root is not the empty root is no empty tree.
    with pytest.raises(ProofError, match="empty tree"):
        check_consistency(0, 37, SOME_HASH, root, [])


def test_shrinking_tree_is_refused() -> None:
    with pytest.raises(ValueError, match="larger"):
        plan_consistency(5, 4)
    with pytest.raises(ValueError, match="larger"):
        consistency_proof(BIG_STORE, 5, 4)
    with pytest.raises(ProofError, match="larger"):
        check_consistency(5, 4, big_root(5), big_root(4), [])
    assert not verify_consistency(
        5, 4, big_root(5), big_root(4), consistency_proof(BIG_STORE, 4, 5)
    )


def test_empty_proof_between_different_sizes_fails() -> None:
    with pytest.raises(ProofError, match="exactly 1"):
        check_consistency(4, 8, big_root(4), big_root(8), [])
    with pytest.raises(ProofError, match="exactly 3"):
        check_inclusion(BIG_LEAVES[0], 0, 8, [], big_root(8))


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_hashes_must_be_32_bytes(length: int) -> None:
    leaf, proof, root = _incl(5, 11)
    bad = b"\x07" * length
    assert not verify_inclusion(bad, 5, 11, proof, root)
    assert not verify_inclusion(leaf, 5, 11, proof, bad)
    assert not verify_inclusion(leaf, 5, 11, [bad, *proof[1:]], root)
    root1, root2, cproof = _cons(6, 11)
    assert not verify_consistency(6, 11, bad, root2, cproof)
    assert not verify_consistency(6, 11, root1, bad, cproof)
    assert not verify_consistency(6, 11, root1, root2, [*cproof[:-1], bad])
    with pytest.raises(ProofError, match="32 bytes"):
        check_inclusion(leaf, 5, 11, [*proof[:-1], bad], root)


def test_malformed_arguments_are_proof_errors_not_crashes() -> None:
    leaf, proof, root = _incl(5, 11)
    joined = b"".join(proof)
    with pytest.raises(ProofError, match="sequence"):
        check_inclusion(leaf, 5, 11, joined, root)  # a concatenation is not a list
    with pytest.raises(ProofError, match="bytes"):
        check_inclusion(leaf, 5, 11, [p.hex() for p in proof], root)
    with pytest.raises(ProofError, match="integer"):
        check_inclusion(leaf, True, 11, proof, root)
    with pytest.raises(ProofError, match="negative"):
        check_inclusion(leaf, -1, 11, proof, root)
    with pytest.raises(ProofError, match="negative"):
        check_consistency(-1, 11, root, root, [])
    with pytest.raises(ValueError, match="negative"):
        plan_inclusion(-1, 11)
    with pytest.raises(ValueError, match="negative"):
        plan_root(-1)


def test_size_is_bound_only_through_the_checkpoint() -> None:
    # RFC 9162 roots do not commit to the tree size: leaf 0's path in a tree of 3 also
    # "verifies" as size 4 against the size-3 root. Size and root must be read from the
    # same signed checkpoint; this test documents why.
    leaf, proof, root3 = _incl(0, 3)
    assert verify_inclusion(leaf, 0, 3, proof, root3)
    assert verify_inclusion(leaf, 0, 4, proof, root3)
    assert not verify_inclusion(leaf, 0, 4, proof, big_root(4))


# --- storage and frontier contracts --------------------------------------------------------------


def test_missing_nodes_are_reported() -> None:
    store, _ = _grow(BIG_ENTRIES[:10], [1])
    with pytest.raises(MissingNodesError) as caught:
        inclusion_proof(store, 3, 20)
    assert caught.value.missing == ((3, 1), (2, 4))
    with pytest.raises(MissingNodesError):
        root_at(store, 11)
    with pytest.raises(MissingNodesError):
        frontier_at(store, 12)
    assert root_at(store, 10) == big_root(10)


def test_store_refuses_to_rewrite_a_node() -> None:
    store = MemoryNodeStore([Node(0, 0, leaf_hash(b"a"))])
    store.put_nodes([Node(0, 0, leaf_hash(b"a"))])  # the same write again is harmless
    assert len(store) == 1
    with pytest.raises(ValueError, match="another hash"):
        store.put_nodes([Node(0, 0, leaf_hash(b"b"))])
    with pytest.raises(ValueError, match="negative"):
        store.put_nodes([Node(0, -1, leaf_hash(b"b"))])
    assert store.get_nodes([(0, 0), (0, 1), (3, 0), (-1, 0), (0, -1)]) == {(0, 0): leaf_hash(b"a")}


def test_frontier_refuses_inconsistent_state() -> None:
    with pytest.raises(ValueError, match="frontier hashes"):
        Frontier(3, (SOME_HASH,))
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier(1, (b"short",))
    with pytest.raises(ValueError, match="negative"):
        Frontier(-1, ())
    with pytest.raises(ValueError, match="leaf hashes are 32 bytes"):
        Frontier().append([b"not a hash"])
    with pytest.raises(ValueError, match="leaf hashes are 32 bytes"):
        Frontier(1, (SOME_HASH,)).append([b"short"])  # would vanish into a node hash
    assert BIG_FRONTIER.node_ids() == [(10, 0), (6, 16), (3, 136), (2, 274)]
    assert root_from_frontier(BIG_FRONTIER) == big_root(BIG)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, BIG), st.lists(st.integers(1, 40), max_size=6))
def test_resumed_frontier_appends_like_an_uninterrupted_one(start: int, batches: list[int]) -> None:
    # A sequencer that restarts loads its frontier from the store and carries on.
    resumed = frontier_at(BIG_STORE, start)
    assert root_from_frontier(resumed) == big_root(start)
    extra = _entries(sum(batches), seed=start)
    frontier, store = resumed, MemoryNodeStore()
    position = 0
    for count in batches:
        frontier, nodes = frontier.append(leaf_hash(e) for e in extra[position : position + count])
        store.put_nodes(nodes)
        position += count
    assert frontier.size == start + len(extra)
    naive = NaiveTree([*BIG_ENTRIES[:start], *extra])
    assert root_from_frontier(frontier) == naive.root(frontier.size)
