"""Online verification: a signed document checked against every exchange key, and the
current status of the registration or order it stands for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services.exchange.assets import repository as assets
from services.exchange.certificates.verify import verify_document
from services.exchange.orders import repository as orders
from services.exchange.trading.context import Trading


@dataclass(frozen=True)
class Verification:
    """Whether a document's signature is the exchange's, and what it now stands for."""

    valid: bool
    reason: str
    type: str | None
    kid: str | None
    status: str | None = None


def verify(session: Session, trading: Trading, document: dict[str, Any]) -> Verification:
    """Check the signature; for a valid registration certificate or trade voucher, add
    the asset's or the order's current status."""
    result = verify_document(document, trading.signer.jwks())
    current = None
    if result.valid and result.type == "dataex.registration_certificate":
        current = assets.asset_status(session, document.get("asset", {}).get("id"))
    elif result.valid and result.type == "dataex.trade_voucher":
        current = orders.order_status(session, document.get("order_id"))
    return Verification(valid=result.valid, reason=result.reason, type=result.type,
                        kid=result.kid, status=current)
