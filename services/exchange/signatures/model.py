"""What a party signs (pure): the statements of a contract acceptance and of a delivery
confirmation. A client builds the same object, signs its canonical JSON with
``dataex sign`` (see :mod:`services.shared.party_signatures`) and sends the signature."""

from __future__ import annotations

from typing import Any

ACCEPTANCE = "dataex.acceptance_statement"
CONFIRMATION = "dataex.confirmation_statement"


def acceptance_statement(*, order_id: str, contract_sha256: str, role: str,
                         org_id: str) -> dict[str, Any]:
    """The statement by which a party (``buyer`` or ``provider``) accepts a contract."""
    return {"type": ACCEPTANCE, "order_id": order_id, "contract_sha256": contract_sha256,
            "role": role, "org_id": org_id}


def confirmation_statement(*, order_id: str, contract_sha256: str,
                           org_id: str) -> dict[str, Any]:
    """The statement by which the buyer confirms delivery (and releases escrow)."""
    return {"type": CONFIRMATION, "order_id": order_id, "contract_sha256": contract_sha256,
            "role": "buyer", "org_id": org_id}
