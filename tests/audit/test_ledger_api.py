"""The ledger over HTTP: append (services), read (regulators), public proofs and keys."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest

from services.audit.ledger import merkle
from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.repository import COPY_MIN_ROWS
from services.audit.verify import verify_bundle
from services.shared.keyring import public_key_from_jwk
from tests.audit.emitters import Emitter
from tests.stack import Stack

REGULATOR_CODE = "12100000400000624D"
BUYER_CODE = "91110108551385082Q"


@pytest.fixture
def emitter(stack: Stack) -> Emitter:
    e = Emitter(stack)
    e.register()
    return e


def regulator(stack: Stack) -> dict[str, str]:
    """A regulator's headers (the organisation is registered on first use)."""
    if not hasattr(stack, "_regulator"):
        stack.register(roles=["regulator"], credit_code=REGULATOR_CODE,
                       username="regulator-admin", token=stack.operator_token())
        token = stack.token("regulator-admin", "a-good-password")
        stack._regulator = {"Authorization": f"Bearer {token}"}  # type: ignore[attr-defined]
    return stack._regulator  # type: ignore[attr-defined,no-any-return]


def tree_size(stack: Stack, headers: dict[str, str]) -> int:
    return len(stack.audit.get("/v1/entries?limit=1000", headers=headers).json()["items"])


class TestAppend:
    def test_single_entry_is_appended_and_replays_idempotently(self, emitter: Emitter) -> None:
        entry = emitter.entry(1)
        first = emitter.append(entry)
        assert first.status_code == 201, first.text
        assert first.json()["seq"] == 0 and first.json()["created"] is True
        again = emitter.append(entry)
        assert again.status_code == 200
        assert again.json() == {**first.json(), "created": False}

    def test_same_event_id_with_other_content_is_409_and_appends_nothing(
        self, stack: Stack, emitter: Emitter
    ) -> None:
        original = emitter.entry(1, event_id="evt_fixed")
        assert emitter.append(original).status_code == 201
        other = emitter.entry(2, event_id="evt_fixed")
        batch = emitter.append(emitter.entry(3), other)
        assert batch.status_code == 409
        assert batch.json()["event_id"] == "evt_fixed"
        assert tree_size(stack, regulator(stack)) == 1

    def test_batches_get_dense_sequence_numbers_in_order(self, emitter: Emitter) -> None:
        response = emitter.append(*[emitter.entry(i) for i in range(5)])
        assert response.status_code == 200
        assert [e["seq"] for e in response.json()["entries"]] == [0, 1, 2, 3, 4]
        more = emitter.append(emitter.entry(5), emitter.entry(6))
        assert [e["seq"] for e in more.json()["entries"]] == [5, 6]

    def test_duplicate_inside_one_batch_is_recorded_once(self, emitter: Emitter) -> None:
        entry = emitter.entry(1)
        response = emitter.append(entry, entry)
        seqs = [(e["seq"], e["created"]) for e in response.json()["entries"]]
        assert seqs == [(0, True), (0, False)]

    def test_a_service_appends_only_its_own_events(self, emitter: Emitter) -> None:
        response = emitter.append(emitter.entry(1, source="exchange"))
        assert response.status_code == 403

    def test_users_cannot_append(self, stack: Stack, emitter: Emitter) -> None:
        token = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="buyer-admin")
        response = stack.audit.post("/v1/entries", json=emitter.entry(1),
                                    headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert stack.audit.post("/v1/entries", json=emitter.entry(1)).status_code == 401

    @pytest.mark.parametrize(
        ("mutate", "slug"),
        [
            (lambda e: e.update(signature="00" * 64), "bad-signature"),
            (lambda e: e["record"]["payload"].update(n=99), "bad-signature"),
            (lambda e: e.update(kid="unregistered"), "unknown-key"),
            (lambda e: e["record"].pop("actor"), "invalid-record"),
            (lambda e: e["record"].update(occurred_at="yesterday"), "invalid-record"),
            (lambda e: e["record"].update(occurred_at="2026-11-29T08:00:00"), "invalid-record"),
        ],
    )
    def test_entries_that_do_not_verify_are_refused(
        self, stack: Stack, emitter: Emitter, mutate, slug: str
    ) -> None:
        entry = copy.deepcopy(emitter.entry(1))
        mutate(entry)
        response = emitter.append(entry)
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith(slug)
        assert tree_size(stack, regulator(stack)) == 0

    def test_a_large_batch_is_stored_as_one_chain_and_tree(
        self, stack: Stack, emitter: Emitter, tmp_path: Path
    ) -> None:
        # Large enough to take the bulk path (COPY on PostgreSQL), between small appends.
        assert emitter.append(emitter.entry(0)).status_code == 201
        big = emitter.append(*[emitter.entry(i) for i in range(1, 1 + 2 * COPY_MIN_ROWS)])
        assert big.status_code == 200, big.text
        answered = big.json()["entries"]
        assert [e["seq"] for e in answered] == list(range(1, 1 + 2 * COPY_MIN_ROWS))
        assert emitter.append(emitter.entry(-1)).json()["seq"] == 1 + 2 * COPY_MIN_ROWS
        headers = regulator(stack)
        checkpoint = stack.audit.post("/v1/checkpoints", headers=headers).json()
        stored = stack.audit.get("/v1/entries?after_seq=0&limit=1000", headers=headers).json()
        assert [e["entry_hash"] for e in stored["items"][:len(answered)]] == [
            e["entry_hash"] for e in answered]
        for seq in (0, 1, COPY_MIN_ROWS, 2 * COPY_MIN_ROWS + 1):
            proof = stack.audit.get(f"/v1/proofs/inclusion?seq={seq}").json()
            assert merkle.verify_inclusion(
                bytes.fromhex(proof["leaf_hash"]), seq, checkpoint["tree_size"],
                [bytes.fromhex(h) for h in proof["audit_path"]],
                bytes.fromhex(checkpoint["root_hash"]),
            )
        bundle = tmp_path / "ledger.jsonl"
        bundle.write_bytes(stack.audit.get("/v1/export", headers=headers).content)
        report = verify_bundle(str(bundle))
        assert report.ok, report.failure
        assert report.entries == 2 * COPY_MIN_ROWS + 2

    def test_a_bad_entry_deep_in_a_batch_is_named_and_nothing_is_appended(
        self, stack: Stack, emitter: Emitter
    ) -> None:
        entries = [emitter.entry(i) for i in range(70)]
        entries[67]["signature"] = "00" * 64
        response = emitter.append(*entries)
        assert response.status_code == 422
        assert response.json()["detail"].startswith("entries[67]")
        assert tree_size(stack, regulator(stack)) == 0

    @pytest.mark.parametrize(
        "payload",
        [{"buyer": "11010519491231002X"}, {"phone": "13800138000"}, {"mail": "a.b@example.cn"}],
    )
    def test_personal_information_never_enters_the_ledger(
        self, emitter: Emitter, payload: dict[str, str]
    ) -> None:
        response = emitter.append(emitter.entry(1, payload=payload))
        assert response.status_code == 422
        assert response.json()["type"].endswith("personal-information")

    def test_floats_have_no_canonical_form(self, emitter: Emitter) -> None:
        entry = emitter.entry(1)
        entry["record"]["payload"] = {"price": 1.5}
        response = emitter.append(entry)
        assert response.status_code == 422

    def test_key_registration_is_for_services_and_idempotent(
        self, stack: Stack, emitter: Emitter
    ) -> None:
        again = stack.audit.post("/v1/sources/keys", json={"jwk": emitter.key.jwk()},
                                 headers=emitter.headers)
        assert again.status_code == 201
        keys = stack.audit.get("/v1/keys").json()
        assert [(k["source"], k["kid"]) for k in keys["sources"]] == [("catalog", emitter.key.kid)]
        thief = Emitter(stack, source="audit", key=emitter.key)
        stolen = stack.audit.post("/v1/sources/keys", json={"jwk": emitter.key.jwk()},
                                  headers=thief.headers)
        assert stolen.status_code == 403


class TestReadAndProve:
    def test_regulators_read_with_filters_others_cannot(
        self, stack: Stack, emitter: Emitter
    ) -> None:
        emitter.append(emitter.entry(1, type="dataset.listed", subject="ds_a"),
                       emitter.entry(2, type="dataset.delisted", subject="ds_a"),
                       emitter.entry(3, type="dataset.listed", subject="ds_b"))
        headers = regulator(stack)
        listed = stack.audit.get("/v1/entries?type=dataset.listed", headers=headers).json()
        assert [e["subject"] for e in listed["items"]] == ["ds_a", "ds_b"]
        by_subject = stack.audit.get("/v1/entries?subject=ds_a", headers=headers).json()
        assert [e["seq"] for e in by_subject["items"]] == [0, 1]
        prefix = stack.audit.get("/v1/entries?type=dataset.*&after_seq=0", headers=headers)
        assert [e["seq"] for e in prefix.json()["items"]] == [1, 2]
        page = stack.audit.get("/v1/entries?limit=2", headers=headers).json()
        assert page["next_after_seq"] == 1
        one = stack.audit.get("/v1/entries/2", headers=headers).json()
        assert one["record"]["subject"] == "ds_b"
        assert one["prev_hash"] == by_subject["items"][1]["entry_hash"]
        assert stack.audit.get("/v1/entries/3", headers=headers).status_code == 404
        buyer = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="buyer-admin")
        assert stack.audit.get("/v1/entries",
                               headers={"Authorization": f"Bearer {buyer}"}).status_code == 403
        assert stack.audit.get("/v1/entries").status_code == 401

    def test_entries_form_a_hash_chain(self, stack: Stack, emitter: Emitter) -> None:
        emitter.append(*[emitter.entry(i) for i in range(4)])
        items = stack.audit.get("/v1/entries", headers=regulator(stack)).json()["items"]
        assert items[0]["prev_hash"] == "0" * 64
        for before, after in itertools.pairwise(items):
            assert after["prev_hash"] == before["entry_hash"]

    def test_checkpoint_signature_and_proofs_verify(self, stack: Stack, emitter: Emitter) -> None:
        emitter.append(*[emitter.entry(i) for i in range(3)])
        first = stack.audit.post("/v1/checkpoints", headers=regulator(stack))
        assert first.status_code == 200, first.text
        emitter.append(*[emitter.entry(i) for i in range(3, 10)])
        second = stack.audit.post("/v1/checkpoints", headers=regulator(stack)).json()
        assert (first.json()["tree_size"], second["tree_size"]) == (3, 10)
        assert second["timestamp"] > first.json()["timestamp"]

        keys = stack.audit.get("/v1/keys").json()["ledger"]
        ledger_key = public_key_from_jwk(next(k for k in keys if k["kid"] == second["kid"]))
        assert Checkpoint.from_dict(second).signature_ok(ledger_key, second["signature"])
        latest = stack.audit.get("/v1/checkpoints/latest").json()
        assert latest == second

        for seq in range(10):
            proof = stack.audit.get(f"/v1/proofs/inclusion?seq={seq}").json()
            assert proof["tree_size"] == 10
            assert merkle.verify_inclusion(
                bytes.fromhex(proof["leaf_hash"]), seq, 10,
                [bytes.fromhex(h) for h in proof["audit_path"]], bytes.fromhex(second["root_hash"]),
            )
        consistency = stack.audit.get("/v1/proofs/consistency?first=3&second=10").json()
        assert merkle.verify_consistency(
            3, 10, bytes.fromhex(first.json()["root_hash"]), bytes.fromhex(second["root_hash"]),
            [bytes.fromhex(h) for h in consistency["consistency_path"]],
        )
        assert second["consistency_path"] == consistency["consistency_path"]

    def test_proof_requests_outside_the_tree_are_422(self, stack: Stack, emitter: Emitter) -> None:
        emitter.append(*[emitter.entry(i) for i in range(3)])
        stack.audit.post("/v1/checkpoints", headers=regulator(stack))
        assert stack.audit.get("/v1/proofs/inclusion?seq=3").status_code == 422
        assert stack.audit.get("/v1/proofs/inclusion?seq=0&tree_size=4").status_code == 422
        assert stack.audit.get("/v1/proofs/consistency?first=4&second=3").status_code == 422
        assert stack.audit.get("/v1/proofs/inclusion?seq=-1").status_code == 422

    def test_no_checkpoint_yet_is_404(self, stack: Stack) -> None:
        response = stack.audit.get("/v1/checkpoints/latest")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_checkpoints_are_issued_every_n_entries(self, stack: Stack, emitter: Emitter) -> None:
        stack.audit.app.state.sequencer.checkpoint_every = 4  # type: ignore[attr-defined]
        for i in range(9):
            emitter.append(emitter.entry(i))
        sizes = [c["tree_size"] for c in stack.audit.get("/v1/checkpoints").json()]
        assert sizes == [4, 8]
        page = stack.audit.get("/v1/checkpoints?after_size=3&limit=1").json()
        assert [c["tree_size"] for c in page] == [4]
        assert stack.audit.get("/v1/checkpoints?after_size=8").json() == []

    def test_export_streams_every_entry_and_checkpoint(
        self, stack: Stack, emitter: Emitter
    ) -> None:
        emitter.append(*[emitter.entry(i) for i in range(5)])
        stack.audit.post("/v1/checkpoints", headers=regulator(stack))
        emitter.append(emitter.entry(5))
        response = stack.audit.get("/v1/export", headers=regulator(stack))
        assert response.status_code == 200
        lines = response.content.splitlines()
        assert lines[0].startswith(b'{"kind":"bundle"')
        entries = [line for line in lines if line.startswith(b'{"kid":')]
        assert len(entries) == 6
        kinds = [line[:30] for line in lines]
        checkpoint_at = next(i for i, k in enumerate(kinds) if b'"checkpoint"' in k)
        assert lines[checkpoint_at - 1] == entries[4]
        import hashlib
        import json

        assert json.loads(entries[1])["prev_hash"] == hashlib.sha256(entries[0]).hexdigest()
        assert stack.audit.get("/v1/export").status_code == 401
