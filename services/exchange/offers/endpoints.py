"""Offer routes: publish, search, read, withdraw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.exchange.assets import repository as assets
from services.exchange.authorisations import service as authorisations
from services.exchange.market.pricing import Plan
from services.exchange.market.statuses import OfferStatus
from services.exchange.offers import repository, service
from services.exchange.offers.schemas import OfferCreate, OfferOut, OfferPage
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, OptionalPrincipal, Provider
from services.shared.bounds import MAX_INTEGER

router = APIRouter(tags=["offers"])


@router.post("/offers", status_code=status.HTTP_201_CREATED, response_model=OfferOut,
             summary="Offer a registered asset on a price plan (its owner)")
def create_offer(body: OfferCreate, uow: UnitOfWorkDep,
                 actor: Provider) -> OfferOut:
    """One-time, subscription or metered (graduated tiers), with an ODRL usage policy;
    offers over public bodies' data must respect the regulators' price caps."""
    return OfferOut.model_validate(service.create_offer(uow, body=body,
                                                        actor=actor))


@router.get("/offers", response_model=OfferPage, summary="Search offers (anyone)")
def list_offers(
    session: SessionDep,
    viewer: OptionalPrincipal,
    q: Annotated[str | None, Query(max_length=200, description="words in title or "
                                                               "description")] = None,
    theme: Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$")] = None,
    plan: Plan | None = None,
    provider: str | None = None,
    asset_id: str | None = None,
    dataset_id: Annotated[str | None, Query(max_length=40, description="offers on assets "
                                            "that pin this catalog dataset")] = None,
    max_price_fen: Annotated[int | None, Query(ge=0, le=MAX_INTEGER)] = None,
    include_withdrawn: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OfferPage:
    """Active offers, newest first; pass ``next_cursor`` back as ``cursor``. Offers over
    not-open data (不予开放) appear only to their provider, the organisations authorised
    to operate it, operators and regulators."""
    shown = list(OfferStatus) if include_withdrawn else [OfferStatus.ACTIVE]
    statuses = [s.value for s in shown]
    items = repository.search(session, q=q, theme=theme, plan=plan.value if plan else None,
                              provider=provider, asset_id=asset_id, max_price_fen=max_price_fen,
                              statuses=statuses, after=cursor, limit=limit,
                              asset_ids=assets.ids_pinning(session, dataset_id)
                              if dataset_id else None,
                              not_open_for=authorisations.not_open_scope(session, viewer))
    return OfferPage(items=[OfferOut.model_validate(o) for o in items],
                     next_cursor=items[-1].id if len(items) == limit else None)


@router.get("/offers/{offer_id}", response_model=OfferOut, summary="One offer (anyone)")
def get_offer(offer_id: str, session: SessionDep, viewer: OptionalPrincipal) -> OfferOut:
    """The offer with its terms, policy and terms hash (over not-open data: members
    only, 404 to anonymous callers)."""
    return OfferOut.model_validate(service.get_offer(session, offer_id, viewer=viewer))


@router.post("/offers/{offer_id}/withdraw", response_model=OfferOut,
             summary="Withdraw an offer (its provider)")
def withdraw_offer(offer_id: str, uow: UnitOfWorkDep,
                   actor: CurrentPrincipal) -> OfferOut:
    """active → withdrawn; orders already placed go on."""
    return OfferOut.model_validate(service.withdraw_offer(uow, offer_id=offer_id,
                                                          actor=actor))
