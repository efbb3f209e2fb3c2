"""Token revocation (RFC 7009) and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from services.exchange.sessions import service
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.auth import CurrentPrincipal, TokenVerifier
from services.shared.problems import Unauthorized

router = APIRouter(tags=["identity"])


def _verified_claims(request: Request, token: str) -> dict[str, object] | None:
    """The claims of an access token this exchange issued, or None (a refresh token, or
    something that does not verify)."""
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return dict(verifier.principal(token).claims)
    except Unauthorized:
        return None


def _revocations_changed(request: Request) -> None:
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None:
        revocations.forget()


@router.post("/auth/revoke", status_code=status.HTTP_200_OK, response_class=Response,
             responses={200: {"description": "Revoked, or never known", "content": {}}},
             summary="Revoke an access or refresh token (RFC 7009)")
def revoke(request: Request, uow: UnitOfWorkDep,
           token: Annotated[str, Form(max_length=4096)],
           token_type_hint: Annotated[str | None, Form(max_length=32)] = None) -> Response:
    """A refresh token revokes every token of its sign-in; an access token is refused by
    every service within their revocation bound. 200 whether or not the token was known
    (RFC 7009 §2.2)."""
    refresh_hint = token_type_hint == "refresh_token"  # noqa: S105 - an RFC 7009 hint
    claims = None if refresh_hint else _verified_claims(request, token)
    service.revoke(uow, token=token, claims=claims, reason="revoked")
    _revocations_changed(request)
    return Response(status_code=status.HTTP_200_OK, headers={"Cache-Control": "no-store"})


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT,
             summary="Sign out: the bearer token and its whole sign-in are revoked")
def sign_out(request: Request, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> Response:
    """The access token presented, its refresh tokens and every access token they issued."""
    service.revoke(uow, token=actor.token, claims=dict(actor.claims), reason="signed_out")
    _revocations_changed(request)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
