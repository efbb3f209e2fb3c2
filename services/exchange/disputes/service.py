"""Dispute rules: a party opens one within the window after delivery, citing ledger
entries of the order as evidence, which freezes settlement; the other party may answer
with its statement and evidence until the answer deadline; then a regulator rules,
citing the evidence, and money and the grant follow the ruling.

Outcomes: ``refund_full`` (all back to the buyer, grant revoked → refunded),
``refund_partial`` (``refund_fen`` back to the buyer, the rest settled to the provider
less the fee, grant kept → settled), ``reject`` (settled in full, grant kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.clients import AuditClient
from services.exchange.disputes import model
from services.exchange.disputes.casefile import build_case_file
from services.exchange.disputes.evidence import ledger_view, order_entries, resolve_evidence
from services.exchange.disputes.tables import Dispute
from services.exchange.grants.service import grant_of_order
from services.exchange.market.statuses import DisputeStatus
from services.exchange.orders.model import OrderAction, Party
from services.exchange.orders.moves import load_order, move
from services.exchange.orders.settlement import release_escrow
from services.exchange.orders.tables import Order
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound
from services.shared.schemas.ledger import EntryOut

OUTCOME_ACTIONS = {
    "refund_full": OrderAction.RULE_REFUND_FULL,
    "refund_partial": OrderAction.RULE_REFUND_PARTIAL,
    "reject": OrderAction.RULE_REJECT,
}


def open_dispute(uow: UnitOfWork, *, order_id: str,
                 reason: str, evidence: list[dict[str, Any]], actor: Principal) -> Dispute:
    """paid or delivered → disputed, within the dispute window, by either party."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    if party not in (Party.BUYER, Party.PROVIDER):
        raise Forbidden("only the buyer or the provider disputes an order",
                        slug="parties-only")
    cited = resolve_evidence(uow.trading.audit, evidence, order_id=order.id,
                             grant_ids=order_grant_ids(uow.session, order.id),
                             cited_by=party.value)
    now = utcnow()
    due = now + timedelta(seconds=uow.trading.settings.dispute_answer_window_seconds)
    dispute = Dispute(id=new_id("dsp"), order_id=order.id, opened_by=actor.subject,
                      opened_by_org_id=str(actor.org), opened_by_role=party.value,
                      reason=reason, evidence=cited, status=DisputeStatus.OPEN.value,
                      answer_due_at=due, created_at=now)
    move(uow, order, OrderAction.DISPUTE, party=party, actor=actor.subject,
         clock=uow.trading.clock, now=now,
         payload={"dispute_id": dispute.id, "opened_by_org_id": actor.org,
                  "opened_by_role": party.value, "reason_sha256": text_sha256(reason),
                  "evidence": ledger_view(cited),
                  "answer_due_at": rfc3339(due)})
    uow.session.add(dispute)
    return dispute


def order_grant_ids(session: Session, order_id: str) -> list[str]:
    """The ids of the grants the order's payment issued (downloads under them are
    evidence about the order)."""
    grant = grant_of_order(session, order_id)
    return [grant.id] if grant is not None else []


def answer_due(dispute: Dispute, settings_window: timedelta) -> datetime:
    """When the respondent's answer is due (disputes opened before deadlines existed:
    one window after opening)."""
    return dispute.answer_due_at or dispute.created_at + settings_window


def _locked_dispute(session: Session, dispute_id: str) -> Dispute:
    dispute = session.scalars(select(Dispute).where(Dispute.id == dispute_id)
                              .with_for_update()).first()
    if dispute is None:
        raise NotFound(f"no dispute {dispute_id}")
    return dispute


def answer(uow: UnitOfWork, *, dispute_id: str, statement: str,
           evidence: list[dict[str, Any]], actor: Principal) -> Dispute:
    """The respondent's statement and evidence, once, before the deadline."""
    dispute = _locked_dispute(uow.session, dispute_id)
    try:
        order, party = load_order(uow.session, dispute.order_id, actor)
    except NotFound:
        raise NotFound(f"no dispute {dispute_id}") from None
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict("the dispute has already been ruled on", slug="invalid-transition")
    now = utcnow()
    window = timedelta(seconds=uow.trading.settings.dispute_answer_window_seconds)
    model.check_may_answer(
        caller_org=actor.org if party in (Party.BUYER, Party.PROVIDER) else None,
        opened_by_org=dispute.opened_by_org_id,
        party_orgs=(order.buyer_org_id, order.provider_org_id),
        answered=dispute.answered_at is not None, due=answer_due(dispute, window), now=now)
    cited = resolve_evidence(uow.trading.audit, evidence, order_id=order.id,
                             grant_ids=order_grant_ids(uow.session, order.id),
                             cited_by=party.value)
    dispute.answer, dispute.answer_evidence = statement, cited
    dispute.answered_by, dispute.answered_by_org_id = actor.subject, actor.org
    dispute.answered_at = now
    uow.record(type="dispute.answered", actor=actor.subject, subject=order.id, payload={
        "dispute_id": dispute.id, "order_id": order.id, "answered_by_org_id": actor.org,
        "answered_by_role": party.value, "statement_sha256": text_sha256(statement),
        "evidence": ledger_view(cited)}, occurred_at=now)
    return dispute


def rule(uow: UnitOfWork, *, dispute_id: str, outcome: str, refund_fen: int | None,
         reason: str, cited: list[int], actor: Principal) -> Dispute:
    """A regulator's ruling on an open dispute; the money and the grant follow it."""
    dispute = _locked_dispute(uow.session, dispute_id)
    order, party = load_order(uow.session, dispute.order_id, actor, for_update=True)
    if party is not Party.REGULATOR:
        raise Forbidden("disputes are ruled by regulators", slug="role-required")
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict("the dispute has already been ruled on", slug="invalid-transition")
    refund = _refund_amount(order, outcome, refund_fen)
    model.check_citations(cited, [e["ledger_seq"] for e in case_evidence(dispute)])
    now = utcnow()
    window = timedelta(seconds=uow.trading.settings.dispute_answer_window_seconds)
    model.check_ready_for_ruling(answered=dispute.answered_at is not None,
                                 due=answer_due(dispute, window), now=now)
    dispute.cited_evidence = sorted(set(cited))
    dispute.status, dispute.outcome, dispute.refund_fen = (DisputeStatus.RULED.value, outcome,
                                                           refund)
    dispute.ruling_reason, dispute.ruled_by, dispute.ruled_at = reason, actor.subject, now
    release_escrow(uow, order, OUTCOME_ACTIONS[outcome], party=party,
                   actor=actor.subject, refund_fen=refund, now=now,
                   payload={"dispute_id": dispute.id, "outcome": outcome,
                            "ruling_reason_sha256": text_sha256(reason),
                            "cited_evidence": dispute.cited_evidence})
    return dispute


def case_evidence(dispute: Dispute) -> list[dict[str, Any]]:
    """Both sides' checked evidence (items of disputes opened before evidence was
    checked, which lack an entry hash, are left out)."""
    return [e for e in [*dispute.evidence, *(dispute.answer_evidence or [])]
            if "entry_hash" in e]


def case_file(session: Session, audit: AuditClient, dispute: Dispute,
              shown: dict[str, Any]) -> dict[str, Any]:
    """The dispute's case file with every evidence item's inclusion proof."""
    return build_case_file(audit, dispute=shown,
                           grant_ids=order_grant_ids(session, dispute.order_id),
                           evidence=case_evidence(dispute))


def citable_entries(session: Session, audit: AuditClient, order_id: str,
                    actor: Principal) -> list[EntryOut]:
    """The order's ledger entries its parties (and regulators) may cite."""
    order, _party = load_order(session, order_id, actor)
    return order_entries(audit, order.id, order_grant_ids(session, order.id))


def _refund_amount(order: Order, outcome: str, refund_fen: int | None) -> int:
    if outcome == "refund_full":
        if refund_fen not in (None, order.amount_fen):
            raise InvalidInput(f"a full refund is the order's {order.amount_fen} fen",
                               slug="invalid-refund")
        return order.amount_fen
    if outcome == "reject":
        if refund_fen not in (None, 0):
            raise InvalidInput("a rejected dispute refunds nothing", slug="invalid-refund")
        return 0
    if refund_fen is None or not 0 < refund_fen < order.amount_fen:
        raise InvalidInput(f"a partial refund needs refund_fen between 1 and "
                           f"{order.amount_fen - 1} fen", slug="invalid-refund")
    return refund_fen


def visible_dispute(session: Session, dispute_id: str, actor: Principal) -> Dispute:
    """A dispute its order's parties and regulators may see (404 for anyone else)."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"no dispute {dispute_id}")
    try:
        load_order(session, dispute.order_id, actor)
    except NotFound:
        raise NotFound(f"no dispute {dispute_id}") from None
    return dispute


def list_disputes(session: Session, actor: Principal, *, status: str | None,
                  after: str | None, limit: int) -> Sequence[Dispute]:
    """Disputes the caller may see, newest first."""
    stmt = select(Dispute).order_by(Dispute.id.desc()).limit(limit)
    if not actor.has_role("regulator"):
        if actor.org is None:
            raise Forbidden("disputes are listed for members", slug="members-only")
        stmt = stmt.join(Order, Order.id == Dispute.order_id).where(
            or_(Order.buyer_org_id == actor.org, Order.provider_org_id == actor.org))
    if status:
        stmt = stmt.where(Dispute.status == status)
    if after:
        stmt = stmt.where(Dispute.id < after)
    return session.scalars(stmt).all()
