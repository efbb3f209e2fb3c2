"""Demand routes: post, list, read, close, and the matching offers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.exchange.demands import service
from services.exchange.demands.schemas import DemandCreate, DemandOut, MatchOut
from services.exchange.offers.schemas import OfferOut
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import Buyer, CurrentPrincipal

router = APIRouter(tags=["demands"])


@router.post("/demands", status_code=status.HTTP_201_CREATED, response_model=DemandOut,
             summary="Post a demand (buyers)")
def post_demand(body: DemandCreate, uow: UnitOfWorkDep,
                actor: Buyer) -> DemandOut:
    """Open until the buyer closes it."""
    return DemandOut.model_validate(service.post_demand(
        uow, title=body.title, description=body.description, themes=body.themes,
        budget_fen=body.budget_fen, purpose_category=body.purpose_category.value, actor=actor))


@router.get("/demands", response_model=list[DemandOut],
            summary="The caller's demands, or every open demand (providers)")
def list_demands(session: SessionDep, actor: CurrentPrincipal,
                 scope: Annotated[str, Query(pattern="^(mine|open)$")] = "mine",
                 cursor: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[DemandOut]:
    """Newest first."""
    return [DemandOut.model_validate(d) for d in service.list_demands(
        session, actor, scope=scope, limit=limit, after=cursor)]


@router.get("/demands/{demand_id}", response_model=DemandOut, summary="One demand")
def get_demand(demand_id: str, session: SessionDep, actor: CurrentPrincipal) -> DemandOut:
    """Its buyer and regulators; providers while it is open."""
    return DemandOut.model_validate(service.visible_demand(session, demand_id, actor))


@router.post("/demands/{demand_id}/close", response_model=DemandOut,
             summary="Close a demand (its buyer)")
def close_demand(demand_id: str, uow: UnitOfWorkDep,
                 actor: CurrentPrincipal) -> DemandOut:
    """open → closed."""
    return DemandOut.model_validate(service.close_demand(uow, demand_id=demand_id,
                                                         actor=actor))


@router.get("/demands/{demand_id}/matches", response_model=list[MatchOut],
            summary="Offers ranked for a demand, with reasons (its buyer, regulators)")
def matches(demand_id: str, session: SessionDep, actor: CurrentPrincipal,
            limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[MatchOut]:
    """By text relevance, theme overlap, budget fit and quality; see ``score_bps``."""
    return [MatchOut(score_bps=m.score_bps, reasons=list(m.reasons),
                     offer=OfferOut.model_validate(o))
            for m, o in service.matches(session, demand_id=demand_id, actor=actor, limit=limit)]
