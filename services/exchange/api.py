"""Wires the exchange's routers into the app."""

from __future__ import annotations

from fastapi import FastAPI

from services.exchange.assets import endpoints as assets
from services.exchange.authorisations import endpoints as authorisations
from services.exchange.certificates import endpoints as certificates
from services.exchange.demands import endpoints as demands
from services.exchange.disputes import endpoints as disputes
from services.exchange.fees import endpoints as fees
from services.exchange.grants import endpoints as grants
from services.exchange.identity import endpoints as identity
from services.exchange.mfa import endpoints as mfa
from services.exchange.money import endpoints as accounts
from services.exchange.notifications import endpoints as notifications
from services.exchange.offers import endpoints as offers
from services.exchange.orders import endpoints as orders
from services.exchange.payouts import endpoints as payouts
from services.exchange.public_pricing import endpoints as public_pricing
from services.exchange.reconciliation import endpoints as reconciliation
from services.exchange.security_events import endpoints as security_events
from services.exchange.sessions import endpoints as sessions
from services.exchange.sign_in import endpoints as sign_in
from services.exchange.signatures import endpoints as signatures
from services.exchange.suspension import endpoints as suspension
from services.exchange.trading import endpoints as trading
from services.exchange.users import endpoints as users
from services.exchange.valuation import endpoints as valuation


def include_routes(app: FastAPI) -> None:
    """Mount every exchange router."""
    app.include_router(identity.well_known)
    app.include_router(identity.router, prefix="/v1")
    app.include_router(users.router, prefix="/v1")
    for router in (sessions.router, mfa.router, suspension.router):
        app.include_router(router, prefix="/v1")
    for router in (assets.router, valuation.router, certificates.router, offers.router,
                   public_pricing.router, demands.router, orders.router, grants.router,
                   grants.members,
                   disputes.router, accounts.router, trading.router, signatures.router,
                   notifications.router, payouts.router, fees.router, reconciliation.router,
                   authorisations.router, security_events.router, sign_in.router):
        app.include_router(router, prefix="/v1")
