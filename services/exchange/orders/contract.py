"""The contract an order makes and the parties' signed acceptances (pure builders).

The contract is fixed when the buyer orders: the offer's terms and ODRL policy narrowed
to this buyer, the parties, the price, the term, the rights granted, the datasets'
pinned hashes. Its SHA-256 over canonical JSON is what both acceptances, the ledger
events and the trade voucher name.
"""

from __future__ import annotations

from typing import Any

from services.exchange.assets.tables import Asset
from services.exchange.market.pricing import Quote
from services.exchange.offers.tables import Offer
from services.exchange.orders.repository import PartyRecord


def _party(org: PartyRecord) -> dict[str, str]:
    return {"org_id": org.id, "name": org.name, "credit_code": org.credit_code}


def contract_document(*, order_id: str, offer: Offer, asset: Asset, provider: PartyRecord,
                      buyer: PartyRecord, quote: Quote, purpose: str, purpose_category: str,
                      agreement: dict[str, Any], created_at: str) -> dict[str, Any]:
    """The contract's full content."""
    return {
        "type": "dataex.contract",
        "version": 1,
        "order_id": order_id,
        "offer_id": offer.id,
        "terms_sha256": offer.terms_sha256,
        "asset": {"id": asset.id, "name": asset.name, "certificate_no": asset.certificate_no,
                  "content_sha256": asset.content_sha256,
                  "dataset_hashes": [d.pinned() for d in asset.datasets]},
        "provider": _party(provider),
        "buyer": _party(buyer),
        "rights_granted": list(offer.rights),
        "plan": offer.plan,
        "price": {"amount_fen": quote.amount_fen, "list_amount_fen": quote.list_amount_fen,
                  "quantity": quote.quantity, "unit": offer.unit, "lines": list(quote.lines),
                  "free_use": quote.free_use},
        "term_days": offer.term_days,
        **({"includes_updates": True} if offer.includes_updates else {}),
        "purpose": {"category": purpose_category, "statement": purpose},
        "policy": agreement,
        "created_at": created_at,
    }


def acceptance_document(*, order_id: str, contract_sha256: str, role: str, party_org_id: str,
                        actor: str, accepted_at: str) -> dict[str, Any]:
    """One party's acceptance of the contract, before the exchange signs it."""
    return {
        "type": "dataex.contract_acceptance",
        "order_id": order_id,
        "contract_sha256": contract_sha256,
        "role": role,
        "party_org_id": party_org_id,
        "accepted_by": actor,
        "accepted_at": accepted_at,
    }
