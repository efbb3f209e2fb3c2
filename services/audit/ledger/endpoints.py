"""Ledger routes: append (services), read and export (regulators), public proofs."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from services.audit.deps import DatabaseDep, LedgerKeysDep, SequencerDep
from services.audit.ledger import repository
from services.audit.ledger.bundle import dumps, write_tar
from services.audit.ledger.export import bundle_lines, checkpoint_line
from services.audit.ledger.ingest import SourceKeys, register_source_key, verify_entries
from services.audit.ledger.merkle import (
    MissingNodesError,
    consistency_proof,
    inclusion_proof,
    root_at,
)
from services.audit.ledger.sequencer import Sequencer
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Principal, Regulator, ServicePrincipal
from services.shared.bounds import MAX_INTEGER
from services.shared.database import Database
from services.shared.events import rfc3339
from services.shared.problems import Forbidden, InvalidInput, NotFound
from services.shared.rate_limits import rate_limited
from services.shared.schemas.ledger import (
    AppendBatchOut,
    AppendedOut,
    CheckpointOut,
    ConsistencyProofOut,
    EntryBatchIn,
    EntryIn,
    EntryOut,
    EntryPage,
    InclusionProofOut,
    SourceKeyIn,
)

router = APIRouter(tags=["ledger"])


def _entry_out(e: repository.StoredEntry) -> EntryOut:
    return EntryOut(
        seq=e.seq, event_id=e.event_id, type=e.type, source=e.source, actor=e.actor,
        subject=e.subject, occurred_at=json.loads(e.record)["occurred_at"],
        recorded_at=e.recorded_at, record=json.loads(e.record), kid=e.kid,
        signature=e.signature, prev_hash=e.prev_hash, entry_hash=e.entry_hash,
        leaf_hash=e.leaf_hash,
    )


VERIFY_CHUNK = 32
"""Entries verified between two yields to the event loop (about 0.1 ms a signature)."""


@router.post(
    "/entries",
    summary="Append one entry or a batch (services only; idempotent on event_id)",
    responses={200: {"model": AppendBatchOut}, 201: {"model": AppendedOut}},
)
async def append_entries(
    body: Annotated[EntryIn | EntryBatchIn, Body()],
    request: Request,
    actor: ServicePrincipal,
) -> Any:
    """Verify each entry's source signature, then append durably before answering.

    The same event id with the same record answers with the original sequence number;
    with another record it is a 409 and nothing of the request is appended.
    """
    state = request.app.state
    keys: SourceKeys = state.source_keys
    sequencer: Sequencer = state.sequencer
    batch = isinstance(body, EntryBatchIn)
    entries = body.entries if isinstance(body, EntryBatchIn) else [body]
    uncached = {e.kid for e in entries if keys.cached(e.kid) is None}
    if uncached:  # a key this process has not read yet (the database, in a thread)
        await run_in_threadpool(_read_keys, state.db, keys, uncached)
    # Signatures are checked here on the event loop, a chunk at a time, rather than in
    # worker threads: a thread busy verifying holds the GIL that the sequencer thread
    # needs after each database round trip, and it holds the ledger's lock meanwhile.
    submitted = [{"record": e.record, "kid": e.kid, "signature": e.signature} for e in entries]
    candidates = []
    for start in range(0, len(submitted), VERIFY_CHUNK):
        if start:
            await asyncio.sleep(0)
        candidates.extend(verify_entries(keys.cached, submitted[start:start + VERIFY_CHUNK],
                                         actor, first_index=start))
    results = await sequencer.append_async(candidates)
    outs = [{"event_id": r.event_id, "seq": r.seq, "entry_hash": r.entry_hash,
             "created": r.created} for r in results]
    if batch:
        return JSONResponse({"entries": outs}, status_code=status.HTTP_200_OK)
    code = status.HTTP_201_CREATED if outs[0]["created"] else status.HTTP_200_OK
    return JSONResponse(outs[0], status_code=code)


def _read_keys(db: Database, keys: SourceKeys, kids: set[str]) -> None:
    with db.reading() as session:
        for kid in kids:
            keys.get(session, kid)


def _reader(actor: Principal) -> None:
    """Regulators read the ledger; so do services (the exchange checks dispute evidence)."""
    if not (actor.is_service or actor.has_role("regulator")):
        raise Forbidden("the ledger is read by regulators and services", slug="role-required")


@router.get("/entries", response_model=EntryPage,
            summary="Read the ledger (regulators, services)")
def list_entries(
    session: SessionDep,
    actor: CurrentPrincipal,
    type: Annotated[str | None, Query(max_length=64,
                                      description="exact type, or a prefix like 'order.*'")] = None,
    subject: Annotated[str | None, Query(max_length=128)] = None,
    source: Annotated[str | None, Query(max_length=32)] = None,
    after_seq: Annotated[int | None, Query(ge=-1, le=MAX_INTEGER)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EntryPage:
    """Entries in log order; pass ``next_after_seq`` as ``after_seq`` for the next page."""
    _reader(actor)
    rows = repository.entries(session, after_seq=after_seq, limit=limit, type=type,
                              subject=subject, source=source)
    items = [_entry_out(e) for e in rows]
    return EntryPage(items=items, next_after_seq=items[-1].seq if len(items) == limit else None)


@router.get("/entries/{seq}", response_model=EntryOut,
            summary="One entry (regulators, services)")
def get_entry(seq: Annotated[int, Path(ge=0, le=MAX_INTEGER)], session: SessionDep,
              actor: CurrentPrincipal) -> EntryOut:
    """The entry at ``seq`` with its hashes and signature."""
    _reader(actor)
    row = repository.entry(session, seq)
    if row is None:
        raise NotFound(f"no entry {seq}")
    return _entry_out(row)


@router.get("/events/{event_id}", response_model=EntryOut,
            summary="The entry of one event id (regulators, services)")
def get_event_entry(event_id: str, session: SessionDep, actor: CurrentPrincipal) -> EntryOut:
    """The entry that recorded ``event_id``, with its sequence number and hashes."""
    _reader(actor)
    row = repository.entry_by_event(session, event_id)
    if row is None:
        raise NotFound(f"no entry records event {event_id}")
    return _entry_out(row)


def _checkpoint_out(line: dict[str, Any]) -> CheckpointOut:
    return CheckpointOut(**line["checkpoint"], signature=line["signature"], kid=line["kid"],
                         previous_size=line["previous_size"],
                         consistency_path=line["consistency_path"])


@router.get("/checkpoints/latest", response_model=CheckpointOut,
            summary="The newest signed checkpoint")
def latest_checkpoint(session: SessionDep) -> CheckpointOut:
    """The newest tree head, signed by the ledger key (kid in /v1/keys)."""
    row = repository.latest_checkpoint(session)
    if row is None:
        raise NotFound("no checkpoint has been issued yet")
    return _checkpoint_out(checkpoint_line(row))


@router.get("/checkpoints", response_model=list[CheckpointOut], summary="Signed checkpoints")
def list_checkpoints(
    session: SessionDep,
    after_size: Annotated[int, Query(ge=0, le=MAX_INTEGER)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[CheckpointOut]:
    """Checkpoints in order of tree size, after ``after_size``."""
    rows = repository.checkpoints(session, after=after_size, limit=limit)
    return [_checkpoint_out(checkpoint_line(r)) for r in rows]


@router.get("/checkpoints/{tree_size}", response_model=CheckpointOut,
            summary="The checkpoint of one tree size")
def get_checkpoint(tree_size: Annotated[int, Path(ge=0, le=MAX_INTEGER)],
                   session: SessionDep) -> CheckpointOut:
    """The checkpoint signed at exactly ``tree_size`` entries."""
    row = repository.checkpoint_at(session, tree_size)
    if row is None:
        raise NotFound(f"no checkpoint at tree size {tree_size}")
    return _checkpoint_out(checkpoint_line(row))


@router.post("/checkpoints", response_model=CheckpointOut, summary="Sign a checkpoint now")
def checkpoint_now(db: DatabaseDep, sequencer: SequencerDep,
                   actor: CurrentPrincipal) -> CheckpointOut:
    """Regulators and services may ask for a checkpoint of the current tree."""
    if not (actor.is_service or actor.has_role("regulator", "operator")):
        raise Forbidden("checkpoints on demand are for regulators, operators and services")
    sequencer.checkpoint_now()
    with db.reading() as session:
        row = repository.latest_checkpoint(session)
        if row is None:
            raise NotFound("the ledger is empty: there is nothing to checkpoint")
        return _checkpoint_out(checkpoint_line(row))


def _tree_size_or_latest(session: Any, tree_size: int | None) -> int:
    state = repository.read_state(session)
    current = state.tree_size if state else 0
    if tree_size is None:
        latest = repository.latest_checkpoint(session)
        tree_size = latest.tree_size if latest else current
    if tree_size > current:
        raise InvalidInput(f"tree_size {tree_size} is beyond the log's {current} entries",
                           slug="beyond-tree")
    return tree_size


@router.get("/proofs/inclusion", response_model=InclusionProofOut,
            summary="RFC 9162 inclusion proof of one entry",
            dependencies=[Depends(rate_limited("proof"))])
def prove_inclusion(
    session: SessionDep,
    seq: Annotated[int, Query(ge=0, le=MAX_INTEGER)],
    tree_size: Annotated[int | None, Query(ge=1, le=MAX_INTEGER,
                                           description="default: latest checkpoint")] = None,
) -> InclusionProofOut:
    """The audit path from entry ``seq`` to the root of the first ``tree_size`` entries."""
    size = _tree_size_or_latest(session, tree_size)
    if seq >= size:
        raise InvalidInput(f"seq {seq} is not in a tree of {size} entries", slug="beyond-tree")
    row = repository.entry(session, seq)
    if row is None:
        raise NotFound(f"no entry {seq}")
    reader = repository.SessionNodeReader(session)
    try:
        path = inclusion_proof(reader, seq, size)
        root = root_at(reader, size)
    except MissingNodesError as exc:
        raise NotFound("the log does not have that tree yet") from exc
    return InclusionProofOut(leaf_index=seq, tree_size=size, leaf_hash=row.leaf_hash,
                             audit_path=[h.hex() for h in path], root_hash=root.hex())


@router.get("/proofs/consistency", response_model=ConsistencyProofOut,
            summary="RFC 9162 consistency proof between two tree sizes",
            dependencies=[Depends(rate_limited("proof"))])
def prove_consistency(
    session: SessionDep,
    first: Annotated[int, Query(ge=1, le=MAX_INTEGER)],
    second: Annotated[int | None, Query(ge=1, le=MAX_INTEGER,
                                        description="default: latest checkpoint")] = None,
) -> ConsistencyProofOut:
    """Proof that the first ``first`` entries are a prefix of the first ``second``."""
    size = _tree_size_or_latest(session, second)
    if first > size:
        raise InvalidInput(f"first ({first}) must not exceed second ({size})", slug="bad-range")
    reader = repository.SessionNodeReader(session)
    path = consistency_proof(reader, first, size)
    return ConsistencyProofOut(
        first=first, second=size, consistency_path=[h.hex() for h in path],
        first_root=root_at(reader, first).hex(), second_root=root_at(reader, size).hex(),
    )


@router.get("/keys", summary="Public keys of the ledger and of every emitting service")
def keys(session: SessionDep, ledger_keys: LedgerKeysDep) -> dict[str, Any]:
    """The ledger's checkpoint keys and each source's event-signing keys, as JWKs."""
    sources = [
        {"source": k.source, "kid": k.kid, "jwk": json.loads(k.jwk),
         "registered_at": rfc3339(k.registered_at)}
        for k in repository.source_keys(session)
    ]
    return {"ledger": [k.jwk() for k in ledger_keys.verification_keys()], "sources": sources}


@router.post("/sources/keys", status_code=status.HTTP_201_CREATED,
             summary="Register the calling service's event-signing key (services only)")
def register_key(body: SourceKeyIn, session: SessionDep, actor: ServicePrincipal) -> dict[str, Any]:
    """Idempotent: registering the same key again answers with it."""
    row = register_source_key(session, body.jwk, actor)
    return {"source": row.source, "kid": row.kid, "jwk": json.loads(row.jwk)}


@router.get("/export", summary="Export the ledger as a bundle (regulators)")
def export(
    db: DatabaseDep,
    ledger_keys: LedgerKeysDep,
    actor: Regulator,
    format: Annotated[Literal["jsonl", "tar"], Query()] = "jsonl",
) -> StreamingResponse:
    """Entries, checkpoints and public keys, for ``dataex verify`` to check offline."""
    lines = bundle_lines(db, ledger_keys)
    if format == "jsonl":
        return StreamingResponse(
            (dumps(line) for line in lines),
            media_type="application/jsonl",
            headers={"Content-Disposition": 'attachment; filename="dataex-ledger.jsonl"'},
        )

    def tar_bytes() -> Iterator[bytes]:
        with tempfile.TemporaryFile() as spool:
            write_tar(lines, spool)
            spool.seek(0)
            while chunk := spool.read(1 << 16):
                yield chunk

    return StreamingResponse(
        tar_bytes(),
        media_type="application/x-tar",
        headers={"Content-Disposition": 'attachment; filename="dataex-ledger.tar"'},
    )
