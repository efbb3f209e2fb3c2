"""Routes to verify signed documents online and to fetch every key that ever signed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from services.exchange.certificates import service
from services.exchange.trading.context import TradingDep
from services.shared.app import SessionDep

router = APIRouter(tags=["certificates"])


class VerificationOut(BaseModel):
    """Whether a document's signature is the exchange's, and what it now stands for."""

    valid: bool
    reason: str
    type: str | None
    kid: str | None
    status: str | None = None


@router.get("/signing-keys", summary="Every key that ever signed exchange documents")
def signing_keys(response: Response, trading: TradingDep) -> dict[str, Any]:
    """A JWK Set with retired keys too (the JWKS drops them once their tokens expire, but
    certificates and vouchers they signed stay valid)."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return trading.signer.jwks()


@router.post("/certificates/verify", response_model=VerificationOut,
             summary="Verify a certificate, acceptance or voucher (anyone)")
def verify(document: dict[str, Any], session: SessionDep,
           trading: TradingDep) -> VerificationOut:
    """Checks the signature against every exchange key, and for a valid certificate or
    voucher says the registration's or the order's current status."""
    found = service.verify(session, trading, document)
    return VerificationOut(valid=found.valid, reason=found.reason, type=found.type,
                           kid=found.kid, status=found.status)
