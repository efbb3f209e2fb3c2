"""The audit API relayed as JSON for the in-browser proof check (static/proof.js).

The browser may only talk to the portal, so the portal hands on, unchanged in meaning,
what the audit service answers: the entry, its inclusion proof, the signed checkpoint
and the published keys. The browser checks all of it itself; nothing here vouches for
anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.clients import ApiProblem
from services.portal.access import ApiDep, RegulatorDep

router = APIRouter(prefix="/relay")


def _relayed(fetch: Callable[[], BaseModel | dict[str, Any]]) -> Response:
    """The audit service's answer as JSON, or its problem document with its status."""
    try:
        answer = fetch()
    except ApiProblem as problem:
        status = problem.status if 400 <= problem.status < 600 else 502
        return JSONResponse(problem.problem or {"detail": problem.detail}, status_code=status,
                            media_type="application/problem+json")
    body = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/entries/{seq}")
def relay_entry(_regulator: RegulatorDep, api: ApiDep, seq: int) -> Response:
    """The audit service's ``GET /v1/entries/{seq}``."""
    return _relayed(lambda: api.audit.entry(seq))


@router.get("/proofs/inclusion")
def relay_inclusion(_regulator: RegulatorDep, api: ApiDep,
                    seq: Annotated[int, Query(ge=0)],
                    tree_size: Annotated[int, Query(ge=1)]) -> Response:
    """The audit service's ``GET /v1/proofs/inclusion``."""
    return _relayed(lambda: api.audit.inclusion_proof(seq, tree_size))


@router.get("/checkpoints/latest")
def relay_latest_checkpoint(_regulator: RegulatorDep, api: ApiDep) -> Response:
    """The audit service's ``GET /v1/checkpoints/latest``."""
    return _relayed(api.audit.latest_checkpoint)


@router.get("/keys")
def relay_keys(_regulator: RegulatorDep, api: ApiDep) -> Response:
    """The audit service's ``GET /v1/keys``: the ledger's and the sources' public keys."""
    return _relayed(api.audit.keys)
