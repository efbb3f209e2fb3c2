"""Trade vouchers (交易凭证): issued when an order settles, signed by the exchange.

A voucher names the contract hash, the parties, the amounts and the ledger entry of the
settlement (its event id at once; its sequence number in the ledger as soon as the
relay has delivered it, when the voucher is signed again with the number included).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.orders.tables import Order
from services.exchange.outbox import outbox as outbox_table
from services.exchange.trading.context import Trading
from services.exchange.vouchers.tables import TradeVoucher
from services.shared.events import rfc3339
from services.shared.ids import new_id


def voucher_document(voucher_id: str, order: Order, *, asset_content_sha256: str,
                     settlement_event_id: str, ledger_seq: int | None, issuer: str,
                     settled_at: datetime) -> dict[str, Any]:
    """The voucher's content, before signing."""
    return {
        "type": "dataex.trade_voucher",
        "voucher_id": voucher_id,
        "order_id": order.id,
        "offer_id": order.offer_id,
        "asset_id": order.asset_id,
        "asset_content_sha256": asset_content_sha256,
        "contract_sha256": order.contract_sha256,
        "rights_granted": list(order.rights_granted),
        "buyer_org_id": order.buyer_org_id,
        "provider_org_id": order.provider_org_id,
        "amount_fen": order.amount_fen,
        "refunded_fen": order.refunded_fen or 0,
        "fee_fen": order.fee_fen or 0,
        "provider_net_fen": order.provider_net_fen or 0,
        "free_use": order.free_use,
        "settled_at": rfc3339(settled_at),
        "ledger": {"event_id": settlement_event_id, "seq": ledger_seq},
        "issuer": issuer,
    }


def issue_voucher(session: Session, trading: Trading, order: Order, *, voucher_id: str,
                  asset_content_sha256: str, settlement_event_id: str,
                  now: datetime) -> TradeVoucher:
    """Sign and store the voucher of a settled order."""
    document = voucher_document(voucher_id, order, asset_content_sha256=asset_content_sha256,
                                settlement_event_id=settlement_event_id, ledger_seq=None,
                                issuer=trading.settings.issuer, settled_at=now)
    voucher = TradeVoucher(id=voucher_id, order_id=order.id,
                           settlement_event_id=settlement_event_id,
                           document=trading.signer.sign(document), issued_at=now)
    session.add(voucher)
    return voucher


def new_voucher_id() -> str:
    """A fresh voucher id."""
    return new_id("vch")


def voucher_of_order(session: Session, order_id: str) -> TradeVoucher | None:
    """The voucher of a settled order, if any."""
    return session.scalars(select(TradeVoucher).where(TradeVoucher.order_id == order_id)).first()


def with_ledger_position(session: Session, trading: Trading,
                         voucher: TradeVoucher) -> TradeVoucher:
    """The voucher, re-signed with the settlement's ledger sequence number once the
    relay has delivered it (unchanged before)."""
    if voucher.ledger_seq is not None:
        return voucher
    seq = session.scalar(select(outbox_table.c.ledger_seq)
                         .where(outbox_table.c.event_id == voucher.settlement_event_id))
    if seq is None:
        return voucher
    document = {k: v for k, v in voucher.document.items() if k not in ("kid", "signature")}
    document["ledger"] = {"event_id": voucher.settlement_event_id, "seq": int(seq)}
    voucher.document = trading.signer.sign(document)
    voucher.ledger_seq = int(seq)
    return voucher
