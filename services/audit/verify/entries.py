"""What can be decided about one entry line on its own, in this process or in a worker.

An entry line is the entry's canonical JSON, keys in the order ``kid``, ``prev_hash``,
``record``, ``recorded_at``, ``seq``, ``signature``. Two depths of checking:

- *fast*: one regular expression anchored at both ends reads ``kid``, ``prev_hash`` and
  ``seq`` without parsing JSON (inside a JSON string a ``"`` is always escaped, so the
  envelope cannot be imitated from within the record); a line it does not match is parsed
  in full, only to explain what is wrong with it;
- *full*: the line is parsed (floats, non-finite numbers and integers beyond 2**53 refused),
  its shape checked field by field, re-canonicalised and compared byte for byte, its key
  looked up and bound to the record's source, and the source's Ed25519 signature checked
  over the record's canonical bytes. A line whose envelope (every field but the record)
  matches the one canonical layout is canonical exactly when its record is, so only the
  record is parsed and re-canonicalised then; any other line, or any failure, takes the
  whole-line path, which says what is wrong.

Chunks of lines are checked by :func:`check_chunk` (in this process or a worker, see
:mod:`~services.audit.verify.workers`); the chain inside a chunk is checked there too, so
the verifying process only links chunks and folds the leaves into the tree.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.entry import ENTRY_FIELDS
from services.shared.canonical import MAX_SAFE_INTEGER, NotCanonicalisable, canonical_json
from services.shared.events import RECORD_FIELDS

__all__ = [
    "ENTRY_RE",
    "ChunkResult",
    "Facts",
    "Inspection",
    "KeySpec",
    "Problem",
    "SourceKeys",
    "check_chunk",
    "check_entry",
    "entry_facts",
    "load_source_keys",
    "moment",
]

# The whole line, anchored at both ends (``fullmatch``): kid, prev_hash, seq. Key ids are
# RFC 7638 thumbprints (base64url); any other kid is parsed the slow way, to explain it. The
# signature is only measured (fast mode does not look at it; a character class costs more).
ENTRY_RE = re.compile(
    rb'\{"kid":"([A-Za-z0-9_-]{1,256})","prev_hash":"([0-9a-f]{64})","record":\{.*\},'
    rb'"recorded_at":"[^"\\]{1,64}","seq":(0|[1-9][0-9]{0,15}),"signature":".{128}"\}',
    re.DOTALL,
)
# The canonical envelope exactly: with kid a thumbprint, hex hashes and signature, an RFC
# 3339 time and a canonical integer, these bytes are the only canonical form of those
# fields, so the line is canonical if and only if this matches and the record (group 3) is.
_CANONICAL_RE = re.compile(
    rb'\{"kid":"([A-Za-z0-9_-]{1,256})","prev_hash":"([0-9a-f]{64})","record":(\{.*\}),'
    rb'"recorded_at":"([0-9A-Za-z:.+-]{1,64})","seq":(0|[1-9][0-9]{0,15}),'
    rb'"signature":"([0-9a-f]{128})"\}',
    re.DOTALL,
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_ENTRY_KEYS = frozenset(ENTRY_FIELDS)
_RECORD_KEYS = frozenset(RECORD_FIELDS)
_RECORD_TEXT = tuple(name for name in RECORD_FIELDS if name != "payload")
_RECORD_OPEN = b',"record":'
_RECORD_CLOSE = b',"recorded_at":"'

KeySpec = dict[str, tuple[str, bytes]]
"""Source keys as plain data (for a worker's initializer): kid → (source, raw public key)."""

SourceKeys = Mapping[str, tuple[str, ed25519.Ed25519PublicKey]]
"""Loaded source keys: kid → (source, public key)."""


class Facts(NamedTuple):
    """Where an entry claims to be: its sequence number, previous hash and key."""

    seq: int
    prev: bytes  # the raw 32-byte prev_hash
    kid: str


class Problem(NamedTuple):
    """What is wrong with an entry (or a line), as a failure kind and an explanation."""

    kind: str
    detail: str


class Inspection(NamedTuple):
    """An entry line's claims (None when they cannot be read) and its first problem."""

    facts: Facts | None
    problem: Problem | None


class ChunkResult(NamedTuple):
    """Leaf hashes of a chunk's good prefix, and the index of its first suspect entry.

    ``bad`` is the first entry with a problem of its own or whose ``seq``/``prev_hash`` do
    not follow the entry before it in the chunk (the first entry's link to the previous
    chunk is the caller's to check); ``leaves`` covers the entries before it.
    """

    leaves: list[bytes]
    bad: int | None


def load_source_keys(spec: KeySpec) -> dict[str, tuple[str, ed25519.Ed25519PublicKey]]:
    """Public key objects from their raw bytes."""
    return {
        kid: (source, ed25519.Ed25519PublicKey.from_public_bytes(raw))
        for kid, (source, raw) in spec.items()
    }


# --- one line --------------------------------------------------------------------------------


def _refuse_float(text: str) -> Any:
    raise NotCanonicalisable(f"floating-point number {text}: canonical records carry none")


def _refuse_constant(text: str) -> Any:
    raise NotCanonicalisable(f"{text} is not JSON")


def _safe_int(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_SAFE_INTEGER:
        raise NotCanonicalisable(f"integer {text} is beyond 2**53")
    return value


# One decoder and one encoder for every line (json.loads and json.dumps build a new one
# per call when given options).
_DECODER = json.JSONDecoder(
    parse_float=_refuse_float, parse_int=_safe_int, parse_constant=_refuse_constant
)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _parse(line: bytes) -> Any:
    return _DECODER.decode(line.decode("utf-8"))


def _is_canonical(body: dict[str, Any], line: bytes) -> bool:
    """Whether ``line`` is byte for byte the RFC 8785 form of ``body`` (parsed from it)."""
    if line.isascii():
        # Every key is ASCII and the parser refused floats and unsafe integers: that is
        # exactly when canonical_json takes its standard-library path, so take it directly
        # and skip its recursive pre-check (a third of the cost of a full verification).
        try:
            return _ENCODER.encode(body).encode("ascii") == line
        except UnicodeEncodeError:  # a lone surrogate, written as an escape
            return False
    try:
        return canonical_json(body) == line
    except NotCanonicalisable:
        return False


def moment(value: object) -> datetime | None:
    """An RFC 3339 time with a zone, or None if ``value`` is not one."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _rfc3339(value: object) -> bool:
    return moment(value) is not None


def _fields_wrong(what: str, fields: dict[str, Any], expected: frozenset[str]) -> str | None:
    """Which fields an object lacks or has beyond the expected ones, if any."""
    if fields.keys() == expected:
        return None
    missing = sorted(expected - fields.keys())
    extra = sorted(fields.keys() - expected)
    return f"{what} fields wrong: missing {missing}, unexpected {extra}"


def _shape(body: object) -> str | None:
    """What is wrong with the parsed entry's fields and types, if anything."""
    if type(body) is not dict:
        return "the line is JSON but not an object"
    if wrong := _fields_wrong("entry", body, _ENTRY_KEYS):
        return wrong
    seq = body["seq"]
    if type(seq) is not int or seq < 0:  # not a bool either
        return f"seq must be a non-negative integer, got {seq!r}"
    kid = body["kid"]
    if type(kid) is not str or not kid:
        return "kid must be a non-empty string"
    prev = body["prev_hash"]
    if type(prev) is not str or not _HEX64.fullmatch(prev):
        return "prev_hash must be 64 lowercase hex digits"
    signature = body["signature"]
    if type(signature) is not str or not _HEX128.fullmatch(signature):
        return "signature must be 128 lowercase hex digits (an Ed25519 signature)"
    if not _rfc3339(body["recorded_at"]):
        return "recorded_at must be an RFC 3339 time with a zone"
    return _record_shape(body["record"])


def _record_shape(record: object) -> str | None:
    """What is wrong with the parsed record's fields and types, if anything."""
    if type(record) is not dict:
        return "record must be an object"
    if wrong := _fields_wrong("record", record, _RECORD_KEYS):
        return wrong
    for name in _RECORD_TEXT:
        value = record[name]
        if type(value) is not str or not value:
            return f"record {name} must be a non-empty string"
    if not _rfc3339(record["occurred_at"]):
        return "record occurred_at must be an RFC 3339 time with a zone"
    if type(record["payload"]) is not dict:
        return "record payload must be an object"
    return None


def _record_bytes(line: bytes, body: dict[str, Any]) -> bytes:
    # In a canonical line the record's canonical bytes are a slice of it: JCS serialises a
    # nested value the same wherever it stands. The first top-level ',"record":' follows
    # kid and prev_hash (strings escape every '"'), the last ',"recorded_at":"' starts the
    # tail (recorded_at, seq and signature hold no unescaped '"' either).
    start = line.find(_RECORD_OPEN)
    end = line.rfind(_RECORD_CLOSE)
    if 0 < start < end:
        return line[start + len(_RECORD_OPEN) : end]
    return canonical_json(body["record"])  # pragma: no cover - a canonical line has both


def check_entry(line: bytes, keys: SourceKeys | None, *, signatures: bool) -> Inspection:
    """Read an entry line's claims and find its first problem.

    With ``signatures`` the line is checked in full (shape, canonical form, key, source,
    signature) and ``keys`` must hold the loaded source keys. Without, only what the
    envelope expression reads is checked, plus that ``kid`` is a known key when ``keys`` is
    given; a line the expression rejects is parsed to say why.
    """
    if not signatures:
        match = ENTRY_RE.fullmatch(line)
        if match is not None:
            kid = match.group(1).decode()
            facts = Facts(int(match.group(3)), binascii.unhexlify(match.group(2)), kid)
            if keys is not None and kid not in keys:
                return Inspection(facts, _unknown_key(kid))
            return Inspection(facts, None)
    elif keys is not None:
        checked = _check_canonical(line, keys)
        if checked is not None:
            return checked
    return _check_parsed(line, keys, signatures=signatures)


def _check_canonical(line: bytes, keys: SourceKeys) -> Inspection | None:
    """The full check of a line whose envelope is canonical, parsing only its record;
    None when anything is off, for :func:`_check_parsed` to find and explain it."""
    match = _CANONICAL_RE.fullmatch(line)
    if match is None:
        return None
    kid_text, prev, text, recorded_at, seq_text, signature = match.groups()
    seq = int(seq_text)
    if seq > MAX_SAFE_INTEGER or not _rfc3339(recorded_at.decode()):
        return None
    try:
        record = _parse(text)
    except (ValueError, NotCanonicalisable, RecursionError):
        return None
    if _record_shape(record) is not None or not _is_canonical(record, text):
        return None
    kid = kid_text.decode()
    facts = Facts(seq, binascii.unhexlify(prev), kid)
    known = keys.get(kid)
    if known is None or record["source"] != known[0]:
        return None
    try:
        known[1].verify(binascii.unhexlify(signature), text)
    except InvalidSignature:
        return None
    return Inspection(facts, None)


def _check_parsed(line: bytes, keys: SourceKeys | None, *, signatures: bool) -> Inspection:
    """The whole line parsed, checked and re-canonicalised: the explaining path."""
    try:
        body = _parse(line)
    except NotCanonicalisable as exc:
        return Inspection(_loose_facts(line), Problem("malformed", f"not canonical JSON: {exc}"))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return Inspection(_loose_facts(line), Problem("malformed", f"not JSON: {exc}"))
    except RecursionError:
        return Inspection(None, Problem("malformed", "not JSON: nested too deeply"))
    wrong = _shape(body)
    if wrong is not None:
        return Inspection(_loose_facts(line, body), Problem("malformed", wrong))
    facts = Facts(body["seq"], bytes.fromhex(body["prev_hash"]), body["kid"])
    if not _is_canonical(body, line):
        return Inspection(facts, Problem(
            "modified",
            "the line is not the canonical (RFC 8785) form of its content (whitespace, key "
            "order, escapes or number form changed), so it is not the bytes the ledger hashed",
        ))
    if keys is None:
        return Inspection(facts, None)
    known = keys.get(facts.kid)
    if known is None:
        return Inspection(facts, _unknown_key(facts.kid))
    if not signatures:
        return Inspection(facts, None)
    source, public_key = known
    record = body["record"]
    if record["source"] != source:
        return Inspection(facts, Problem(
            "unknown-key",
            f"key {facts.kid} belongs to source {source!r}, but the record claims source "
            f"{record['source']!r}",
        ))
    try:
        public_key.verify(bytes.fromhex(body["signature"]), _record_bytes(line, body))
    except InvalidSignature:
        return Inspection(facts, Problem(
            "bad-signature",
            f"the signature does not verify with {source}'s key {facts.kid}: the record was "
            "modified or the signature replaced",
        ))
    return Inspection(facts, None)


def _unknown_key(kid: str) -> Problem:
    return Problem("unknown-key", f"signed with key {kid}, which is not among the bundle's "
                                  "source keys")


def _loose_facts(line: bytes, body: object = None) -> Facts | None:
    """seq and prev_hash of a line that is not a well-formed entry, if they can be read."""
    if body is None:
        try:
            body = json.loads(line)
        except (ValueError, RecursionError):
            return None
    if not isinstance(body, dict):
        return None
    seq, prev, kid = body.get("seq"), body.get("prev_hash"), body.get("kid")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(prev, str):
        return None
    if not _HEX64.fullmatch(prev):
        return None
    return Facts(seq, bytes.fromhex(prev), kid if isinstance(kid, str) else "")


def entry_facts(line: bytes) -> Facts | None:
    """An entry line's seq, prev_hash and kid, however damaged the rest of it is."""
    match = ENTRY_RE.fullmatch(line)
    if match is not None:
        return Facts(int(match.group(3)), binascii.unhexlify(match.group(2)),
                     match.group(1).decode())
    return _loose_facts(line)


# --- a chunk of lines ------------------------------------------------------------------------


def check_chunk(
    lines: Sequence[bytes], keys: SourceKeys, *, signatures: bool
) -> ChunkResult:
    """Check consecutive entry lines: each on its own, and each against the one before."""
    sha256 = hashlib.sha256
    leaves: list[bytes] = []
    append = leaves.append
    previous = b""
    first_seq = 0
    if not signatures:
        fullmatch = ENTRY_RE.fullmatch
        unhexlify = binascii.unhexlify
        kids = {kid.encode() for kid in keys}
        for i, line in enumerate(lines):
            match = fullmatch(line)
            if match is None:
                facts, problem = check_entry(line, keys, signatures=False)
                if facts is None or problem is not None:
                    return ChunkResult(leaves, i)
                seq, prev = facts.seq, facts.prev
            else:
                kid, prev_hex, seq_text = match.groups()
                if kid not in kids:
                    return ChunkResult(leaves, i)
                seq, prev = int(seq_text), unhexlify(prev_hex)
            if i == 0:
                first_seq = seq
            elif seq != first_seq + i or prev != previous:
                return ChunkResult(leaves, i)
            previous = sha256(line).digest()
            append(sha256(b"\x00" + line).digest())
        return ChunkResult(leaves, None)
    for i, line in enumerate(lines):
        facts, problem = check_entry(line, keys, signatures=True)
        if facts is None or problem is not None:
            return ChunkResult(leaves, i)
        if i == 0:
            first_seq = facts.seq
        elif facts.seq != first_seq + i or facts.prev != previous:
            return ChunkResult(leaves, i)
        previous = sha256(line).digest()
        append(sha256(b"\x00" + line).digest())
    return ChunkResult(leaves, None)
