"""Offer rules: only an asset's owner offers it, within price plans and public-data caps."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.exchange.assets import repository as assets_repository
from services.exchange.assets import service as assets
from services.exchange.market.authorised_operation import needs_authorisation
from services.exchange.market.eligibility import check_may_offer, check_withdrawable
from services.exchange.market.pricing import MeterUnit, Plan, PriceTerms, Tier, validate_terms
from services.exchange.market.public_pricing import check_cap
from services.exchange.market.rights import default_grant
from services.exchange.market.statuses import OfferStatus
from services.exchange.market.usage_policy import UsageTerms, check_usage, offer_policy
from services.exchange.offers import repository
from services.exchange.offers.schemas import OfferCreate
from services.exchange.offers.tables import Offer
from services.exchange.public_pricing import repository as public_pricing
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Forbidden, NotFound


def price_terms(offer: Offer) -> PriceTerms:
    """An offer's price plan as the pure pricing rules take it."""
    return PriceTerms(
        plan=Plan(offer.plan), price_fen=offer.price_fen, term_days=offer.term_days,
        period_days=offer.period_days, unit=MeterUnit(offer.unit) if offer.unit else None,
        tiers=tuple(Tier(t["up_to"], t["unit_price_fen"]) for t in offer.tiers),
    )


def usage_terms(offer: Offer) -> UsageTerms:
    """An offer's usage conditions."""
    usage = offer.usage
    return UsageTerms(purposes=tuple(usage["purposes"]), territory=usage["territory"],
                      onward_transfer=usage["onward_transfer"], attribution=usage["attribution"])


def terms_document(offer: Offer, asset_content_sha256: str) -> dict[str, Any]:
    """Everything a buyer agrees to by ordering: hashed into ``terms_sha256``."""
    return {"offer_id": offer.id, "asset_id": offer.asset_id,
            "asset_content_sha256": asset_content_sha256, "plan": offer.plan,
            "price_fen": offer.price_fen, "term_days": offer.term_days,
            "period_days": offer.period_days, "unit": offer.unit, "tiers": offer.tiers,
            "rights": offer.rights, "usage": offer.usage, "policy": offer.policy,
            **({"includes_updates": True} if offer.includes_updates else {})}


def create_offer(uow: UnitOfWork, *, body: OfferCreate,
                 actor: Principal) -> Offer:
    """Publish an offer over a registered asset of the caller's organisation."""
    asset = assets.visible_asset(uow.session, body.asset_id, actor)
    asked = body.rights_granted
    granted = check_may_offer(
        asset_owner_org=asset.owner_org_id, asset_status=asset.status, seller_org=actor.org,
        offered_rights=[str(r) for r in asked] if asked else default_grant(asset.rights),
        claimed_rights=asset.rights)
    tiers = tuple(Tier(t.up_to, t.unit_price_fen) for t in body.tiers)
    terms = validate_terms(PriceTerms(body.plan, body.price_fen, body.term_days,
                                      body.period_days, body.unit, tiers))
    cap = None
    if asset.public_data:
        cap = check_cap(terms, asset.themes, public_pricing.caps(uow.session, asset.themes))
    usage = check_usage(UsageTerms(purposes=tuple(str(p) for p in body.policy.purposes),
                                   territory=body.policy.territory,
                                   onward_transfer=body.policy.onward_transfer,
                                   attribution=body.policy.attribution))
    offer_id = new_id("off")
    assert actor.org is not None
    offer = Offer(
        id=offer_id, asset_id=asset.id, provider_org_id=actor.org, status=OfferStatus.ACTIVE.value,
        plan=terms.plan.value, price_fen=terms.price_fen, term_days=terms.term_days,
        period_days=terms.period_days, unit=terms.unit.value if terms.unit else None,
        tiers=[{"up_to": t.up_to, "unit_price_fen": t.unit_price_fen} for t in tiers],
        rights=granted,
        usage={"purposes": list(usage.purposes), "territory": usage.territory,
               "onward_transfer": usage.onward_transfer, "attribution": usage.attribution},
        policy=offer_policy(offer_id=offer_id, assigner_org=actor.org, asset_id=asset.id,
                            terms=usage, term_days=terms.term_days),
        terms_sha256="", includes_updates=body.includes_updates,
        title=body.title or asset.name,
        description=body.description or " ".join(d.title for d in asset.datasets),
        themes=list(asset.themes), keywords=list(asset.keywords),
        public_data=asset.public_data, grade=asset.grade,
        quality_score=asset.quality_score, cap_theme=cap[0] if cap else None,
        cap_fen=cap[1] if cap else None, created_by=actor.subject, created_at=utcnow(),
    )
    offer.terms_sha256 = canonical_sha256(terms_document(offer, asset.content_sha256))
    uow.session.add(offer)
    uow.session.flush()
    uow.record(type="offer.published", actor=actor.subject, subject=offer.id,
               payload={"offer_id": offer.id, "asset_id": asset.id,
                           "provider_org_id": offer.provider_org_id, "plan": offer.plan,
                           "price_fen": offer.price_fen, "term_days": offer.term_days,
                           "rights_granted": offer.rights, "tiers": offer.tiers,
                           "terms_sha256": offer.terms_sha256,
                           "public_data": offer.public_data, "cap_fen": offer.cap_fen})
    return offer


def get_offer(session: Session, offer_id: str, *,
              viewer: Principal | None = None) -> Offer:
    """An offer: public, except that one over not-open data is not shown to anonymous
    callers (404)."""
    offer = repository.offer(session, offer_id)
    if offer is None or (viewer is None and _over_not_open(session, offer)):
        raise NotFound(f"no offer {offer_id}")
    return offer


def _over_not_open(session: Session, offer: Offer) -> bool:
    asset = assets_repository.asset(session, offer.asset_id)
    return asset is not None and needs_authorisation(asset.open_type)


def withdraw_offer(uow: UnitOfWork, *, offer_id: str,
                   actor: Principal) -> Offer:
    """active → withdrawn (its provider); orders already made go on."""
    offer = get_offer(uow.session, offer_id, viewer=actor)
    if offer.provider_org_id != actor.org:
        raise Forbidden("only the offer's provider withdraws it", slug="owner-only")
    check_withdrawable(offer.status)
    offer.status, offer.withdrawn_at = OfferStatus.WITHDRAWN.value, utcnow()
    uow.record(type="offer.withdrawn", actor=actor.subject, subject=offer.id,
               payload={"offer_id": offer.id, "asset_id": offer.asset_id})
    return offer
