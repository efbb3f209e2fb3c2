"""Offline bundle verification at 1,000,000 entries: ``--fast`` and full (every signature).

Builds (once, cached under ``bench/out/``) a synthetic but valid bundle as the ledger's
export writes it: realistic entries of about 600 bytes whose records are signed by two
source keys (catalog and exchange), hash-chained, with a checkpoint signed by a ledger key
every 1,000 entries carrying its consistency proof from the previous one. Then times
:func:`services.audit.verify.verify_bundle` in both modes, median of three runs, and prints
entries/s. Targets: fast under 10 s, full under 90 s on two cores.

Usage: ``python -m bench verify [--entries N] [--runs R] [--workers W] [--mode fast|full|both]
[--rebuild]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.bundle import FORMAT, dumps
from services.audit.ledger.checkpoint import LOG_ID, Checkpoint
from services.audit.ledger.entry import GENESIS_HASH, seal
from services.audit.ledger.merkle import (
    Frontier,
    NodeId,
    consistency_proof,
    root_from_frontier,
)
from services.audit.verify import verify_bundle
from services.shared.canonical import canonical_json
from services.shared.events import rfc3339
from services.shared.keyring import SigningKey, generate_key

OUT = Path(__file__).parent / "out"
EVERY = 1000
BATCH = 5000
BASE = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
SOURCES = ("catalog", "exchange")


# --- building the bundle (signatures in worker processes) ----------------------------------

_signers: dict[str, tuple[str, ed25519.Ed25519PrivateKey]] = {}


def _init_signer(pems: dict[str, tuple[str, bytes]]) -> None:
    for source, (kid, pem) in pems.items():
        key = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(key, ed25519.Ed25519PrivateKey)
        _signers[source] = (kid, key)


def _hex(i: int, salt: bytes) -> str:
    return hashlib.sha256(salt + i.to_bytes(8, "big")).hexdigest()


def record(i: int) -> dict[str, object]:
    """A realistic record: ids and hashes only, as the services emit them."""
    source = SOURCES[i % 2]
    h = _hex(i, b"ids")
    occurred = rfc3339(BASE + timedelta(milliseconds=i))
    if source == "exchange":
        payload: dict[str, object] = {
            "amount": f"{(i * 37) % 100000}.{i % 100:02d}", "currency": "CNY",
            "listing_id": f"lst_{h[:20]}", "buyer_org": f"org_{h[40:56]}",
        }
        kind, subject = "order.paid", f"ord_{h[20:40]}"
    else:
        payload = {"version": i % 17 + 1, "content_sha256": _hex(i, b"content")}
        kind, subject = "dataset.listed", f"ds_{h[:20]}"
    return {"event_id": f"evt_{_hex(i, b'evt')[:32]}", "type": kind, "source": source,
            "actor": f"svc_{source}", "subject": subject, "occurred_at": occurred,
            "payload": payload}


def _sign_batch(bounds: tuple[int, int]) -> list[tuple[bytes, bytes, bytes]]:
    out = []
    for i in range(*bounds):
        kid, key = _signers[SOURCES[i % 2]]
        data = canonical_json(record(i))
        out.append((data, kid.encode(), key.sign(data).hex().encode()))
    return out


class _Nodes:
    """The nodes a consistency proof from the last checkpoint can need: the old tree's
    frontier and every node appended since (memory stays flat)."""

    def __init__(self) -> None:
        self.nodes: dict[NodeId, bytes] = {}

    def get_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        return {i: self.nodes[i] for i in ids if i in self.nodes}

    def restart(self, frontier: Frontier) -> None:
        self.nodes = dict(zip(frontier.node_ids(), frontier.hashes, strict=True))


def _checkpoint_line(key: SigningKey, frontier: Frontier, previous: int | None,
                     path: list[bytes]) -> dict[str, object]:
    moment = rfc3339(BASE + timedelta(milliseconds=frontier.size, microseconds=500))
    cp = Checkpoint(tree_size=frontier.size, root_hash=root_from_frontier(frontier).hex(),
                    timestamp=moment)
    return {"kind": "checkpoint",
            "checkpoint": {"log": LOG_ID, "tree_size": cp.tree_size, "root_hash": cp.root_hash,
                           "timestamp": cp.timestamp},
            "kid": key.kid, "signature": cp.sign(key), "previous_size": previous,
            "consistency_path": [h.hex() for h in path]}


def _lines(n: int, workers: int) -> Iterator[bytes | dict[str, object]]:
    ledger = generate_key("EdDSA")
    keys = {source: generate_key("EdDSA") for source in SOURCES}
    yield {"kind": "bundle", "format": FORMAT, "log": LOG_ID, "tree_size": n,
           "exported_at": rfc3339(BASE + timedelta(days=30))}
    yield {"kind": "ledger_key", "kid": ledger.kid, "jwk": ledger.jwk()}
    for source, key in keys.items():
        jwk = {k: v for k, v in key.jwk().items() if k in ("kty", "crv", "x", "kid")}
        yield {"kind": "source_key", "source": source, "kid": key.kid, "jwk": jwk,
               "registered_at": rfc3339(BASE - timedelta(days=1))}
    pems = {source: (key.kid, key.private_pem()) for source, key in keys.items()}
    batches = [(start, min(n, start + BATCH)) for start in range(0, n, BATCH)]
    prev = GENESIS_HASH.encode()
    frontier, nodes, pending, previous = Frontier(), _Nodes(), [], None
    sha256 = hashlib.sha256
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_signer, initargs=(pems,)) as pool:
        seq = 0
        for batch in pool.imap(_sign_batch, batches):
            for data, kid, signature in batch:
                recorded = rfc3339(BASE + timedelta(milliseconds=seq, microseconds=250))
                line = b"".join((
                    b'{"kid":"', kid, b'","prev_hash":"', prev, b'","record":', data,
                    b',"recorded_at":"', recorded.encode(), b'","seq":', str(seq).encode(),
                    b',"signature":"', signature, b'"}',
                ))
                if seq < 3:  # the concatenation is the entry's canonical form
                    sealed = seal(seq=seq, record=json.loads(data), kid=kid.decode(),
                                  signature=signature.decode(), recorded_at=recorded,
                                  prev_hash=prev.decode())
                    assert sealed.data == line, (sealed.data, line)
                yield line
                prev = sha256(line).hexdigest().encode()
                pending.append(sha256(b"\x00" + line).digest())
                seq += 1
                if seq % EVERY == 0:
                    appended = frontier.append(pending)
                    pending = []
                    for node in appended.nodes:
                        nodes.nodes[(node.level, node.index)] = node.hash
                    old, frontier = frontier, appended.frontier
                    path = consistency_proof(nodes, old.size, frontier.size) if old.size else []
                    yield _checkpoint_line(ledger, frontier, previous, path)
                    previous = frontier.size
                    nodes.restart(frontier)


def build(path: Path, n: int, workers: int) -> float:
    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb", buffering=1 << 20) as f:
        for line in _lines(n, workers):
            f.write(dumps(line))
    os.replace(tmp, path)
    return time.perf_counter() - started


# --- timing ----------------------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(path: Path, fast: bool, runs: int, workers: int | None) -> list[float]:
    """Wall times of ``runs`` verifications; prints CPU seconds and the load beside each."""
    times = []
    for _ in range(runs):
        load = os.getloadavg()[0]
        started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        report = verify_bundle(str(path), fast=fast, workers=workers)
        wall = time.perf_counter() - started
        cpu, children = time.process_time() - cpu, _children_cpu() - children
        times.append(wall)
        assert report.ok, report.failure
        print(f"    {wall:6.2f} s wall, CPU {cpu:.1f} s here + {children:.1f} s in workers "
              f"(load average before: {load:.2f})")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: every CPU; 1 stays in-process)")
    parser.add_argument("--mode", choices=("fast", "full", "both"), default="both")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"verify-{args.entries}.jsonl"
    cpus = os.cpu_count() or 1
    if args.rebuild or not path.exists():
        print(f"building {path} ({args.entries:,} entries, {cpus} signing processes)...")
        print(f"  built in {build(path, args.entries, cpus):.1f} s")
    size = path.stat().st_size
    print(f"bundle: {path.name}: {args.entries:,} entries, {size / 1e6:.1f} MB "
          f"({size / max(args.entries, 1):.0f} bytes per line on average), "
          f"checkpoint every {EVERY}; {cpus} CPUs")
    modes = {"fast": [True], "full": [False], "both": [True, False]}[args.mode]
    for fast in modes:
        name = f"{'fast' if fast else 'full'} (workers={args.workers or cpus})"
        print(f"{name}: {args.runs} run(s)...")
        times = run(path, fast, args.runs, args.workers)
        if not times:
            continue
        median = statistics.median(times)
        target = 10.0 if fast else 90.0
        print(f"  {name}: median {median:.2f} s over {args.runs} "
              f"({', '.join(f'{t:.2f}' for t in times)}), "
              f"{args.entries / median:,.0f} entries/s; target < {target:.0f} s at 1,000,000: "
              f"{'met' if median * 1_000_000 / max(args.entries, 1) < target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
