"""Trade vouchers (交易凭证): issued when an order settles, signed by the exchange.

A voucher names the contract hash, the parties, the amounts and the ledger entry of the
settlement (its event id at once; its sequence number in the ledger as soon as the
relay has delivered it, when the voucher is signed again with the number included).
Once a signed checkpoint covers that entry, the voucher embeds the entry, its RFC 9162
inclusion proof and the checkpoint (fetched from the ledger) and is signed a last time:
``dataex certificate verify --ledger-keys`` then proves the settlement is in the ledger
without asking anyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.clients import ApiProblem, AuditClient, ServiceUnreachable
from services.exchange.orders.tables import Order
from services.exchange.outbox import outbox as outbox_table
from services.exchange.trading.context import Trading
from services.exchange.vouchers.tables import TradeVoucher
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.schemas.ledger import CheckpointOut


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
    relay has delivered it, and with its inclusion proof once the ledger can prove it
    (unchanged before; unchanged too while the ledger cannot be reached)."""
    if voucher.ledger_seq is None:
        seq = session.scalar(select(outbox_table.c.ledger_seq)
                             .where(outbox_table.c.event_id == voucher.settlement_event_id))
        if seq is None:
            return voucher
        _resign(voucher, trading, {"event_id": voucher.settlement_event_id, "seq": int(seq)})
        voucher.ledger_seq = int(seq)
    if "inclusion_proof" not in voucher.document.get("ledger", {}):
        proven = ledger_proof(trading.audit, voucher.ledger_seq)
        if proven is not None:
            _resign(voucher, trading, {"event_id": voucher.settlement_event_id,
                                       "seq": voucher.ledger_seq, **proven})
    return voucher


def _resign(voucher: TradeVoucher, trading: Trading, ledger: dict[str, Any]) -> None:
    document = {k: v for k, v in voucher.document.items() if k not in ("kid", "signature")}
    document["ledger"] = ledger
    voucher.document = trading.signer.sign(document)


def ledger_proof(audit: AuditClient, seq: int) -> dict[str, Any] | None:
    """The entry at ``seq``, its inclusion proof and the signed checkpoint it is proven
    against (a checkpoint is asked for when the latest does not cover the entry yet);
    ``None`` while the ledger cannot be reached or cannot prove it."""
    try:
        try:
            latest: CheckpointOut | None = audit.latest_checkpoint()
        except ApiProblem as problem:
            if problem.status != 404:
                raise
            latest = None
        if latest is None or latest.tree_size <= seq:
            latest = audit.sign_checkpoint()
        proof = audit.inclusion_proof(seq, latest.tree_size)
        entry = audit.entry(seq)
    except (ApiProblem, ServiceUnreachable):
        return None
    return {
        "entry": {name: getattr(entry, name) for name in
                  ("seq", "record", "kid", "signature", "recorded_at", "prev_hash")},
        "inclusion_proof": {"leaf_index": proof.leaf_index, "tree_size": proof.tree_size,
                            "leaf_hash": proof.leaf_hash, "audit_path": proof.audit_path},
        "checkpoint": {"log": latest.log, "tree_size": latest.tree_size,
                       "root_hash": latest.root_hash, "timestamp": latest.timestamp,
                       "kid": latest.kid, "signature": latest.signature},
    }
