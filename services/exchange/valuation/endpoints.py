"""Valuation routes."""

from __future__ import annotations

from fastapi import APIRouter, Body, status

from services.exchange.unit_of_work import UnitOfWorkDep
from services.exchange.valuation import service
from services.exchange.valuation.schemas import ValuationOut, ValuationRequest
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal

router = APIRouter(tags=["valuation"])

EXAMPLE = {"method": "cost", "inputs": {
    "collection_fen": 1_000_000, "storage_fen": 200_000, "processing_fen": 300_000,
    "labour_fen": 400_000, "indirect_fen": 100_000, "profit_rate_bps": 1500}}


@router.post("/assets/{asset_id}/valuations", status_code=status.HTTP_201_CREATED,
             response_model=ValuationOut, summary="Value an asset (its owner, operators)")
def value_asset(asset_id: str, uow: UnitOfWorkDep, actor: CurrentPrincipal,
                body: ValuationRequest = Body(examples=[EXAMPLE])) -> ValuationOut:
    """``cost``, ``income`` or ``market`` → ``{value_fen, method, report}``; the report
    shows the inputs and every step, and its hash is recorded in the ledger."""
    row = service.value_asset(uow, asset_id=asset_id, request=body,
                              actor=actor)
    return ValuationOut.model_validate(row)


@router.get("/assets/{asset_id}/valuations", response_model=list[ValuationOut],
            summary="An asset's valuations (owner, operators, regulators)")
def list_valuations(asset_id: str, session: SessionDep,
                    actor: CurrentPrincipal) -> list[ValuationOut]:
    """Newest first."""
    return [ValuationOut.model_validate(v)
            for v in service.valuations(session, asset_id=asset_id, actor=actor)]
