"""Diagnosis: what an entry that breaks the chain or fails its checks tells about the
tampering (a swap, a gap, an altered entry, a recomputed chain)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from services.audit.verify.entries import Facts, Problem, entry_facts
from services.audit.verify.report import Failure


def sha256(data: bytes) -> bytes:
    """The SHA-256 digest of ``data`` (an entry line's is its entry hash)."""
    return hashlib.sha256(data).digest()


def classify(facts: Facts, line: bytes, ahead_lines: list[bytes], *, n: int, prev: bytes,
             signed_size: int | None) -> Failure:
    """An entry not where the chain expects it (entry ``n``, chained to ``prev``):
    reordered, missing, or modified. ``ahead_lines`` are the lines after it;
    ``signed_size`` the size of the last checkpoint verified."""
    seq, here = facts.seq, sha256(line)
    ahead = [(entry_facts(later), sha256(later)) for later in ahead_lines]
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
        if signed_size == n:
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


def explain(problem: Problem, line: bytes, following: bytes | None, *, n: int) -> Failure:
    """The failure of entry ``n``, which has a problem of its own; ``following`` (the next
    line) tells whether the chain was recomputed over it."""
    detail = problem.detail
    if problem.kind == "bad-signature" and following is not None:
        later = entry_facts(following)
        if later is not None and later.prev == sha256(line):
            detail += "; the next entry is chained to it as it stands (hashes recomputed)"
        elif later is not None:
            detail += ("; the next entry's prev_hash does not match it either: its bytes "
                       "changed after it was sealed")
    return Failure(n, problem.kind, detail)
