"""Tampering with the ledger's database is caught by the offline verifier, which names
the entry and what was done to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from services.audit.ledger.merkle import frontier_at
from services.audit.ledger.repository import SessionNodeReader
from services.audit.verify import TrustedCheckpoint, verify_bundle
from tests.audit.emitters import Emitter
from tests.audit.test_ledger_api import regulator
from tests.stack import Stack


@pytest.fixture
def ledger(stack: Stack) -> Emitter:
    """A ledger of 20 entries with a checkpoint every 5."""
    stack.audit.app.state.sequencer.checkpoint_every = 5  # type: ignore[attr-defined]
    emitter = Emitter(stack)
    emitter.register()
    for i in range(20):
        assert emitter.append(emitter.entry(i)).status_code == 201
    return emitter


def export(stack: Stack, path: Path, fmt: str = "jsonl") -> Path:
    response = stack.audit.get(f"/v1/export?format={fmt}", headers=regulator(stack))
    assert response.status_code == 200
    path.write_bytes(response.content)
    return path


def sql(stack: Stack, statement: str, **params: object) -> None:
    engine = stack.audit.app.state.db.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(text(statement), params)


@pytest.mark.parametrize("fmt", ["jsonl", "tar"])
@pytest.mark.parametrize("fast", [False, True])
def test_an_untouched_ledger_verifies(stack: Stack, ledger: Emitter, tmp_path: Path,
                                      fmt: str, fast: bool) -> None:
    report = verify_bundle(str(export(stack, tmp_path / f"b.{fmt}", fmt)), fast=fast)
    assert report.ok, report.failure
    assert (report.entries, report.checkpoints, report.unchecked_tail) == (20, 4, 0)


@pytest.mark.parametrize("fast", [False, True])
def test_one_changed_payload_byte_is_named(stack: Stack, ledger: Emitter, tmp_path: Path,
                                           fast: bool) -> None:
    sql(stack, "UPDATE ledger_entries SET record = replace(record, :old, :new) WHERE seq = 7",
        old='"n":7', new='"n":8')
    report = verify_bundle(str(export(stack, tmp_path / "b.jsonl")), fast=fast)
    assert not report.ok and report.failure is not None
    assert report.failure.seq == 7
    assert report.failure.kind in (("modified",) if fast else ("bad-signature", "modified"))


def test_a_deleted_entry_is_named_missing(stack: Stack, ledger: Emitter, tmp_path: Path) -> None:
    sql(stack, "DELETE FROM ledger_entries WHERE seq = 7")
    report = verify_bundle(str(export(stack, tmp_path / "b.jsonl")))
    assert report.failure is not None
    assert (report.failure.seq, report.failure.kind) == (7, "missing")


def test_two_swapped_entries_are_named_reordered(stack: Stack, ledger: Emitter,
                                                 tmp_path: Path) -> None:
    sql(stack, "UPDATE ledger_entries SET seq = -1 WHERE seq = 7")
    sql(stack, "UPDATE ledger_entries SET seq = 7 WHERE seq = 8")
    sql(stack, "UPDATE ledger_entries SET seq = 8 WHERE seq = -1")
    report = verify_bundle(str(export(stack, tmp_path / "b.jsonl")))
    assert report.failure is not None
    assert report.failure.kind == "reordered"
    assert report.failure.seq in (7, 8)


@pytest.mark.parametrize("fast", [False, True])
def test_a_replaced_signature_is_named(stack: Stack, ledger: Emitter, tmp_path: Path,
                                       fast: bool) -> None:
    sql(stack, "UPDATE ledger_entries SET signature = "
               "(SELECT signature FROM ledger_entries WHERE seq = 3) WHERE seq = 7")
    report = verify_bundle(str(export(stack, tmp_path / "b.jsonl")), fast=fast)
    assert report.failure is not None
    assert report.failure.seq == 7
    assert report.failure.kind == ("modified" if fast else "bad-signature")


def rewind(stack: Stack, size: int) -> None:
    """What an operator rewriting history would do: drop everything from ``size`` on
    and point the sequencer back there."""
    sql(stack, "DELETE FROM ledger_entries WHERE seq >= :size", size=size)
    sql(stack, "DELETE FROM checkpoints WHERE tree_size > :size", size=size)
    db = stack.audit.app.state.db  # type: ignore[attr-defined]
    with db.transaction() as session:
        nodes = session.execute(text("SELECT level, idx FROM merkle_nodes")).all()
        for level, idx in nodes:
            if (idx + 1) << level > size:
                session.execute(text("DELETE FROM merkle_nodes WHERE level = :l AND idx = :i"),
                                {"l": level, "i": idx})
        frontier = frontier_at(SessionNodeReader(session), size)
        head = session.execute(text("SELECT entry_hash FROM ledger_entries WHERE seq = :s"),
                               {"s": size - 1}).scalar_one()
        session.execute(
            text("UPDATE ledger_state SET tree_size = :n, head_hash = :h, frontier = :f, "
                 "checkpoint_size = :n"),
            {"n": size, "h": head, "f": json.dumps([h.hex() for h in frontier.hashes])},
        )


def test_a_rewritten_history_is_caught_against_an_older_checkpoint_or_bundle(
    stack: Stack, ledger: Emitter, tmp_path: Path
) -> None:
    old_bundle = export(stack, tmp_path / "old.jsonl")
    trusted = stack.audit.get("/v1/checkpoints/latest").json()
    assert trusted["tree_size"] == 20
    rewind(stack, 10)
    for i in range(100, 115):
        assert ledger.append(ledger.entry(i)).status_code == 201
    new_bundle = str(export(stack, tmp_path / "new.jsonl"))

    assert verify_bundle(new_bundle).ok  # internally consistent: only history can tell
    against_checkpoint = verify_bundle(new_bundle, since=TrustedCheckpoint.load(
        json.dumps(trusted)))
    assert against_checkpoint.failure is not None
    assert against_checkpoint.failure.kind == "rewritten"
    against_bundle = verify_bundle(new_bundle, since=str(old_bundle))
    assert against_bundle.failure is not None
    assert (against_bundle.failure.seq, against_bundle.failure.kind) == (10, "rewritten")


def test_a_rolled_back_tail_is_caught(stack: Stack, ledger: Emitter, tmp_path: Path) -> None:
    trusted = stack.audit.get("/v1/checkpoints/latest").json()
    rewind(stack, 10)
    report = verify_bundle(str(export(stack, tmp_path / "b.jsonl")),
                           since=TrustedCheckpoint.load(json.dumps(trusted)))
    assert report.failure is not None
    assert report.failure.kind == "rolled-back"
