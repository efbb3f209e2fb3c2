"""The offline bundle verifier: valid bundles pass, and each kind of tampering is caught and
named (the entry's seq and what is wrong), in full and fast mode, as JSON Lines and tar.

Bundles are built here line by line, as the ledger's export writes them, from sealed
entries, signed records and signed checkpoints with their consistency proofs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.audit.ledger.bundle import FORMAT, Line, dumps, write_tar
from services.audit.ledger.checkpoint import LOG_ID, Checkpoint
from services.audit.ledger.entry import GENESIS_HASH, SealedEntry, seal, seal_body
from services.audit.ledger.merkle import (
    Frontier,
    MemoryNodeStore,
    consistency_proof,
    leaf_hash,
    root_from_frontier,
)
from services.audit.verify import Failure, Report, TrustedCheckpoint, verify_bundle
from services.audit.verify import reading as reading_module
from services.audit.verify import workers as workers_module
from services.shared.canonical import canonical_json
from services.shared.events import EventRecord, rfc3339
from services.shared.keyring import SigningKey, generate_key

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
MODES = [pytest.param(False, id="full"), pytest.param(True, id="fast")]


# --- building bundles ------------------------------------------------------------------------


@dataclass
class Keys:
    ledger: SigningKey = field(default_factory=lambda: generate_key("EdDSA"))
    sources: dict[str, SigningKey] = field(default_factory=lambda: {
        "catalog": generate_key("EdDSA"), "exchange": generate_key("EdDSA")})


def record(n: int, source: str, tag: str = "") -> EventRecord:
    return EventRecord.new(
        type="order.paid" if source == "exchange" else "dataset.listed",
        source=source, actor=f"org_{n % 3}", subject=f"ord_{tag}{n}",
        payload={"amount": f"{100 + n}.00", "dataset_id": f"ds_{tag}{n}", "quantity": n},
        occurred_at=BASE + timedelta(seconds=n), event_id=f"evt_{tag}{n:06d}",
    )


def signed(n: int, keys: Keys, tag: str = "") -> dict[str, Any]:
    source = ("catalog", "exchange")[n % 2]
    key = keys.sources[source]
    rec = record(n, source, tag)
    return {"record": rec.to_dict(), "kid": key.kid, "signature": rec.sign(key)}


def chain(items: list[dict[str, Any]], start: int = 0, prev: str = GENESIS_HASH
          ) -> list[SealedEntry]:
    """Seal entries onto a hash chain from ``start``, linked to ``prev``."""
    sealed = []
    for i, item in enumerate(items):
        entry = seal(seq=start + i, record=item["record"], kid=item["kid"],
                     signature=item["signature"], prev_hash=prev,
                     recorded_at=rfc3339(BASE + timedelta(seconds=start + i, microseconds=5)))
        sealed.append(entry)
        prev = entry.entry_hash
    return sealed


def rechain(lines: list[bytes]) -> list[bytes]:
    """Renumber and re-link entry lines (what a forger does after editing), not re-signing."""
    out, prev = [], GENESIS_HASH
    for seq, line in enumerate(lines):
        body = json.loads(line)
        body["seq"], body["prev_hash"] = seq, prev
        entry = seal_body(body)
        out.append(entry.data)
        prev = entry.entry_hash
    return out


def checkpoint_line(key: SigningKey, size: int, root: bytes, moment: datetime,
                    previous: int | None, path: list[bytes]) -> dict[str, Any]:
    cp = Checkpoint(tree_size=size, root_hash=root.hex(), timestamp=rfc3339(moment))
    return {"kind": "checkpoint",
            "checkpoint": {"log": LOG_ID, "tree_size": size, "root_hash": cp.root_hash,
                           "timestamp": cp.timestamp},
            "kid": key.kid, "signature": cp.sign(key), "previous_size": previous,
            "consistency_path": [h.hex() for h in path]}


def checkpoints(entries: list[bytes], key: SigningKey, every: int,
                moment: Any = None) -> list[dict[str, Any]]:
    """Signed checkpoints every ``every`` entries, each with its consistency proof."""
    moment = moment or (lambda size: BASE + timedelta(minutes=size))
    store, frontier, out = MemoryNodeStore(), Frontier(), []
    previous: int | None = None
    for i, data in enumerate(entries, start=1):
        appended = frontier.append([leaf_hash(data)])
        store.put_nodes(appended.nodes)
        frontier = appended.frontier
        if i % every == 0:
            path = consistency_proof(store, previous, i) if previous else []
            out.append(checkpoint_line(key, i, root_from_frontier(frontier), moment(i),
                                       previous, path))
            previous = i
    return out


def key_lines(keys: Keys) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = [{"kind": "ledger_key", "kid": keys.ledger.kid,
                                    "jwk": keys.ledger.jwk()}]
    for source, key in keys.sources.items():
        jwk = {k: v for k, v in key.jwk().items() if k in ("kty", "crv", "x", "kid")}
        lines.append({"kind": "source_key", "source": source, "kid": key.kid, "jwk": jwk,
                      "registered_at": rfc3339(BASE - timedelta(days=1))})
    return lines


def assemble(keys: Keys, entries: list[bytes], cps: list[dict[str, Any]],
             size: int | None = None) -> list[Line]:
    """Header, keys, then entries with each checkpoint right after the last entry it covers."""
    lines: list[Line] = [{"kind": "bundle", "format": FORMAT, "log": LOG_ID,
                          "tree_size": len(entries) if size is None else size,
                          "exported_at": rfc3339(BASE + timedelta(days=2))}]
    lines.extend(key_lines(keys))
    pending = sorted(cps, key=lambda c: c["checkpoint"]["tree_size"])
    for count, data in enumerate(entries, start=1):
        lines.append(data)
        while pending and pending[0]["checkpoint"]["tree_size"] == count:
            lines.append(pending.pop(0))
    lines.extend(pending)
    return lines


@dataclass
class Ledger:
    """A small ledger: 14 entries from two sources, checkpoints at 4, 8 and 12."""

    keys: Keys = field(default_factory=Keys)
    n: int = 14
    every: int = 4
    entries: list[bytes] = field(init=False)
    cps: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.entries = [e.data for e in chain([signed(i, self.keys) for i in range(self.n)])]
        self.cps = checkpoints(self.entries, self.keys.ledger, self.every)

    def lines(self, entries: list[bytes] | None = None, cps: list[dict[str, Any]] | None = None,
              size: int | None = None) -> list[Line]:
        return assemble(self.keys, self.entries if entries is None else entries,
                        self.cps if cps is None else cps, size)


def write(tmp_path: Path, lines: list[Line], name: str = "bundle.jsonl") -> str:
    path = tmp_path / name
    with open(path, "wb") as f:
        if name.endswith(".tar"):
            write_tar(lines, f)
        else:
            for line in lines:
                f.write(dumps(line))
    return str(path)


def verify(tmp_path: Path, lines: list[Line], *, fast: bool = False, name: str = "bundle.jsonl",
           **kwargs: Any) -> Report:
    return verify_bundle(write(tmp_path, lines, name), fast=fast, **kwargs)


def failure(report: Report) -> Failure:
    assert not report.ok, report
    assert report.failure is not None
    return report.failure


def edit(line: bytes, change: Any) -> bytes:
    """The entry line with ``change(body)`` applied, re-canonicalised."""
    body = json.loads(line)
    change(body)
    return canonical_json(body)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger()


# --- valid bundles ---------------------------------------------------------------------------


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize("name", ["bundle.jsonl", "bundle.tar"])
def test_a_valid_bundle_passes(tmp_path: Path, ledger: Ledger, fast: bool, name: str) -> None:
    seen: list[tuple[int, int]] = []
    report = verify(tmp_path, ledger.lines(), fast=fast, name=name,
                    progress=lambda done, total: seen.append((done, total)))
    assert report.ok, report.failure
    assert report.failure is None
    assert (report.entries, report.checkpoints, report.unchecked_tail) == (14, 3, 2)
    assert report.last_checkpoint is not None
    assert report.last_checkpoint["tree_size"] == 12
    assert report.last_checkpoint["root_hash"] == ledger.cps[-1]["checkpoint"]["root_hash"]
    assert seen and seen[-1] == (14, 14)


def test_empty_bundle_and_bundle_without_checkpoints(tmp_path: Path, ledger: Ledger) -> None:
    report = verify(tmp_path, ledger.lines(entries=[], cps=[]))
    assert report.ok and report.entries == 0 and report.last_checkpoint is None
    report = verify(tmp_path, ledger.lines(cps=[]))
    assert report.ok and report.unchecked_tail == 14 and report.checkpoints == 0


def test_frontier_matches_merkle_at_every_size(tmp_path: Path) -> None:
    # Checkpoints at every size exercise the verifier's own frontier carry against the
    # roots merkle.Frontier computes.
    small = Ledger(n=37, every=1)
    report = verify(tmp_path, small.lines(), fast=True)
    assert report.ok and report.checkpoints == 37 and report.unchecked_tail == 0


def test_parallel_workers(tmp_path: Path, ledger: Ledger,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_module, "CHUNK_ENTRIES", 3)
    big = Ledger(keys=ledger.keys, n=40, every=7)
    assert verify(tmp_path, big.lines(), workers=2).ok
    # A bad signature in a later chunk, and a swap across a chunk boundary.
    tampered = list(big.entries)
    tampered[22] = edit(tampered[22], lambda b: b["record"]["payload"].update(quantity=99))
    f = failure(verify(tmp_path, big.lines(tampered), workers=2))
    assert (f.seq, f.kind) == (22, "bad-signature")
    swapped = list(big.entries)
    swapped[8], swapped[9] = swapped[9], swapped[8]
    for fast in (False, True):
        f = failure(verify(tmp_path, big.lines(swapped), workers=2, fast=fast))
        assert (f.seq, f.kind) == (8, "reordered")
    assert verify(tmp_path, big.lines(), name="bundle.tar", workers=2, fast=True).ok


def test_parallel_workers_spawned_beside_threads(tmp_path: Path, ledger: Ledger,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # With other threads running (a server, a test client) workers are spawned, not forked.
    monkeypatch.setattr(reading_module, "CHUNK_ENTRIES", 4)
    methods: list[str | None] = []
    real = workers_module.multiprocessing.get_context

    def get_context(method: str | None = None) -> Any:
        methods.append(method)
        return real(method)

    monkeypatch.setattr(workers_module.multiprocessing, "get_context", get_context)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        entries = list(ledger.entries)
        entries[9] = edit(entries[9], lambda b: b.update(signature="00" * 64))
        f = failure(verify(tmp_path, ledger.lines(entries), workers=2))
        assert (f.seq, f.kind) == (9, "bad-signature")
    finally:
        stop.set()
        thread.join()
    assert methods == ["spawn"]


def test_the_verifier_needs_no_server_code() -> None:
    code = ("import sys, services.audit.verify; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'sqlalchemy', "
            "'starlette', 'httpx') or (m.startswith('services.audit.ledger.') and "
            "m.rsplit('.', 1)[1] not in ('merkle', 'entry', 'checkpoint', 'bundle'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout + done.stderr


# --- tampered entries ------------------------------------------------------------------------


def test_one_payload_byte_changed(tmp_path: Path, ledger: Ledger) -> None:
    entries = list(ledger.entries)
    assert b'"amount":"105.00"' in entries[5]
    entries[5] = entries[5].replace(b'"amount":"105.00"', b'"amount":"905.00"')
    lines = ledger.lines(entries)
    # Full: the source signature no longer verifies, and the chain breaks after it.
    f = failure(verify(tmp_path, lines))
    assert (f.seq, f.kind) == (5, "bad-signature")
    assert "changed after it was sealed" in f.detail
    # Fast: the next entry is chained to the original bytes, and the chain continues from it.
    f = failure(verify(tmp_path, lines, fast=True))
    assert (f.seq, f.kind) == (5, "modified")


@pytest.mark.parametrize("fast", MODES)
def test_payload_changed_and_hashes_recomputed(tmp_path: Path, ledger: Ledger,
                                               fast: bool) -> None:
    entries = list(ledger.entries)
    entries[9] = edit(entries[9], lambda b: b["record"]["payload"].update(amount="1.00"))
    entries = rechain(entries)
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    if fast:  # signatures trusted: the signed root of entries 8..11 gives it away
        assert (f.seq, f.kind) == (8, "modified")
        assert "entries 8..11" in f.detail
    else:
        assert (f.seq, f.kind) == (9, "bad-signature")


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize("name", ["bundle.jsonl", "bundle.tar"])
def test_an_entry_deleted(tmp_path: Path, ledger: Ledger, fast: bool, name: str) -> None:
    entries = ledger.entries[:6] + ledger.entries[7:]
    f = failure(verify(tmp_path, ledger.lines(entries, size=14), fast=fast, name=name))
    assert (f.seq, f.kind) == (6, "missing")
    assert "entries 6..6 are missing" in f.detail


@pytest.mark.parametrize("fast", MODES)
def test_several_entries_deleted(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    entries = ledger.entries[:1] + ledger.entries[4:]
    f = failure(verify(tmp_path, ledger.lines(entries, size=14), fast=fast))
    assert (f.seq, f.kind) == (1, "missing")
    assert "1..3" in f.detail


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize("name", ["bundle.jsonl", "bundle.tar"])
def test_two_entries_swapped(tmp_path: Path, ledger: Ledger, fast: bool, name: str) -> None:
    entries = list(ledger.entries)
    entries[9], entries[10] = entries[10], entries[9]
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast, name=name))
    assert (f.seq, f.kind) == (9, "reordered")


@pytest.mark.parametrize("fast", MODES)
def test_distant_entries_swapped(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    entries = list(ledger.entries)
    entries[2], entries[11] = entries[11], entries[2]
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (2, "reordered")


@pytest.mark.parametrize("fast", MODES)
def test_an_entry_duplicated(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    entries = [*ledger.entries[:8], ledger.entries[3], *ledger.entries[8:]]
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (8, "reordered")


@pytest.mark.parametrize("fast", MODES)
def test_seq_number_altered(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    entries = list(ledger.entries)
    entries[6] = edit(entries[6], lambda b: b.update(seq=60))
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (6, "modified")


@pytest.mark.parametrize("fast", MODES)
def test_prev_hash_altered(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    entries = list(ledger.entries)
    entries[6] = edit(entries[6], lambda b: b.update(prev_hash="ab" * 32))
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (6, "modified")
    assert "the entry itself was altered" in f.detail


@pytest.mark.parametrize("fast", MODES)
def test_entry_after_a_checkpoint_replaced(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    # Entry 3 is vouched for by the checkpoint at 4, so a break before entry 4 that the
    # chain continues from blames entry 4, not entry 3.
    entries = list(ledger.entries)
    entries[4] = edit(entries[4], lambda b: b.update(prev_hash="cd" * 32))
    for i in range(5, len(entries)):
        prev = seal_body(json.loads(entries[i - 1])).entry_hash
        entries[i] = edit(entries[i], lambda b, prev=prev: b.update(prev_hash=prev))
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (4, "modified")
    assert "vouches" in f.detail


@pytest.mark.parametrize("fast", MODES)
def test_recorded_at_altered(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    # Outside the signed record: only the chain shows it.
    entries = list(ledger.entries)
    entries[6] = edit(entries[6], lambda b: b.update(recorded_at="2020-01-01T00:00:00.000000Z"))
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (6, "modified")


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize("name", ["bundle.jsonl", "bundle.tar"])
def test_an_entry_deleted_and_the_rest_renumbered(tmp_path: Path, ledger: Ledger, fast: bool,
                                                  name: str) -> None:
    # Dense seqs, an unbroken chain, valid signatures: only the signed roots show it. Left
    # where they were, in JSON Lines the checkpoint at 8 follows 7 entries; the tar reader
    # places it after 8, whose root is not the signed one. Either way 4..7 is named.
    lines = ledger.lines()
    lines.remove(ledger.entries[5])
    renumbered = iter(rechain([line for line in lines if isinstance(line, bytes)]))
    lines = [next(renumbered) if isinstance(line, bytes) else line for line in lines]
    f = failure(verify(tmp_path, lines, fast=fast, name=name))
    if name.endswith(".tar"):
        assert (f.seq, f.kind) == (4, "modified")
    else:
        assert (f.seq, f.kind) == (4, "missing")
        assert "removed" in f.detail
    assert "4..7" in f.detail
    # Moved to follow as many entries as they cover, the checkpoints' roots differ.
    f = failure(verify(tmp_path, ledger.lines(rechain(ledger.entries[:5] + ledger.entries[6:])),
                       fast=fast))
    assert (f.seq, f.kind) == (4, "modified")


def test_a_signature_replaced(tmp_path: Path, ledger: Ledger) -> None:
    other = signed(3, ledger.keys, tag="y")["signature"]  # genuine, but of another record
    entries = list(ledger.entries)
    entries[3] = edit(entries[3], lambda b: b.update(signature=other))
    lines = ledger.lines(entries)
    f = failure(verify(tmp_path, lines))
    assert (f.seq, f.kind) == (3, "bad-signature")
    f = failure(verify(tmp_path, lines, fast=True))  # the chain breaks after it
    assert (f.seq, f.kind) == (3, "modified")


def test_fast_mode_trusts_signatures(tmp_path: Path, ledger: Ledger) -> None:
    """Documented: --fast checks hashes, not signatures. A replaced signature with every
    hash recomputed (and checkpoints re-signed by whoever holds the ledger key) passes fast
    verification; only full verification catches it."""
    entries = list(ledger.entries)
    entries[3] = edit(entries[3], lambda b: b.update(signature="00" * 64))
    entries = rechain(entries)
    lines = ledger.lines(entries, checkpoints(entries, ledger.keys.ledger, 4))
    assert verify(tmp_path, lines, fast=True).ok
    f = failure(verify(tmp_path, lines))
    assert (f.seq, f.kind) == (3, "bad-signature")
    assert "chained to it as it stands" in f.detail


@pytest.mark.parametrize("fast", MODES)
def test_resigned_with_an_unknown_key(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    intruder = generate_key("EdDSA")
    entries = list(ledger.entries)

    def resign(body: dict[str, Any]) -> None:
        body["record"]["payload"]["amount"] = "0.01"
        body["kid"] = intruder.kid
        body["signature"] = EventRecord.from_dict(body["record"]).sign(intruder)

    entries[7] = edit(entries[7], resign)
    f = failure(verify(tmp_path, ledger.lines(rechain(entries)), fast=fast))
    assert (f.seq, f.kind) == (7, "unknown-key")
    assert intruder.kid in f.detail


def test_a_key_of_another_source(tmp_path: Path, ledger: Ledger) -> None:
    # exchange signs a record claiming to come from catalog: a valid signature, wrong source
    entries = list(ledger.entries)
    exchange = ledger.keys.sources["exchange"]

    def forge(body: dict[str, Any]) -> None:
        body["kid"] = exchange.kid
        body["signature"] = EventRecord.from_dict(body["record"]).sign(exchange)

    assert json.loads(entries[4])["record"]["source"] == "catalog"
    entries[4] = edit(entries[4], forge)
    f = failure(verify(tmp_path, ledger.lines(rechain(entries))))
    assert (f.seq, f.kind) == (4, "unknown-key")
    assert "belongs to source 'exchange'" in f.detail


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(("what", "mangle"), [
    ("whitespace", lambda line: line.replace(b'","record":', b'", "record":')),
    ("key order", lambda line: edit_keep_order(line)),
    ("escaped char", lambda line: line.replace(b'"org_', b'"\\u006frg_', 1)),
])
def test_a_non_canonical_line(tmp_path: Path, ledger: Ledger, fast: bool, what: str,
                              mangle: Any) -> None:
    entries = list(ledger.entries)
    entries[5] = mangle(entries[5])
    assert json.loads(entries[5]) == json.loads(ledger.entries[5])
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (5, "modified")
    if not fast or what != "escaped char":  # fast mode sees the record only through the chain
        assert "canonical" in f.detail


def edit_keep_order(line: bytes) -> bytes:
    body = json.loads(line)
    return json.dumps({k: body[k] for k in reversed(list(body))}, separators=(",", ":"),
                      ensure_ascii=False).encode()


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(("garbage", "expected"), [
    (b'{"kid":"abc","prev_hash":', "not JSON"),
    (b"not json at all", "not JSON"),
    (b'{"kid":"x","seq":5}', "entry fields wrong"),
])
def test_a_malformed_line(tmp_path: Path, ledger: Ledger, fast: bool, garbage: bytes,
                          expected: str) -> None:
    entries = list(ledger.entries)
    entries[5] = garbage
    f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
    assert (f.seq, f.kind) == (5, "malformed")
    assert expected in f.detail


@pytest.mark.parametrize("fast", MODES)
def test_hostile_lines_are_malformed_not_crashes(tmp_path: Path, ledger: Ledger,
                                                 fast: bool) -> None:
    deep = b'{"kid":"a","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    odd_kid = ledger.entries[5].replace(b'{"kid":"', b'{"kid":"\xff\xfe', 1)
    for bad in (deep, odd_kid):
        entries = list(ledger.entries)
        entries[5] = bad
        f = failure(verify(tmp_path, ledger.lines(entries), fast=fast))
        assert (f.seq, f.kind) == (5, "malformed")
    lines = ledger.lines()
    lines.insert(8, b"[" * 100_000)
    assert failure(verify(tmp_path, lines, fast=fast)).kind == "malformed"


ODD_PAYLOADS: list[dict[str, Any]] = [
    {"note": "données, 数据, emoji 🙂", "quote": 'say "hi" \\ back', "ctl": "tab\tnl\n\u0001"},
    {"nested": {"b": [1, {"z": None, "a": True}], "a": -0}, "big": 2**53 - 1, "neg": -(2**53 - 1)},
    {"ключ": "non-ASCII key", "é": {"€": 1, "e": 2}, "\u2028": "line separator"},
    {},
]


@pytest.mark.parametrize("payload", ODD_PAYLOADS)
def test_canonical_shortcut_agrees_with_the_whole_line_check(tmp_path: Path, ledger: Ledger,
                                                             payload: dict[str, Any]) -> None:
    """The full check parses only the record when the envelope has its one canonical layout;
    it must accept and refuse exactly what re-canonicalising the whole line does."""
    from services.audit.verify import entries as checks

    keys = {key.kid: (source, key.public_key) for source, key in ledger.keys.sources.items()}
    key = ledger.keys.sources["catalog"]
    rec = EventRecord.new(type="dataset.listed", source="catalog", actor="a", subject="s",
                          payload=payload, event_id="evt_odd")
    good = seal(seq=0, record=rec.to_dict(), kid=key.kid, signature=rec.sign(key),
                recorded_at=rfc3339(BASE), prev_hash=GENESIS_HASH).data
    variants = [
        good,
        good.replace(b'"actor":"a"', b'"actor": "a"'),  # whitespace in the record
        good.replace(b'"subject":"s"', rb'"subject":"\u0073"'),  # a needless escape
        good.replace(b'"seq":0', b'"seq":00'),
        good.replace(b'"seq":0', b'"seq":0.0'),
        good.replace(b'"type":"dataset.listed"', b'"type":"dataset.listed","type":"x"'),
        good.replace(rfc3339(BASE).encode(), b"yesterday"),
        canonical_json(json.loads(good)).replace(b'"kid":', b'"kid" :'),
    ]
    if payload:
        first = json.dumps(next(iter(payload)), ensure_ascii=False).encode()
        variants.append(good.replace(first, first.upper() if first.isascii() else first + b" "))
    for line in variants:
        whole = checks._check_parsed(line, keys, signatures=True)
        short = checks._check_canonical(line, keys)
        if whole.problem is None:
            assert short == whole, line
        else:
            assert short is None, line
    assert checks.check_entry(good, keys, signatures=True).problem is None
    lines = ledger.lines([good], [])
    assert verify(tmp_path, lines).ok and verify(tmp_path, lines, fast=True).ok


def test_a_float_in_a_record_is_malformed(tmp_path: Path, ledger: Ledger) -> None:
    entries = list(ledger.entries)
    entries[2] = entries[2].replace(b'"quantity":2', b'"quantity":2.5')
    f = failure(verify(tmp_path, ledger.lines(entries)))
    assert (f.seq, f.kind) == (2, "malformed")
    assert "floating-point" in f.detail


@pytest.mark.parametrize("fast", MODES)
def test_a_truncated_bundle(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    f = failure(verify(tmp_path, ledger.lines(ledger.entries[:10], ledger.cps[:2], size=14),
                       fast=fast))
    assert (f.seq, f.kind) == (10, "missing")
    # In a tar, checkpoints of the cut entries stay behind after the last entry.
    f = failure(verify(tmp_path, ledger.lines(ledger.entries[:10], size=14), fast=fast,
                       name="bundle.tar"))
    assert (f.seq, f.kind) == (10, "missing")


# --- tampered checkpoints --------------------------------------------------------------------


def with_checkpoint(ledger: Ledger, index: int, line: dict[str, Any]) -> list[Line]:
    cps = list(ledger.cps)
    cps[index] = line
    return ledger.lines(cps=cps)


@pytest.mark.parametrize("fast", MODES)
def test_a_forged_checkpoint_root(tmp_path: Path, ledger: Ledger, fast: bool) -> None:
    forged = json.loads(json.dumps(ledger.cps[1]))
    forged["checkpoint"]["root_hash"] = "00" * 32
    f = failure(verify(tmp_path, with_checkpoint(ledger, 1, forged), fast=fast))
    assert (f.seq, f.kind) == (None, "bad-checkpoint")
    assert "tree size 8" in f.detail and "signature" in f.detail


def test_a_checkpoint_signed_by_an_unknown_key(tmp_path: Path, ledger: Ledger) -> None:
    intruder = generate_key("EdDSA")
    good = ledger.cps[1]["checkpoint"]
    forged = checkpoint_line(intruder, 8, bytes.fromhex(good["root_hash"]),
                             datetime.fromisoformat(good["timestamp"]), 4,
                             [bytes.fromhex(h) for h in ledger.cps[1]["consistency_path"]])
    f = failure(verify(tmp_path, with_checkpoint(ledger, 1, forged)))
    assert (f.seq, f.kind) == (None, "unknown-key")
    assert intruder.kid in f.detail


@pytest.mark.parametrize("step", [timedelta(0), -timedelta(seconds=1)])
def test_checkpoint_timestamps_must_increase(tmp_path: Path, ledger: Ledger,
                                             step: timedelta) -> None:
    # Validly signed by the ledger key, but not later than the previous checkpoint.
    cps = checkpoints(ledger.entries, ledger.keys.ledger, 4,
                      moment=lambda size: BASE + (step * size if size > 4 else timedelta(0)))
    f = failure(verify(tmp_path, ledger.lines(cps=cps)))
    assert (f.seq, f.kind) == (None, "bad-checkpoint")
    assert "strictly increase" in f.detail


def test_a_wrong_consistency_path(tmp_path: Path, ledger: Ledger) -> None:
    wrong = json.loads(json.dumps(ledger.cps[2]))
    wrong["consistency_path"][0] = "11" * 32
    f = failure(verify(tmp_path, with_checkpoint(ledger, 2, wrong)))
    assert (f.seq, f.kind) == (None, "inconsistent")
    assert "tree size 12" in f.detail
    short = json.loads(json.dumps(ledger.cps[2]))
    short["consistency_path"] = short["consistency_path"][:-1]
    assert failure(verify(tmp_path, with_checkpoint(ledger, 2, short))).kind == "inconsistent"
    skipped = json.loads(json.dumps(ledger.cps[2]))
    skipped["previous_size"] = 4
    assert failure(verify(tmp_path, with_checkpoint(ledger, 2, skipped))).kind == "inconsistent"


def test_a_checkpoint_line_moved(tmp_path: Path, ledger: Ledger) -> None:
    lines = ledger.lines()
    at = next(i for i, line in enumerate(lines)
              if isinstance(line, dict) and line.get("kind") == "checkpoint")
    moved = [*lines[:at], lines[at + 1], lines[at], *lines[at + 2:]]  # after 5 entries, not 4
    f = failure(verify(tmp_path, moved))
    assert (f.seq, f.kind) == (None, "malformed")
    assert "moved" in f.detail


# --- bundle structure ------------------------------------------------------------------------


def test_structural_problems(tmp_path: Path, ledger: Ledger) -> None:
    lines = ledger.lines()
    assert failure(verify(tmp_path, lines[1:])).kind == "malformed"  # no header
    header = dict(lines[0])  # type: ignore[arg-type]
    header["format"] = "something/2"
    assert "format" in failure(verify(tmp_path, [header, *lines[1:]])).detail
    key = dict(lines[1])  # type: ignore[arg-type]
    key["kid"] = "not-the-thumbprint"
    assert "thumbprint" in failure(verify(tmp_path, [lines[0], key, *lines[2:]])).detail
    late_key = [*lines[:6], lines[1], *lines[6:]]
    f = failure(verify(tmp_path, late_key))
    assert f.kind == "malformed" and "keys come before" in f.detail
    odd = [*lines, {"kind": "mystery"}]
    assert "unknown line kind" in failure(verify(tmp_path, odd)).detail
    f = failure(verify(tmp_path, ledger.lines(size=12)))
    assert (f.seq, f.kind) == (12, "malformed")


def test_unreadable_tar(tmp_path: Path, ledger: Ledger) -> None:
    path = Path(write(tmp_path, ledger.lines(), "bundle.tar"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    report = verify_bundle(str(path))
    assert not report.ok
    with pytest.raises(FileNotFoundError):
        verify_bundle(str(tmp_path / "absent.jsonl"))


# --- since: a trusted checkpoint or an older bundle ------------------------------------------


@dataclass
class Rewrite:
    """The ledger cut back to 6 entries and re-extended with 8 others; the checkpoints
    after the cut are re-signed (by whoever holds the ledger key) a day later."""

    old: Ledger
    entries: list[bytes]
    cps: list[dict[str, Any]]


@pytest.fixture(scope="module")
def rewrite(ledger: Ledger) -> Rewrite:
    keys = ledger.keys
    kept = ledger.entries[:6]
    prev = seal_body(json.loads(kept[-1])).entry_hash
    others = [e.data for e in chain([signed(i, keys, tag="x") for i in range(6, 14)], 6, prev)]
    entries = kept + others
    later = checkpoints(entries, keys.ledger, 4,
                        moment=lambda size: BASE + timedelta(days=1, minutes=size))
    cps = [ledger.cps[0], *later[1:]]  # the checkpoint at 4 predates the cut
    return Rewrite(ledger, entries, cps)


def trusted_from(line: dict[str, Any]) -> TrustedCheckpoint:
    return TrustedCheckpoint.load(json.dumps(line))


@pytest.mark.parametrize("fast", MODES)
def test_the_rewritten_bundle_is_valid_on_its_own(tmp_path: Path, rewrite: Rewrite,
                                                  fast: bool) -> None:
    assert verify(tmp_path, rewrite.old.lines(rewrite.entries, rewrite.cps), fast=fast).ok


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize("index", [1, 2])
def test_since_a_trusted_checkpoint_catches_a_rewrite(tmp_path: Path, rewrite: Rewrite,
                                                      fast: bool, index: int) -> None:
    since = trusted_from(rewrite.old.cps[index])  # tree size 8 or 12, signed before the cut
    f = failure(verify(tmp_path, rewrite.old.lines(rewrite.entries, rewrite.cps), fast=fast,
                       since=since))
    assert (f.seq, f.kind) == (4, "rewritten")  # the first interval that can differ: 4..
    assert f"4..{since.tree_size - 1}" in f.detail


def test_since_an_older_bundle_names_the_first_rewritten_entry(tmp_path: Path,
                                                               rewrite: Rewrite) -> None:
    old = write(tmp_path, rewrite.old.lines(), "old.jsonl")
    new = rewrite.old.lines(rewrite.entries, rewrite.cps)
    for fast in (False, True):
        f = failure(verify(tmp_path, new, fast=fast, since=old))
        assert (f.seq, f.kind) == (6, "rewritten")
    old_tar = write(tmp_path, rewrite.old.lines(), "old.tar")
    f = failure(verify(tmp_path, new, name="new.tar", since=old_tar))
    assert (f.seq, f.kind) == (6, "rewritten")


def test_since_catches_a_rollback(tmp_path: Path, ledger: Ledger) -> None:
    shorter = ledger.lines(ledger.entries[:6], ledger.cps[:1])
    assert verify(tmp_path, shorter).ok  # valid on its own
    f = failure(verify(tmp_path, shorter, since=trusted_from(ledger.cps[1])))
    assert (f.seq, f.kind) == (6, "rolled-back")
    old = write(tmp_path, ledger.lines(), "old.jsonl")
    f = failure(verify(tmp_path, shorter, since=old))
    assert (f.seq, f.kind) == (6, "rolled-back")
    assert "14" in f.detail


def test_since_an_extended_ledger_passes(tmp_path: Path, ledger: Ledger) -> None:
    old = Ledger(keys=ledger.keys, n=6, every=4)
    old.entries, old.cps = ledger.entries[:6], ledger.cps[:1]
    old_path = write(tmp_path, old.lines(), "old.jsonl")
    first = verify_bundle(old_path)
    assert first.ok and first.last_checkpoint is not None
    # the report's last checkpoint, kept as JSON, is what the next run trusts
    kept = tmp_path / "trusted.json"
    kept.write_text(json.dumps(first.last_checkpoint))
    for since in (str(kept), json.dumps(first.last_checkpoint), old_path,
                  TrustedCheckpoint.load(str(kept)), trusted_from(ledger.cps[2])):
        assert verify(tmp_path, ledger.lines(), since=since).ok, since


def test_trusted_checkpoint_signature(tmp_path: Path, ledger: Ledger) -> None:
    trusted = trusted_from(ledger.cps[1])
    assert trusted.kid == ledger.keys.ledger.kid and trusted.signature
    f = failure(verify(tmp_path, ledger.lines(),
                       since=replace(trusted, timestamp=rfc3339(BASE))))
    assert (f.seq, f.kind) == (None, "bad-checkpoint")
    f = failure(verify(tmp_path, ledger.lines(), since=replace(trusted, kid="someone-else")))
    assert (f.seq, f.kind) == (None, "unknown-key")
    unsigned = TrustedCheckpoint(trusted.tree_size, trusted.root_hash)
    assert verify(tmp_path, ledger.lines(), since=unsigned).ok
    f = failure(verify(tmp_path, ledger.lines(), since=replace(unsigned, root_hash="0" * 64)))
    assert (f.seq, f.kind) == (0, "rewritten")
    assert "entries 0..7" in f.detail


def test_trusted_checkpoint_load(tmp_path: Path, ledger: Ledger) -> None:
    line = ledger.cps[0]
    served = {**line["checkpoint"], "kid": line["kid"], "signature": line["signature"],
              "previous_size": None, "consistency_path": []}
    a, b = trusted_from(line), TrustedCheckpoint.load(json.dumps(served))
    assert a == b and a.tree_size == 4 and a.timestamp == line["checkpoint"]["timestamp"]
    path = tmp_path / "cp.json"
    path.write_text(json.dumps(served, indent=2))
    assert TrustedCheckpoint.load(str(path)) == a
    with pytest.raises(ValueError):
        TrustedCheckpoint.load('{"tree_size": 3}')
    with pytest.raises(ValueError):
        TrustedCheckpoint(tree_size=-1, root_hash="0" * 64)
