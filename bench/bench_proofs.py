"""Inclusion-proof generation at 1,000,000 entries: the ledger's store against pymerkle.

Builds (once, cached under ``bench/out/``) a SQLite ``merkle_nodes`` table exactly as
the audit service stores it, by appending 1,000,000 leaf hashes through the
sequencer's :class:`Frontier`, and a pymerkle ``SqliteTree`` with the same entries.
Then times inclusion proofs for random leaves against the full tree, cold (a fresh
connection and process cache) and warm, median of three runs, and prints p50/p95 and
proofs/s for both, with the ratio.

Usage: ``python -m bench proofs [--entries N] [--proofs K]``
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.audit.ledger.merkle import (
    Frontier,
    inclusion_proof,
    leaf_hash,
    root_from_frontier,
    verify_inclusion,
)
from services.audit.ledger.repository import SessionNodeReader
from services.shared.migrations import upgrade

OUT = Path(__file__).parent / "out"


def entry(i: int) -> bytes:
    return f'{{"seq":{i},"record":"entry {i}"}}'.encode()


def build_ours(path: Path, n: int) -> bytes:
    """The audit schema with ``n`` leaves' Merkle nodes; returns the root."""
    if path.exists():
        path.unlink()
    upgrade("audit", f"sqlite:///{path}")
    con = sqlite3.connect(path)
    frontier = Frontier()
    chunk = 50_000
    for start in range(0, n, chunk):
        appended = frontier.append(leaf_hash(entry(i)) for i in range(start, min(n, start + chunk)))
        frontier = appended.frontier
        con.executemany("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)",
                        [(node.level, node.index, node.hash) for node in appended.nodes])
        con.commit()
    con.close()
    return root_from_frontier(frontier)


def build_pymerkle(path: Path, n: int) -> None:
    from pymerkle import SqliteTree

    if path.exists():
        path.unlink()
    tree = SqliteTree(str(path), algorithm="sha256")
    chunk = 50_000
    for start in range(0, n, chunk):
        tree.append_entries([entry(i) for i in range(start, min(n, start + chunk))])
    tree.close()


def time_ours(path: Path, n: int, indices: list[int], root: bytes) -> list[float]:
    engine = create_engine(f"sqlite:///{path}")
    times = []
    with Session(engine) as session:
        reader = SessionNodeReader(session)
        for index in indices:
            started = time.perf_counter()
            proof = inclusion_proof(reader, index, n)
            times.append(time.perf_counter() - started)
            assert verify_inclusion(leaf_hash(entry(index)), index, n, proof, root)
    engine.dispose()
    return times


def time_pymerkle(path: Path, n: int, indices: list[int]) -> list[float]:
    from pymerkle import SqliteTree

    tree = SqliteTree(str(path), algorithm="sha256")
    times = []
    for index in indices:
        started = time.perf_counter()
        tree.prove_inclusion(index + 1, n)  # pymerkle counts leaves from 1
        times.append(time.perf_counter() - started)
    tree.close()
    return times


def summary(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p50 = ordered[len(ordered) // 2] * 1000
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    return p50, p95, len(times) / sum(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=2000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    ours_db = OUT / f"proofs-ours-{args.entries}.db"
    theirs_db = OUT / f"proofs-pymerkle-{args.entries}.db"
    root_file = OUT / f"proofs-root-{args.entries}.hex"
    if not (ours_db.exists() and root_file.exists()):
        started = time.perf_counter()
        root_file.write_text(build_ours(ours_db, args.entries).hex())
        print(f"built our store in {time.perf_counter() - started:.1f}s")
    if not theirs_db.exists():
        started = time.perf_counter()
        build_pymerkle(theirs_db, args.entries)
        print(f"built pymerkle store in {time.perf_counter() - started:.1f}s")
    root = bytes.fromhex(root_file.read_text())

    rng = random.Random(7)
    results: dict[str, list[tuple[float, float, float]]] = {}
    for run in range(3):
        indices = [rng.randrange(args.entries) for _ in range(args.proofs)]
        # cold: first proofs on a fresh connection; warm: the same proofs again
        for label, fn in (
            ("ours", lambda ix: time_ours(ours_db, args.entries, ix, root)),
            ("pymerkle", lambda ix: time_pymerkle(theirs_db, args.entries, ix)),
        ):
            results.setdefault(f"{label} cold", []).append(summary(fn(indices[:200])))
            results.setdefault(f"{label} warm", []).append(summary(fn(indices)))
        print(f"run {run + 1} done")
    print(f"inclusion proofs at {args.entries:,} entries (median of 3 runs)")
    medians = {}
    for label, runs in results.items():
        p50 = statistics.median(r[0] for r in runs)
        p95 = statistics.median(r[1] for r in runs)
        rate = statistics.median(r[2] for r in runs)
        medians[label] = rate
        print(f"  {label:14s} p50 {p50:7.3f} ms  p95 {p95:7.3f} ms  {rate:9.0f} proofs/s")
    for mode in ("cold", "warm"):
        ratio = medians[f"ours {mode}"] / medians[f"pymerkle {mode}"]
        print(f"  {mode}: ours / pymerkle = {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
