"""Demand rules: buyers post what they need; the exchange ranks active offers for it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.demands.matching import DemandFacts, Match, OfferFacts, rank
from services.exchange.demands.tables import Demand
from services.exchange.market.pricing import Plan, quote
from services.exchange.market.statuses import DemandStatus
from services.exchange.offers import repository as offers
from services.exchange.offers.service import price_terms
from services.exchange.offers.tables import Offer
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, NotFound

MATCH_POOL = 1000


def post_demand(uow: UnitOfWork, *, title: str, description: str,
                themes: list[str], budget_fen: int, purpose_category: str,
                actor: Principal) -> Demand:
    """A buyer's demand, open until closed."""
    if actor.org is None:
        raise Forbidden("demands are posted by member organisations", slug="members-only")
    demand = Demand(id=new_id("dmd"), buyer_org_id=actor.org, title=title,
                    description=description, themes=sorted(set(themes)), budget_fen=budget_fen,
                    purpose_category=purpose_category, status=DemandStatus.OPEN.value,
                    created_by=actor.subject,
                    created_at=utcnow())
    uow.session.add(demand)
    uow.record(type="demand.posted", actor=actor.subject, subject=demand.id,
               payload={"demand_id": demand.id, "buyer_org_id": actor.org,
                           "themes": demand.themes, "budget_fen": budget_fen,
                           "purpose_category": purpose_category,
                           "text_sha256": canonical_sha256([title, description])})
    return demand


def visible_demand(session: Session, demand_id: str, actor: Principal) -> Demand:
    """A demand its buyer and regulators see, and providers while it is open."""
    demand = session.get(Demand, demand_id)
    if demand is None or not (
        demand.buyer_org_id == actor.org or actor.has_role("regulator")
        or (demand.status == DemandStatus.OPEN and actor.has_role("provider"))
    ):
        raise NotFound(f"no demand {demand_id}")
    return demand


def close_demand(uow: UnitOfWork, *, demand_id: str,
                 actor: Principal) -> Demand:
    """open → closed, by its buyer."""
    demand = visible_demand(uow.session, demand_id, actor)
    if demand.buyer_org_id != actor.org:
        raise Forbidden("only the demand's buyer closes it", slug="owner-only")
    if demand.status != DemandStatus.OPEN:
        raise Conflict("the demand is already closed", slug="invalid-transition")
    demand.status, demand.closed_at = DemandStatus.CLOSED.value, utcnow()
    uow.record(type="demand.closed", actor=actor.subject, subject=demand.id,
               payload={"demand_id": demand.id, "buyer_org_id": demand.buyer_org_id})
    return demand


def list_demands(session: Session, actor: Principal, *, scope: str, limit: int,
                 after: str | None) -> Sequence[Demand]:
    """``mine``: the caller's demands; ``open``: every open demand (providers and
    regulators), so that providers can answer them with offers."""
    stmt = select(Demand).order_by(Demand.id.desc()).limit(limit)
    if scope == "open":
        if not actor.has_role("provider", "regulator"):
            raise Forbidden("open demands are listed for providers and regulators",
                            slug="role-required")
        stmt = stmt.where(Demand.status == DemandStatus.OPEN.value)
    else:
        if actor.org is None:
            raise Forbidden("demands are listed for members", slug="members-only")
        stmt = stmt.where(Demand.buyer_org_id == actor.org)
    if after:
        stmt = stmt.where(Demand.id < after)
    return session.scalars(stmt).all()


def reference_price(offer: Offer) -> int:
    """An offer's price for comparison with a budget: the whole term for one-time and
    subscription offers, 1,000 units for metered ones."""
    terms = price_terms(offer)
    return quote(terms, quantity=1000 if terms.plan is Plan.METERED else None).amount_fen


def matches(session: Session, *, demand_id: str, actor: Principal,
            limit: int) -> list[tuple[Match, Offer]]:
    """Active offers ranked for a demand (its buyer and regulators)."""
    demand = visible_demand(session, demand_id, actor)
    if demand.buyer_org_id != actor.org and not actor.has_role("regulator"):
        raise Forbidden("matches are shown to the demand's buyer", slug="owner-only")
    pool = {o.id: o for o in offers.active_offers(session, limit=MATCH_POOL)
            if o.provider_org_id != demand.buyer_org_id}
    facts = [OfferFacts(o.id, " ".join([o.title, o.description, *o.keywords]), tuple(o.themes),
                        reference_price(o), o.quality_score) for o in pool.values()]
    ranked = rank(DemandFacts(f"{demand.title} {demand.description}", tuple(demand.themes),
                              demand.budget_fen), facts, limit=limit)
    return [(m, pool[m.offer_id]) for m in ranked]
