"""Valuing assets: the owner or an operator runs a method; the result and its report are
stored and recorded in the ledger. The market method draws its comparables from trades
settled on this exchange over assets that share a theme with the one valued."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.assets import service as assets
from services.exchange.assets.tables import Asset
from services.exchange.market.statuses import OrderState
from services.exchange.offers.tables import Offer
from services.exchange.orders.tables import Order
from services.exchange.trading.context import Trading
from services.exchange.unit_of_work import UnitOfWork
from services.exchange.valuation.model import (
    Comparable,
    CostInputs,
    IncomeInputs,
    MarketInputs,
    Valuation,
    value_by_cost,
    value_by_income,
    value_by_market,
)
from services.exchange.valuation.schemas import (
    CostRequest,
    IncomeRequest,
    MarketRequest,
    ValuationRequest,
)
from services.exchange.valuation.tables import Valuation as ValuationRow
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Forbidden, InvalidInput

COMPARABLE_POOL = 500


def _quality(asset: Asset, given: int | None) -> int:
    if given is not None:
        return given
    if asset.quality_score is None:
        raise InvalidInput("the catalog has no quality score for this asset's datasets yet; "
                           "give inputs.quality_score", slug="quality-score-unknown")
    return asset.quality_score


def comparables(session: Session, asset: Asset, now: datetime) -> list[Comparable]:
    """Settled, paid trades over other assets sharing a theme with ``asset``."""
    rows = session.execute(
        select(Order.id, Order.amount_fen, Order.refunded_fen, Order.closed_at,
               Offer.themes, Offer.quality_score, Asset.rows)
        .join(Offer, Offer.id == Order.offer_id).join(Asset, Asset.id == Order.asset_id)
        .where(Order.status == OrderState.SETTLED.value, Order.asset_id != asset.id,
               Order.amount_fen > 0)
        .order_by(Order.closed_at.desc()).limit(COMPARABLE_POOL)
    ).all()
    wanted = set(asset.themes)
    found = []
    for row in rows:
        if not wanted & set(row.themes or []):
            continue
        price = int(row.amount_fen) - int(row.refunded_fen or 0)
        age = (now - row.closed_at).days if row.closed_at else 0
        found.append(Comparable(row.id, price, row.quality_score, age, row.rows))
    return found


def compute(session: Session, trading: Trading, asset: Asset,
            request: ValuationRequest) -> Valuation:
    """Run the requested method on the asset."""
    if isinstance(request, CostRequest):
        i = request.inputs
        return value_by_cost(CostInputs(
            collection_fen=i.collection_fen, storage_fen=i.storage_fen,
            processing_fen=i.processing_fen, labour_fen=i.labour_fen,
            indirect_fen=i.indirect_fen, profit_rate_bps=i.profit_rate_bps,
            quality_score=_quality(asset, i.quality_score)))
    if isinstance(request, IncomeRequest):
        j = request.inputs
        return value_by_income(IncomeInputs(cash_flows_fen=tuple(j.cash_flows_fen),
                                            discount_rate_bps=j.discount_rate_bps,
                                            data_share_bps=j.data_share_bps))
    assert isinstance(request, MarketRequest)
    k = request.inputs
    return value_by_market(MarketInputs(
        quality_score=_quality(asset, k.quality_score),
        rows=k.rows if k.rows is not None else asset.rows,
        comparables=tuple(comparables(session, asset, utcnow())),
        min_comparables=trading.settings.market_min_comparables))


def value_asset(uow: UnitOfWork, *, asset_id: str,
                request: ValuationRequest, actor: Principal) -> ValuationRow:
    """Value an asset (its owner or an operator) and store the report."""
    asset = assets.visible_asset(uow.session, asset_id, actor)
    if asset.owner_org_id != actor.org and not actor.has_role("operator"):
        raise Forbidden("only the asset's owner or an operator values it",
                        slug="owner-or-operator")
    result = compute(uow.session, uow.trading, asset, request)
    report = result.report | {"asset_id": asset.id,
                              "asset_content_sha256": asset.content_sha256}
    row = ValuationRow(id=new_id("val"), asset_id=asset.id, method=result.method.value,
                       value_fen=result.value_fen, report=report,
                       report_sha256=canonical_sha256(report), created_by=actor.subject,
                       created_at=utcnow())
    uow.session.add(row)
    uow.record(type="asset.valued", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "valuation_id": row.id, "method": row.method,
                           "value_fen": row.value_fen, "report_sha256": row.report_sha256})
    return row


def valuations(session: Session, *, asset_id: str, actor: Principal) -> Sequence[ValuationRow]:
    """An asset's valuations, newest first (owner, operators, regulators)."""
    asset = assets.visible_asset(session, asset_id, actor)
    if asset.owner_org_id != actor.org and not actor.has_role("operator", "regulator"):
        raise Forbidden("valuations are shown to the owner, operators and regulators",
                        slug="owner-or-operator")
    return session.scalars(select(ValuationRow).where(ValuationRow.asset_id == asset.id)
                           .order_by(ValuationRow.id.desc())).all()
