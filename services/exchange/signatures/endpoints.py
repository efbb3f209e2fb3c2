"""Party-key routes: an organisation's admin registers and rotates its public signing
keys; anyone reads an organisation's keys to check its signatures offline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from services.exchange.signatures import service
from services.exchange.signatures.schemas import KeyIn, KeyOut, KeySet
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal
from services.shared.problems import PROBLEM_JSON

router = APIRouter(tags=["signatures"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {}}}
    for code, text in (
        (401, "no or a bad bearer token"),
        (403, "not the organisation's admin (a signed-in user)"),
        (404, "no such member organisation"),
        (409, "a key is already active (rotate), none is (register), or the key is known"),
        (422, "not a public P-256 or Ed25519 JWK"),
    )
}


@router.get("/me/keys", response_model=KeySet, responses=_PROBLEMS,
            summary="The caller's organisation's signing keys")
def my_keys(session: SessionDep, actor: CurrentPrincipal) -> KeySet:
    """Active and retired keys, newest first."""
    org_id, keys = service.own_keys(session, actor)
    return KeySet(org_id=org_id, keys=[KeyOut.model_validate(k) for k in keys])


@router.post("/me/keys", status_code=status.HTTP_201_CREATED, response_model=KeyOut,
             responses=_PROBLEMS, summary="Register the organisation's signing key (its admin)")
def register_key(body: KeyIn, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> KeyOut:
    """From now on the organisation's contract acceptances and confirmations must carry
    its signature by this key."""
    return KeyOut.model_validate(service.register_key(uow, jwk=body.jwk, actor=actor))


@router.post("/me/keys/rotate", status_code=status.HTTP_201_CREATED, response_model=KeyOut,
             responses=_PROBLEMS, summary="Replace the active signing key (its admin)")
def rotate_key(body: KeyIn, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> KeyOut:
    """The old key is retired now: it signs nothing more, what it signed still verifies."""
    return KeyOut.model_validate(service.rotate_key(uow, jwk=body.jwk, actor=actor))


@router.get("/organizations/{org_id}/keys", response_model=KeySet, responses=_PROBLEMS,
            summary="An organisation's signing keys, retired ones too (anyone)")
def organization_keys(org_id: str, session: SessionDep) -> KeySet:
    """Save this to check the organisation's signatures offline
    (``dataex certificate verify FILE --party-keys``)."""
    return KeySet(org_id=org_id, keys=[KeyOut.model_validate(k)
                                       for k in service.keys_of(session, org_id)])
