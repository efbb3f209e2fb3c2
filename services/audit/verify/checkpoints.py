"""Checkpoints as the verifier sees them: parsed from a bundle line, checked against the
previous one (key, signature, log, growth, time, consistency proof), and trusted ones
handed in with ``since``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.checkpoint import LOG_ID, Checkpoint
from services.audit.ledger.merkle import EMPTY_ROOT, Frontier, ProofError, check_consistency
from services.audit.verify.entries import moment
from services.audit.verify.report import Failure, Stop

HEX64 = re.compile(r"[0-9a-f]{64}")
HEX128 = re.compile(r"[0-9a-f]{128}")

LedgerKeys = dict[str, ed25519.Ed25519PublicKey]
"""The bundle's ledger keys: kid → public key."""


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
        if not isinstance(self.root_hash, str) or not HEX64.fullmatch(self.root_hash):
            raise ValueError("root_hash must be 64 lowercase hex digits")
        if self.timestamp is not None and moment(self.timestamp) is None:
            raise ValueError("timestamp must be an RFC 3339 time with a zone")
        if self.signature is not None and not (
            isinstance(self.signature, str) and HEX128.fullmatch(self.signature)
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


@dataclass
class SignedHead:
    """The last checkpoint verified, with the tree's right edge at its size."""

    size: int
    root: bytes
    moment: datetime
    frontier: Frontier
    line: dict[str, Any]


@dataclass(frozen=True)
class CheckpointLine:
    """A checkpoint line, parsed and shaped (not yet checked)."""

    checkpoint: Checkpoint
    kid: str
    signature: str
    previous_size: int | None
    path: list[bytes]
    moment: datetime


def parse_checkpoint(line: dict[str, Any], after: int) -> CheckpointLine:
    """The checkpoint line that stands after ``after`` entries; Stop if malformed."""
    def bad(why: str) -> Stop:
        return Stop(Failure(None, "malformed", f"the checkpoint line after {after} "
                                               f"entries: {why}"))

    body = line.get("checkpoint")
    if not isinstance(body, dict):
        raise bad("no checkpoint object")
    size, root, stamp = body.get("tree_size"), body.get("root_hash"), body.get("timestamp")
    log = body.get("log", LOG_ID)
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise bad("tree_size must be a non-negative integer")
    if not isinstance(root, str) or not HEX64.fullmatch(root):
        raise bad("root_hash must be 64 lowercase hex digits")
    when = moment(stamp)
    if when is None or not isinstance(stamp, str):
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
        isinstance(h, str) and HEX64.fullmatch(h) for h in path
    ):
        raise bad("consistency_path must be a list of 64-hex-digit hashes")
    checkpoint = Checkpoint(tree_size=size, root_hash=root, timestamp=stamp, log=log)
    return CheckpointLine(checkpoint, kid, signature, previous,
                          [bytes.fromhex(h) for h in path], when)


def check_extends(parsed: CheckpointLine, head: SignedHead | None, *,
                  ledger_keys: LedgerKeys, log: str) -> None:
    """Stop unless ``parsed`` is signed by a ledger key for ``log``, grows the tree after
    ``head`` in size and time, and proves consistency with it."""
    checkpoint = parsed.checkpoint
    size, root = checkpoint.tree_size, bytes.fromhex(checkpoint.root_hash)
    what = f"the checkpoint at tree size {size}"
    key = ledger_keys.get(parsed.kid)
    if key is None:
        raise Stop(Failure(None, "unknown-key", f"{what} is signed with key {parsed.kid}, "
                                                "which is not among the bundle's ledger keys"))
    if not checkpoint.signature_ok(key, parsed.signature):
        raise Stop(Failure(None, "bad-checkpoint", (
            f"{what}: the ledger signature does not verify: its size, root or timestamp "
            "was altered, or it was forged"
        )))
    if checkpoint.log != log:
        raise Stop(Failure(None, "bad-checkpoint", f"{what} is for log {checkpoint.log!r}, "
                                                   f"the bundle for {log!r}"))
    if head is not None:
        if size <= head.size:
            raise Stop(Failure(None, "bad-checkpoint", (
                f"{what} follows the checkpoint at tree size {head.size}: sizes must grow"
            )))
        if parsed.moment <= head.moment:
            raise Stop(Failure(None, "bad-checkpoint", (
                f"{what} is timestamped {checkpoint.timestamp}, not after the previous "
                f"checkpoint's {head.line['checkpoint']['timestamp']}: timestamps must "
                "strictly increase"
            )))
    start, start_root = (head.size, head.root) if head else (0, EMPTY_ROOT)
    if parsed.previous_size != (head.size if head else None):
        raise Stop(Failure(None, "inconsistent", (
            f"{what} claims to extend tree size {parsed.previous_size}, but the previous "
            f"checkpoint is at {head.size if head else 'none (it is the first)'}"
        )))
    try:
        check_consistency(start, size, start_root, root, parsed.path)
    except ProofError as exc:
        raise Stop(Failure(None, "inconsistent", (
            f"{what}: its consistency proof from tree size {start} does not verify ({exc}): "
            "the log forked between the two checkpoints"
        ))) from None


def check_trusted_signature(trusted: TrustedCheckpoint | None, ledger_keys: LedgerKeys) -> None:
    """Stop if ``trusted`` carries a signature that no ledger key (the one it names, if
    any) verifies."""
    if trusted is None or trusted.signature is None:
        return
    what = f"the trusted checkpoint at tree size {trusted.tree_size}"
    if trusted.timestamp is None:
        raise Stop(Failure(None, "bad-checkpoint", f"{what} has a signature but no "
                                                   "timestamp, so it cannot be checked"))
    if trusted.kid is not None and trusted.kid not in ledger_keys:
        raise Stop(Failure(None, "unknown-key", f"{what} is signed with key {trusted.kid}, "
                                                "which is not among the bundle's ledger "
                                                "keys"))
    keys = (
        [ledger_keys[trusted.kid]] if trusted.kid is not None
        else list(ledger_keys.values())
    )
    checkpoint = Checkpoint(trusted.tree_size, trusted.root_hash, trusted.timestamp,
                            trusted.log)
    if not any(checkpoint.signature_ok(key, trusted.signature) for key in keys):
        raise Stop(Failure(None, "bad-checkpoint", f"{what}: its signature does not "
                                                   "verify with the bundle's ledger keys"))


def served(line: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint line in the form ``GET /v1/checkpoints/latest`` serves."""
    body = line["checkpoint"]
    return {
        "log": body.get("log", LOG_ID),
        "tree_size": body["tree_size"],
        "root_hash": body["root_hash"],
        "timestamp": body["timestamp"],
        "kid": line["kid"],
        "signature": line["signature"],
    }
